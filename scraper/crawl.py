"""Run uninews spiders in one Scrapy process and say what they archived.

The CLI builds the settings (`crawl_settings`) and a list of steps (crawl jobs, or a
function between them), `run_plan` runs them under one reactor
(so `uninews demo` can crawl, change the site and crawl again), and returns a
CrawlSummary dataclass the CLI prints as text or JSON. A job may carry settings of its own
(scraper.multisite: several sites, each with its budget and politeness, in one step).
`crawl_lock` keeps two crawls of one site into one archive from overlapping.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archive.health import HEALTH_KEY
from archive.health import describe as describe_health
from archive.outcomes import NOT_PAGES_SQL, OUTCOMES
from scraper import __version__
from scraper.startup import start_failure

if TYPE_CHECKING:
    from scrapy.settings import Settings

NO_PAGE = "no page could be fetched (see the log with -v)"


@dataclass(frozen=True)
class CrawlJob:
    spider: str  # news | pages
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    # Settings of this job alone (a site's page budget and politeness when several sites
    # crawl together); None: the plan's settings.
    settings: Settings | None = field(default=None, compare=False)


def jobs_for(spider: str | None, generic: bool, kwargs: Mapping[str, Any]) -> list[CrawlJob]:
    """A site's jobs: the spider asked for, or news and pages (news alone without a profile)."""
    names = [spider] if spider and spider != "all" else ["news"] if generic else ["news", "pages"]
    return [CrawlJob(name, kwargs) for name in names]


# A step is the jobs that run together, or a plain function run between crawls.
Step = Sequence[CrawlJob] | Callable[[], Any]


@dataclass
class RunResult:
    spider: str
    site: str
    run_id: int | None
    status: str
    seconds: float
    counts: dict[str, int]
    requests: int
    error: str | None = None  # why a failed run failed, in one line
    stats: dict[str, Any] = field(repr=False, default_factory=dict)
    # hosts not crawled because their robots.txt was unreachable (RFC 9309), with why
    robots_unreachable: list[str] = field(default_factory=list)
    # extraction health against the site's recent runs (archive.health): `alarm`, `drops`
    health: dict[str, Any] | None = None
    # interrupted runs this one resumed, and the page requests it skipped as captured there
    resumed_from: list[int] = field(default_factory=list)
    resume_skipped: int = 0
    # pages a `--to-redis` worker handed to the ingest stream (it has no archive to count
    # outcomes in: `uninews ingest` gives the run its row and counts), and the run's key there
    handed_over: int = 0
    ingest_run: str | None = None

    @property
    def alarm(self) -> bool:
        return bool(self.health and self.health.get("alarm"))

    @property
    def pages(self) -> int:
        return sum(self.counts.values())


@dataclass
class CrawlSummary:
    runs: list[RunResult]

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(r.status == "finished" for r in self.runs)

    @property
    def alarms(self) -> list[RunResult]:
        """Runs whose article pages lost fields their site's recent runs had."""
        return [r for r in self.runs if r.alarm]

    def totals(self) -> dict[str, int]:
        return {k: sum(r.counts.get(k, 0) for r in self.runs) for k in OUTCOMES}

    def to_dict(self) -> dict[str, Any]:
        runs = [{k: v for k, v in asdict(r).items() if k != "stats"} for r in self.runs]
        return {"ok": self.ok, "alarm": bool(self.alarms), "totals": self.totals(), "runs": runs}

    def text(self) -> str:
        lines = []
        for r in self.runs:
            counts = ", ".join(f"{r.counts.get(k, 0)} {k}" for k in OUTCOMES if r.counts.get(k))
            if r.ingest_run:
                lines.append(
                    f"{r.spider} ({r.site}) ingest run {r.ingest_run}: {r.status}, "
                    f"{r.handed_over} pages in {r.seconds:.1f}s handed over to uninews ingest"
                )
            else:
                lines.append(
                    f"{r.spider} ({r.site}) run {r.run_id}: {r.status}, {r.pages} pages "
                    f"in {r.seconds:.1f}s: {counts or 'nothing archived'}"
                )
            if r.error:
                lines.append(f"  error: {r.error}")
            for host in r.robots_unreachable:
                lines.append(f"  not crawled, robots.txt unreachable: {host}")
            if r.resumed_from:
                runs = ", ".join(map(str, r.resumed_from))
                lines.append(
                    f"  resumed interrupted run {runs}: {r.resume_skipped} pages skipped "
                    "as already captured"
                )
            if r.health and r.alarm:
                lines.append(f"  template alarm: {describe_health(r.health)}")
        return "\n".join(lines)


