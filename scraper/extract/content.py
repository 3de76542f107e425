"""Main text: drop the furniture, find the article's container, render its blocks.

The container is found like readability does it (paragraphs score their parent and
grandparent; link-heavy candidates lose), then widened to the nearest semantic wrapper
(article, main, itemprop=articleBody, role=main) so that headings and lists around
the paragraphs are kept. Inside the container each block is kept or dropped on its own
(link density, furniture phrases), the way a reader skims past a share bar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

from . import cms, vocabulary, xpaths
from .dates import parse_date
from .query import matches
from .text import absolute

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "ul", "ol", "li", "blockquote", "pre",
        "table", "tbody", "thead", "tfoot", "tr", "td", "th", "dl", "dt", "dd", "figure",
        "figcaption", "header", "footer", "address", "hr", "center", "details", "summary",
        "fieldset", "caption", "form", "body", "html", *HEADINGS,
    }
)  # fmt: skip
SCORED_TAGS = ("p", "pre", "td", "blockquote", "dd")

# Tuning constants, calibrated on extraction-dev (F1 at each step of 0.05/0.1):
MIN_PARAGRAPH = 25  # characters before a paragraph votes for its container (readability)
MAX_BLOCK_LINK_DENSITY = 0.35  # above this share of link text a block is navigation (0.3-0.6 tried)
MAX_ITEM_LINK_DENSITY = 0.6  # a list item: an article's list often links a name in each
LONG_LINKED = 200  # characters: a paragraph this long is running text that cites its sources
MAX_LONG_LINK_DENSITY = 0.5  # ...up to this share of link text (0.6 lowered extraction-dev)
SEMANTIC_WIDEN = 3.0  # widen to a semantic wrapper at most this many times the text
# ...found this many levels up at most: a content system's body field may sit four wrappers
# deep in its <article> (Drupal's field--name-body beside further fields). F1 on
# extraction-dev / wcxb-dev articles / all: 4 levels .9467/.9432/.8385, 5 .9479/.9434/.8388,
# 6 .9474/.9432/.8385, 8 .9468/.9429/.8389.
SEMANTIC_CLIMB = 5
TAIL_PARAGRAPH = 200  # characters of the last paragraph that surely is article text
TAIL_SHORT = 40  # lines shorter than this after it are dropped (tried 30-80)
TAIL_HEADED = 100  # ...but a heading over a paragraph this long stays (40 lowered extraction-dev)
# ...and all stay when they hold this many times the text before them (a checklist). F1 on
# extraction-dev / wcxb-dev articles / all: never .9479/.9434/.8388, 0.5 .9469/.9437/.8387,
# 1.0 .9485/.9436/.8389, 1.5 and 2.0 .9485/.9436/.8388-9.
TAIL_OWN = 1.0
CTA_MAX = 200  # characters: a call to action is one or two short sentences
DISCLOSURE_MAX = 400  # characters: an affiliate note is a sentence or three
TRAILER_LINE_MAX = 60  # characters of a line that may be a trailer's heading
TRAILER_STOPS = " :.…!?»›>→"
HEAD_OWN = 2.0  # see _head_is_labels
HEAD_SHORT = 30  # characters: shorter lines above the first real paragraph are labels (tried 20-40)
# A paragraph this long ending in ":" introduces the list after it, whatever its share of
# links (chosen on wcxb-dev: 20 and 30 equal, 1 and 50 lower; extraction-dev +0.0006 at 20).
LIST_INTRO_MIN = 20
# A disclaimer is a block under this many characters that says it is one within its first
# DISCLAIMER_LEAD (an article that quotes "not a substitute for medical advice" further on
# keeps its paragraph). Chosen on wcxb-dev (2,000 and 1,000 equal; the phrase anywhere in the
# block took an expert's quote), checked on extraction-dev (unchanged).
DISCLAIMER_MAX = 1000
DISCLAIMER_LEAD = 200
META_LINE_MAX = 160  # characters: a byline and a date on one line of a post's header
FURNITURE_LINE_MAX = 80  # characters: a reading time or a count of results is a short line
LEAD_IN_MAX = 60  # characters: a line this short without a full stop introduces what follows
MAX_CLIMB = 6  # levels the container may climb above the best candidate
PROTECT_SHARE = 0.5  # a furniture-looking element holding this share of paragraphs stays
CLIMB_SLACK = 80  # characters a wrapper may add (a date line, a caption) and still be climbed
CLIMB_GOOD_SHARE = 0.5  # share of the added text that must be good paragraphs to climb
# Characters of paragraphs that make a hidden element content a script shows (an accordion's
# panel, a tab, a "read more" fold) rather than furniture (wcxb-dev, extraction-dev unchanged
# at each: 200 lowered extraction-dev, 350 all +0.0014, 500 all +0.0018 and articles +0.0007,
# 800 all +0.0009).
HIDDEN_CONTENT = 500
# aria-hidden hides an element from screen readers, not from sight (a slide, a duplicate
# for the eye): less text makes it content (wcxb-dev all +0.0009 at 200, +0.0007 at 100;
# articles and extraction-dev unchanged).
ARIA_HIDDEN_CONTENT = 200
# Share of a page's text (after scripts and styles) below which its paragraphs miss most
# of it and the vote counts leaf blocks too (wcxb-dev all pages +0.0035 at 0.1, +0.0041 at
# 0.2, +0.0045 at 0.4 and 0.5; at 0.7, and counting them on every page, extraction-dev fell
# by 0.0004; articles unchanged or up at each).
SPAN_WRITTEN = 0.5
# Share of a leaf block's text in links above which it does not vote: a menu item or an
# archive entry (a linked title between two dates) is not a paragraph (wcxb-dev all pages
# against 0.3: 0 -0.0001 and extraction-dev -0.0001, 0.1 +0.0001, 0.2 -0.0002, 0.5 +0.0009
# but extraction-dev -0.0028; articles unchanged at each).
LEAF_LINK_SHARE = 0.3

_URL_TEXT = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
_SPACE = r"[ \t\r\f\v\u00a0\u200b]"
_SPACES = re.compile(_SPACE + "+")
_SPACE_RUNS = re.compile(_SPACE + "{2,}")
# A text holding none of these has nothing for _SPACES to change: the characters of _SPACE
# other than the space, and two spaces (any longer run holds one or the other).
_SPACE_SIGNS = ("  ", "\t", "\r", "\f", "\v", "\u00a0", "\u200b")


def _top_branches(pattern: str) -> list[str]:
    """The alternatives of a pattern's outermost |, split outside groups and classes."""
    out: list[str] = []
    current: list[str] = []
    depth, in_class, escaped = 0, False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            out.append("".join(current))
            current = []
            continue
        current.append(ch)
    out.append("".join(current))
    return out


