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