def user_agent(contact: str) -> str:
    return f"uninews/{__version__} (+{contact})" if contact else f"uninews/{__version__}"


def crawl_settings(
    *,
    db: str,
    profile_politeness: Mapping[str, Any] | None = None,
    max_pages: int = 0,
    revisit: str = "all",
    contact: str | None = None,
    redis_url: str | None = None,
    to_redis: bool = False,
    crawl_key: str = "",
    overrides: Mapping[str, Any] | None = None,
    log_level: str = "WARNING",
) -> Settings:
    """Project settings < profile [politeness] < options < -s NAME=VALUE."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("scraper.settings", priority="project")
    for key, value in (profile_politeness or {}).items():
        settings.set(key.upper(), value, priority="spider")
    options: dict[str, Any] = {
        "UNINEWS_DB": db,
        "UNINEWS_MAX_PAGES": max_pages,
        "UNINEWS_REVISIT": revisit,
        "LOG_LEVEL": log_level,
    }
    if contact:
        options["UNINEWS_CONTACT"] = contact
        options["USER_AGENT"] = user_agent(contact)
    settings.setdict(options, priority="cmdline")
    settings.setdict(dict(overrides or {}), priority="cmdline")
    if "USER_AGENT" not in (overrides or {}):  # -s UNINEWS_CONTACT=... rebuilds it too
        settings.set("USER_AGENT", user_agent(settings["UNINEWS_CONTACT"]), priority="cmdline")
    if redis_url:
        # Workers of one crawl share a queue and a dupefilter under keys named for the site
        # and the crawl (UNINEWS_CRAWL_ID, default the current UTC hour); none deletes them
        # on close, since another worker may still be busy. They expire a day later. What a
        # worker has taken stays in its in-flight hash until done, and goes back to the queue
        # if the worker stops beating (scraper.scheduler).
        crawl_id = settings.get("UNINEWS_CRAWL_ID") or time.strftime("%Y-%m-%dT%H", time.gmtime())
        prefix = f"uninews:{crawl_key or 'crawl'}:{crawl_id}:%(spider)s"
        settings.setdict(
            {
                "SCHEDULER": "scraper.scheduler.Scheduler",
                "SCHEDULER_QUEUE_CLASS": "scraper.scheduler.InflightQueue",
                "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
                "SCHEDULER_PERSIST": True,
                "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
                "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
                "REDIS_URL": redis_url,
                "UNINEWS_REDIS_EXPIRE": settings.getint("UNINEWS_REDIS_EXPIRE", 86400),
            },
            priority="cmdline",
        )
        extensions = settings.getdict("EXTENSIONS")
        extensions["scraper.extensions.redis_expiry.RedisExpiry"] = 600
        settings.set("EXTENSIONS", extensions, priority="cmdline")
    if redis_url and to_redis:
        # No archive here: captures go to the ingest stream, validators come from Redis.
        pipelines = settings.getdict("ITEM_PIPELINES")
        pipelines.pop("scraper.pipelines.archive.ArchivePipeline", None)
        pipelines["scraper.pipelines.stream.StreamPipeline"] = 300
        settings.setdict({
            "UNINEWS_TO_REDIS": True,
            "ITEM_PIPELINES": pipelines,
            "UNINEWS_VALIDATORS_STORE": "scraper.middlewares.conditional.RedisValidators",
        }, priority="cmdline")  # fmt: skip
    return settings


def run_plan(settings: Settings, steps: Sequence[Step], verbose: bool = False) -> CrawlSummary:
    """Run the steps in order under one reactor; return every spider run's result."""
    from scrapy.utils.reactor import install_reactor

    install_reactor(settings["TWISTED_REACTOR"], settings["ASYNCIO_EVENT_LOOP"])
    from twisted.internet import defer, reactor
    from twisted.python.failure import Failure

    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    process = _process_class()(settings)
    quiet_scrapy_logging(verbose)
    results: list[RunResult] = []
    failure: list[BaseException] = []

    @defer.inlineCallbacks
    def main() -> Any:
        for step in steps:
            if callable(step):
                step()
                continue
            crawlers, deferreds, ended = [], [], {}
            started = time.monotonic()
            for job in step:
                crawler = process.create_crawler(job_crawler(process, job))
                crawlers.append(crawler)
                deferred = process.crawl(crawler, **dict(job.kwargs))
                deferred.addBoth(_timed, ended, len(crawlers) - 1)
                deferreds.append(deferred)
            outcomes = yield defer.DeferredList(deferreds, consumeErrors=True)
            for n, (crawler, (ok, value)) in enumerate(zip(crawlers, outcomes, strict=True)):
                cause = None if ok else start_failure(value.value, crawler.settings)
                seconds = ended.get(n, time.monotonic()) - started
                results.append(run_result(crawler, seconds, cause))

    def done(result: Any) -> None:
        if isinstance(result, Failure):
            failure.append(result.value)
        if reactor.running:
            reactor.stop()

    reactor.callWhenRunning(lambda: main().addBoth(done))
    process.start(stop_after_crawl=False)
    if failure:
        raise failure[0]
    return CrawlSummary(results)


