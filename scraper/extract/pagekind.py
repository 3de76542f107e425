"""Evidence of a page's kind beyond its running text: what its metadata declare (an article,
a list of pages, a product, a forum discussion), whether its URL is a site's front page, a
section (a tag, category, topic page) or names one article (a slug of words, an item's
number), whether its byline is only the site's own name, how much of its text is links, how
many days its <time> elements name, whether og:type article stands on a long text at an
article's URL with no offer beside it. core._classify weighs these with the text's own
evidence (linked headlines, prose).

A listing's date and byline are often a teaser's (the first <time> of the page, the
author of the first item) or the site's (meta author = the shop's name): such evidence
makes an article only where nothing says the page is a list. Types, words and patterns
are data in vocabulary; the thresholds are below.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from . import query, vocabulary, xpaths
from .metadata import ARTICLE_TYPES, types

ARTICLE_SLUG_WORDS = 4  # words of a URL segment that name one article ("how-to-start-an-llc")
LINKED_SHARE = 0.8  # share of the container's text inside links that makes it a list...
LINKED_MIN_CHARS = 1000  # ...of at least this many characters (a short page may be one link)
UNDECLARED_HEADLINES = 10  # headlines linking elsewhere that make a page without article
# metadata a list (in the kept text: a related-links box is dropped before they are counted)
UNDECLARED_DATES = 5  # different days in its <time> elements that do the same
LINKED_HEADING = 0.6  # share of a heading's text in its link that makes it a teaser's headline
# Words of text that, with og:type article at a URL naming one article, make a page an
# article whose date only htmldate finds (a service or product page of a content system
# that gives og:type article to every page is shorter on wcxb-dev).
LONG_ARTICLE_WORDS = 700

_EXTENSION = re.compile(r"\.\w{2,5}$")
_KEY = re.compile(r"\W+")


def declared(
    ld_types: set[str], og_type: str | None, item_types: set[str] | frozenset[str] = frozenset()
) -> str | None:
    """What the page's metadata say it is: "discussion" (a forum thread or question page, in
    JSON-LD or microdata), "article" (a JSON-LD article type, else og:type article),
    "listing" (a JSON-LD collection without an article type, or a shop's category og:type),
    "product", or None when they say nothing of the kind."""
    if not vocabulary.DISCUSSION_TYPES.isdisjoint(ld_types | item_types):
        return "discussion"
    if ld_types & ARTICLE_TYPES:
        return "article"
    og_type = (og_type or "").strip().lower()
    if ld_types & vocabulary.COLLECTION_LD_TYPES or og_type in vocabulary.OG_COLLECTION_TYPES:
        return "listing"
    if vocabulary.OG_PRODUCT_TYPE.search(og_type):
        return "product"
    return "article" if og_type == "article" else None


def item_types(tree: Any, source: Any = None) -> set[str]:
    """Every microdata itemtype on the page, lower-cased and without its vocabulary
    ("https://schema.org/DiscussionForumPosting" is "discussionforumposting"); source (a
    query.Source) lets a page without "itemtype" skip the search."""
    if source is not None and not source.may_match(xpaths.ITEMTYPES):
        return set()
    return {
        t.rstrip("/").rsplit("/", 1)[-1].lower()
        for value in query.matches(tree, xpaths.ITEMTYPES)
        for t in value.split()
    }


def ld_types(objects: list[dict[str, Any]]) -> set[str]:
    """Every JSON-LD @type on the page, lower-cased."""
    return {kind for obj in objects for kind in types(obj)}


def time_days(tree: Any) -> int:
    """How many different days the page's <time datetime> elements name (a list of
    teasers dates each; an article has one or two, and its comments' few)."""
    return len({t.get("datetime", "")[:10] for t in tree.iter("time") if t.get("datetime")})


def is_home(url: str) -> bool:
    """Whether the URL is a site's front page: no path, no query but tracking."""
    parts = urlsplit(url)
    if parts.path not in ("", "/"):
        return False
    names = (pair.split("=", 1)[0] for pair in parts.query.split("&") if pair)
    return all(vocabulary.TRACKING_QUERY.match(name) for name in names)


def slug_words(url: str) -> int:
    """Words in the wordiest of the URL's last two path segments: an article's address
    names it ("/news/how-to-start-an-llc-in-new-york/"), a list's names a section
    ("/topic/headphones", "/collections/wallets")."""
    path = urlsplit(url).path.split(";", 1)[0]
    segments = [s for s in path.split("/") if s][-2:]
    return max(
        (len([w for w in vocabulary.SLUG_SEPARATORS.split(_EXTENSION.sub("", s)) if w])
         for s in segments),
        default=0,
    )  # fmt: skip


def names_article(url: str) -> bool:
    """Whether the URL names one article: a slug of words, or an item's number in the
    query (a forum thread's "?t=112320")."""
    if slug_words(url) >= ARTICLE_SLUG_WORDS:
        return True
    return bool(vocabulary.ITEM_ID_QUERY.search(urlsplit(url).query))


def names_section(url: str) -> bool:
    """Whether the URL names a section ("/topic/headphones", "/category/news/", "/page/2")
    and no article in it."""
    return bool(vocabulary.SECTION_PATH.search(urlsplit(url).path)) and not names_article(url)


def site_names(meta: dict[str, str], objects: list[dict[str, Any]], url: str) -> set[str]:
    """The site's own names as comparison keys: meta tags, JSON-LD organizations, sites
    and publishers, and the labels of the host name ("ridge" of ridge.com)."""
    names = [meta[key] for key in vocabulary.SITE_NAME_META if key in meta]
    for obj in objects:
        if types(obj) & vocabulary.SITE_LD_TYPES and isinstance(obj.get("name"), str):
            names.append(obj["name"])
        publisher = obj.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            names.append(publisher["name"])
    host = [label for label in (urlsplit(url).hostname or "").split(".")[:-1] if label != "www"]
    return {_key(n) for n in (*names, *host)} - {""}


def by_site_only(authors: list[str], names: set[str]) -> bool:
    """Whether every name of the byline is one of the site's names."""
    return bool(authors) and all(_key(a) in names for a in authors)


def linked_headlines(blocks: list[Any], url: str, headings: Any) -> int:
    """Headings that are mostly a link to another page: a teaser's headline (a heading
    linked to its own anchor is not one)."""
    here = url.split("#", 1)[0]
    return sum(
        1
        for b in blocks
        if b.kind in headings
        and b.link_density > LINKED_HEADING
        and any(link["url"].split("#", 1)[0] != here for link in b.links)
    )


def link_share(blocks: list[Any]) -> tuple[float, int]:
    """(share of the blocks' text inside links, characters of text)."""
    chars = sum(len(b.text) for b in blocks)
    return (sum(b.link_chars for b in blocks) / chars if chars else 0.0), chars


def _key(name: str) -> str:
    return _KEY.sub("", name.lower())


def long_article(ld_types: set[str], og_type: str | None, url: str, text: str | None) -> bool:
    """Whether og:type article is worth asking htmldate for the page's date: no JSON-LD
    says it offers something, its URL names one article and its text is an article's
    length."""
    return (
        (og_type or "").strip().lower() == "article"
        and not ld_types & vocabulary.OFFER_LD_TYPES
        and names_article(url)
        and len((text or "").split()) >= LONG_ARTICLE_WORDS
    )
