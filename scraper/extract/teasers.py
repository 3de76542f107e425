"""Lists of teaser cards: the related posts, latest news and "more from" boxes of a page.

Such a box is a run of siblings cut from one template (same tag, same class), each a card
that links a headline of its own to another page, with a date or a line of text beside it.
Its class often names nothing a furniture list could know ("blog-carousel", "rss-item",
utility classes), but its shape gives it away. An article's own list is rarely cut that
way: its items are running text with a link in them, not a linked headline over a line.
The body drops the cards only of an article, and only where the article's own text
outweighs them (core._drop_teasers); a listing's cards are its content.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from lxml import html as lxml_html

from .content import HEADINGS as HEADING_LEVELS
from .text import norm

# Chosen on wcxb-dev articles, checked on extraction-dev (bench/extraction.py, see README).
MIN_CARDS = 3  # siblings from one template: fewer is a pair of links, not a list
CARD_MAX = 600  # characters of a card: a headline, a date, a line or two of text
HEADLINE_MIN = 20  # characters of the link that is a card's headline
BESIDE_MIN = 10  # characters of a card beside its headline: a date, a line of text
CARD_SHARE = 0.8  # share of the siblings that must be cards
LINKED_HEADLINE = 0.6  # share of a headline's text inside its link
HEADINGS = tuple(HEADING_LEVELS)
HEADLINE_TAGS = frozenset({*HEADINGS, "p", "div"})
_NOT_A_PAGE = ("#", "javascript:", "mailto:", "tel:")


def teaser_lists(roots: Iterable[lxml_html.HtmlElement], url: str) -> set:
    """The elements under roots whose children are teaser cards."""
    here = url.split("#", 1)[0]
    return {
        el
        for root in roots
        for el in root.iter()
        if isinstance(el.tag, str) and len(el) >= MIN_CARDS and _is_card_list(el, here)
    }


def _is_card_list(el, here: str) -> bool:
    shapes = Counter((c.tag, c.get("class")) for c in el if isinstance(c.tag, str))
    if not shapes:
        return False
    shape, count = shapes.most_common(1)[0]
    if count < MIN_CARDS:
        return False
    siblings = [c for c in el if isinstance(c.tag, str) and (c.tag, c.get("class")) == shape]
    targets = [t for t in (_card_target(c, here) for c in siblings) if t]
    return len(targets) >= CARD_SHARE * len(siblings) and len(set(targets)) >= MIN_CARDS


def _card_target(card, here: str) -> str | None:
    """The page a card links its headline to; None when the element is no card."""
    text = None
    for a in [card] if card.tag == "a" else card.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(_NOT_A_PAGE) or href.split("#", 1)[0] == here:
            continue
        if len(norm(a.text_content())) < HEADLINE_MIN:
            continue
        if text is None:
            text = norm(card.text_content())
            if len(text) > CARD_MAX:
                return None
        headline = _headline(a, card)
        if headline is not None and len(text) - len(norm(headline.text_content())) >= BESIDE_MIN:
            return href
    return None


def _headline(a, card):
    """The line a card's link heads it with: a heading or line that is mostly the link, or
    a heading inside the link (a card that is one link); None for a link in running text."""
    inner = next(a.iterdescendants(*HEADINGS), None)
    if inner is not None:
        return inner
    label = len(norm(a.text_content()))
    el = a
    while el is not None and el is not card:
        if el.tag in HEADLINE_TAGS and el is not a:
            return el if label >= LINKED_HEADLINE * len(norm(el.text_content())) else None
        if not _alone(el):
            return None
        el = el.getparent()
    return None


def _alone(el) -> bool:
    """Whether el stands on a line of its own in its parent: no text before or after it."""
    if (el.tail or "").strip():
        return False
    prev = el.getprevious()
    before = prev.tail if prev is not None else el.getparent().text
    return not (before or "").strip()
