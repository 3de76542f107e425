"""Sitemaps and sitemap indexes (plain or gzipped), and the sitemaps robots.txt names."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from archive.times import web_instant

__all__ = ["SitemapDoc", "SitemapEntry", "parse_lastmod", "sitemaps_in_robots"]

MAX_UNZIPPED = 50 * 1024 * 1024  # the sitemap protocol's own limit per file


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: datetime | None = None


def parse_lastmod(text: str | None) -> datetime | None:
    """W3C datetime (a date, or a timestamp with offset) as an aware UTC datetime."""
    return web_instant(text)


class SitemapDoc:
    """One sitemap file: `kind` is 'urlset', 'sitemapindex' or '' when it is not a sitemap."""

    def __init__(self, body: bytes):
        if body[:2] == b"\x1f\x8b":
            try:
                with gzip.GzipFile(fileobj=io.BytesIO(body)) as fh:
                    body = fh.read(MAX_UNZIPPED)
            except OSError:
                body = b""
        self._entries: list[SitemapEntry] = []
        self.kind = ""
        if not body.strip():
            return
        try:
            doc = Sitemap(body)
        except Exception:  # not XML at all: lxml raises several kinds
            return
        self.kind = doc.type if doc.type in ("urlset", "sitemapindex") else ""
        if not self.kind:
            return
        for d in doc:
            if d.get("loc"):
                self._entries.append(SitemapEntry(d["loc"], parse_lastmod(d.get("lastmod"))))

    def __iter__(self) -> Iterator[SitemapEntry]:
        return iter(self._entries)


def sitemaps_in_robots(body: bytes, base_url: str) -> list[str]:
    return list(sitemap_urls_from_robots(body, base_url=base_url))
