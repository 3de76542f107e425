"""The one place the crawler calls the extractor (scraper.extract), so it can be swapped."""

from __future__ import annotations

import time
from typing import Any

from archive.content import Prepared, prepare
from scraper.extract.article import Article
from scraper.extract.hints import apply_hints

HTML_TYPES = ("text/html", "application/xhtml+xml")


def extractor() -> tuple[Any, str]:
    """(extract function, EXTRACTOR_VERSION) of the installed extractor."""
    from scraper.extract import EXTRACTOR_VERSION, extract

    return extract, EXTRACTOR_VERSION


def is_html(content_type: str, body: bytes | None) -> bool:
    ctype = content_type.split(";")[0].strip().lower()
    if ctype:
        return ctype in HTML_TYPES
    head = (body or b"")[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def decode(body: bytes, encoding: str | None) -> str:
    return body.decode(encoding or "utf-8", errors="replace")


def extract_body(
    extract: Any,
    body: bytes,
    encoding: str | None,
    url: str,
    profile: Any = None,
    hints: dict[str, Any] | None = None,
) -> Article:
    """Decode and extract in one call, so a process pool is sent bytes, not a decoded copy;
    then fill what the page lacks from a feed's hints (never what it says)."""
    return apply_hints(extract(decode(body, encoding), url, profile), hints)


# A pool process's extractor and profile, set once by init_worker rather than sent per page.
_worker: dict[str, Any] = {}


def init_worker(extract: Any, profile: Any) -> None:
    _worker.update(extract=extract, profile=profile)


def extract_in_worker(
    body: bytes, encoding: str | None, url: str, hints: dict[str, Any] | None = None
) -> tuple[Article, Prepared | None, float]:
    """The article, its content prepared for the archive, and the CPU seconds both took.

    Preparing (normalizing, hashing, JSON columns) here rather than in the archive's writer
    thread keeps that work off the crawler's GIL: 0.3 ms a demo page (bench/crawl.py).
    The CPU seconds are reported because the crawler's own figures leave them out.
    """
    started = time.process_time()
    article = extract_body(_worker["extract"], body, encoding, url, _worker["profile"], hints)
    prepared = prepare(article.content()) if article.has_content else None
    return article, prepared, time.process_time() - started
