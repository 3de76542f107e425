"""Progress in the log while a crawl runs, like Scrapy's LogStats, in archive terms.

Every UNINEWS_PROGRESS_INTERVAL seconds: pages per minute, new, changed, unchanged,
not modified, gone and errors so far.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

logger = logging.getLogger(__name__)

SHOWN = ("new", "changed", "unchanged", "not_modified", "gone", "redirected", "error")


class Progress:
    def __init__(self, crawler: Crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.previous = 0
        self.task = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        interval = crawler.settings.getfloat("UNINEWS_PROGRESS_INTERVAL")
        if not interval:
            raise NotConfigured
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: object) -> None:
        self.task = create_looping_call(self.log)
        self.task.start(self.interval, now=False)

    def line(self) -> str:
        stats = self.crawler.stats
        pages = stats.get_value("uninews/pages", 0)
        rate = (pages - self.previous) * 60.0 / self.interval
        self.previous = pages
        counts = ", ".join(f"{stats.get_value(f'uninews/{k}', 0)} {k}" for k in SHOWN)
        return f"Archived {pages} pages ({rate:.0f} pages/min): {counts}"

    def log(self) -> None:
        logger.info(self.line())

    def spider_closed(self, spider: object, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
