"""The versioning rule, in one place: what gets a version at all, when a new version is written
and which fields it changed. record() (a fresh fetch), reprocess (a stored body read again) and
merge (two archives' captures in time order) all decide through here, so a page cannot be
versioned one way at crawl time and another later.

A new version is written only when the hash of the normalized content differs from the page's
current version (archive.content): raw HTML never decides.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .content import Prepared, changed_fields, from_row, json_text
from .times import fixed_width_sql


def gets_version(extracted_kind: str | None, has_content: bool, kind: str) -> bool:
    """Whether an extracted page is versioned: it has content, and it is neither a login page
    (`extracted_kind`, what the extractor saw) nor a listing (`kind`, as archived)."""
    return extracted_kind != "login" and has_content and kind != "listing"


def shown_version_sql(capture: str) -> str:
    """SQL for the id of the version a capture (alias `capture`, a row of the captures view)
    showed: the one it made, else the page's latest version made by a fetch at or before it
    in time. Not by capture id: in an archive made by `uninews merge` the other archive's
    older fetches have the newest ids."""
    made = fixed_width_sql("vc.fetched_at")
    at = fixed_width_sql(f"{capture}.fetched_at")
    return (
        f"coalesce((SELECT v.id FROM versions v WHERE v.capture_id = {capture}.id"
        " ORDER BY v.version DESC LIMIT 1),"
        " (SELECT v.id FROM versions v JOIN captures vc ON vc.id = v.capture_id"
        f" WHERE v.url = {capture}.url AND ({made}, vc.id) <= ({at}, {capture}.id)"
        " ORDER BY v.version DESC LIMIT 1))"
    )


@dataclass(frozen=True)
class NewVersion:
    """A version to write: its number and the fields that differ from the version before."""

    number: int
    changed: list[str]


def next_version(
    conn: sqlite3.Connection,
    url: str,
    current_version: int | None,
    current_sha256: str | None,
    prepared: Prepared,
) -> NewVersion | None:
    """The version `prepared` makes of a page whose current version (and its content hash)
    are given, or None when the content is that of the current version."""

    def current_content() -> Mapping[str, Any]:
        row = conn.execute(
            "SELECT * FROM versions WHERE url = ? AND version = ?", (url, current_version)
        ).fetchone()
        return from_row(row)

    return version_after(current_version, current_sha256, prepared, current_content)


def version_after(
    current_version: int | None,
    current_sha256: str | None,
    prepared: Prepared,
    current_content: Callable[[], Mapping[str, Any]],
) -> NewVersion | None:
    """next_version() over a current version held anywhere (archive.merge replays a page's
    versions before they are written); `current_content` is asked only when they differ."""
    if current_version is None:
        return NewVersion(1, changed_fields(None, prepared.normalized))
    if current_sha256 == prepared.sha256:
        return None
    return NewVersion(current_version + 1, changed_fields(current_content(), prepared.normalized))


def insert_version(
    conn: sqlite3.Connection,
    url: str,
    new: NewVersion,
    capture_id: int,
    prepared: Prepared,
    archived_at: str,
    extractor_version: str,
) -> None:
    """One `versions` row: record() and reprocess write versions only through here."""
    columns = prepared.columns
    names = ("url", "version", "capture_id", "content_sha256", "archived_at", *columns,
             "extractor_version", "changed_fields")  # fmt: skip
    conn.execute(
        f"INSERT INTO versions ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        (url, new.number, capture_id, prepared.sha256, archived_at, *columns.values(),
         extractor_version, json_text(new.changed)),
    )  # fmt: skip
