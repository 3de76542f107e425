"""The stream pipeline: a `crawl --to-redis` worker hands each capture to the ingest stream
instead of writing an archive of its own.

In place of the archive pipeline, with the same decisions (archive.archived_as): each capture
goes on the stream with its content prepared, after a run entry that `uninews ingest` turns
into this run's row, and before a finish entry with the run's status and stats. The worker
cannot read back what was committed: its summary counts what it handed over, and the run
fails if a hand-over failed (Redis gone) or nothing could be fetched. While the stream holds
UNINEWS_INGEST_BACKLOG entries or more (ingest stopped, or slower than the workers), the
worker waits before handing over the next capture, so Redis memory stays bounded.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from archive.outcomes import response_class
from archive.process import this_process
from scraper.ingest.codec import capture_fields, finish_fields, run_fields
from scraper.ingest.keys import STREAM, connect, worker_id
from scraper.items import CaptureItem
from scraper.middlewares import robots

from .archive import APART, archived_as, json_stats, run_status

logger = logging.getLogger(__name__)

BACKLOG_POLL_S = 0.5  # how often a waiting worker looks at the stream's length again


class StreamPipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.redis_url = crawler.settings.get("REDIS_URL")
        self.backlog = crawler.settings.getint("UNINEWS_INGEST_BACKLOG")
        self.client: Any = None
        self.run_key = worker_id(crawler.stats)  # the scheduler's name for this worker
        self.number = 0
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.robots_fetched, signal=robots.robots_fetched)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StreamPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.client = connect(self.redis_url)
        self.client.xadd(STREAM, run_fields(self.run_key, spider.site_name, spider.name,
                                            this_process()))  # fmt: skip
        self.stats.set_value("uninews/ingest_run", self.run_key)

    def robots_fetched(self, capture: Any) -> None:
        """A robots.txt fetch, kept as a capture of kind "robots" (no page outcome counted)."""
        if self.client is None:
            return
        site = self.crawler.spider.site_name
        if self._hand_over(capture, None, site=site, kind="robots", extractor_version=""):
            self.stats.inc_value("uninews/robots_captures")

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, CaptureItem):
            return item
        await self._room_in_stream()
        capture, content, record = archived_as(item)
        kind = record["kind"]
        apart = kind in APART
        self.stats.inc_value(
            f"uninews/{kind}_write_attempts" if apart else "uninews/write_attempts"
        )
        outcome = "handed_over" if self._hand_over(capture, content, **record) else "not_written"
        if not apart and outcome == "handed_over":
            self.stats.inc_value("uninews/pages")
            self.stats.inc_value("uninews/handed_over")
            if response_class(capture) == "error":
                self.stats.inc_value("uninews/error")
        return {"url": capture.url, "outcome": outcome, "version": None}

    async def _room_in_stream(self) -> None:
        """Wait while the stream holds `backlog` entries (0: never): ingest is behind."""
        if not self.backlog or self.client.xlen(STREAM) < self.backlog:
            return
        logger.warning(
            "The ingest stream holds %d entries or more (UNINEWS_INGEST_BACKLOG): "
            "waiting for `uninews ingest` to write them", self.backlog,
        )  # fmt: skip
        self.stats.inc_value("uninews/ingest_waits")
        while self.client.xlen(STREAM) >= self.backlog:
            await asyncio.sleep(BACKLOG_POLL_S)

    def _hand_over(self, capture: Any, content: Any, **record: Any) -> bool:
        self.number += 1
        fields = capture_fields(self.run_key, self.number, capture, content, **record)
        try:
            self.client.xadd(STREAM, fields)
        except Exception as exc:
            self.stats.inc_value("uninews/write_failed")
            error = f"{type(exc).__name__}: {exc}"
            logger.error("Not handed over (%s): %s", capture.url, error)
            if self.stats.get_value("uninews/run_error") is None:
                message = f"captures could not be handed to Redis: {error}"
                self.stats.set_value("uninews/run_error", message)
            return False
        return True

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.client is None:
            return
        stats = self.stats.get_stats()
        status = run_status(stats, reason, shared=True)
        self.stats.set_value("uninews/run_status", status)
        settings = self.crawler.settings
        self.stats.set_value("uninews/health_rules", {
            "drop": settings.getfloat("UNINEWS_HEALTH_DROP"),
            "min_articles": settings.getint("UNINEWS_HEALTH_MIN_ARTICLES"),
            "history": settings.getint("UNINEWS_HEALTH_RUNS"),
        })  # fmt: skip
        try:
            self.client.xadd(STREAM, finish_fields(self.run_key, status,
                                                   json_stats(self.stats.get_stats())))  # fmt: skip
        except Exception as exc:
            logger.error("The end of the run was not handed over: %s: %s", type(exc).__name__, exc)
            self.stats.set_value("uninews/run_status", "failed")
            self.stats.set_value("uninews/run_error", f"the run could not be finished: {exc}")
        finally:
            self.client.close()
            self.client = None
