"""Fields a reader finds in visible text: "Publicerad: 2020-11-23", "Text: Name", "NYHET",
and a date on a line of its own beside the headline ("June 12, 2025", headline_dates).

The scan walks the short text nodes near the article, climbs at most a few inline levels
to see a whole label line, and hands back what it read plus the elements it used, so that
those lines stay out of the body.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from . import vocabulary, xpaths
from .dates import parse_date, parse_date_slow
from .text import norm, split_names

_NAME_WORD = re.compile(r"^[A-ZÅÄÖÉÜØÆ][\w'’.-]*$")
MAX_LINE = 200  # characters; a label line longer than this is prose
# A post's date printed beside its headline without a label, class or <time>: looked for
# in this many text lines after the h1 and before it (a date above the headline), up to
# the line of prose (longer than MAX_LINE) past this many (a lead may stand between the
# headline and its byline; the next is the text, whose last lines may be a footer's), on
# lines of at most this many characters (a longer one is a sentence that names a date).
HEADLINE_LINES_AFTER = 8
HEADLINE_LINES_BEFORE = 5
HEADLINE_PROSE_LINES = 1
HEADLINE_DATE_CHARS = 50
# Bylines naming this many different people or makers sign the items of a list (a shop's
# "by Brand" cards, a reading list's "by Author" rows), not the page: it has none of its
# own. Chosen on wcxb-dev (3 and 4 took an article's byline, 8 missed a shop); the body is
# the same on both corpora (bench/extraction.py).
ITEM_BYLINES = 5


@dataclass
class Labels:
    published: str | None = None
    updated: str | None = None
    authors: list[str] = field(default_factory=list)
    category: str | None = None
    credits: list[str] = field(default_factory=list)
    consumed: set = field(default_factory=set)
    bylines: set[str] = field(default_factory=set)  # every byline's names, lower-cased


def _looks_like_names(text: str) -> bool:
    names = split_names(text)
    if not names or len(names) > 6:
        return False
    if any(name.lower() in vocabulary.SORT_KEYS for name in names):  # "Browse by Category"
        return False
    for name in names:
        words = name.split()
        if not 1 <= len(words) <= 5 or not all(_NAME_WORD.match(w) for w in words):
            return False
    return True


def scan(region, skip: set, category_labels=vocabulary.CATEGORY_LABELS) -> Labels:
    found = Labels()
    labels = {label.lower() for label in category_labels}
    seen: set = set()
    for node in xpaths.TEXT_NODES(region):
        stripped = node.strip()
        if not stripped or len(stripped) > MAX_LINE:
            continue
        # the text tests first: most lines fail them and need no element looked up
        label_like = (
            vocabulary.MAYBE_LABEL.match(stripped) or stripped.lower().strip(" :") in labels
        )
        if not label_like and len(stripped) >= 40:
            continue
        el = node.getparent()
        if el is None:
            continue
        if not label_like and not (
            el.tag == "time" or vocabulary.DATE_CLASS.search(el.get("class") or "")
        ):
            continue
        if node.is_tail:
            el = el.getparent()
        for _level in range(3):
            if el is None or el in seen or el in skip:
                break
            raw = el.text_content()
            if len(raw) > 3 * MAX_LINE:
                break
            line = norm(raw)
            if len(line) > MAX_LINE:
                break
            if _read(el, line, found, labels):
                seen.add(el)
                found.consumed.add(el)
                break
            if el.tag not in ("span", "strong", "b", "em", "i", "small", "time", "a", "label"):
                # one block level is as far as a label line reaches
                if _level >= 1:
                    break
            el = el.getparent()
    if len(found.bylines) >= ITEM_BYLINES:
        found.authors = []
    return found


def _read(el, line: str, found: Labels, labels: set[str]) -> bool:
    """Record what a label line says; True when the line was one."""
    lowered = line.lower().strip(" :")
    if lowered in labels:
        if found.category is None:
            found.category = line.strip(" :")
            return True
        return False
    match = vocabulary.PUBLISHED_LABEL.match(line)
    if match:
        value = parse_date(match[1]) or _slow(match[1])
        if value:
            found.published = found.published or value
            return True
    match = vocabulary.UPDATED_LABEL.match(line)
    if match:
        value = parse_date(match[1]) or _slow(match[1])
        if value:
            found.updated = found.updated or value
            return True
    match = vocabulary.BYLINE_LABEL.match(line)
    if match and len(line) < 120:
        names = match[1].strip()
        credit = vocabulary.CREDIT_LABEL.search(names)
        if credit:  # "Text: A. Name Foto: B. Name"
            found.credits.append(credit[1].strip())
            names = names[: credit.start()].strip(" ,.|")
        explicit = line[: match.start(1)].rstrip().endswith(":")
        if names and (explicit or _looks_like_names(names)):
            found.bylines.add(names.lower())
            if not found.authors:
                found.authors = split_names(names)
            return True
    match = vocabulary.CREDIT_LABEL_PLAIN.match(line)
    if match and len(line) < 100 and el.tag != "a":
        found.credits.append(match[1].strip())
        return True
    if (
        found.published is None
        and len(line) < 40
        and (el.tag == "time" or vocabulary.DATE_CLASS.search(el.get("class") or ""))
    ):
        value = parse_date(el.get("datetime") or line)
        if value:
            if vocabulary.UPDATED_MENTION.search(line):  # "Last update: July 16, 2025"
                found.updated = found.updated or value
            else:
                found.published = value
            return True
    return False


def _slow(text: str) -> str | None:
    """dateparser only for a short remainder with a number in it."""
    if len(text) > 60 or not any(ch.isdigit() for ch in text):
        return None
    return parse_date_slow(text)


def headline_dates(h1) -> tuple[str | None, str | None]:
    """(published, updated): the dates on short lines beside the headline ("June 12, 2025",
    "Jun 08, 2023 • 11 Minute Read"; "Updated May 6, 2025" is an update's), each when those
    lines name one day: lines naming several are a list's teasers."""
    if h1 is None:
        return None, None
    published: dict[str, str] = {}
    updated: dict[str, str] = {}
    lines = (*_lines_after(h1, HEADLINE_LINES_AFTER), *_lines_before(h1, HEADLINE_LINES_BEFORE))
    for text in lines:
        line = norm(text)
        if len(line) > HEADLINE_DATE_CHARS:
            continue
        value = parse_date(line)
        if value:
            days = updated if vocabulary.UPDATED_MENTION.search(line) else published
            days.setdefault(value[:10], value)
    return _one_day(published), _one_day(updated)


def _one_day(days: dict[str, str]) -> str | None:
    return next(iter(days.values())) if len(days) == 1 else None


def _lines_after(el, limit: int) -> list[str]:
    """The first `limit` non-blank text nodes after el (not in it), in document order, up
    to the text's prose."""
    return _until_prose(islice((t for t in _texts_after(el) if t.strip()), limit))


def _lines_before(el, limit: int) -> list[str]:
    """The last `limit` non-blank text nodes before el (not in its ancestors), nearest
    first, up to the prose before them."""
    return _until_prose(islice((t for t in _texts_before(el) if t.strip()), limit))


def _until_prose(texts) -> list[str]:
    lines = []
    prose = 0
    for text in texts:
        if len(text) > MAX_LINE and len(norm(text)) > MAX_LINE:
            prose += 1
            if prose > HEADLINE_PROSE_LINES:
                break
        lines.append(text)
    return lines


def _texts_after(el) -> Iterator[str]:
    node = el
    while node is not None and node.tag != "body":
        yield node.tail or ""
        sibling = node.getnext()
        while sibling is not None:
            yield from sibling.itertext()
            yield sibling.tail or ""
            sibling = sibling.getnext()
        node = node.getparent()


def _texts_before(el) -> Iterator[str]:
    node = el
    while node is not None and node.tag != "body":
        parent = node.getparent()
        if parent is None:
            return
        sibling = node.getprevious()
        while sibling is not None:
            yield sibling.tail or ""
            yield from reversed(list(sibling.itertext()))
            sibling = sibling.getprevious()
        yield parent.text or ""
        node = parent