def by_first_letter(pattern: str) -> str:
    """The same alternation with the alternatives that open on a letter grouped under it
    ("ab|ac|d" to "a(?:b|c)|d"): re tries every alternative at every character, so a
    long list of phrases is searched about twice as fast grouped. Matches the same texts;
    which alternative matched may differ, so use it only to ask whether one does."""
    groups: dict[str, list[str]] = {}
    others: list[str] = []
    for branch in _top_branches(pattern):
        if len(branch) > 1 and branch[0].isalpha() and branch[1] not in "?*+{":
            groups.setdefault(branch[0], []).append(branch[1:])
        else:
            others.append(branch)
    grouped = [f"{letter}(?:{'|'.join(rests)})" for letter, rests in groups.items()]
    return "|".join(grouped + others)


# CALL_TO_ACTION ignores case, which makes re try every alternative at every character
# (about 0.1 ms a block). The same lowercase pattern searched in lowered text without that
# flag finds the same matches seven times faster, for any text without the three letters
# that re's case folding pairs with ASCII letters while str.lower() does not (those texts
# take the original pattern); grouped by first letter, twice as fast again.
_CTA_LOWERED = re.compile(
    by_first_letter(vocabulary.CALL_TO_ACTION.pattern),
    vocabulary.CALL_TO_ACTION.flags & ~re.IGNORECASE,
)
_CASE_TRAPS = frozenset("\u0130\u0131\u017f")  # İ ı ſ


@dataclass
class Block:
    """One paragraph-like piece of the container, in document order."""

    kind: str  # p, h1..h6, li, oli, pre, td, dt, dd, caption
    text: str
    markdown: str
    link_chars: int = 0
    quote: bool = False
    links: list[dict[str, str]] = field(default_factory=list)
    teaser: bool = False  # inside a list of teaser cards (teasers.teaser_lists)
    number: int | None = None  # an ordered list item's number, as the browser shows it

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0


def hidden_or_landmark(el: lxml_html.HtmlElement) -> bool:
    """Whether an element is hidden or a landmark that is never the article."""
    if el.get("hidden") is not None and not cms.is_streamed(el.get("id")):
        return True
    if el.get("aria-hidden") == "true":
        return True
    if el.get("role") in vocabulary.DROP_ROLES:
        return True
    style = el.get("style")
    return bool(style) and "display:none" in style.replace(" ", "").lower()


_WORD_SPLIT = re.compile(r"[\s_-]+")
_ANCHOR_WORD = re.compile(r"[^\W_]+")
ANCHOR_MIN_WORDS = 3  # words of an id that may be its heading's anchor ("related-posts" is not)
# First parts of the listed runs ("comment" of "comment-list"): only these start a run.
_RUN_STARTS = frozenset(
    w.split("-")[0]
    for w in vocabulary.BOILERPLATE_WORDS
    | vocabulary.ALWAYS_FURNITURE_WORDS
    | vocabulary.AUTHOR_BOX_WORDS
    if "-" in w
)


