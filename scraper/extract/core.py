"""extract(): HTML in, a clean Article out. Pure: no network, no Scrapy, no SQLite.

extract() owns the contract (any input, never an exception) and the parse; build() makes the
Article by running PASSES in order (at the end of this module), small steps that share one
Draft. The fields themselves are read by the modules the passes call.
"""

from __future__ import annotations

import codecs
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

from . import (
    cms,
    contacts,
    content,
    fallback,
    images,
    labels,
    markup,
    metadata,
    pagekind,
    query,
    repeats,
    teasers,
    vocabulary,
    xpaths,
)
from .article import Article
from .decode import looks_binary, to_text
from .text import norm

# Past this many characters (after scripts and styles are cut out) the rest of a page is
# never article text: the largest article pages in extraction-dev are under 1.5 MB.
MAX_CHARS = 2_000_000
# A bulky element's start: a script or style tag (up to the next "<" or ">", so an
# unclosed tag costs one scan), or an inline image.
_BULKY = re.compile(r"<(script|style)\b[^<>]*>|data:[a-z/+.-]+;base64,[A-Za-z0-9+/=]{256,}", re.I)
_BULKY_END = {
    "script": re.compile(r"</script\s*>", re.I),
    "style": re.compile(r"</style\s*>", re.I),
}
WHOLE_PAGE_SHARE = 0.7  # calibrated on extraction-dev (F1): 0.2 .894, 0.4 .910, 0.7 .916, 1.0 .902
# The same share on a product's page, whose description sits beside reviews, specifications
# and recommendations with paragraphs of their own (wcxb-dev all pages, on pages with a
# JSON-LD offer type: +0.0004 at 0.5, +0.0006 at 0.4, +0.0005 at 0.3, -0.0015 never reading
# the whole page; without "service" and with og:type product, as here: +0.0008 at 0.4;
# articles and extraction-dev unchanged at each).
PRODUCT_PAGE_SHARE = 0.4
_TEASER_MIN = 30  # characters: a link this long reads as a teaser headline


def extract(
    html: bytes | str | None, url: str, profile: Any = None, charset: str | None = None
) -> Article:
    """Extract one page. Never raises: a page that is not an article says so in kind/reason.

    html: the body as received (bytes), which the extractor decodes itself; charset: the one
    the HTTP Content-Type names, a hint that a mislabelled page does not get to garble it."""
    try:
        return _extract(html, url, _settings(profile), charset)
    except Exception as exc:  # the contract: a result for any input, never an exception
        return Article(url=url, kind="empty", reason=f"could not extract: {type(exc).__name__}")


def _settings(profile: Any) -> dict[str, Any]:
    if profile is None:
        return {}
    data = getattr(profile, "extract", profile)
    return data if isinstance(data, dict) else {}


def _list(cfg: dict, key: str) -> tuple[str, ...]:
    value = cfg.get(key, ())
    return (value,) if isinstance(value, str) else tuple(value)


def _phrases(cfg: dict) -> frozenset[str]:
    """Phrases whose line is never article text: the vocabulary's and the profile's."""
    return vocabulary.DROP_PHRASES | {p.lower() for p in _list(cfg, "phrases")}


def _without_title(blocks: list, title: str | None) -> list:
    """The blocks without a heading that repeats the title (read as a field already)."""
    if not title:
        return blocks
    return [b for b in blocks if not (b.kind in content.HEADINGS and b.text == title)]


def _extract(
    html: bytes | str | None, url: str, cfg: dict[str, Any], charset: str | None = None
) -> Article:
    if html is None or (isinstance(html, (bytes, str)) and not html.strip()):
        return Article(url=url, kind="empty", reason="the response body is empty")
    if not isinstance(html, (bytes, str)):
        return Article(url=url, kind="not_html", reason="the body is not text or bytes")
    reason = looks_binary(html)
    if reason:
        return Article(url=url, kind="not_html", reason=reason)
    text, encoding = to_text(html, charset)
    as_received = _as_received(html, text, encoding)
    if len(text) > MAX_CHARS:
        text = _cut_bulky(text)[:MAX_CHARS]
    # libxml2 reads UTF-8 bytes faster than a Python str (about 0.7 ms a page on
    # extraction-dev), and the parser's fixed encoding wins over any <meta charset>.
    if as_received:
        data = html  # the text is these bytes decoded: no need to encode it again
    else:
        data = text.replace("\x00", "").encode("utf-8", "replace")
    try:
        parser = _parser()
        tree = lxml_html.document_fromstring(data, parser=parser)
        if markup.needs_repair(data, parser.error_log):
            tree = lxml_html.document_fromstring(markup.repair(data), parser=parser)
    except (etree.ParserError, ValueError):
        return Article(url=url, kind="empty", reason="the markup holds no document")
    return build(tree, url, cfg, source=data)


