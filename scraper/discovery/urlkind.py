"""Tell articles from listings, archives and tag pages by URL, before or beside extraction."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from scraper.discovery.links import is_pagination_url

# URL paths of pages that list other pages (tag, category, archive, search, author, feed).
LISTING_PATHS = re.compile(
    r"/(tags?|taggar|etikett|category|categories|kategori|archives?|arkiv|search|sok|sök"
    r"|author|authors|skribent|page|feed|rss)(/|$)"
    r"|/\d{4}(/\d{1,2})?/?$",
    re.IGNORECASE,
)
# An article URL usually ends in a long slug or a numeric id.
ARTICLE_PATHS = re.compile(r"(_\d{3,}/?$|/\d{4}/\d{2}/(\d{2}/)?[^/]+/?$|/(?:[^/-]*-){3}[^/]+/?$)")


class UrlKinds:
    """Profile URL patterns ([urls] article / page / listing), else generic heuristics."""

    def __init__(
        self,
        article: Iterable[str] = (),
        page: Iterable[str] = (),
        listing: Iterable[str] = (),
    ):
        self.article = tuple(re.compile(p) for p in article)
        self.page = tuple(re.compile(p) for p in page)
        self.listing = tuple(re.compile(p) for p in listing)

    @classmethod
    def from_profile_urls(cls, urls: dict) -> UrlKinds:
        return cls(urls.get("article", ()), urls.get("page", ()), urls.get("listing", ()))

    @property
    def has_patterns(self) -> bool:
        return bool(self.article or self.page or self.listing)

    def kind(self, url: str) -> str | None:
        """'article', 'page', 'listing' or None when the URL says nothing."""
        path = urlsplit(url).path or "/"
        if is_pagination_url(url) or any(p.search(path) for p in self.listing):
            return "listing"
        if any(p.search(path) for p in self.article):
            return "article"
        if any(p.search(path) for p in self.page):
            return "page"
        if self.has_patterns:
            return None
        if LISTING_PATHS.search(path):
            return "listing"
        if ARTICLE_PATHS.search(path):
            return "article"
        return None


def archive_kind(extracted: str | None, by_url: str | None) -> str:
    """The archive's kind (article | page | listing) from extraction and URL together.

    A URL that names a listing (tag, archive, pagination) wins: extractors often
    take a list of teasers for an article. Otherwise the extractor decides.
    """
    if by_url == "listing":
        return "listing"
    if extracted in ("article", "page", "listing"):
        if extracted == "article" and by_url == "page":
            return "page"
        return extracted
    return by_url or "page"
