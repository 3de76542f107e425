"""What an HTML page points to: links, advertised feeds, pagination."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

from parsel import Selector

from scraper.discovery.feeds import FEED_TYPES

# Link texts and classes that mean "next page of this listing" (Swedish and English).
NEXT_TEXTS = re.compile(r"^\s*(nästa|next|older|äldre|fler|more|›|»|→)\b", re.IGNORECASE)
NEXT_XPATHS = (
    "//link[@rel='next']/@href",
    "//a[@rel='next']/@href",
    "//a[contains(concat(' ', normalize-space(@class), ' '), ' next ')]/@href",
    "//li[contains(@class, 'next')]/a/@href",
    "//*[contains(@class, 'pagination') or contains(@class, 'pager')]//a/@href",
    "//nav[contains(@aria-label, 'agination') or contains(@aria-label, 'idor')]//a/@href",
)
PAGE_PARAM = re.compile(r"(^|&)(page|p|sida|start|offset)=\d+", re.IGNORECASE)
PAGE_PATH = re.compile(r"/page/\d+/?$", re.IGNORECASE)
NOT_PAGES = re.compile(
    r"\.(pdf|jpe?g|png|gif|svg|webp|zip|docx?|xlsx?|pptx?|mp[34]|mov|ics|css|js)$", re.IGNORECASE
)


@dataclass
class PageLinks:
    links: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)


def _clean(base: str, href: str | None) -> str | None:
    if not href:
        return None
    href = href.strip()
    if href.startswith(("javascript:", "mailto:", "tel:", "#", "data:")):
        return None
    try:
        url = urldefrag(urljoin(base, href))[0]
        parts = urlsplit(url)
    except ValueError:  # e.g. "http://[not-an-address]/": no URL, not a reason to drop the rest
        return None
    if parts.scheme not in ("http", "https") or NOT_PAGES.search(parts.path):
        return None
    return url


def is_pagination_url(url: str) -> bool:
    parts = urlsplit(url)
    return bool(PAGE_PARAM.search(parts.query) or PAGE_PATH.search(parts.path))


def page_links(body: bytes | str, url: str, encoding: str = "utf-8") -> PageLinks:
    """Parse HTML once and return its links, advertised feeds and next-page links."""
    text = body.decode(encoding, errors="replace") if isinstance(body, bytes) else body
    # parsel builds the tree; the queries run on lxml directly, which spares a Selector
    # object per result (a listing's "next" test alone made one per link text).
    root = Selector(text=text or "<html/>", type="html").root
    base = next(iter(root.xpath("//base/@href")), None)
    base = urljoin(url, base) if base else url
    out = PageLinks()
    seen: set[str] = set()
    for href in root.xpath("//a/@href"):
        link = _clean(base, href)
        if link and link not in seen:
            seen.add(link)
            out.links.append(link)
    for node in root.xpath("//link[@rel='alternate'][@type]"):
        if (node.get("type") or "").lower() in FEED_TYPES:
            link = _clean(base, node.get("href"))
            if link:
                out.feeds.append(link)
    nexts: list[str] = []
    for xp in NEXT_XPATHS:
        nexts.extend(root.xpath(xp))
    for a in root.xpath("//a[@href]"):
        if NEXT_TEXTS.match(" ".join(a.xpath(".//text()"))):
            nexts.append(a.get("href"))
    for href in nexts:
        link = _clean(base, href)
        if link and link != url and link not in out.next_pages:
            out.next_pages.append(link)
    out.next_pages.extend(
        u for u in out.links if is_pagination_url(u) and u not in out.next_pages and u != url
    )
    return out
