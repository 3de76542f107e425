"""The extraction pipeline: each captured HTML page gets its Article, off the reactor thread.

Extraction runs in a pool (UNINEWS_EXTRACT_POOL: "process" by default, on the cores the
crawler's own thread leaves free, each page under a CPU budget, UNINEWS_EXTRACT_BUDGET;
"thread" in this process; "inline" for debugging). A pool process that dies is replaced by
threads for the rest of the crawl, rather than archiving every later page without content.
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

from scraper.items import CaptureItem
from scraper.mediatypes import is_html
from scraper.workers.extraction import (
    BUDGET,
    extract_body,
    extract_in_worker,
    extractor,
    init_worker,
)
from scraper.workers.pool import WorkerPool

logger = logging.getLogger(__name__)


class ExtractionPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.pool_kind = crawler.settings.get("UNINEWS_EXTRACT_POOL", "process")
        self.workers = crawler.settings.getint("UNINEWS_EXTRACT_WORKERS") or pool_size()
        self.budget = crawler.settings.getfloat("UNINEWS_EXTRACT_BUDGET", BUDGET)
        self.pool: WorkerPool | Executor | None = None
        self.extract, self.extractor_version = extractor()
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        return cls(crawler)

    async def open_spider(self) -> None:
        if self.pool_kind == "process":
            context = multiprocessing.get_context("forkserver")
            # Workers forked with the extractor already imported start in milliseconds.
            context.set_forkserver_preload(["scraper.workers.preload"])
            self.pool = WorkerPool(
                self.workers,
                context,
                initializer=init_worker,
                initargs=(self.extract, self._profile(), self.budget),
            )
        elif self.pool_kind == "thread":
            self.pool = self._thread_pool()
        await self._start_workers()

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

    def _profile(self) -> Any:
        return getattr(self.crawler.spider, "profile", None)

    def _thread_pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(self.workers, thread_name_prefix="uninews-extract")

    def _fall_back_to_threads(self) -> None:
        # A worker died (killed, out of memory): the rest of the crawl extracts in
        # threads rather than archiving every later page without content.
        logger.warning("Extraction process died; extracting in threads from now on")
        self.stats.inc_value("uninews/extract_pool_broken")
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._thread_pool()

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, CaptureItem):
            return item
        capture = item.capture
        # A URL that names a listing is archived as one whatever the extractor says: skip it,
        # and a feed or a page's requisite, whatever its Content-Type, is not a page.
        if not (
            capture.http_status == 200
            and capture.body
            and item.url_kind not in ("listing", "feed", "requisite")
            and is_html(item.content_type, capture.body)
        ):
            return item
        article, prepared, error = await self._extract(item)
        if error:
            # Over its time budget: the body is kept and the capture says why there is no
            # version; `uninews reprocess` extracts it again.
            item.capture = dataclasses.replace(capture, error=error)
            self.stats.inc_value("uninews/extract_over_budget")
            logger.warning("%s: %s", capture.url, error)
        item.article, item.prepared = article, prepared
        item.extractor_version = self.extractor_version
        return item

    async def _extract(self, item: CaptureItem) -> tuple[Any, Any, str | None]:
        """(article or None, its content prepared for the archive when a worker did that,
        an error when the page went over its time budget in a worker).

        The extractor gets the body as received and the HTTP charset as a hint. Only the
        extraction processes keep the time budget (a thread cannot be interrupted)."""
        profile = self._profile()
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
        pool, self.pool = self.pool, None
        try:
            if pool is not None:
                # Every item has been extracted by now: the pool has nothing queued.
                pool.shutdown(wait=True, cancel_futures=True)
        except Exception:
            # Whatever the processes did on their way out, the run is still closed (by the
            # archive pipeline): a run left "running" would look like a crawl still going on.
            logger.exception("Extraction processes did not shut down cleanly")


def pool_size() -> int:
    """Extraction workers: the cores left when the crawler's own thread has one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (cores or 1) - 1)
