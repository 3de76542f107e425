"""Blocks that say again what the body already said: a second copy of the article.

Pages carry their text twice more often than one would think: a hidden raw-markdown or
print copy after the rendered article, a mobile and a desktop version of the same
paragraphs, a pull quote, a "deals" box repeated after every section. A reader sees the text
once, so the body keeps its first copy. A block is a repeat when most of its word runs
(SHINGLE words long) were in the blocks kept before it; a block too short for that is a
repeat when its whole text was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

SHINGLE = 6  # words in a run: long enough that two different sentences rarely share one
REPEAT_SHARE = 0.8  # a block with this share of its runs already kept is a copy
MIN_REPEAT = 40  # characters: shorter lines ("Read more", a date) may well repeat

_WORD = re.compile(r"\w+")
# A link's target in markdown ("[text](https://...)"): a raw copy spells out what the
# rendered one shows as link text only.
_ADDRESS = re.compile(r"\]\([^)\s]*\)")


class _HasText(Protocol):
    text: str


B = TypeVar("B", bound=_HasText)


def _words(text: str) -> list[str]:
    return _WORD.findall(_ADDRESS.sub(" ", text.lower()))


def _shingles(words: list[str]) -> list[int]:
    return [hash(tuple(words[i : i + SHINGLE])) for i in range(len(words) - SHINGLE + 1)]


def without_repeats(blocks: Sequence[B], seen_texts: Iterable[str] = ()) -> list[B]:
    """The blocks without those that repeat earlier ones (or seen_texts: the lead)."""
    seen: set[int] = set()
    whole: set[str] = set()
    tail: list[str] = []  # the last words kept: runs go on across block boundaries
    for text in seen_texts:
        tail = _remember(seen, tail, _words(text))
        whole.add(text.strip().lower())
    kept: list[B] = []
    for block in blocks:
        text = block.text.strip()
        if len(text) < MIN_REPEAT:
            kept.append(block)
            continue
        key = text.lower()
        words = _words(text)
        runs = _shingles(words)
        if key in whole or (runs and sum(r in seen for r in runs) >= REPEAT_SHARE * len(runs)):
            continue
        whole.add(key)
        tail = _remember(seen, tail, words)
        kept.append(block)
    return kept


def _remember(seen: set[int], tail: list[str], words: list[str]) -> list[str]:
    """Adds the runs of `words`, and those joining them to the text before (a copy written
    as one block runs on where the rendered text had paragraphs); the new tail."""
    joined = tail + words
    seen.update(_shingles(joined))
    return joined[-(SHINGLE - 1) :]