def has_word(attrs: str, words: frozenset[str]) -> bool:
    """Whether a class/id string holds one of `words` (runs of up to three parts too)."""
    parts = _WORD_SPLIT.split(attrs.lower())
    if not words.isdisjoint(parts):
        return True
    if _RUN_STARTS.isdisjoint(parts):  # most class strings: no word, no run
        return False
    parts = [p for p in parts if p]
    for i, part in enumerate(parts):
        if part in words:
            return True
        if part in _RUN_STARTS and i + 1 < len(parts):
            pair = f"{part}-{parts[i + 1]}"
            if pair in words or (i + 2 < len(parts) and f"{pair}-{parts[i + 2]}" in words):
                return True
    return False


def strip_tags(tree: lxml_html.HtmlElement, extra_drop=()) -> None:
    """Remove what never carries article text (scripts, forms' controls, navs, asides)."""
    _unwrap_page_wrappers(tree, vocabulary.WRAPPING_TAGS)
    # what a page shows without script is measured against its text without scripts
    etree.strip_elements(tree, *vocabulary.UNSEEN_TAGS, with_tail=False)
    _unwrap_page_wrappers(tree, vocabulary.SCRIPTLESS_TAGS)
    etree.strip_elements(
        tree, etree.Comment, etree.ProcessingInstruction, *vocabulary.DROP_TAGS, with_tail=False
    )
    for expr in extra_drop:
        for el in matches(tree, expr):
            if isinstance(el, lxml_html.HtmlElement) and el.tag not in ("html", "body"):
                _drop(el)


def _unwrap_page_wrappers(tree: lxml_html.HtmlElement, tags: tuple[str, ...]) -> None:
    """Keep the content of a nav or aside that holds most of the page: an unclosed <aside>
    at the top of <body> makes the parser nest the whole page inside it, and dropping it
    would drop the article (wcxb-dev: 13 such pages came out empty). A <noscript> holding
    most of the page is what the page shows without script: its text is the page's (wcxb-dev:
    22 Discourse topics came out empty)."""
    body = tree.find("body")
    if body is None:
        return
    wrappers = list(body.iter(*tags))
    if not wrappers:
        return
    limit = PROTECT_SHARE * len(body.text_content())
    for el in wrappers:
        if len(el.text_content()) > limit:
            el.drop_tag()


def paragraphs(root, leaves: bool = False):
    """(element, text) of each paragraph-like piece: p, pre, td, blockquote, dd, and a div's
    own text between its children (blogs that write with <br> instead of <p>); with leaves,
    also each div or li of inline elements only, its whole text (see writes_in_spans)."""
    outer = _with_blocks_inside(root) if leaves else set()
    for el in root.iter(*SCORED_TAGS, *(_LEAF_TAGS if leaves else ("div",))):
        if el.tag in _LEAF_TAGS:
            if leaves and len(el) and el not in outer:
                text = _leaf_text(el)
            elif el.tag == "div":
                text = ((el.text or "") + "".join(c.tail or "" for c in el)).strip()
            else:
                continue
        else:
            text = el.text_content().strip()
        if len(text) >= MIN_PARAGRAPH:
            yield el, text


_LEAF_TAGS = ("div", "li")


def _with_blocks_inside(root) -> set:
    """The elements under root that hold a block element; the others with children hold
    inline elements only (a leaf: its text is one paragraph written in spans). One pass
    up from each block, stopping where an earlier one passed."""
    outer: set = set()
    for el in root.iter(*BLOCK_TAGS):
        for parent in el.iterancestors():
            if parent in outer:
                break
            outer.add(parent)
    return outer


def _leaf_text(el) -> str:
    """A leaf's text, or nothing when it is mostly links (a menu item never votes)."""
    text = el.text_content()
    if len(text) < MIN_PARAGRAPH:  # shorter still once its spaces are collapsed
        return ""
    text = " ".join(text.split())
    links = sum(len(" ".join(a.text_content().split())) for a in el.iter("a"))
    return text if links <= LEAF_LINK_SHARE * len(text) else ""


def writes_in_spans(body, good: dict) -> bool:
    """Whether a page's paragraphs (good, good_text's without leaves) hold little of its
    text (SPAN_WRITTEN): shops and app-built pages write their descriptions in spans inside
    divs and list items, which the paragraph vote does not count, so there the vote counts
    such leaf blocks too."""
    return good.get(body, 0) < SPAN_WRITTEN * _text_len(body)


def good_text(body, leaves: bool = False) -> dict:
    """Characters of real paragraphs under each element (readability's vote, summed up
    the ancestors): what a furniture-looking wrapper must not take with it."""
    good: dict = {}
    for p, text in paragraphs(body, leaves):
        n = len(text)
        good[p] = good.get(p, 0) + n
        for el in p.iterancestors():
            good[el] = good.get(el, 0) + n
    return good