def _as_received(html: bytes | str, text: str, encoding: str) -> bool:
    """Whether text is html decoded as it stands: UTF-8 without a byte-order mark, no
    NUL to drop, no "<?" (so no XML declaration was cut), not to be shortened."""
    return (
        isinstance(html, bytes)
        and encoding == "utf-8"
        and len(text) <= MAX_CHARS
        and not html.startswith(codecs.BOM_UTF8)
        and b"\x00" not in html
        and b"<?" not in html
    )


def _cut_bulky(text: str) -> str:
    """Cut scripts, styles and inline images, but keep JSON-LD metadata.

    One pass: each element's end is looked for once, and a kind of element that is never
    closed is not looked for again (a regular expression "<script>.*?</script>" would
    rescan the rest of the page from every unclosed tag)."""
    out: list[str] = []
    pos = 0
    unclosed: set[str] = set()
    while True:
        start = _BULKY.search(text, pos)
        if start is None:
            break
        name = (start.group(1) or "").lower()
        if not name:  # an inline image
            out.append(text[pos : start.start()])
            pos = start.end()
            continue
        end = None if name in unclosed else _BULKY_END[name].search(text, start.end())
        if end is None:
            unclosed.add(name)
            out.append(text[pos : start.end()])
            pos = start.end()
            continue
        out.append(text[pos : start.start()])
        if "ld+json" in text[start.start() : start.start() + 80].lower():
            out.append(text[start.start() : end.end()])
        pos = end.end()
    out.append(text[pos:])
    return "".join(out)


# lxml.html picks each element's Python class in a Python method, called for every element
# the extractor touches (about a quarter of its time on extraction-dev); a C-level lookup
# hands out the same HtmlElement class (no form helpers, which extraction never uses).
_LOOKUP = etree.ElementDefaultClassLookup(
    element=lxml_html.HtmlElement,
    comment=lxml_html.HtmlComment,
    pi=lxml_html.HtmlProcessingInstruction,
    entity=lxml_html.HtmlEntity,
)


_PARSERS = threading.local()  # a parser is reusable but not shareable between threads


def _parser() -> lxml_html.HTMLParser:
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = lxml_html.HTMLParser(
            remove_comments=True, remove_pis=True, huge_tree=True, encoding="utf-8"
        )
        parser.set_element_class_lookup(_LOOKUP)
        _PARSERS.parser = parser
    return parser


@dataclass
class Draft:
    """What the passes share: the parsed page they read (and clean, in place), the Article
    they fill, and what one pass leaves for a later one."""

    tree: lxml_html.HtmlElement
    url: str
    cfg: dict[str, Any]
    source: bytes | None  # the bytes the tree was parsed from
    art: Article
    page: query.Source | None = None  # source, asked which expressions can match it
    ld: dict[str, Any] = field(default_factory=dict)  # the article's JSON-LD object
    ld_objects: list[dict[str, Any]] = field(default_factory=list)  # every JSON-LD object
    ld_types: set[str] = field(default_factory=set)  # their @types, lower-cased
    item_types: set[str] = field(default_factory=set)  # microdata itemtypes, lower-cased
    time_days: int = 0  # different days the page's <time datetime> elements name
    meta: dict[str, str] = field(default_factory=dict)  # meta tags by lower-cased name
    has_password: bool = False
    description: str | None = None
    published: str | None = None  # from the metadata; the visible labels come second
    dated_by_metadata: str | None = None  # the date JSON-LD or meta tags give the page
    updated: str | None = None
    meta_category: str | None = None
    page_title: str | None = None  # the document's <title>
    page_chars: int = 0  # paragraph text before cleaning, what the body's confidence is of
    leaves: bool = False  # whether the vote counts leaf blocks (content.writes_in_spans)
    roots: list[lxml_html.HtmlElement] = field(default_factory=list)  # the container
    region: lxml_html.HtmlElement | None = None  # the container widened to hold the h1
    headline: lxml_html.HtmlElement | None = None  # the h1 the title was read from
    headline_updated: str | None = None  # an "Updated ..." date on a line beside it
    date_asked: bool = False  # htmldate was asked for the date already (for the kind)
    skip: set = field(default_factory=set)  # elements read as fields, kept out of the body
    author_boxes: list = field(default_factory=list)  # boxes about the author, not the body
    found: labels.Labels = field(default_factory=labels.Labels)
    all_blocks: list[content.Block] = field(default_factory=list)
    teaser_lists: set = field(default_factory=set)  # lists of teaser cards in the container
    kept: list[content.Block] = field(default_factory=list)


