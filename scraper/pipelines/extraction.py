"""The one place the crawler calls the extractor (scraper.extract), so it can be swapped."""

from __future__ import annotations

from typing import Any

from scraper.extract.article import Article

HTML_TYPES = ("text/html", "application/xhtml+xml")


def extractor() -> tuple[Any, str]:
    """(extract function, EXTRACTOR_VERSION) of the installed extractor."""
    try:
        from scraper.extract import EXTRACTOR_VERSION, extract
    except ImportError:  # the extractor is not there yet: a minimal stand-in
        return _minimal_extract, "minimal-0"
    return extract, EXTRACTOR_VERSION


def is_html(content_type: str, body: bytes | None) -> bool:
    ctype = content_type.split(";")[0].strip().lower()
    if ctype:
        return ctype in HTML_TYPES
    head = (body or b"")[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def decode(body: bytes, encoding: str | None) -> str:
    return body.decode(encoding or "utf-8", errors="replace")


def _minimal_extract(html: str, url: str, profile: Any = None) -> Article:
    from lxml import html as lxml_html

    doc = lxml_html.fromstring(html or "<html/>")
    title = (doc.xpath("string(//h1)") or doc.xpath("string(//title)")).strip() or None
    main = doc.xpath("//main|//article")
    text = " ".join((main[0] if main else doc).text_content().split()) or None
    return Article(url=url, kind="article" if title and text else "empty", title=title,
                   body_text=text, lang=doc.get("lang"))  # fmt: skip