def clean(
    tree: lxml_html.HtmlElement,
    author_boxes: list | None = None,
    leaves: bool = False,
    good: dict | None = None,
) -> int:
    """Remove furniture found by role, visibility or class/id, in place. An element that
    holds most of the page's paragraphs is kept whatever its class says. Returns the
    characters of paragraphs the page held before (leaf blocks counted too with leaves).
    Boxes about the author (vocabulary.AUTHOR_BOX_WORDS) stay in the tree, for the byline,
    and are added to author_boxes, to be kept out of the body. good: good_text(body,
    leaves) when the caller has it already."""
    body = tree.find("body")
    has_body = body is not None
    if body is None:
        body = tree
    if good is None:
        good = good_text(body, leaves)
    limit = PROTECT_SHARE * (good.get(body, 0) or 1)
    # hidden and landmark elements are looked for in <body> only
    candidates = (
        [el for el in xpaths.DROP_ATTR(body) if _hidden_furniture(el, good)] if has_body else []
    )
    candidates.extend(body.iter(*vocabulary.PAGE_FURNITURE_TAGS))
    seen: dict[tuple, tuple[bool, bool]] = {}  # many elements share one class string
    for el in xpaths.CLASS_OR_ID(body):
        key = (el.get("class"), el.get("id"))
        found = seen.get(key)
        if found is None:
            attrs = f"{cms.without_layout(key[0] or '')} {key[1] or ''}"
            furniture = has_word(attrs, vocabulary.BOILERPLATE_WORDS)
            if furniture and key[1] and _names_its_heading(el, key[1]):
                attrs = cms.without_layout(key[0] or "")
                furniture = has_word(attrs, vocabulary.BOILERPLATE_WORDS)
            author_box = has_word(attrs, vocabulary.AUTHOR_BOX_WORDS)
            if (furniture or author_box) and cms.is_body(*key):
                furniture = author_box = False
            found = seen[key] = (furniture, author_box)
        hit, author_box = found
        if (hit or author_box) and el.tag not in ("article", "main") and not _in_code(el):
            if hit:
                candidates.append(el)
            elif author_boxes is not None and good.get(el, 0) <= limit:
                author_boxes.append(el)
    for el in candidates:
        if el.tag in ("html", "body"):
            continue
        if good.get(el, 0) > limit and not has_word(
            cms.without_layout(_attrs(el)), vocabulary.ALWAYS_FURNITURE_WORDS
        ):
            continue
        if el.tag in vocabulary.PAGE_FURNITURE_TAGS and _inside_article(el):
            continue
        _drop(el)
    return good.get(body, 0)


def _names_its_heading(el, id_: str) -> bool:
    """Whether an id is the anchor of the element's heading, its words in order: a section
    "menu-innovation-strategies-building-memorable-dining-experiences" is not a menu."""
    parts = [p for p in _WORD_SPLIT.split(id_.lower()) if p]
    if len(parts) < ANCHOR_MIN_WORDS:
        return False
    heading = next(el.iter(*HEADINGS), None)
    if heading is None:
        return False
    return _ANCHOR_WORD.findall(heading.text_content().lower())[: len(parts)] == parts


def _hidden_furniture(el, good: dict) -> bool:
    """Whether a hidden or landmark element is furniture: a landmark always, a hidden one
    unless it holds HIDDEN_CONTENT characters of paragraphs (ARIA_HIDDEN_CONTENT when only
    aria-hidden hides it)."""
    if not hidden_or_landmark(el):
        return False
    if el.get("role") in vocabulary.DROP_ROLES:
        return True
    floor = ARIA_HIDDEN_CONTENT if _aria_hidden_only(el) else HIDDEN_CONTENT
    return good.get(el, 0) < floor


def _aria_hidden_only(el) -> bool:
    """Whether aria-hidden is all that hides el (no hidden attribute, no display:none)."""
    if el.get("aria-hidden") != "true" or el.get("hidden") is not None:
        return False
    style = el.get("style")
    return not style or "display:none" not in style.replace(" ", "").lower()


def _attrs(el) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _in_code(el) -> bool:
    """Whether el is inside a code block, where a highlighter's classes name the syntax
    ("hljs-comment", "token comment"), never furniture."""
    return any(parent.tag in ("pre", "code") for parent in el.iterancestors())


def _inside_article(el) -> bool:
    for parent in el.iterancestors():
        if parent.tag in ("article", "main") or parent.get("itemprop") == "articleBody":
            return True
    return False


def _drop(el) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _text_len(el) -> int:
    """len(_SPACES.sub(" ", text).strip()) without building that string (a whole page's
    text for the candidates near the body): trim what strip() would, including the
    zero-width spaces _SPACES turns into spaces, then count what collapsing runs removes."""
    text = el.text_content()
    while True:
        trimmed = text.strip().strip("\u200b")
        if trimmed == text:
            break
        text = trimmed
    return len(text) - sum(len(run) - 1 for run in _SPACE_RUNS.findall(text))