def _timed(result: Any, ended: dict[int, float], n: int) -> Any:
    """Note when crawler n ended (sites crawled together end at different times)."""
    ended[n] = time.monotonic()
    return result


def job_crawler(process: Any, job: CrawlJob) -> Any:
    """The job's spider name, or a Crawler of its own when the job has settings of its own."""
    if job.settings is None:
        return job.spider
    from scrapy.crawler import Crawler

    job.settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    return Crawler(process.spider_loader.load(job.spider), job.settings)


def _process_class() -> type:
    from scrapy.crawler import Crawler, CrawlerProcess

    class Process(CrawlerProcess):
        """Scrapy's process, except that a Crawler handed in keeps its own settings whole
        (Scrapy would lay the process's settings over them, one site's budget over all)."""

        def create_crawler(self, crawler_or_spidercls: Any) -> Any:
            if isinstance(crawler_or_spidercls, Crawler):
                return crawler_or_spidercls
            return super().create_crawler(crawler_or_spidercls)

    return Process


def run_result(crawler: Any, seconds: float, cause: str | None = None) -> RunResult:
    """What one spider run did; `cause`: why it ended as it started, when it did."""
    stats = dict(crawler.stats.get_stats() if crawler.stats else {})
    spider = crawler.spider
    counts = {k: int(stats.get(f"uninews/{k}", 0)) for k in OUTCOMES}
    status = stats.get("uninews/run_status")
    if status is None:
        fetched = stats.get("downloader/response_count", 0)
        status = "finished" if fetched and stats.get("finish_reason") == "finished" else "failed"
    failed = cause or NO_PAGE
    return RunResult(
        spider=crawler.spidercls.name,
        site=getattr(spider, "site_name", "") if spider else "",
        run_id=stats.get("uninews/run_id"),
        status=status,
        seconds=round(seconds, 3),
        counts=counts,
        requests=int(stats.get("downloader/request_count", 0)),
        error=stats.get("uninews/run_error") or (None if status == "finished" else failed),
        stats=stats,
        robots_unreachable=list(stats.get("uninews/robots_unreachable_hosts", [])),
        health=stats.get(HEALTH_KEY),
        resumed_from=list(stats.get("uninews/resumed_from", [])),
        resume_skipped=int(stats.get("uninews/resume_skipped", 0)),
        handed_over=int(stats.get("uninews/handed_over", 0)),
        ingest_run=stats.get("uninews/ingest_run"),
    )


