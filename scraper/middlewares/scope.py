"""Drop requests that would leave the crawl's scope (like Scrapy's OffsiteMiddleware).

The spider owns a `scope` (scraper.discovery.scope.Scope). Page requests need host and path
prefix in scope; discovery requests (feeds, sitemaps, robots.txt) only the host; page
requisites a host of the site or one of the CDN hosts its profile names.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

logger = logging.getLogger(__name__)

ROLE = "uninews_role"  # request meta: "page", "requisite" (archived) or a discovery role
# Request meta: the URL a spider already found in page scope before asking for it. Only a
# request still for exactly that URL skips the check here (Scrapy may rewrite a URL).
IN_SCOPE = "uninews_in_scope"


class ScopeMiddleware:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        scope = getattr(self.crawler.spider, "scope", None)
        role = request.meta.get(ROLE)
        if scope is None or role is None:
            return None  # not a spider request (robots.txt fetched by Scrapy itself)
        if role == "page" and request.meta.get(IN_SCOPE) == request.url:
            return None
        if role == "page":
            allowed = scope.allows(request.url)
        elif role == "requisite":  # the site's hosts and its CDN hosts, any path
            allowed = self.crawler.spider.requisites.scope.allows_host(request.url)
        else:
            allowed = scope.allows_host(request.url)
        if allowed:
            return None
        self.crawler.stats.inc_value("uninews/out_of_scope")
        logger.debug("Out of scope, not fetched: %s", request.url)
        raise IgnoreRequest(f"out of scope: {request.url}")
