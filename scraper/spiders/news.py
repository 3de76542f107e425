"""`news`: articles from feeds, sitemaps (lastmod honoured), listings and their pagination.

With a profile, the start points are its [discovery] feeds, sitemaps and listings, and
listing pages are followed to the URLs its [urls] article patterns name. Without one
(generic mode), the start URL is the listing: every in-scope link is followed, plus the
feeds a page advertises and the sitemaps robots.txt names.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy.http import Response

from archive import normalize_url
from archive.feeds import ENTRIES_KEY as FEED_ENTRIES
from scraper.discovery.feeds import Feed, FeedEntry
from scraper.discovery.revisit import parse_time
from scraper.discovery.sitemaps import SitemapDoc, sitemaps_in_robots
from scraper.items import FetchItem
from scraper.spiders.base import ArchiveSpider


class NewsSpider(ArchiveSpider):
    name = "news"

    def seeds(self) -> Iterator[Any]:
        for url in self.profile_urls("feeds"):
            yield self.discovery_request(url, "feed", self.parse_feed)
        for url in self.profile_urls("sitemaps"):
            yield self.discovery_request(url, "sitemap", self.parse_sitemap)
        for url in self.profile_urls("listings"):
            yield self.page_request(url, "listing")
        if self.generic:
            parts = urlsplit(self.start_url)
            robots = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
            yield self.discovery_request(robots, "robots", self.parse_robots)
            yield self.page_request(self.start_url, "listing")

    def wants_revisit(self, page: Any) -> bool:
        return self.generic or page.kind != "page"

    # -- HTML pages -------------------------------------------------------------------------

    def discover(self, response: Response, url_kind: str | None) -> Iterator[Any]:
        if url_kind == "article" and not self.generic:
            return
        found = self.links_of(response)
        for feed in found.feeds:
            if not self.malformed(feed) and self.scope.allows_host(feed):
                yield self.discovery_request(feed, "feed", self.parse_feed)
        yield from self.follow_pages(found.next_pages, "listing")
        if self.generic or not self.url_kinds.article:
            yield from self.follow_pages(found.links)
        else:
            articles = [u for u in found.links if self.url_kinds.kind(u) == "article"]
            yield from self.follow_pages(articles, "article")

    # -- feeds, sitemaps, robots.txt --------------------------------------------------------

    def parse_feed(self, response: Response) -> Iterator[Any]:
        """Archive the feed as a capture of kind "feed", then follow its articles."""
        feed = Feed(
            response.body if response.status == 200 else b"", response.url, self.scope.allows
        )
        entries = list(feed)
        fresh = self.fresh_entries(entries)
        yield FetchItem(
            response.request,
            self.site_name,
            response=response,
            url_kind="feed",
            extra={FEED_ENTRIES: fresh} if fresh else {},
        )
        if not self.discovery_ok(response):
            yield from self.follow_discovery_redirect(response)
            return
        if not feed.is_feed:
            self.crawler.stats.inc_value("uninews/discovery_errors")
            self.logger.warning("Not a feed: %s", response.url)
            return
        for entry in entries:
            self.crawler.stats.inc_value("uninews/feed_entries")
            yield from self.follow_pages([entry.url], "article")

    def fresh_entries(self, entries: list[FeedEntry]) -> list[dict[str, Any]]:
        """The entries the archive has not seen as they are now (new, or changed), which the
        feed's capture keeps; every entry becomes the hints for its article."""
        fresh = []
        for entry in entries:
            data = entry.as_dict()
            key = normalize_url(entry.url)
            if self.feed_hints.get(key) != data:
                self.feed_hints[key] = data
                fresh.append(data)
        return fresh

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        if not self.discovery_ok(response):
            yield from self.follow_discovery_redirect(response)
            return
        doc = SitemapDoc(response.body)
        if doc.kind == "sitemapindex":
            for entry in doc:
                if not self.malformed(entry.loc) and self.scope.allows_host(entry.loc):
                    yield self.discovery_request(entry.loc, "sitemap", self.parse_sitemap)
            return
        if doc.kind != "urlset":
            self.crawler.stats.inc_value("uninews/discovery_errors")
            self.logger.warning("Not a sitemap: %s", response.url)
            return
        for entry in doc:
            if self.malformed(entry.loc):
                continue
            if self.unchanged_since_lastmod(entry.loc, entry.lastmod):
                self.crawler.stats.inc_value("uninews/sitemap_unchanged_skipped")
                continue
            kind = self.url_kinds.kind(entry.loc)
            if kind == "page" and not self.generic:
                continue  # section pages belong to the `pages` spider
            yield from self.follow_pages([entry.loc], kind)

    def unchanged_since_lastmod(self, url: str, lastmod: Any) -> bool:
        """The archive saw this page live after the sitemap says it last changed."""
        if lastmod is None or not self.known:  # nothing archived: no URL to normalize
            return False
        page = self.known.get(normalize_url(url))
        if page is None or page.status != "live" or not page.last_seen:
            return False
        seen = parse_time(page.last_seen)
        return seen is not None and lastmod <= seen

    def parse_robots(self, response: Response) -> Iterator[Any]:
        if response.status != 200:
            return
        for url in sitemaps_in_robots(response.body, response.url):
            if not self.malformed(url) and self.scope.allows_host(url):
                yield self.discovery_request(url, "sitemap", self.parse_sitemap)