class OneLineFormatter(logging.Formatter):
    """Log lines without tracebacks: an operator reads what failed, -v shows where."""

    def format(self, record: logging.LogRecord) -> str:
        record = logging.makeLogRecord(record.__dict__)
        record.exc_info = record.exc_text = record.stack_info = None
        return super().format(record)


def quiet_scrapy_logging(verbose: bool) -> None:
    """Scrapy's own log at WARNING unless -v; progress lines always at INFO on stderr."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        fmt = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"
        handler.setFormatter(logging.Formatter(fmt) if verbose else OneLineFormatter(fmt))
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    logging.getLogger("scraper.extensions.progress").setLevel(logging.INFO)
    for name in ("scrapy", "twisted", "py.warnings"):
        logging.getLogger(name).setLevel(logging.INFO if verbose else logging.WARNING)


@dataclass(frozen=True)
class PageChange:
    """One page a run archived as new, changed, gone, redirected or restricted."""

    outcome: str
    url: str
    version: int | None = None
    changed_fields: tuple[str, ...] = ()
    redirect_to: str | None = None


def run_changes(db: str, run_ids: Sequence[int]) -> list[PageChange]:
    """What the given runs changed in the archive, for a person to read."""
    import json

    from archive import Archive

    if not run_ids:
        return []
    marks = ", ".join("?" * len(run_ids))
    sql = (
        "SELECT c.outcome, c.url, c.redirect_to, v.version, v.changed_fields FROM captures c "
        "LEFT JOIN versions v ON v.capture_id = c.id "
        f"WHERE c.run_id IN ({marks}) AND c.kind NOT IN {NOT_PAGES_SQL} AND c.outcome IN "
        "('new', 'changed', 'gone', 'redirected', 'restricted') ORDER BY c.outcome, c.url"
    )
    with Archive.open(db, create=False) as arc:
        rows = list(arc.conn.execute(sql, tuple(run_ids)))
    return [
        PageChange(
            r["outcome"],
            r["url"],
            r["version"],
            tuple(json.loads(r["changed_fields"] or "[]")),
            r["redirect_to"],
        )
        for r in rows
    ]


class CrawlLocked(RuntimeError):
    """Another crawl of the same site into the same archive is still running."""


@contextlib.contextmanager
def crawl_lock(db: str, key: str) -> Iterator[None]:
    """Hold a lock file beside the archive so scheduled crawls of one site never overlap.

    The operating system drops the lock when the process ends, however it ends. A crawl that
    ends normally removes the file while it still holds the lock; whoever opened the file
    meanwhile finds, once it holds the lock, that the path no longer names the file it
    locked, and starts again on a new file, so two crawls never hold locks on two files.
    """
    path = Path(f"{db}.{lock_name(key)}.lock")
    handle = _locked(path, db, key)
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        handle.close()


def lock_name(key: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in key)


def _locked(path: Path, db: str, key: str) -> Any:
    """The lock file, opened and locked, still at `path` (CrawlLocked when another holds it)."""
    import fcntl

    while True:
        handle = path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            owner = handle.read().strip() or "?"
            handle.close()
            raise CrawlLocked(
                f"another crawl of {key} into {db} is running (pid {owner}); "
                "wait for it, or use --redis to add workers to it"
            ) from None
        except BaseException:
            handle.close()
            raise
        try:
            same = os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return handle
        handle.close()  # the crawl that held it removed it: lock the file now at the path
