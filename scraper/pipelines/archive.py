"""Extract each captured page and record it in the archive; one run row per crawl.

An adapter only: the extractor decides what a page holds, the archive decides
whether it is new, changed or unchanged. Extraction runs off the reactor thread
(UNINEWS_EXTRACT_POOL: "process" by default, a pool on the cores the crawler's own
thread leaves free; "thread" in this process; "inline" for debugging); archive writes
run in one writer of their own, in order, one transaction per capture, so neither
stalls the downloads (UNINEWS_ARCHIVE_WRITER: "process" by default, see
scraper.pipelines.archive_worker; "thread" in this process, which is also where the
run row is written and where writes go on if the writer process dies).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import multiprocessing
import os
from concurrent.futures import Executor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from archive import Archive
from archive.content import Prepared
from archive.outcomes import OUTCOMES
from archive.versioning import gets_version
from scraper.discovery.urlkind import archive_kind
from scraper.items import CaptureItem
from scraper.middlewares import robots
from scraper.pipelines import archive_worker
from scraper.pipelines.extraction import (
    BUDGET,
    extract_body,
    extract_in_worker,
    extractor,
    init_worker,
    is_html,
)
from scraper.pipelines.worker_pool import WorkerPool

logger = logging.getLogger(__name__)

STAT = "uninews/{}"
# What a capture is archived as: pages, plus discovery files kept for the record ("feed":
# when an article first appeared in a site's feed).
ARCHIVE_KINDS = ("article", "page", "listing", "feed")


class ArchivePipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path = crawler.settings.get("UNINEWS_DB")
        self.pool_kind = crawler.settings.get("UNINEWS_EXTRACT_POOL", "process")
        self.workers = crawler.settings.getint("UNINEWS_EXTRACT_WORKERS") or pool_size()
        self.budget = crawler.settings.getfloat("UNINEWS_EXTRACT_BUDGET", BUDGET)
        self.pool: WorkerPool | Executor | None = None
        self.writer: ThreadPoolExecutor | None = None  # the one thread that owns the archive
        self.writer_kind = crawler.settings.get("UNINEWS_ARCHIVE_WRITER", "process")
        self.writer_process: WorkerPool | None = None  # records, when in a process
        self.extract, self.extractor_version = extractor()
        self.archive: Archive | None = None
        self.run_id: int | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.robots_fetched, signal=robots.robots_fetched)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        return cls(crawler)

    async def open_spider(self) -> None:
        spider = self.crawler.spider
        if self.pool_kind == "process":
            context = multiprocessing.get_context("forkserver")
            # Workers forked with the extractor already imported start in milliseconds.
            context.set_forkserver_preload(["scraper.pipelines.extraction", "scraper.extract"])
            self.pool = WorkerPool(
                self.workers,
                context,
                initializer=init_worker,
                initargs=(self.extract, getattr(spider, "profile", None), self.budget),
            )
        elif self.pool_kind == "thread":
            self.pool = self._thread_pool()
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="uninews-archive")
        self.archive = self.writer.submit(Archive.open, self.db_path).result()
        self.run_id = self.writer.submit(
            self.archive.start_run, spider.site_name, spider.name
        ).result()
        self.stats.set_value("uninews/run_id", self.run_id)
        await self._start_workers()
        await self._start_writer_process()

    async def _start_writer_process(self) -> None:
        self.stats.set_value("uninews/archive_writer", "thread")
        if self.writer_kind != "process":
            return
        writer = WorkerPool(
            1,
            multiprocessing.get_context("forkserver"),
            initializer=archive_worker.open_archive,
            initargs=(self.db_path,),
        )
        try:
            await writer.start()
        except BrokenProcessPool:
            logger.warning("The archive process did not start; writing in this process")
            writer.shutdown(wait=False)
            return
        self.writer_process = writer
        self.stats.set_value("uninews/archive_writer", "process")

    async def _start_workers(self) -> None:
        """Start the extraction processes before the crawl does, not on its first page.

        A worker is a fresh interpreter that imports the extractor (about a second of CPU
        on the demo machine): started lazily it shared the cores with the crawl's first
        seconds and held back the first extractions.
        """
        if not isinstance(self.pool, WorkerPool):
            return
        try:
            await self.pool.start()
        except BrokenProcessPool:
            self._fall_back_to_threads()

    def _thread_pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(self.workers, thread_name_prefix="uninews-extract")

    def _fall_back_to_threads(self) -> None:
        # A worker died (killed, out of memory): the rest of the crawl extracts in
        # threads rather than archiving every later page without content.
        logger.warning("Extraction process died; extracting in threads from now on")
        self.stats.inc_value("uninews/extract_pool_broken")
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._thread_pool()

    async def robots_fetched(self, capture: Any) -> None:
        """A robots.txt fetch, kept as a capture of kind "robots" (no page outcome counted)."""
        if self.archive is None:
            return
        await self._write(
            "record", capture, None, run_id=self.run_id, site=self.crawler.spider.site_name,
            kind="robots", extractor_version="",
        )  # fmt: skip
        self.stats.inc_value("uninews/robots_captures")

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, CaptureItem):
            return item
        capture = item.capture
        article, prepared = None, None
        # A URL that names a listing is archived as one whatever the extractor says: skip it,
        # and a feed, whatever its Content-Type, is not a page.
        if (
            capture.http_status == 200
            and capture.body
            and item.url_kind not in ("listing", "feed")
            and is_html(item.content_type, capture.body)
        ):
            article, prepared, error = await self._extract(item)
            if error:
                # Over its time budget: the body is kept and the capture says why there is no
                # version; `uninews reprocess` extracts it again.
                capture = dataclasses.replace(capture, error=error)
                self.stats.inc_value("uninews/extract_over_budget")
                logger.warning("%s: %s", capture.url, error)
        content, kind, lang = None, item.url_kind or "page", None
        if article is not None:
            kind = archive_kind(article.kind, item.url_kind)
            lang = article.lang
            if article.kind == "login":
                capture = dataclasses.replace(capture, restricted=True)
            elif gets_version(article.kind, article.has_content, kind):
                content = prepared or article.content()
        # Page captures are what a run's counts are about (Archive.run_counts leaves feeds out).
        self.stats.inc_value(
            "uninews/feed_write_attempts" if kind == "feed" else "uninews/write_attempts"
        )
        try:
            recorded = await self._write(
                "record",
                capture,
                content,
                run_id=self.run_id,
                site=item.site,
                kind=kind if kind in ARCHIVE_KINDS else "page",
                extractor_version=self.extractor_version if article is not None else "",
                lang=lang,
            )
        except Exception as exc:
            # Not archived: the run fails (spider_closed) and says why, but the crawl goes on,
            # so that what can still be written is.
            self._write_failed(exc, capture.url)
            return {"url": capture.url, "outcome": "not_written", "version": None}
        if kind == "feed":  # not a page: counted apart, so page figures and --max-pages agree
            self.stats.inc_value(f"uninews/feed_captures/{recorded.outcome}")
            return {"url": recorded.url, "outcome": recorded.outcome, "version": None}
        self.stats.inc_value(STAT.format(recorded.outcome))
        self.stats.inc_value("uninews/pages")
        if content is not None:
            self.stats.inc_value(f"uninews/kind/{kind}")
        logger.debug("%s %s (%s)", recorded.outcome, recorded.url, kind)
        return {"url": recorded.url, "outcome": recorded.outcome, "version": recorded.version}

    async def _write(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Archive.<method>(...) in the writer process, or in the writer thread."""
        writer = self.writer_process
        if writer is not None:
            try:
                value, cpu = await writer.submit(archive_worker.call, method, args, kwargs)
                self.stats.inc_value("uninews/archive_worker_cpu", cpu)
                return value
            except BrokenProcessPool:
                # Killed or out of memory: its transaction rolled back, so this capture (and
                # every other one that was waiting for it) is written again here, and so is
                # every later one. The first of them to get here retires the process.
                if self.writer_process is writer:
                    logger.warning("The archive process died; writing in this process from now on")
                    self.stats.inc_value("uninews/archive_process_broken")
                    self.stats.set_value("uninews/archive_writer", "thread")
                    self.writer_process = None
                    writer.shutdown(wait=False, cancel_futures=True)
        call = getattr(self.archive, method)
        return await asyncio.wrap_future(self.writer.submit(call, *args, **kwargs))

    async def _extract(self, item: CaptureItem) -> tuple[Any, Prepared | None, str | None]:
        """(article or None, its content prepared for the archive when a worker did that,
        an error when the page went over its time budget in a worker).

        The extractor gets the body as received and the HTTP charset as a hint. Only the
        extraction processes keep the time budget (a thread cannot be interrupted)."""
        profile = getattr(self.crawler.spider, "profile", None)
        body, charset, url, hints = item.capture.body, item.encoding, item.capture.url, item.hints
        try:
            if self.pool is None:
                return extract_body(self.extract, body, charset, url, profile, hints), None, None
            if isinstance(self.pool, WorkerPool):
                article, prepared, cpu, error = await self.pool.submit(
                    extract_in_worker, body, charset, url, hints
                )
                self.stats.inc_value("uninews/extract_worker_cpu", cpu)
                return article, prepared, error
            future = self.pool.submit(
                extract_body, self.extract, body, charset, url, profile, hints
            )
            return await asyncio.wrap_future(future), None, None
        except BrokenProcessPool:
            if isinstance(self.pool, WorkerPool):
                self._fall_back_to_threads()
            return await self._extract(item)
        except Exception:
            logger.exception("Extraction failed for %s; archived without content", item.capture.url)
            self.stats.inc_value("uninews/extract_failed")
            return None, None, None

    def spider_closed(self, spider: Any, reason: str) -> None:
        for pool in (self.pool, self.writer_process):
            try:
                if pool is not None:
                    # Every item has been recorded by now: the writer has nothing queued.
                    pool.shutdown(wait=True, cancel_futures=True)
            except Exception:
                # Whatever the processes did on their way out, the run is closed below: a
                # run left "running" would look like a crawl still going on.
                logger.exception("Worker processes did not shut down cleanly")
        self.pool = self.writer_process = None
        if self.archive is None:
            return
        self._count_committed()
        shared = bool(self.crawler.settings.get("REDIS_URL"))
        status = run_status(self.stats.get_stats(), reason, shared)
        self.stats.set_value("uninews/run_status", status)
        stats = json_stats(self.stats.get_stats())
        try:
            self.writer.submit(self.archive.finish_run, self.run_id, status, stats).result()
        except Exception as exc:
            # The run row stays `running`; the next crawl marks it interrupted.
            self._write_failed(exc, None, what="the run could not be finished")
            self.stats.set_value("uninews/run_status", "failed")
        try:
            self.writer.submit(self.archive.close).result()
        finally:
            self.writer.shutdown(wait=True)
            self.archive = self.writer = None

    def _write_failed(self, exc: BaseException, url: str | None, what: str = "") -> None:
        """Count a write the archive refused; the first one's words become the run's error."""
        self.stats.inc_value("uninews/write_failed")
        error = f"{type(exc).__name__}: {exc}"
        logger.error("Not archived%s: %s", f" ({url})" if url else f": {what}", error)
        if self.stats.get_value("uninews/run_error") is None:
            prefix = what or "captures could not be written to the archive"
            self.stats.set_value("uninews/run_error", f"{prefix}: {error}")

    def _count_committed(self) -> None:
        """The run's counts as the archive holds them, not as the pipeline hoped."""
        try:
            committed = self.writer.submit(self.archive.run_counts, self.run_id).result()
        except Exception as exc:
            self._write_failed(exc, None, what="the run's captures could not be counted")
            return
        for outcome in OUTCOMES:
            self.stats.set_value(STAT.format(outcome), committed.get(outcome, 0))
        attempts = self.stats.get_value("uninews/write_attempts", 0)
        missing = attempts - sum(committed.values())
        self.stats.set_value("uninews/not_written", missing)
        if missing > 0 and self.stats.get_value("uninews/run_error") is None:
            self.stats.set_value(
                "uninews/run_error", f"{missing} of {attempts} captures are not in the archive"
            )


def pool_size() -> int:
    """Extraction workers: the cores left when the crawler's own thread has one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (cores or 1) - 1)


def run_status(stats: dict[str, Any], reason: str, shared: bool = False) -> str:
    """finished | failed (a capture not archived, or no page fetched at all) | the close reason.

    A worker of a shared (--redis) crawl that found nothing left to do has not failed.
    """
    if stats.get("uninews/run_error") or stats.get("uninews/not_written", 0) > 0:
        return "failed"
    pages, errors = stats.get("uninews/pages", 0), stats.get("uninews/error", 0)
    if pages <= errors and not (shared and pages == 0):
        return "failed"
    return "finished" if reason in ("finished",) or reason.startswith("closespider") else reason


def json_stats(stats: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in stats.items()}
