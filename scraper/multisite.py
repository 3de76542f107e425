"""Many sites in one crawl: which are due, their locks, their jobs, their results per site.

Every site's spiders run at once in one Scrapy process (scraper.crawl.run_plan, one reactor).
Each spider has a crawler, and so a downloader, of its own with its site's settings: the
profile's [politeness] (per-domain concurrency and delay) keeps each host's pace whatever
the other sites do, and each site keeps its own page budget. No scheduler of our own.
A `--to-redis` worker has no archive: which sites are due comes from what `uninews ingest`
published to Redis (scraper.ingest.mirror), and no site is locked, since workers share each
site's crawl.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from archive.outcomes import OUTCOMES
from archive.times import stored_instant
from scraper.crawl import CrawlLocked, RunResult, crawl_lock, crawl_settings, jobs_for, run_plan
from scraper.discovery.scope import check_start_url, netloc_of
from scraper.sites import Profile, ProfileError, load_profile
from scraper.sites.sitesfile import SiteEntry


@dataclass(frozen=True)
class Site:
    """One site to crawl: its name in the archive (the profile's name, or the start URL's
    host), the spiders' arguments, its page budget and how often it is due."""

    name: str
    kwargs: Mapping[str, Any]
    profile: Profile | None = None
    max_pages: int = 0
    every: timedelta | None = None


def site_of(entry: SiteEntry, max_pages: int = 0) -> Site:
    """A Site from a profile name or path, or a start URL (ProfileError, ScopeError if bad)."""
    budget = entry.max_pages if entry.max_pages is not None else max_pages
    if entry.start_url:
        check_start_url(entry.start_url)
        kwargs = {"start_url": entry.start_url}
        return Site(netloc_of(entry.start_url), kwargs, None, budget, entry.every)
    profile = checked_profile(entry.profile or "")
    return Site(profile.name, {"site": entry.profile}, profile, budget, entry.every)


def checked_profile(name: str) -> Profile:
    """A profile that has somewhere to start (a crawl of one that has not fetches nothing)."""
    profile = load_profile(name)
    if not profile.start_points():
        raise ProfileError(
            f"profile {name} has no start points: give [discovery] feeds, sitemaps, listings "
            "or sections"
        )
    return profile


def distinct(sites: Sequence[Site]) -> list[Site]:
    """The sites, each once: two entries for one site would fight over its lock."""
    seen: set[str] = set()
    for site in sites:
        if site.name in seen:
            raise ProfileError(f"site {site.name} is named twice: give each site once")
        seen.add(site.name)
    return list(sites)


@dataclass
class SiteResult:
    site: str
    status: str  # finished | failed | locked | skipped
    runs: list[RunResult] = field(default_factory=list)
    note: str | None = None  # why it was skipped or not crawled

    @property
    def ok(self) -> bool:
        return self.status in ("finished", "skipped")

    def totals(self) -> dict[str, int]:
        return {k: sum(r.counts.get(k, 0) for r in self.runs) for k in OUTCOMES}

    def errors(self) -> list[str]:
        found = [r.error for r in self.runs if r.status != "finished" and r.error]
        return list(dict.fromkeys(found if self.runs else [self.note or self.status]))

    def line(self) -> str:
        if not self.runs:
            return f"{self.site}: {self.status}: {self.note}"
        if all(r.ingest_run for r in self.runs):  # a `--to-redis` worker: nothing archived here
            keys = ", ".join(str(r.ingest_run) for r in self.runs)
            handed = sum(r.handed_over for r in self.runs)
            seconds = max(r.seconds for r in self.runs)
            lines = [f"{self.site}: {self.status}, {handed} pages in {seconds:.1f}s handed over "
                     f"to uninews ingest (ingest runs {keys})"]  # fmt: skip
            lines += [f"  error: {e}" for e in self.errors()]
            return "\n".join(lines)
        counts = ", ".join(f"{v} {k}" for k, v in self.totals().items() if v)
        ids = ", ".join(str(r.run_id) for r in self.runs)
        pages = sum(r.pages for r in self.runs)
        seconds = max(r.seconds for r in self.runs)
        lines = [
            f"{self.site}: {self.status}, {pages} pages in {seconds:.1f}s "
            f"(runs {ids}): {counts or 'nothing archived'}"
        ]
        lines += [f"  error: {e}" for e in self.errors()]
        lines += [f"  not crawled, robots.txt unreachable: {h}" for r in self.runs
                  for h in r.robots_unreachable]  # fmt: skip
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        runs = [{k: v for k, v in asdict(r).items() if k != "stats"} for r in self.runs]
        return {"site": self.site, "status": self.status, "ok": self.ok, "note": self.note,
                "totals": self.totals(), "runs": runs}  # fmt: skip


