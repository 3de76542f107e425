"""What changed between two versions, field by field; bodies as paragraph-level unified diffs."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from .content import CONTENT_FIELDS, JSON_FIELDS, MULTILINE_FIELDS

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any
    diff: list[str]  # unified diff lines (paragraphs for bodies, JSON lines for lists)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def paragraphs(text: str | None) -> list[str]:
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text or "") if p.strip()]


def _lines(name: str, value: Any) -> list[str]:
    if name in MULTILINE_FIELDS:
        return paragraphs(value)
    if name in JSON_FIELDS:
        return [json.dumps(item, ensure_ascii=False, sort_keys=True) for item in value or []]
    return [] if value is None else [str(value)]


def diff_fields(
    old: Mapping[str, Any], new: Mapping[str, Any], *, old_label: str = "", new_label: str = ""
) -> list[FieldChange]:
    """Changes between two content mappings, in CONTENT_FIELDS order; unchanged fields left out."""
    changes = []
    for name in CONTENT_FIELDS:
        if old.get(name) == new.get(name):
            continue
        lines = difflib.unified_diff(
            _lines(name, old.get(name)),
            _lines(name, new.get(name)),
            fromfile=f"{old_label} {name}".strip(),
            tofile=f"{new_label} {name}".strip(),
            lineterm="",
            n=1,
        )
        changes.append(FieldChange(name, old.get(name), new.get(name), list(lines)))
    return changes


# Words and the whitespace between them, so a word diff can be joined back into the text.
_WORDS = re.compile(r"\s+|[^\s]+")

Op = tuple[str, str]  # ("equal" | "delete" | "insert", text)


def word_ops(old: str | None, new: str | None) -> list[Op]:
    """A word-level diff of two texts: runs of equal, deleted and inserted text, in order.

    Joining the "equal" and "delete" texts gives `old` back, "equal" and "insert" give `new`;
    a replaced run is its deletion followed by its insertion.
    """
    a, b = _WORDS.findall(old or ""), _WORDS.findall(new or "")
    ops: list[Op] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(ops, "equal", "".join(a[i1:i2]))
            continue
        if i2 > i1:
            _append(ops, "delete", "".join(a[i1:i2]))
        if j2 > j1:
            _append(ops, "insert", "".join(b[j1:j2]))
    return ops


def _append(ops: list[Op], tag: str, text: str) -> None:
    if ops and ops[-1][0] == tag:
        ops[-1] = (tag, ops[-1][1] + text)
    elif text:
        ops.append((tag, text))


@dataclass(frozen=True)
class ParagraphChange:
    """One block of a paragraph-aligned body diff: `skipped` unchanged paragraphs, or one
    paragraph with its word-level ops (all "insert" for a new one, all "delete" for a removed
    one)."""

    ops: tuple[Op, ...] = ()
    skipped: int = 0


def paragraph_ops(old: str | None, new: str | None, *, context: int = 1) -> list[ParagraphChange]:
    """A body diff for reading: paragraphs matched first, then words within a replaced one.

    Unchanged paragraphs more than `context` away from a change are folded into `skipped`
    blocks, so a one-word edit of a long article shows one paragraph, not the whole body.
    """
    a, b = paragraphs(old), paragraphs(new)
    blocks: list[ParagraphChange] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    codes = matcher.get_opcodes()
    for n, (tag, i1, i2, j1, j2) in enumerate(codes):
        if tag == "equal":
            same = a[i1:i2]
            head = same[:context] if n > 0 else []
            tail = same[-context:] if n < len(codes) - 1 and context else []
            if len(head) + len(tail) >= len(same):
                head, tail = same, []
            blocks += [ParagraphChange((("equal", p),)) for p in head]
            if len(same) > len(head) + len(tail):
                blocks.append(ParagraphChange(skipped=len(same) - len(head) - len(tail)))
            blocks += [ParagraphChange((("equal", p),)) for p in tail]
            continue
        removed, added = a[i1:i2], b[j1:j2]
        for k in range(max(len(removed), len(added))):
            if k < len(removed) and k < len(added):
                blocks.append(ParagraphChange(tuple(word_ops(removed[k], added[k]))))
            elif k < len(removed):
                blocks.append(ParagraphChange((("delete", removed[k]),)))
            else:
                blocks.append(ParagraphChange((("insert", added[k]),)))
    return blocks