def _read_metadata(d: Draft) -> None:
    """The page's own metadata, read first: cleaning removes the scripts, meta tags and
    <time> elements it lives in."""
    tree, art = d.tree, d.art
    d.ld_objects = metadata.json_ld_objects(tree)
    d.ld = metadata.json_ld(d.ld_objects)
    d.ld_types = pagekind.ld_types(d.ld_objects)
    d.item_types = pagekind.item_types(tree, d.page)
    d.time_days = pagekind.time_days(tree)
    d.meta = metadata.metas(tree)
    art.lang = metadata.lang(tree)
    art.canonical_url = metadata.canonical(tree, d.url, d.meta)
    art.translations = metadata.translations(tree, d.url)
    art.tags = metadata.tags(tree, d.meta, d.ld)
    d.description = metadata.description(d.meta)
    d.dated_by_metadata = metadata.published_by_metadata(d.meta, d.ld)
    d.published = d.dated_by_metadata or metadata.published_in_body(tree, d.page)
    d.updated = metadata.updated(tree, d.meta, d.ld, d.page)
    d.meta_category = metadata.category(d.meta, d.ld)
    d.page_title = metadata.page_title(tree)


def _note_password_field(d: Draft) -> None:
    """Whether the page asks for a password, looked at before cleaning drops every input."""
    d.has_password = any((i.get("type") or "").lower() == "password" for i in d.tree.iter("input"))


def _strip_furniture(d: Draft) -> None:
    """Remove what is never article text (scripts, controls, navs, hidden and furniture
    elements), counting the paragraph text the body's confidence is measured against (its
    paragraphs only, leaf blocks not counted: counted, they sent 29 more wcxb-dev pages to
    trafilatura, for all pages 0.8448 against 0.8450 without them)."""
    content.strip_tags(d.tree, _list(d.cfg, "drop"))
    body = d.tree.find("body")
    root = d.tree if body is None else body  # where clean() looks, as it decides
    good = content.good_text(root)
    d.leaves = body is not None and content.writes_in_spans(body, good)
    content.clean(d.tree, d.author_boxes, d.leaves, None if d.leaves else good)
    d.page_chars = good.get(root, 0)


def _choose_container(d: Draft) -> None:
    """The article's container: a profile's selector, else the paragraph vote widened, or
    the whole body when the vote caught too little of it."""
    best, good = content.best_candidate(d.tree, _list(d.cfg, "content"), d.leaves)
    if not _list(d.cfg, "content"):
        best = content.widen(best, good)
        body = d.tree.find("body")
        # When the chosen container holds a small part of the page's paragraphs, the
        # article is spread over blocks the vote could not join: read the whole page and
        # let the block filter judge each piece.
        share = PRODUCT_PAGE_SHARE if _sells_a_product(d) else WHOLE_PAGE_SHARE
        if body is not None and good.get(best, 0) < share * good.get(body, 0):
            best = body
    d.roots = [best]
    d.region = _region(d.roots)


