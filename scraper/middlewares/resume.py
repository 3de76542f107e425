"""Go on where an interrupted run left off: page requests for what it already captured are
dropped before they are sent (discovery requests, listings and failed pages are not).

The archive says which runs to resume and what they captured (archive.resume); the window is
UNINEWS_RESUME_WINDOW seconds (0: never resume). A crawl shared through Redis resumes from its
own persistent queue instead, so this is off there.
"""

from __future__ import annotations

import logging

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured

from archive import Archive, normalize_url
from scraper.middlewares.scope import ROLE

logger = logging.getLogger(__name__)


class ResumeMiddleware:
    def __init__(self, crawler: Crawler, window: float):
        self.crawler = crawler
        self.window = window
        self.captured: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResumeMiddleware:
        window = crawler.settings.getfloat("UNINEWS_RESUME_WINDOW")
        if window <= 0 or crawler.settings.get("REDIS_URL"):
            raise NotConfigured
        middleware = cls(crawler, window)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: object) -> None:
        """After the archive pipeline started this run (and marked the killed ones)."""
        stats = self.crawler.stats
        run_id = stats.get_value("uninews/run_id")
        site = getattr(spider, "site_name", None)
        if run_id is None or not site:
            return
        with Archive.open(self.crawler.settings.get("UNINEWS_DB")) as arc:
            point = arc.resume_point(site, spider.name, run_id, self.window)
        if not point.runs:
            return
        self.captured = point.urls
        stats.set_value("uninews/resumed_from", point.runs)
        stats.set_value("uninews/resume_skipped", 0)
        logger.info(
            "Resuming interrupted run %s: %d pages already captured are not fetched again",
            ", ".join(map(str, point.runs)), len(point.urls),
        )  # fmt: skip

    def process_request(self, request: Request) -> None:
        if not self.captured or request.meta.get(ROLE) != "page":
            return None
        if normalize_url(request.url) in self.captured:
            self.crawler.stats.inc_value("uninews/resume_skipped")
            raise IgnoreRequest("already captured by the interrupted run")
        return None