def _link_density(el) -> float:
    total = _text_len(el)
    if not total:
        return 1.0
    links = sum(len(a.text_content().strip()) for a in el.iter("a"))
    return min(1.0, links / total)


def best_candidate(
    tree: lxml_html.HtmlElement, extra=(), leaves: bool = False
) -> tuple[lxml_html.HtmlElement, dict]:
    """The element whose paragraphs read most like an article (readability's vote), and
    the good-paragraph characters under every element (see good_text)."""
    body = tree.find("body")
    if body is None:
        body = tree
    scores: dict[lxml_html.HtmlElement, float] = {}
    good: dict = {}
    for el, text in paragraphs(body, leaves):
        n = len(text)
        good[el] = good.get(el, 0) + n
        for ancestor in el.iterancestors():
            good[ancestor] = good.get(ancestor, 0) + n
        parent = el if el.tag == "div" else el.getparent()
        if parent is None:
            continue
        score = 1 + text.count(",") + min(n / 100, 3)
        scores[parent] = scores.get(parent, 0.0) + score
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + score / 2
    for expr in extra:
        try:
            found = [el for el in matches(tree, expr) if isinstance(el, lxml_html.HtmlElement)]
        except TypeError:  # an expression that yields a number or a boolean
            continue
        if found:
            return found[0], good
    if not scores:
        return body, good
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)[:5]
    best, best_score = body, -1.0
    for el, score in ranked:
        attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
        if vocabulary.CONTENT_HINT.search(attrs):
            score *= 1.25
        if score <= best_score:  # links can only lower it: no need to count them
            continue
        score *= 1 - _link_density(el)
        if score > best_score:
            best, best_score = el, score
    return best, good


def _stats(el, good: dict) -> tuple[int, int, int]:
    """(text length, link text length, length of good paragraphs) of a subtree."""
    total = len(el.text_content())
    links = sum(len(a.text_content()) for a in el.iter("a"))
    return total, links, good.get(el, 0)


def widen(best: lxml_html.HtmlElement, good: dict) -> lxml_html.HtmlElement:
    """Climb from the best candidate while the parent adds mostly good paragraphs (a body
    split over sibling blocks), or to the nearest semantic wrapper when it is not much
    bigger; the block filter removes what little furniture comes along."""
    node = best
    stats = _stats(node, good)
    for _ in range(MAX_CLIMB):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        up = _stats(parent, good)
        extra_text = up[0] - stats[0]
        if extra_text > CLIMB_SLACK:
            extra_links = up[1] - stats[1]
            extra_good = up[2] - stats[2]
            if extra_good < CLIMB_GOOD_SHARE * extra_text or extra_links > 0.3 * extra_text:
                break
        node, stats = parent, up
    size = stats[0] or 1
    wrapper = node
    for _ in range(SEMANTIC_CLIMB):
        if (
            wrapper.tag in ("article", "main")
            or wrapper.get("itemprop") == "articleBody"
            or wrapper.get("role") == "main"
        ):
            if len(wrapper.text_content()) <= SEMANTIC_WIDEN * size:
                return wrapper
            break
        wrapper = wrapper.getparent()
        if wrapper is None or wrapper.tag in ("body", "html"):
            break
    return node