@dataclass
class SitesSummary:
    sites: list[SiteResult]

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.sites)

    def totals(self) -> dict[str, int]:
        return {k: sum(s.totals()[k] for s in self.sites) for k in OUTCOMES}

    @property
    def alarms(self) -> list[RunResult]:
        """Runs, of any site, whose article pages lost fields their site's recent runs had."""
        return [r for s in self.sites for r in s.runs if r.alarm]

    def statuses(self) -> dict[str, int]:
        found = [s.status for s in self.sites]
        return {k: found.count(k) for k in ("finished", "failed", "locked", "skipped")}

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "alarm": bool(self.alarms), "totals": self.totals(),
                "statuses": self.statuses(),
                "sites": [s.to_dict() for s in self.sites]}  # fmt: skip

    def text(self) -> str:
        statuses = ", ".join(f"{v} {k}" for k, v in self.statuses().items() if v)
        counts = ", ".join(f"{v} {k}" for k, v in self.totals().items() if v)
        total = f"total: {len(self.sites)} sites ({statuses})" + (f": {counts}" if counts else "")
        return "\n".join([*(s.line() for s in self.sites), total])


def not_due(
    db: str,
    sites: Sequence[Site],
    now: datetime | None = None,
    last_finished: Callable[[str], str | None] | None = None,
) -> dict[str, SiteResult]:
    """Sites whose last finished run in this archive started less than their interval ago;
    `last_finished` (site -> when) in place of the archive for a worker that has none."""
    from archive import Archive

    now = now or datetime.now(UTC)
    skipped = {}
    with contextlib.ExitStack() as opened:
        if last_finished is None:
            last_finished = opened.enter_context(Archive.open(db)).last_finished_run
        for site in sites:
            started = last_finished(site.name) if site.every else None
            if started is None:
                continue
            age = now - stored_instant(started)
            if age < site.every:
                note = (f"last finished run started {_span(age)} ago, due every "
                        f"{_span(site.every)}")  # fmt: skip
                skipped[site.name] = SiteResult(site.name, "skipped", note=note)
    return skipped


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins else ""]
    return "".join(parts) or f"{int(delta.total_seconds())}s"


@contextlib.contextmanager
def claimed(
    db: str,
    sites: Sequence[Site],
    locks: bool = True,
    last_finished: Callable[[str], str | None] | None = None,
) -> Iterator[tuple[list[Site], dict[str, SiteResult]]]:
    """The sites to crawl now (due, and not locked by another crawl), their locks held
    meanwhile, and the results of the others (skipped, locked)."""
    results = not_due(db, sites, last_finished=last_finished)
    due = []
    with contextlib.ExitStack() as held:
        for site in sites:
            if site.name in results:
                continue
            if locks:
                try:
                    held.enter_context(crawl_lock(db, site.name))
                except CrawlLocked as exc:
                    results[site.name] = SiteResult(site.name, "locked", note=str(exc))
                    continue
            due.append(site)
        yield due, results


def crawl_sites(
    sites: Sequence[Site],
    *,
    db: str,
    spider: str | None,
    host_map: str | None,
    options: Mapping[str, Any],
    verbose: bool = False,
    routes: Mapping[str, str] | None = None,
) -> dict[str, SiteResult]:
    """Crawl the sites at once (see claimed: their locks held); a result for each.

    `options` are crawl_settings' keywords that every site shares (revisit, contact,
    redis_url, overrides, log_level); `host_map` (JSON) goes to every spider; `routes`
    (address -> server) become every site's UNINEWS_HOST_ROUTES (the demo served here).
    """
    plan = []
    for site in sites:
        kwargs = {**site.kwargs, **({"host_map": host_map} if host_map else {})}
        settings = crawl_settings(
            db=db,
            profile_politeness=site.profile.politeness if site.profile else None,
            max_pages=site.max_pages,
            crawl_key=site.name,
            **options,
        )
        if routes:
            settings.set("UNINEWS_HOST_ROUTES", dict(routes), priority="cmdline")
        jobs = [replace(j, settings=settings) for j in jobs_for(spider, not site.profile, kwargs)]
        plan.append((site, jobs))
    if not plan:
        return {}
    steps = [[job for _, jobs in plan for job in jobs]]
    runs = iter(run_plan(crawl_settings(db=db, **options), steps, verbose).runs)
    results = {}
    for site, jobs in plan:
        mine = [next(runs) for _ in jobs]
        ok = all(r.status == "finished" for r in mine)
        results[site.name] = SiteResult(site.name, "finished" if ok else "failed", mine)
    return results
