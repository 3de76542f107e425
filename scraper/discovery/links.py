"""What an HTML page points to: links, advertised feeds, pagination."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree
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
# Compiled once: a string query is compiled again on every call (6 queries, every page).
_XPATH = {
    name: etree.XPath(query, smart_strings=False)
    for name, query in (
        ("base", "//base/@href"),
        ("anchors", "//a[@href]"),
        ("feeds", "//link[@rel='alternate'][@type]"),
        *((f"next{i}", q) for i, q in enumerate(NEXT_XPATHS)),
    )
}
_NEXT = tuple(_XPATH[f"next{i}"] for i in range(len(NEXT_XPATHS)))
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


def _clean(base: str, href: str | None, origin: str | None = None) -> str | None:
    """The absolute URL a link points to, or None when it is no page to follow.

    `origin` is the base's scheme://host: a link that takes nothing else from the base
    is cached under it (menus and footers repeat the same links on every page).
    """
    if not href:
        return None
    href = href.strip()
    if href.startswith(("javascript:", "mailto:", "tel:", "#", "data:")):
        return None
    if origin is not None and _from_origin(href):
        return _joined_cached(origin, href)
    return _joined(base, href)


def _from_origin(href: str) -> bool:
    """True when urljoin takes only the base's scheme and host for this link: a path
    from the root ("/a", not "//"), or http(s)://HOST. urlsplit drops tabs and newlines
    inside a URL, which could turn "/", tab, "/" into "//": such links take the slow way."""
    if "\t" in href or "\n" in href or "\r" in href:
        return False
    if href.startswith("/"):
        return not href.startswith("//")
    for prefix in ("http://", "https://"):
        if href.startswith(prefix):
            return href[len(prefix) : len(prefix) + 1].isalnum()
    return False


def _joined(base: str, href: str) -> str | None:
    try:
        url = urldefrag(urljoin(base, href))[0]
        parts = urlsplit(url)
    except ValueError:  # e.g. "http://[not-an-address]/": no URL, not a reason to drop the rest
        return None
    if parts.scheme not in ("http", "https") or NOT_PAGES.search(parts.path):
        return None
    return url


_joined_cached = lru_cache(maxsize=4096)(_joined)


def origin_of(base: str) -> str | None:
    try:
        parts = urlsplit(base)
    except ValueError:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def is_pagination_url(url: str) -> bool:
    parts = urlsplit(url)
    return bool(PAGE_PARAM.search(parts.query) or PAGE_PATH.search(parts.path))


def page_links(body: bytes | str, url: str, encoding: str = "utf-8") -> PageLinks:
    """Parse HTML once and return its links, advertised feeds and next-page links."""
    text = body.decode(encoding, errors="replace") if isinstance(body, bytes) else body
    # parsel builds the tree; the queries run on lxml directly, which spares a Selector
    # object per result (a listing's "next" test alone made one per link text).
    root = Selector(text=text or "<html/>", type="html").root
    base = next(iter(_XPATH["base"](root)), None)
    base = urljoin(url, base) if base else url
    origin = origin_of(base)
    out = PageLinks()
    seen: set[str] = set()
    nexts: list[str] = []
    anchors = _XPATH["anchors"](root)
    for a in anchors:
        link = _clean(base, a.get("href"), origin)
        if link and link not in seen:
            seen.add(link)
            out.links.append(link)
    for node in _XPATH["feeds"](root):
        if (node.get("type") or "").lower() in FEED_TYPES:
            link = _clean(base, node.get("href"), origin)
            if link:
                out.feeds.append(link)
    for query in _NEXT:
        nexts.extend(query(root))
    for a in anchors:
        # itertext() walks the same text nodes as ".//text()" without a query per link
        if NEXT_TEXTS.match(" ".join(a.itertext())):
            nexts.append(a.get("href"))
    for href in nexts:
        link = _clean(base, href, origin)
        if link and link != url and link not in out.next_pages:
            out.next_pages.append(link)
    out.next_pages.extend(
        u for u in out.links if is_pagination_url(u) and u not in out.next_pages and u != url
    )
    return out