def _sells_a_product(d: Draft) -> bool:
    """Whether the page's metadata (JSON-LD, microdata, og:type) declare a product."""
    if not vocabulary.PRODUCT_LD_TYPES.isdisjoint(d.ld_types | d.item_types):
        return True
    return pagekind.declared(set(), d.meta.get("og:type")) == "product"


def _find_title(d: Draft) -> None:
    """The title (the h1 when the metadata agree with it); that h1 stays out of the body."""
    h1_el = d.headline = _title_element(d.region, d.tree)
    h1 = norm(h1_el.text_content()) if h1_el is not None else None
    art = d.art
    art.title = metadata.title(d.tree, d.meta, d.ld, h1, _list(d.cfg, "title"), d.page_title)
    if art.title is None and d.page_title:
        art.title = d.page_title
    if h1_el is not None and art.title and norm(h1) == art.title:
        d.skip.add(h1_el)


def _read_labels(d: Draft) -> None:
    """Visible labels near the headline (date, byline, credit, category); their lines stay
    out of the body."""
    category_labels = (*_list(d.cfg, "category_labels"), *vocabulary.CATEGORY_LABELS)
    d.found = labels.scan(d.region, d.skip, category_labels)
    d.skip |= d.found.consumed
    published, d.headline_updated = labels.headline_dates(d.headline)
    d.found.published = d.found.published or published
    d.found.updated = d.found.updated or d.headline_updated


def _find_lead(d: Draft) -> None:
    """The lead, by a profile's selector or a lead-like class; it stays out of the body."""
    lead_el = _lead_element(d.region, _list(d.cfg, "lead"), d.skip)
    if lead_el is not None:
        d.art.lead = _text_without(lead_el, d.skip) or None
        d.skip.add(lead_el)


def _read_contacts(d: Draft) -> None:
    """Contact boxes as contacts, one per address; the boxes stay out of the body."""
    art = d.art
    headings = (*_list(d.cfg, "contact_headings"), *vocabulary.CONTACT_HEADINGS)
    for box in contacts.find_boxes(d.roots, headings):
        art.contacts.extend(contacts.parse_box(box))
        d.skip.update(box)
    art.contacts = _unique(art.contacts, "email")


def _collect_images(d: Draft) -> None:
    """Images with caption and credit; a credit the labels found goes to the first image
    without one."""
    art = d.art
    art.images = images.images(d.roots, d.url, d.skip)
    for credit in d.found.credits:
        for image in art.images:
            if not image["credit"]:
                image["credit"] = credit
                break


def _select_blocks(d: Draft) -> None:
    """The blocks a reader keeps, without the title again; a first paragraph that the
    description repeats is the lead when the page marks none and more text follows it (a
    post written as one block of text is its body, which the description summarises)."""
    art = d.art
    phrases = _phrases(d.cfg)
    d.teaser_lists = teasers.teaser_lists(d.roots, d.url)
    d.all_blocks = content.blocks(d.roots, d.url, d.skip.union(d.author_boxes), d.teaser_lists)
    kept = content.select(d.all_blocks, phrases)
    kept = _without_title(kept, art.title)
    description = d.description
    if art.lead is None and len(kept) > 1 and description and kept[0].kind == "p":
        first_para = norm(kept[0].text)
        if len(first_para) > 40 and first_para.startswith(description[:80].rstrip(". …")):
            art.lead = first_para
            kept = kept[1:]
    d.kept = repeats.without_repeats(kept, [art.lead] if art.lead else [])


def _ask_second_opinion(d: Draft) -> None:
    """trafilatura's body instead of ours when ours holds little of the page's text."""
    ours = sum(len(b.text) for b in d.kept) + len(d.art.lead or "")
    if fallback.confidence(ours, d.page_chars) < fallback.MIN_CONFIDENCE:
        phrases = _phrases(d.cfg)
        d.kept = _second_opinion(d.kept, d.source, d.url, d.art.lead, phrases)


def _render_body(d: Draft) -> None:
    """Text and markdown of the kept blocks, and the links they hold."""
    art = d.art
    art.body_text, art.body_markdown = content.render(d.kept)
    art.body_text = art.body_text or None
    art.body_markdown = art.body_markdown or None
    art.links = _unique([link for b in d.kept for link in b.links], "url")


