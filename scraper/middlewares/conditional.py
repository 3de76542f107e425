"""Conditional GET: ask with the validators the archive holds, so unchanged costs a 304.

The middleware is thin; where validators come from is a small store class named by
UNINEWS_VALIDATORS_STORE (like Scrapy's HTTPCACHE_STORAGE), with one method:
``lookup(url) -> (etag, last_modified)``: the archive's (ArchiveValidators), or for a
`crawl --to-redis` worker, which has no archive, what `uninews ingest` published of it to
Redis (RedisValidators).
"""

from __future__ import annotations

from typing import Protocol

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler, load_object

from scraper.middlewares.scope import ROLE

CONDITIONAL = ("page", "requisite")  # roles whose validators the archive's pages table keeps


class ValidatorStore(Protocol):
    def lookup(self, url: str) -> tuple[str | None, str | None]: ...


class ArchiveValidators:
    """Validators from the archive's `pages` table (its own read connection)."""

    def __init__(self, db_path: str):
        from archive import Archive

        self.archive = Archive.open(db_path)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveValidators:
        store = cls(crawler.settings.get("UNINEWS_DB"))
        crawler.signals.connect(store.close, signal=signals.spider_closed)
        return store

    def lookup(self, url: str) -> tuple[str | None, str | None]:
        found = self.archive.validators(url)
        if found is None:
            return None, None
        return found.etag, found.last_modified

    def close(self) -> None:
        self.archive.close()


class RedisValidators:
    """Validators of the crawl's site as `uninews ingest` last published them to Redis."""

    def __init__(self, crawler: Crawler):
        from scraper.ingest.keys import connect

        self.crawler = crawler
        self.client = connect(crawler.settings.get("REDIS_URL"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisValidators:
        store = cls(crawler)
        crawler.signals.connect(store.close, signal=signals.spider_closed)
        return store

    def lookup(self, url: str) -> tuple[str | None, str | None]:
        from scraper.ingest import mirror

        return mirror.validators(self.client, self.crawler.spider.site_name, url)

    def close(self) -> None:
        self.client.close()


class ConditionalGetMiddleware:
    def __init__(self, crawler: Crawler, store: ValidatorStore):
        self.crawler = crawler
        self.store = store

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalGetMiddleware:
        if not crawler.settings.getbool("UNINEWS_CONDITIONAL_GET_ENABLED"):
            raise NotConfigured
        store_cls = load_object(crawler.settings.get("UNINEWS_VALIDATORS_STORE"))
        return cls(crawler, build_from_crawler(store_cls, crawler))

    def process_request(self, request: Request) -> None:
        if request.meta.get(ROLE) not in CONDITIONAL or request.meta.get("uninews_unconditional"):
            return None
        if b"If-None-Match" in request.headers or b"If-Modified-Since" in request.headers:
            return None
        etag, last_modified = self.store.lookup(request.url)
        if etag:
            request.headers[b"If-None-Match"] = etag
        if last_modified:
            request.headers[b"If-Modified-Since"] = last_modified
        if etag or last_modified:
            self.crawler.stats.inc_value("uninews/conditional_requests")
        return None
