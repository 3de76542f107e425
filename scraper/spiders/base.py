"""What both spiders share: configuration from a profile or a start URL, requests that
reach the pipelines whatever their status, redirects followed by hand so the 3xx itself
is recorded, revisits of what the archive already holds, and (scraper.spiders.requisites)
the stylesheets, images and scripts of archived pages when the crawl asks for them.

Spiders declare (start points, what to follow); the parsing lives in scraper.discovery.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.misc import load_object
from twisted.python.failure import Failure

from archive import normalize_url
from scraper.capture import describe_failure
from scraper.discovery.links import page_links
from scraper.discovery.scope import (
    Scope,
    compile_patterns,
    is_login_url,
    map_url,
    netloc_of,
    parse_host_map,
    url_problem,
)
from scraper.discovery.urlkind import UrlKinds
from scraper.items import FetchItem
from scraper.mediatypes import is_html
from scraper.middlewares.scope import IN_SCOPE, ROLE
from scraper.middlewares.wire import WIRE_HEADERS
from scraper.sites import Profile, load_profile
from scraper.spiders.requisites import Requisites, RequisitesMixin

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = (301, 302, 303, 307, 308)
# Captures the archive keeps that are no pages: never revisited as pages.
DISCOVERY_KINDS = ("feed", "robots", "requisite")


class ArchiveSpider(RequisitesMixin, scrapy.Spider):
    """Base of the uninews spiders. Arguments: site=NAME or start_url=URL, host_map."""

    # No `name`: Scrapy lists only the concrete spiders (news, pages).
    # What the archive calls these pages when the spider says nothing more precise.
    default_kind: str | None = None

    def __init__(
        self,
        site: str | None = None,
        start_url: str | None = None,
        host_map: str | dict | None = None,
        *args: Any,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.site_arg = site
        self.start_url = start_url
        self.host_map_arg = host_map

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ArchiveSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure(crawler.settings)
        return spider

    # -- configuration ----------------------------------------------------------------------

    def configure(self, settings: Any) -> None:
        site = self.site_arg or settings.get("UNINEWS_SITE") or None
        start_url = self.start_url or settings.get("UNINEWS_START_URL") or None
        host_map = self.host_map_arg or settings.get("UNINEWS_HOST_MAP") or {}
        if isinstance(host_map, str):
            host_map = (
                json.loads(host_map)
                if host_map.startswith("{")
                else parse_host_map(p for p in host_map.split(",") if p)
            )
        self.host_map: dict[str, str] = dict(host_map)
        self.profile: Profile | None = load_profile(site) if site else None
        if self.profile is not None:
            self.site_name = self.profile.name
            self.scope = Scope.from_config(self.profile.scope, self.host_map)
            self.url_kinds = UrlKinds.from_profile_urls(self.profile.urls)
            self.login_patterns = compile_patterns(self.profile.urls.get("login", ()))
        elif start_url:
            self.start_url = start_url
            self.site_name = netloc_of(start_url)
            self.scope = Scope.from_start_url(start_url)
            self.url_kinds = UrlKinds()
            self.login_patterns = ()
        else:
            raise ValueError("give a site profile (-a site=umu) or a start URL (-a start_url=URL)")
        self.requisites = Requisites.configure(
            settings, self.profile.requisites if self.profile else {}, self.scope, self.host_map
        )
        self.db_path = settings.get("UNINEWS_DB")
        self.to_redis = settings.getbool("UNINEWS_TO_REDIS")  # no archive here (ingest)
        self.known: dict[str, Any] = {}  # normalized URL -> archive PageRow, read at start
        # normalized URL -> what a feed last said of it (archive.feeds), read at start and
        # updated as feeds are read; handed to the article as hints (scraper.extract.hints).
        self.feed_hints: dict[str, dict[str, Any]] = {}
        self._followed: set[str] = set()  # URLs follow_pages has seen (requested or refused)
        self.revisit_policy = load_object(settings.get("UNINEWS_REVISIT_POLICY")).from_settings(
            settings
        )

    @property
    def generic(self) -> bool:
        return self.profile is None

    def profile_urls(self, key: str) -> list[str]:
        """Start points of the profile's [discovery] table, through the host map."""
        if self.profile is None:
            return []
        return [map_url(u, self.host_map) for u in self.profile.discovery.get(key, [])]

    # -- requests ---------------------------------------------------------------------------

    def page_request(self, url: str, url_kind: str | None = None, **meta: Any) -> scrapy.Request:
        """A request whose response (any status) or failure is archived."""
        meta = {
            ROLE: "page",
            "dont_redirect": True,
            "handle_httpstatus_all": True,
            "url_kind": url_kind or self.url_kinds.kind(url) or self.default_kind,
            **meta,
        }
        return scrapy.Request(
            url, callback=self.parse_page, errback=self.page_failed, meta=meta, dont_filter=False
        )

    def discovery_request(self, url: str, role: str, callback: Any, **meta: Any) -> scrapy.Request:
        """A request for a feed, sitemap or robots.txt: parsed for links, not archived."""
        meta = {ROLE: role, "dont_redirect": True, "handle_httpstatus_all": True, **meta}
        return scrapy.Request(url, callback=callback, errback=self.discovery_failed, meta=meta)

    def malformed(self, url: str) -> bool:
        """True (and counted in the run's stats) for a URL that cannot be fetched: it is
        skipped alone, and the links after it on the page are followed."""
        problem = url_problem(url)
        if problem is None:
            return False
        self.crawler.stats.inc_value("uninews/malformed_urls")
        logger.info("Malformed URL skipped (%s): %.200r", problem, url)
        return True

    def is_login(self, url: str) -> bool:
        return is_login_url(url, self.login_patterns)

    def follow_pages(self, urls: Iterable[str], url_kind: str | None = None) -> Iterator[Any]:
        # Listings, feeds and sitemaps name the same articles again and again (2,800 of
        # 5,000 links in the demo crawl): a URL this spider already followed would only be
        # dropped by the dupefilter after a Request, the spider middlewares and a fingerprint.
        followed = self._followed
        for url in urls:
            if url in followed:
                continue
            followed.add(url)
            if self.malformed(url):
                continue
            if self.scope.allows(url) and not self.is_login(url):
                yield self.page_request(url, url_kind, **{IN_SCOPE: url})

    # -- start ------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        self.known = self.known_pages()  # before any sitemap answer needs it
        self.feed_hints = self.known_feed_entries()
        for request in self.seeds():
            yield request
        for request in self.revisits():
            yield request

    def seeds(self) -> Iterable[scrapy.Request]:
        return ()

    def wants_revisit(self, page: Any) -> bool:
        """Which archived pages this spider revisits (news: articles and listings)."""
        return True

    def known_pages(self) -> dict[str, Any]:
        """What the archive holds for this site, by normalized URL (for a `--to-redis`
        worker, what `uninews ingest` published of the archive to Redis)."""
        if self.to_redis:
            from scraper.ingest import mirror

            return self.from_redis(mirror.known_pages)
        from archive import Archive

        with Archive.open(self.db_path) as arc:
            return {page.url: page for page in arc.pages(self.site_name)}

    def known_feed_entries(self) -> dict[str, dict[str, Any]]:
        """What the site's feeds said of each article, as the archive kept it: a revisit of
        an article that has left the feed gets the same hints, so its content is unchanged."""
        if self.to_redis:
            from scraper.ingest import mirror

            return self.from_redis(mirror.known_feed_entries)
        from archive import Archive
        from archive.feeds import feed_entries

        with Archive.open(self.db_path) as arc:
            return feed_entries(arc, self.site_name)

    def from_redis(self, read: Any) -> Any:
        """read(client, site) over a connection to the crawl's Redis, closed after."""
        from scraper.ingest.keys import connect

        client = connect(self.settings.get("REDIS_URL"))
        try:
            return read(client, self.site_name)
        finally:
            client.close()

    def hints_for(self, url: str) -> dict[str, Any] | None:
        return self.feed_hints.get(normalize_url(url)) if self.feed_hints else None

    def revisits(self) -> Iterator[scrapy.Request]:
        now = datetime.now(UTC)
        count = 0
        for page in self.known.values():
            if page.kind not in ("article", "page", "listing") or not self.wants_revisit(page):
                continue  # feeds, robots.txt: discovery captures, no pages to revisit
            if not self.revisit_policy.should_revisit(page, now):
                continue
            if not self.scope.allows(page.url):
                continue
            count += 1
            yield self.page_request(page.url, page.kind, uninews_revisit=True)
        self.crawler.stats.set_value("uninews/revisits", count)

    # -- responses --------------------------------------------------------------------------

    def parse_page(self, response: Response) -> Iterator[Any]:
        kind = response.meta.get("url_kind")
        if response.status in REDIRECT_STATUSES:
            yield from self.redirected(response, kind)
            return
        yield FetchItem(
            response.request,
            self.site_name,
            response=response,
            url_kind=kind,
            hints=self.hints_for(response.url),
        )
        if response.status == 200 and is_html(
            response.headers.get(b"Content-Type", b"").decode("latin-1"), response.body
        ):
            yield from self.requisites_of_page(response)
            yield from self.discover(response, kind)

    def discover(self, response: Response, url_kind: str | None) -> Iterator[Any]:
        """Requests for what an archived HTML page points to. Spiders override."""
        return iter(())

    def links_of(self, response: Response) -> Any:
        return page_links(response.body, response.url, response.encoding)

    def redirected(self, response: Response, kind: str | None) -> Iterator[Any]:
        """Record the 3xx; follow its target when in scope and not a login wall or a loop."""
        location = response.headers.get(b"Location")
        target = self._location(response)
        chain = [*response.meta.get("redirect_chain", []), response.url]
        max_hops = self.settings.getint("REDIRECT_MAX_TIMES", 20)
        item = FetchItem(response.request, self.site_name, response=response, url_kind=kind)
        stats = self.crawler.stats
        if target is None and location:
            item.error = f"redirect to a malformed URL: {location.decode('latin-1')[:200]!r}"
        elif target is None:
            item.error = "redirect without a Location header"
        elif self.is_login(target):
            item.restricted = True
            stats.inc_value("uninews/login_redirects")
        elif target in chain:
            item.error = f"redirect loop: {' -> '.join([*chain, target])}"
            stats.inc_value("uninews/redirect_loops")
        elif len(chain) > max_hops:
            item.error = (
                f"too many redirects: {len(chain)} hops, over REDIRECT_MAX_TIMES ({max_hops}): "
                f"{' -> '.join([*chain[:3], '...', *chain[-2:], target])}"
            )
            stats.inc_value("uninews/redirect_too_many")
        yield item
        if target is None or item.restricted or item.error:
            return
        if not self.scope.allows(target):
            stats.inc_value("uninews/redirect_out_of_scope")
            logger.info("Redirect out of scope recorded, not followed: %s -> %s", chain[-1], target)
            return
        yield self.page_request(target, kind, redirect_chain=chain)

    def page_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request
        received = WIRE_HEADERS in request.meta  # a response came, and was refused after
        if failure.check(IgnoreRequest) and not received:
            # robots.txt, scope or --max-pages: never fetched
            self.crawler.stats.inc_value("uninews/not_fetched")
            return
        self.crawler.stats.inc_value("uninews/fetch_errors")
        error = describe_failure(failure)
        if received and "DOWNLOAD_MAXSIZE" in error:
            # a decompression bomb: Scrapy stopped inflating it at the limit
            self.crawler.stats.inc_value("uninews/oversize")
            error = f"body over DOWNLOAD_MAXSIZE once decompressed, not kept: {error}"
        elif "larger than download max size" in error:
            self.crawler.stats.inc_value("uninews/oversize")
            error = f"body over DOWNLOAD_MAXSIZE, download cancelled, not kept: {error}"
        yield FetchItem(
            request,
            self.site_name,
            failure=failure,
            url_kind=request.meta.get("url_kind"),
            error=error,
        )

    def discovery_failed(self, failure: Failure) -> None:
        if failure.check(IgnoreRequest):
            return
        self.crawler.stats.inc_value("uninews/discovery_errors")
        logger.warning("Could not fetch %s: %s", failure.request.url, describe_failure(failure))

    def discovery_ok(self, response: Response) -> bool:
        """A discovery response worth parsing; follows its redirect within the host."""
        if response.status == 200:
            return True
        self.crawler.stats.inc_value("uninews/discovery_errors")
        logger.warning("Discovery URL answered %s: %s", response.status, response.url)
        return False

    def follow_discovery_redirect(self, response: Response) -> Iterator[Any]:
        target = self._location(response)
        if response.status in REDIRECT_STATUSES and target:
            hops = response.meta.get("discovery_hops", 0)
            if self.scope.allows_host(target) and hops < 5:
                yield response.request.replace(url=target, dont_filter=True).replace(
                    meta={**response.meta, "discovery_hops": hops + 1}
                )

    def _location(self, response: Response) -> str | None:
        """The absolute URL a redirect names; None without one, or for a malformed one."""
        location = response.headers.get(b"Location")
        if not location:
            return None
        try:
            target = response.urljoin(location.decode("latin-1"))
        except ValueError:
            target = location.decode("latin-1")
        return None if self.malformed(target) else target