def _settle_fields(d: Draft) -> None:
    """Dates, authors and category: the page's metadata first, its visible labels next (a
    JSON-LD author before a byline); the language guessed from the text when undeclared."""
    art, found = d.art, d.found
    if found.published and cms.stamps_dates(d.tree):
        art.published_at = found.published  # the editor's date (cms.STAMPED_DATES)
    else:
        art.published_at = d.published or found.published
    art.updated_at = d.updated or found.updated
    art.authors = metadata.authors(d.tree, d.meta, d.ld, d.page) if d.ld.get("author") else []
    if not art.authors:
        art.authors = found.authors or metadata.authors(d.tree, d.meta, {}, d.page)
    art.category = found.category or d.meta_category
    if art.lang is None:
        art.lang = _guess_lang(" ".join(filter(None, (art.title, art.lead, art.body_text))))


def _drop_teasers(d: Draft) -> None:
    """An article's body without the lists of teaser cards in its container (related
    posts, latest news), when its own text is at least as long as theirs: where the cards
    hold most of the text they are what the page is about (a guide's list of picks)."""
    if d.art.kind != "article" or not any(b.teaser for b in d.kept):
        return
    own = sum(len(b.text) for b in d.kept if not b.teaser)
    if own < sum(len(b.text) for b in d.kept if b.teaser):
        return
    d.kept = [b for b in d.kept if not b.teaser]
    _render_body(d)


def _list_as_body(d: Draft) -> None:
    """A listing whose article text is short (LISTING_BODY_MAX) has its list as its body:
    the linked headlines and items the block filter dropped as navigation, judged again
    without their link share (a call to action or a phrase still goes). The body changes
    only when the list holds more text than the article filter kept."""
    art = d.art
    if art.kind != "listing" or not d.all_blocks:
        return
    if sum(len(b.text) for b in d.kept) >= LISTING_BODY_MAX:
        return
    phrases = _phrases(d.cfg)
    kept = [b for b in d.all_blocks if content.keep(b, phrases, links_count=False)]
    kept = _without_title(kept, art.title)
    kept = repeats.without_repeats(kept, [art.lead] if art.lead else [])
    if sum(len(b.text) for b in kept) > sum(len(b.text) for b in d.kept):
        d.kept = kept
        _render_body(d)


def _ask_fallbacks(d: Draft) -> None:
    """For a content page, htmldate's date and trafilatura's byline where it names none
    (after the kind is decided: uninews's own evidence says article or page)."""
    art = d.art
    if art.has_content and d.source is not None:
        if art.published_at is None and not d.date_asked:
            art.published_at = fallback.published_date(d.source, d.url, art.lang)
        if not art.authors:
            art.authors = fallback.authors(d.tree)


def _second_opinion(
    kept: list, html: bytes | str | None, url: str, lead: str | None, phrases: frozenset[str]
) -> list:
    """trafilatura's paragraphs as the body when they hold clearly more text than ours (the
    lead, kept apart, is not repeated in them), judged line by line as uninews judges its own
    (a call to action, a photo credit, a phrase of the profile's goes), and without the
    paragraphs that say again what it said before (repeats.py), as uninews's own body."""
    if html is None:
        return kept
    paragraphs = fallback.second_opinion(html, url)
    if lead:
        paragraphs = [p for p in paragraphs if norm(p) != lead]
    blocks = [b for b in (content.Block("p", p, p) for p in paragraphs) if content.keep(b, phrases)]
    blocks = repeats.without_repeats(blocks, [lead] if lead else [])
    if sum(len(b.text) for b in blocks) <= fallback.LONGER * sum(len(b.text) for b in kept):
        return kept
    return blocks


def _region(roots):
    """Where labels and the lead live: the container, widened until it holds the h1."""
    node = roots[0]
    for _ in range(4):
        if node.find(".//h1") is not None or node.tag in ("body", "html"):
            return node
        parent = node.getparent()
        if parent is None:
            return node
        node = parent
    return roots[0]


def _title_element(region, tree):
    found = region.find(".//h1")
    if found is None:
        found = tree.find(".//h1")
    return found


