"""What a page needs to look as it did: the stylesheets, images, fonts and scripts an HTML page
names, and the url(...) and @import a stylesheet names.

Plain functions over bytes, no regular expressions: CSS is scanned once, left to right, so a
hostile stylesheet costs time in proportion to its length.
"""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import etree
from parsel import Selector

# <link rel=...> values whose href a rendering browser fetches.
LINK_RELS = frozenset({"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload"})
_XPATH = {
    name: etree.XPath(query, smart_strings=False)
    for name, query in (
        ("base", "//base/@href"),
        ("links", "//link[@href][@rel]"),
        ("src", "//img/@src | //script/@src | //input[@type='image']/@src | //source/@src"),
        ("srcset", "//img/@srcset | //source/@srcset"),
        ("poster", "//video/@poster"),
        ("styles", "//style/text() | //*/@style"),
    )
}


def _absolute(base: str, ref: str | None) -> str | None:
    """The http(s) URL a reference names, without its fragment; None for data:, about: ..."""
    if not ref:
        return None
    ref = ref.strip()
    if not ref or ref.startswith(("data:", "#", "javascript:", "about:", "blob:")):
        return None
    try:
        url = urldefrag(urljoin(base, ref))[0]
        scheme = urlsplit(url).scheme
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def srcset_urls(value: str) -> list[str]:
    """The URLs of a srcset attribute: each candidate's first word, commas between candidates
    (a descriptor is words after the URL; a URL may hold commas but not end with one)."""
    out: list[str] = []
    pos, n = 0, len(value)
    while pos < n:
        while pos < n and (value[pos].isspace() or value[pos] == ","):
            pos += 1
        start = pos
        while pos < n and not value[pos].isspace():
            pos += 1
        url = value[start:pos].rstrip(",")
        if url:
            out.append(url)
        if value[start:pos].endswith(","):
            continue  # no descriptor
        while pos < n and value[pos] != ",":
            pos += 1
    return out


def _without_comments(text: str) -> str:
    parts, pos = [], 0
    while True:
        start = text.find("/*", pos)
        if start < 0:
            parts.append(text[pos:])
            return "".join(parts)
        parts.append(text[pos:start])
        end = text.find("*/", start + 2)
        if end < 0:
            return "".join(parts)
        pos = end + 2


def _quoted_or_bare(text: str, pos: int, closers: str) -> tuple[str, int]:
    """The token at `pos` (after blanks): a quoted string, or characters up to one of
    `closers`; and the position after it."""
    n = len(text)
    while pos < n and text[pos].isspace():
        pos += 1
    if pos < n and text[pos] in "\"'":
        quote = text[pos]
        end = text.find(quote, pos + 1)
        end = n if end < 0 else end
        return text[pos + 1 : end], end + 1
    end = pos
    while end < n and text[end] not in closers:
        end += 1
    return text[pos:end].strip(), end


def css_refs(text: str) -> list[str]:
    """The references of a stylesheet, as written: every url(...) and every @import "string"
    (an @import url(...) is one of the url(...))."""
    text = _without_comments(text)
    lower = text.lower()
    refs: list[str] = []
    pos = lower.find("url(")
    while pos >= 0:
        ref, end = _quoted_or_bare(text, pos + 4, ")")
        if ref:
            refs.append(ref)
        pos = lower.find("url(", end)
    pos = lower.find("@import")
    while pos >= 0:
        start = pos + len("@import")
        while start < len(text) and text[start].isspace():
            start += 1
        if start < len(text) and text[start] in "\"'":
            ref, start = _quoted_or_bare(text, start, ";")
            if ref:
                refs.append(ref)
        pos = lower.find("@import", start)
    return refs


def css_requisites(body: bytes, url: str, encoding: str = "utf-8") -> list[str]:
    """Absolute URLs a stylesheet fetched from `url` names (fonts, images, imported CSS)."""
    text = body.decode(encoding or "utf-8", errors="replace")
    return _unique(_absolute(url, ref) for ref in css_refs(text))


def page_requisites(body: bytes | str, url: str, encoding: str = "utf-8") -> list[str]:
    """Absolute URLs an HTML page loads to render: stylesheets, icons, preloads, images
    (src and srcset), scripts, video posters, and the url(...) of its inline styles."""
    text = body.decode(encoding or "utf-8", errors="replace") if isinstance(body, bytes) else body
    root = Selector(text=text or "<html/>", type="html").root
    base = next(iter(_XPATH["base"](root)), None)
    base = urljoin(url, base) if base else url
    refs: list[str] = []
    for node in _XPATH["links"](root):
        rels = set((node.get("rel") or "").lower().split())
        if rels & LINK_RELS:
            refs.append(node.get("href"))
    refs.extend(_XPATH["src"](root))
    for value in _XPATH["srcset"](root):
        refs.extend(srcset_urls(value))
    refs.extend(_XPATH["poster"](root))
    for css in _XPATH["styles"](root):
        refs.extend(css_refs(css))
    return _unique(_absolute(base, ref) for ref in refs)


def _unique(urls: object) -> list[str]:
    return list(dict.fromkeys(u for u in urls if u))  # type: ignore[union-attr]