class _Walker:
    """Turns a container into Blocks, keeping links for text and markdown."""

    def __init__(self, base_url: str, skip: set, teasers: set = frozenset()):
        self.base_url = base_url
        self.skip = skip
        self.teasers = teasers
        self.in_teasers = 0
        self.blocks: list[Block] = []
        self.stack: list[str] = []
        self.quote = 0
        self.link = 0
        self.numbers: list[int] = []  # the next item's number in each open <ol>
        self.number: int | None = None  # the number of the item whose text comes next
        self._reset()

    def _reset(self) -> None:
        self.text: list[str] = []
        self.md: list[str] = []
        self.md_differs = False  # whether markdown differs from text (a link's [label](url))
        self.link_chars = 0
        self.links: list[dict[str, str]] = []

    def add(self, text: str | None, md: str | None = None) -> None:
        if not text:
            return
        self.text.append(text)
        if md is None or md == text:
            self.md.append(text)
        else:
            self.md.append(md)
            self.md_differs = True
        if self.link:
            self.link_chars += len(text.strip())

    def flush(self) -> None:
        if not self.text:  # nothing added since the last flush: the state is still reset
            return
        text = _tidy("".join(self.text))
        if text:
            md = _tidy("".join(self.md)) if self.md_differs else text
            kind = self._kind()
            self.blocks.append(
                Block(
                    kind,
                    text,
                    md,
                    self.link_chars,
                    self.quote > 0,
                    self.links,
                    self.in_teasers > 0,
                    self._take_number(kind, text),
                )
            )
        self._reset()

    def _take_number(self, kind: str, text: str) -> int | None:
        """The number of the list item this block opens (only its first block gets it),
        unless the item writes its own ("3. Shop mindfully")."""
        number, self.number = self.number, None
        if number is None or kind != "oli" or _OWN_NUMBER.match(text):
            return None
        return number

    def _kind(self) -> str:
        for tag in reversed(self.stack):
            if tag in HEADINGS or tag in ("li", "pre", "td", "th", "dt", "dd", "figcaption"):
                if tag == "li":
                    return "oli" if "ol" in self.stack else "li"
                return {"th": "td", "figcaption": "caption"}.get(tag, tag)
        return "p"

    def walk(self, el, depth: int = 0) -> None:
        if isinstance(el.tag, str) and el not in self.skip:
            if el in self.teasers:  # its cards are blocks of their own, marked as such
                self.flush()
                self.in_teasers += 1
                self._content(el, depth)
                self.flush()
                self.in_teasers -= 1
            else:
                self._content(el, depth)
        self.add(el.tail)

    def _content(self, el, depth: int) -> None:
        """el's own text and its children's (its tail is its parent's)."""
        tag = el.tag
        if depth > 150:  # pathological nesting: keep the words, lose the structure
            self.add(" ".join(el.itertext()))
            return
        if tag in BLOCK_TAGS:
            self.flush()
            self.stack.append("li" if tag in HEADINGS and _is_the_item(el) else tag)
            self.quote += tag == "blockquote"
            if tag == "ol":
                self.numbers.append(_start(el))
            elif tag == "li" and self.numbers and _nearest_list(self.stack) == "ol":
                self.number = self.numbers[-1]
                self.numbers[-1] += 1
            self.add(el.text)
            for child in el:
                self.walk(child, depth + 1)
            self.flush()
            if tag == "ol":
                self.numbers.pop()
            self.quote -= tag == "blockquote"
            self.stack.pop()
            return
        if tag == "br":
            self.add("\n")
            return
        if tag == "a" and next(el.iterdescendants(*BLOCK_TAGS), None) is None:
            label = _tidy(el.text_content()).replace("\n", " ")
            url = absolute(self.base_url, el.get("href"))
            if label:
                self.link += 1
                self.add(label, f"[{label}]({url})" if url else label)
                self.link -= 1
                if url and not url.startswith(("mailto:", "tel:")):
                    self.links.append({"url": url, "text": label})
            return
        if tag in ("img", "picture", "source", "video", "audio", "wbr"):
            return
        self.link += tag == "a"
        self.add(el.text)
        for child in el:
            self.walk(child, depth + 1)
        self.link -= tag == "a"


_OWN_NUMBER = re.compile(r"^\d{1,4} ?[.):]")


def _start(ol) -> int:
    """The first number of an ordered list (its start attribute, else 1)."""
    try:
        return int((ol.get("start") or "1").strip())
    except ValueError:
        return 1


def _nearest_list(stack: list[str]) -> str | None:
    """The innermost open list of the walk: "ol", "ul", "menu" or None (stack ends in li)."""
    for tag in reversed(stack[:-1]):
        if tag in ("ol", "ul", "menu"):
            return tag
    return None


def _is_the_item(heading) -> bool:
    """Whether a heading is all there is of its list item (a site builder's
    <li><h3>organic cotton</h3></li>): the item, not a heading over an empty section. A
    card's headline has the card's date and text beside it."""
    item = heading.getparent()
    if item is None or item.tag != "li" or len(item) != 1:
        return False
    return not (item.text or "").strip() and not (heading.tail or "").strip()


def _tidy(text: str) -> str:
    """Runs of spaces to one, lines stripped, blank lines dropped. _SPACES never matches a
    newline, so one substitution over the whole text equals one per line."""
    if any(sign in text for sign in _SPACE_SIGNS):  # most block texts have none
        text = _SPACES.sub(" ", text)
    if "\n" not in text:
        return text.strip()
    return "\n".join(line for line in (part.strip() for part in text.split("\n")) if line)


def blocks(roots, base_url: str, skip: set, teasers: set = frozenset()) -> list[Block]:
    walker = _Walker(base_url, skip, teasers)
    for root in roots:
        walker.walk(root)
        walker.flush()
    return walker.blocks


