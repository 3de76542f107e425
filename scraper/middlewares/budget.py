"""Stop fetching pages after UNINEWS_MAX_PAGES (discovery requests do not count)."""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured

from scraper.middlewares.scope import ROLE


class PageBudgetMiddleware:
    def __init__(self, crawler: Crawler, max_pages: int):
        self.crawler = crawler
        self.max_pages = max_pages
        self.sent = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageBudgetMiddleware:
        max_pages = crawler.settings.getint("UNINEWS_MAX_PAGES")
        if max_pages <= 0:
            raise NotConfigured
        return cls(crawler, max_pages)

    def process_request(self, request: Request) -> None:
        if request.meta.get(ROLE) != "page" or request.meta.get("uninews_budgeted"):
            return None
        if self.sent >= self.max_pages:
            self.crawler.stats.inc_value("uninews/over_max_pages")
            raise IgnoreRequest(f"over --max-pages {self.max_pages}")
        self.sent += 1
        request.meta["uninews_budgeted"] = True  # a retry of it is not a new page
        return None
