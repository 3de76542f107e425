"""Versioned content: the field list, its normalization and the hash that decides a new version.

The hash covers the normalized extracted fields only. Raw HTML never enters it: tokens,
timestamps and rotating teasers change raw HTML on every fetch without changing the article.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# The versioned fields, in the order of the `versions` columns. Kept equal to
# scraper.extract.article.CONTENT_FIELDS (a test checks); duplicated so the archive never
# imports the scraper.
CONTENT_FIELDS: tuple[str, ...] = (
    "title",
    "lead",
    "body_text",
    "body_markdown",
    "published_at",
    "updated_at",
    "authors",
    "category",
    "tags",
    "lang",
    "images",
    "contacts",
    "links",
)

# Stored as JSON text; always a list (empty when the page gave none).
JSON_FIELDS: frozenset[str] = frozenset({"authors", "tags", "images", "contacts", "links"})
# Keep their line structure (paragraphs, markdown blocks); other text is one line.
MULTILINE_FIELDS: frozenset[str] = frozenset({"body_text", "body_markdown"})

_BLANK_LINES = re.compile(r"\n{3,}")


def _line(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _multiline(text: str) -> str:
    """Collapse spaces inside lines, keep indentation and paragraph breaks (markdown needs both)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for line in text.split("\n"):
        words = line.split()
        indent = line[: len(line) - len(line.lstrip(" \t"))] if words else ""
        lines.append(indent + " ".join(words))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")


def _value(value: Any) -> Any:
    """Normalize any JSON-able value: strings one-line, lists in order, dicts key by key."""
    if isinstance(value, str):
        return _line(value)
    if isinstance(value, Mapping):
        return {str(k): _value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    return value


def normalize_field(name: str, value: Any) -> Any:
    if name in JSON_FIELDS:
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        return [_value(v) for v in value]
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    text = _multiline(value) if name in MULTILINE_FIELDS else _line(value)
    return text or None


def normalize_content(content: Mapping[str, Any]) -> dict[str, Any]:
    """The versioned fields of `content`, normalized; keys outside CONTENT_FIELDS are ignored.

    Ignoring extra keys lets callers pass a whole article dict (url, kind, ...) as it is.
    """
    return {name: normalize_field(name, content.get(name)) for name in CONTENT_FIELDS}


def content_sha256(normalized: Mapping[str, Any]) -> str:
    canonical = json.dumps(
        {name: normalized.get(name) for name in CONTENT_FIELDS},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def changed_fields(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[str]:
    """Fields whose normalized values differ, in CONTENT_FIELDS order (all non-empty if no old)."""
    if old is None:
        return [n for n in CONTENT_FIELDS if new.get(n) not in (None, [], "")]
    return [n for n in CONTENT_FIELDS if old.get(n) != new.get(n)]


def json_text(value: Any) -> str:
    """A JSON column's text (never a Python repr); what JSON cannot hold is written as str()."""
    return json.dumps(value, ensure_ascii=False, default=str)


def to_columns(normalized: Mapping[str, Any]) -> dict[str, Any]:
    """Column values for a `versions` row: JSON fields as JSON text (never Python reprs)."""
    return {
        name: (
            json.dumps(normalized[name], ensure_ascii=False)
            if name in JSON_FIELDS
            else normalized[name]
        )
        for name in CONTENT_FIELDS
    }


def from_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """The normalized content held in a `versions` row (JSON columns decoded)."""
    return {
        name: (json.loads(row[name]) if row[name] else []) if name in JSON_FIELDS else row[name]
        for name in CONTENT_FIELDS
    }


@dataclass(frozen=True)
class Prepared:
    """Content normalized, hashed and turned into columns before it reaches the archive.

    record() accepts it in place of a content mapping, so this work can be done where CPU is
    spare: the crawler prepares content in its extraction processes, and its archive writer
    (a process of its own, or a thread sharing the crawl's GIL) only writes. Build it with
    prepare_content(), never by hand.
    """

    normalized: dict[str, Any]
    sha256: str
    columns: dict[str, Any]


def stored_content(row: Mapping[str, Any]) -> Prepared:
    """The content of a `versions` row as it was stored: its hash and columns verbatim.

    archive.merge copies versions between archives this way: prepared again, content that an
    older uninews normalized otherwise would get another hash than its own archive gave it.
    """
    columns = {name: row[name] for name in CONTENT_FIELDS}
    return Prepared(from_row(row), row["content_sha256"], columns)


def prepare_content(content: Mapping[str, Any] | Prepared) -> Prepared:
    if isinstance(content, Prepared):
        return content
    normalized = normalize_content(content)
    return Prepared(normalized, content_sha256(normalized), to_columns(normalized))
