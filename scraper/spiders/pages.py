"""`pages`: archive a section of a site (e.g. the partnership pages) under its paths.

With a profile, the start points are its [discovery] sections; every link that stays
in scope and matches the profile's [urls] page patterns (or lies under a section's
path) is followed. Without one, everything under the start URL's path.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response

from scraper.discovery.scope import prefix_of
from scraper.spiders.base import ArchiveSpider


class PagesSpider(ArchiveSpider):
    name = "pages"
    default_kind = "page"

    def configure(self, settings: Any) -> None:
        super().configure(settings)
        self.section_prefixes = tuple(prefix_of(u) for u in self.profile_urls("sections"))

    def seeds(self) -> Iterator[Any]:
        for url in self.profile_urls("sections"):
            yield self.page_request(url, "page")
        if self.generic:
            yield self.page_request(self.start_url, "page")

    def wants_revisit(self, page: Any) -> bool:
        return self.generic or page.kind == "page"

    def in_section(self, url: str) -> bool:
        if self.generic:
            return True
        path = urlsplit(url).path or "/"
        return any(path.startswith(p) for p in self.section_prefixes) or (
            self.url_kinds.kind(url) == "page"
        )

    def discover(self, response: Response, url_kind: str | None) -> Iterator[Any]:
        links = [u for u in self.links_of(response).links if self.in_section(u)]
        yield from self.follow_pages(links, "page")
