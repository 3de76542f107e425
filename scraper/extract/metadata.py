"""Fields from the page's own structure: JSON-LD, meta tags, <time>, lang, link rels.

One small function per field, each with its fallback chain; visible-text fallbacks live in
labels.py. Each reads the parsed tree or what was read from it once (meta tags, JSON-LD) and
returns plain values.
"""

from __future__ import annotations

import json
import re
from typing import Any

from lxml import html as lxml_html

from . import vocabulary, xpaths
from .dates import parse_date
from .query import Source, first
from .text import absolute, norm, split_names

# (?<!\s): a match starts where a run of spaces starts, so a long run is scanned once.
_TITLE_SEPARATORS = re.compile(r"(?<!\s)\s+[|\-–—:·»]\s+")
ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "scholarlyarticle",
    "report",
    "techarticle",
    "pressrelease",
    "liveblogposting",
    "opinionnewsarticle",
    "posting",
    "socialmediaposting",
}


def metas(tree: lxml_html.HtmlElement) -> dict[str, str]:
    """Every meta tag once, keyed by lower-cased name, property or itemprop: first wins."""
    out: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        value = meta.get("content")
        if key and value and value.strip():
            out.setdefault(key.strip().lower(), norm(value))
    return out


def from_meta(meta: dict[str, str], keys) -> str | None:
    for key in keys:
        if key in meta:
            return meta[key]
    return None


def json_ld_objects(tree: lxml_html.HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, with those of @graph and mainEntity(OfPage)."""
    found: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        _collect(data, found, 0)
    return found


def json_ld(found: list[dict[str, Any]]) -> dict[str, Any]:
    """Of the page's JSON-LD objects (json_ld_objects), the first article-like one, else the
    first with a headline."""
    for obj in found:
        if ARTICLE_TYPES & types(obj):
            return obj
    for obj in found:
        if obj.get("headline"):
            return obj
    return {}


def types(obj: dict[str, Any]) -> set[str]:
    """An object's @type values, lower-cased."""
    kinds = obj.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return {k.lower() for k in kinds if isinstance(k, str)}


def _collect(data: Any, found: list, depth: int) -> None:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            _collect(item, found, depth + 1)
    elif isinstance(data, dict):
        found.append(data)
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if key in data:
                _collect(data[key], found, depth + 1)


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [n for item in value for n in _names(item)]
    return []


def page_title(tree) -> str | None:
    return first(tree, (xpaths.PAGE_TITLE,))


def title(
    tree, meta_tags: dict, ld: dict, h1: str | None, extra=(), page_title: str | None = None
) -> str | None:
    """A site's own title selector, else h1 when the meta titles agree, else og:title...
    (page_title: the document's <title>, when the caller has read it already)."""
    own = first(tree, extra) if extra else None
    if own:
        return own
    meta = from_meta(meta_tags, vocabulary.TITLE_META)
    headline = ld.get("headline") if isinstance(ld.get("headline"), str) else None
    if page_title is None:
        page_title = first(tree, (xpaths.PAGE_TITLE,))
    if h1 and any(h1.lower() in norm(t).lower() for t in (meta, headline, page_title) if t):
        return h1
    for candidate in (headline, meta, h1):
        if candidate:
            return _strip_site(norm(candidate))
    if page_title:
        return _strip_site(page_title)
    return None


def _strip_site(text: str) -> str:
    """Drop a " | Site name" suffix: keep the longest part."""
    parts = _TITLE_SEPARATORS.split(text)
    return max(parts, key=len) if len(parts) > 1 else text


def published_by_metadata(meta: dict, ld: dict) -> str | None:
    """The date the page's JSON-LD or meta tags give as its own."""
    return parse_date(_str(ld.get("datePublished"))) or parse_date(
        from_meta(meta, vocabulary.PUBLISHED_META)
    )


def published_in_body(tree, source: Source | None = None) -> str | None:
    """A date marked up in the body (itemprop, <time>): the page's, or a teaser's."""
    return parse_date(first(tree, xpaths.PUBLISHED_XPATHS, source))


def updated(tree, meta: dict, ld: dict, source: Source | None = None) -> str | None:
    return (
        parse_date(_str(ld.get("dateModified")))
        or parse_date(from_meta(meta, vocabulary.UPDATED_META))
        or parse_date(first(tree, xpaths.UPDATED_XPATHS, source))
    )


def authors(tree, meta: dict, ld: dict, source: Source | None = None) -> list[str]:
    names = [norm(n) for n in _names(ld.get("author"))]
    if not names:
        value = from_meta(meta, vocabulary.AUTHOR_META)
        if value and value.startswith("http"):
            value = None
        value = value or first(tree, xpaths.AUTHOR_XPATHS, source)
        names = split_names(value) if value else []
    return [n for n in dict.fromkeys(names) if n and not n.startswith("http") and len(n) < 80]


def category(meta: dict, ld: dict) -> str | None:
    section = ld.get("articleSection")
    if isinstance(section, list):
        section = section[0] if section else None
    if isinstance(section, str) and section.strip():
        return norm(section)
    return from_meta(meta, vocabulary.CATEGORY_META)


def tags(tree, meta: dict, ld: dict) -> list[str]:
    keywords = ld.get("keywords")
    if isinstance(keywords, str):
        values = keywords.split(",")
    elif isinstance(keywords, list):
        values = [k for k in keywords if isinstance(k, str)]
    else:
        values = [m.get("content") or "" for m in tree.iter("meta")
                  if m.get("property") == "article:tag"]  # fmt: skip
    return list(dict.fromkeys(norm(v) for v in values if norm(v)))[:50]


def description(meta: dict) -> str | None:
    return from_meta(meta, vocabulary.DESCRIPTION_META)


def lang(tree) -> str | None:
    """The document's declared language as a bare code ("sv", "en"): <html lang>, else the
    meta tags (read only when the root does not say)."""
    root = tree.getroottree().getroot()
    for value in (
        root.get("lang"),
        root.get("{http://www.w3.org/XML/1998/namespace}lang") or root.get("xml:lang"),
    ):
        code = _lang_code(value)
        if code:
            return code
    meta = {(m.get("http-equiv") or m.get("property") or "").lower(): m.get("content")
            for m in tree.iter("meta")}  # fmt: skip
    for value in (meta.get("content-language"), meta.get("og:locale")):
        code = _lang_code(value)
        if code:
            return code
    return None


def _lang_code(value: str | None) -> str | None:
    if value:
        code = _LANG_SPLIT.split(value.strip().lower())[0]
        if 2 <= len(code) <= 3 and code.isalpha():
            return code
    return None


_LANG_SPLIT = re.compile(r"[-_,\s]")


def canonical(tree, url: str, meta: dict[str, str] | None = None) -> str | None:
    """rel=canonical, else og:url (meta: metas() of the tree, when read already)."""
    value = None
    for link in tree.iter("link"):
        if (link.get("rel") or "").strip().lower() == "canonical" and link.get("href"):
            value = link.get("href")
            break
    if value is None:
        value = from_meta(metas(tree) if meta is None else meta, ("og:url",))
    return absolute(url, value) if value else None


def translations(tree, url: str) -> dict[str, str]:
    """hreflang alternates as {lang: absolute url}; x-default left out."""
    out: dict[str, str] = {}
    for link in tree.iter("link"):
        if link.get("rel") != "alternate" or not link.get("hreflang") or not link.get("href"):
            continue
        code = link.get("hreflang", "").strip().lower()
        if code and code != "x-default" and code not in out:
            target = absolute(url, link.get("href"))
            if target:
                out[code] = target
    return out


def _str(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None