def _lead_element(region, expressions, skip):
    """A profile's lead selector, else the first element with a lead-like class."""
    for expr in expressions:
        for el in query.matches(region, expr):
            if isinstance(el, lxml_html.HtmlElement) and el not in skip:
                return el
    for el in xpaths.WITH_CLASS(region):
        classes = el.get("class", "").lower().split()
        if not vocabulary.LEAD_CLASSES.isdisjoint(classes) and el not in skip:
            if len(norm(el.text_content())) >= 40:
                return el
    return None


def _text_without(el, skip: set) -> str:
    """Text of el leaving out consumed descendants (a category label inside the lead)."""
    parts: list[str] = []

    def walk(node):
        if node in skip and node is not el:
            parts.append(node.tail or "")
            return
        parts.append(node.text or "")
        for child in node:
            walk(child)
        if node is not el:
            parts.append(node.tail or "")

    walk(el)
    return norm("".join(parts))


def _unique(items: list[dict], key: str) -> list[dict]:
    seen, out = set(), []
    for item in items:
        value = item.get(key)
        if value and value in seen:
            continue
        seen.add(value)
        out.append(item)
    return out


def _guess_lang(text: str) -> str | None:
    if len(text) < 20:
        return None
    try:
        import py3langid
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    code, _score = py3langid.classify(text[:3000])
    return code


LISTING_MIN_TEASERS = 5  # linked headlines (teasers) that make a page a listing
LISTING_MAX_PROSE = (
    400  # characters of running text below which a page of teaser links is a listing
)
TEASER_PROSE = 250  # characters of running text per linked headline a listing has at most
LOGIN_MAX_WORDS = 40  # a page with a password field and less text than this is a login wall
# Characters of kept text below which a listing's body is its list of links (wcxb-dev, all
# pages: 400 +0.0015, 1000 +0.0055, 1400 +0.0054 and articles -0.0001, 2000 articles -0.0004;
# extraction-dev unchanged at each).
LISTING_BODY_MAX = 1000


def _teasers(tree) -> int:
    """Links long enough to read as teaser headlines (norm() only shortens a text, so a
    link shorter than that to begin with needs no normalizing)."""
    count = 0
    for a in tree.iter("a"):
        text = a.text_content()
        if len(text) >= _TEASER_MIN and len(norm(text)) >= _TEASER_MIN:
            count += 1
    return count


def _is_login_url(url: str) -> bool:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return any(p.search(target) for p in vocabulary.LOGIN_URL)


def _classify(d: Draft) -> None:
    """What the page is: a login wall, empty, a listing, an article or a page."""
    art, kept, all_blocks, has_password, url = d.art, d.kept, d.all_blocks, d.has_password, d.url
    if has_password and (
        _is_login_url(url)
        or vocabulary.LOGIN_TITLE.search(art.title or "")
        or len((art.body_text or "").split()) < LOGIN_MAX_WORDS
    ):
        art.kind, art.reason = "login", "the page asks for a password"
        return
    if not art.body_text and not art.title:
        art.kind, art.reason = "empty", "the page has no text"
        return
    # The page's date: its publication's, else an update's shown beside the headline.
    dated = art.published_at or d.headline_updated
    prose = sum(len(b.text) for b in kept if b.kind == "p" and b.link_density < 0.2)
    linked_headings = sum(
        1 for b in all_blocks if b.kind in content.HEADINGS and b.link_density > 0.6
    )
    long_paragraphs = sum(1 for b in kept if b.kind == "p" and len(b.text) >= 300)
    if (
        linked_headings >= LISTING_MIN_TEASERS
        and prose < TEASER_PROSE * linked_headings
        and long_paragraphs < 3
    ):
        art.kind, art.reason = "listing", f"{linked_headings} linked headlines and little prose"
        return
    declared = pagekind.declared(d.ld_types, d.meta.get("og:type"), d.item_types)
    if declared == "listing":
        art.kind, art.reason = "listing", "its metadata declare a list of pages"
        return
    if not dated and prose < LISTING_MAX_PROSE:
        teasers = _teasers(d.tree)
        if teasers >= 8:
            art.kind, art.reason = "listing", f"{teasers} teaser links and little running text"
            return
    # A page's own metadata: a JSON-LD article, a date in JSON-LD or meta tags (og:type
    # article alone is not: some sites give it to every page, their lists too).
    ld_article = bool(d.ld_types & metadata.ARTICLE_TYPES)
    own_metadata = ld_article or d.dated_by_metadata is not None
    share, chars = pagekind.link_share(all_blocks)
    if not ld_article and share >= pagekind.LINKED_SHARE and chars >= pagekind.LINKED_MIN_CHARS:
        art.kind, art.reason = "listing", f"{share:.0%} of its text is links"
        return
    # Without metadata of its own, a date or byline read from the body may be a teaser's:
    # such a page of many linked headlines or dates whose URL names no article lists them.
    if (
        (dated or art.authors)
        and not own_metadata
        and not pagekind.names_article(url)
        and (
            pagekind.linked_headlines(kept, url, content.HEADINGS) >= pagekind.UNDECLARED_HEADLINES
            or d.time_days >= pagekind.UNDECLARED_DATES
        )
    ):
        art.kind, art.reason = "listing", "linked headlines or dates and no article metadata"
        return
    # A section's date or byline (its newest teaser's, or its content system's og:type
    # article and time on every page) does not make it an article.
    if (dated or art.authors) and not ld_article and pagekind.names_section(url):
        art.kind, art.reason = "listing", "its URL names a section, not an article"
        return
    if not art.body_text:
        art.kind, art.reason = "empty", "the page has a title but no text"
        return
    article_metadata = own_metadata or declared == "article"
    art.kind = "article" if _is_one_article(d, declared, article_metadata, dated) else "page"