def keep(block: Block, phrases: frozenset[str], links_count: bool = True) -> bool:
    """Whether a reader would count this block as part of the article (links_count=False:
    whatever share of it is link text)."""
    lowered = block.text.lower()
    if lowered.strip(" .:|") in phrases or lowered in phrases:
        return False
    if block.kind == "caption":  # captions live in images[]; in the text they interrupt
        return False
    if lowered.startswith(vocabulary.PLACEHOLDER):  # a template's filler, never text
        return False
    if vocabulary.FINE_PRINT.search(block.text):
        return False
    if len(block.text) < DISCLOSURE_MAX and vocabulary.AFFILIATE_NOTE.search(block.text):
        return False
    if len(block.text) < 100 and vocabulary.CREDIT_LINE.search(block.text):
        return False
    if len(block.text) < FURNITURE_LINE_MAX and vocabulary.READER_FURNITURE.search(block.text):
        return False
    if len(block.text) < DISCLAIMER_MAX and _is_disclaimer(block.text):
        return False
    if len(block.text) < CTA_MAX and _is_call_to_action(block.text):
        return False
    if len(block.text) < META_LINE_MAX and _is_meta_line(block.text):
        return False
    limit = MAX_BLOCK_LINK_DENSITY
    if block.kind in ("li", "oli"):
        limit = MAX_ITEM_LINK_DENSITY
    elif block.kind == "p" and len(block.text) >= LONG_LINKED:
        limit = MAX_LONG_LINK_DENSITY
    if links_count and block.link_density > limit and block.kind not in ("pre",):
        # a paragraph that is one written-out address is content ("www.example.se/page/")
        return block.kind == "p" and len(block.links) == 1 and _URL_TEXT.match(block.text)
    return True


def _is_disclaimer(text: str) -> bool:
    """Whether a block says, within its first DISCLAIMER_LEAD characters, that it is a
    disclaimer. Only its head is searched (a match is under 80 characters long), and only
    when it holds one of the words every disclaimer does: the search cost 16 µs on a
    paragraph of 260 characters, on every block of every page."""
    head = text[: DISCLAIMER_LEAD + 80]
    lowered = head.lower()
    if not any(word in lowered for word in vocabulary.DISCLAIMER_HINTS):
        return False
    found = vocabulary.DISCLAIMER.search(head)
    return found is not None and found.start() < DISCLAIMER_LEAD


def _is_meta_line(text: str) -> bool:
    """Whether a line is a post's byline and date together (the fields read them from the
    header; in the body they are the header's, not the article's)."""
    parts = [p for p in map(str.strip, vocabulary.META_LINE_SEPARATOR.split(text)) if p]
    if len(parts) < 2 or not any(vocabulary.META_LINE_BYLINE.match(p) for p in parts):
        return False
    return bool(vocabulary.META_LINE_WORD.search(text)) or any(parse_date(p) for p in parts)


def _is_call_to_action(text: str) -> bool:
    if _CASE_TRAPS.isdisjoint(text):
        return _CTA_LOWERED.search(text.lower()) is not None
    return vocabulary.CALL_TO_ACTION.search(text) is not None


def select(all_blocks: list[Block], phrases: frozenset[str]) -> list[Block]:
    """The blocks a reader keeps: each judged alone, then the list items a sentence of the
    article introduces stay, and headings and short lead-in lines whose section kept
    nothing ("You might also like:" above a list of teasers) go."""
    flags = [keep(b, phrases) for b in all_blocks]
    for i, block in enumerate(all_blocks):
        if not flags[i] and block.kind in HEADINGS and keep(block, phrases, links_count=False):
            flags[i] = _opens_a_section(all_blocks, flags, i)
    _keep_introduced_lists(all_blocks, flags, phrases)
    for i, block in enumerate(all_blocks):
        if not flags[i] or not _is_lead_in(block):
            continue
        has_content = False
        for j in range(i + 1, len(all_blocks)):
            if all_blocks[j].kind in HEADINGS and not _below(all_blocks[j], block):
                break
            if flags[j] and not _is_lead_in(all_blocks[j]):
                has_content = True
                break
        if not has_content:
            flags[i] = False
    kept = _before_trailer([b for b, f in zip(all_blocks, flags, strict=True) if f])
    # Short lines after the last real paragraph are sign-offs, bios and widgets far more
    # often than article text (extraction-dev: F1 0.902 -> 0.910); list items and table
    # cells there are the article's own list or table (a menu plan's quantities).
    last = max((i for i, b in enumerate(kept) if len(b.text) >= TAIL_PARAGRAPH), default=None)
    first = min((i for i, b in enumerate(kept) if len(b.text) >= TAIL_PARAGRAPH), default=None)
    if first and _head_is_labels(kept, first):
        kept = [b for b in kept[:first] if len(b.text) >= HEAD_SHORT or b.kind in HEADINGS] + kept[
            first:
        ]
        last = max((i for i, b in enumerate(kept) if len(b.text) >= TAIL_PARAGRAPH), default=None)
    if last is not None and _tail_is_trailer(kept, last):
        tail = kept[last + 1 :]
        kept = kept[: last + 1] + [
            b
            for n, b in enumerate(tail)
            if len(b.text) >= TAIL_SHORT or b.kind in ("li", "oli", "td") or _heads(tail, n)
        ]
    return kept


