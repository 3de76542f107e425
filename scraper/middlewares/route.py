"""Fetch a host's pages from another server while the URLs stay the host's own.

UNINEWS_HOST_ROUTES maps a netloc to the base URL of the server that answers for it, as
{"127.0.0.1:8765": "http://127.0.0.1:40123"}. A request for a routed host is sent to that
server as to an HTTP proxy (the whole URL in the request line), so captures, links and
revisits keep the stable address: `uninews demo` archives the demo site under its profile's
address whatever port serves it. Unlike --host-map, which rewrites the URLs themselves.
"""

from __future__ import annotations

from collections.abc import Mapping

from scrapy import Request
from scrapy.crawler import Crawler

from scraper.discovery.scope import netloc_of


class HostRouteMiddleware:
    def __init__(self, routes: Mapping[str, str]):
        self.routes = {host.lower(): target.rstrip("/") for host, target in routes.items()}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostRouteMiddleware:
        return cls(crawler.settings.getdict("UNINEWS_HOST_ROUTES"))

    def process_request(self, request: Request) -> None:
        target = self.routes.get(netloc_of(request.url)) if self.routes else None
        if target and request.url.startswith("http://"):
            request.meta["proxy"] = target
        return None