def _is_one_article(
    d: Draft, declared: str | None, article_metadata: bool, dated: str | None
) -> bool:
    """Whether a content page is an article: it has a date (its publication's, or an
    update's shown beside the headline) or byline, and no metadata call it a product or a
    forum discussion. Without article metadata of its own, a site's front page is not one, and
    a byline that only names the site (a shop's meta author) counts only at an article's
    URL."""
    art = d.art
    if declared in ("product", "discussion"):
        return False
    if article_metadata:
        if dated or art.authors:
            return True
        # og:type article on a long text at an article's URL: htmldate's date (which a
        # content page is given anyway) decides, asked now rather than after the kind.
        if d.source is None or not pagekind.long_article(
            d.ld_types, d.meta.get("og:type"), d.url, art.body_text
        ):
            return False
        d.date_asked = True
        art.published_at = fallback.published_date(d.source, d.url, art.lang)
        return art.published_at is not None
    if pagekind.is_home(d.url):
        return False
    if dated:
        return True
    if not art.authors:
        return False
    if pagekind.names_article(d.url):
        return True
    return not pagekind.by_site_only(art.authors, pagekind.site_names(d.meta, d.ld_objects, d.url))


# The passes of build(), in order. Metadata is read before cleaning changes the tree; the
# title, labels, lead, contacts and images are read before the body, and each adds the
# elements it used to `skip`, so the body does not repeat them; the kind is decided on the
# finished fields (an article then drops its teaser cards, a listing with little article
# text takes its list as its body), and the fallbacks come last, only for pages with content.
PASSES: tuple[Callable[[Draft], None], ...] = (
    _read_metadata,
    _note_password_field,
    _strip_furniture,
    _choose_container,
    _find_title,
    _read_labels,
    _find_lead,
    _read_contacts,
    _collect_images,
    _select_blocks,
    _ask_second_opinion,
    _render_body,
    _settle_fields,
    _classify,
    _drop_teasers,
    _list_as_body,
    _ask_fallbacks,
)


def build(
    tree: lxml_html.HtmlElement, url: str, cfg: dict[str, Any], source: bytes | None = None
) -> Article:
    """The Article of a parsed page, made by running PASSES in order (source: the bytes it
    was parsed from, which let some searches be skipped; see query.EXPRESSION_NEEDS)."""
    draft = Draft(
        tree=tree,
        url=url,
        cfg=cfg,
        source=source,
        art=Article(url=url),
        page=query.Source(source) if source is not None else None,
    )
    for step in PASSES:
        step(draft)
    return draft.art