def _before_trailer(kept: list[Block]) -> list[Block]:
    """The blocks before a heading that opens the page's trailer ("Recommended reading",
    "About the author"): one after the article's first long paragraph, with less text after
    it than before (a "Read next" box in the middle of an article has more). Only a kept
    heading counts: cutting at the calls to action that are dropped as lines ("Mehr zum
    Thema", "Das könnte Sie auch interessieren") lost article text on extraction-dev."""
    before = 0
    for i, block in enumerate(kept):
        if before and (
            block.kind in HEADINGS or (block.kind == "p" and len(block.text) <= TRAILER_LINE_MAX)
        ):
            if vocabulary.TRAILER_HEADING.fullmatch(block.text.strip().rstrip(TRAILER_STOPS)):
                if sum(len(b.text) for b in kept[i + 1 :]) < before:
                    return kept[:i]
        if before or len(block.text) >= TAIL_PARAGRAPH:
            before += len(block.text)
    return kept


def _keep_introduced_lists(
    all_blocks: list[Block], flags: list[bool], phrases: frozenset[str]
) -> None:
    """A list that the article's own sentence introduces ("A few patches were merged
    upstream:") is the article's, however much of it is links: a changelog, a reading list,
    a page of downloads. Its items are judged without their link share."""
    for i, block in enumerate(all_blocks):
        if not flags[i] or block.kind != "p" or len(block.text) < LIST_INTRO_MIN:
            continue
        if not block.text.rstrip().endswith(":"):
            continue
        j = i + 1
        while j < len(all_blocks) and all_blocks[j].kind in ("li", "oli"):
            if not flags[j]:
                flags[j] = keep(all_blocks[j], phrases, links_count=False)
            j += 1


def _tail_is_trailer(kept: list[Block], last: int) -> bool:
    """Whether the short lines after the last long paragraph are a trailer (sign-off, bio,
    widgets), not the article's own: a checklist of short lines after one paragraph of
    introduction holds as much text as what came before it."""
    tail = sum(len(b.text) for b in kept[last + 1 :])
    return tail < TAIL_OWN * sum(len(b.text) for b in kept[: last + 1])


def _head_is_labels(kept: list[Block], first: int) -> bool:
    """Whether the short lines before the first long paragraph are labels (a kicker, a date,
    a breadcrumb), not the article's own: an article of short paragraphs and lists whose
    first long paragraph comes late holds its text before it (twice the head's text must
    be under the rest: 0.5 to 5 tried, 3 and over lowered extraction-dev)."""
    head = sum(len(b.text) for b in kept[:first])
    return HEAD_OWN * head < sum(len(b.text) for b in kept[first:])


def _heads(blocks: list[Block], n: int) -> bool:
    """Whether blocks[n] is a heading over a line of text (not over another heading)."""
    if blocks[n].kind not in HEADINGS or n + 1 >= len(blocks):
        return False
    following = blocks[n + 1]
    return following.kind == "p" and len(following.text) >= TAIL_HEADED


def _below(heading: Block, other: Block) -> bool:
    """Whether a heading is a subsection of another block (a heading of a higher level)."""
    return other.kind in HEADINGS and HEADINGS[heading.kind] > HEADINGS[other.kind]


def _opens_a_section(all_blocks: list[Block], flags: list[bool], i: int) -> bool:
    """Whether a heading that is a link (a listicle's "1. Harvard Business School") opens a
    section of the article: a paragraph of running text is kept before the next heading.
    A teaser's linked title is followed by a line or two, or by nothing."""
    for j in range(i + 1, len(all_blocks)):
        if all_blocks[j].kind in HEADINGS:
            return False
        if flags[j] and all_blocks[j].kind == "p" and len(all_blocks[j].text) >= TAIL_PARAGRAPH:
            return True
    return False


def _is_lead_in(block: Block) -> bool:
    if block.kind in HEADINGS:
        return len(block.text) <= 2 * LEAD_IN_MAX
    return len(block.text) <= LEAD_IN_MAX and block.text.rstrip().endswith((":", "?"))


def render(kept: list[Block]) -> tuple[str, str]:
    """(body_text with blank lines between paragraphs, body_markdown)."""
    texts, mds = [], []
    for block in kept:
        prefix = f"{block.number}. " if block.number is not None else ""
        texts.append(prefix + block.text)
        md = block.markdown
        if block.kind in HEADINGS:
            md = "#" * max(2, HEADINGS[block.kind]) + " " + md.replace("\n", " ")
        elif block.kind == "li":
            md = "- " + md
        elif block.kind == "oli":
            md = (prefix or ("" if _OWN_NUMBER.match(block.text) else "1. ")) + md
        elif block.kind == "pre":
            md = "```\n" + block.text + "\n```"
        if block.quote:
            md = "\n".join("> " + line for line in md.split("\n"))
        mds.append(md)
    return "\n\n".join(texts), "\n\n".join(mds)
