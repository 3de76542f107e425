"""What changed lately, per site: new, edited, silently edited, gone and moved pages.

The archivist's "what happened since I last looked" in one read. Every list is bounded
(`limit` newest per site) and walks an index newest first (captures by site and id, pages by
site and status), so its cost does not grow with the archive. SQL is built by the *_sql()
functions apart from running it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from .outcomes import NOT_PAGES_SQL

# Outcomes of a fetch that saw the page served (after which it is no longer gone or moved).
_SERVED = "('new', 'changed', 'unchanged', 'not_modified')"

# A silent edit: the body changed, the "updated" date the page shows did not.
SILENT_EDIT = (
    "EXISTS (SELECT 1 FROM json_each(v.changed_fields) WHERE value = 'body_text')"
    " AND NOT EXISTS (SELECT 1 FROM json_each(v.changed_fields) WHERE value = 'updated_at')"
)

KINDS = ("edited", "silent", "gone", "moved", "new")
TITLES = {
    "new": "New pages",
    "edited": "Edited",
    "silent": "Silent edits (body changed, the visible updated date did not)",
    "gone": "Gone (404 or 410)",
    "moved": "Moved (redirected)",
}


def versions_sql(kind: str) -> str:
    """New (`new`), edited (`edited`) or silently edited (`silent`) versions of one site,
    newest capture first; parameters :site and :limit."""
    outcome = "new" if kind == "new" else "changed"
    silent = f" AND {SILENT_EDIT}" if kind == "silent" else ""
    return (
        "SELECT c.url, c.fetched_at AS at, v.version, v.title, v.changed_fields,"
        " v.updated_at, NULL AS redirect_to"
        " FROM captures c JOIN versions v ON v.capture_id = c.id"
        f" WHERE c.site = :site AND c.outcome = '{outcome}'{silent}"
        " ORDER BY c.id DESC LIMIT :limit"
    )


def pages_sql(kind: str) -> str:
    """Pages of one site now gone (`gone`) or redirected (`moved`), most recently found so
    first, with the last title they had and since when; parameters :site and :limit."""
    status, outcome = ("gone", "gone") if kind == "gone" else ("redirected", "redirected")
    return (
        "SELECT p.url, (SELECT min(c.fetched_at) FROM captures c WHERE c.url = p.url"
        f" AND c.outcome = '{outcome}' AND c.id > coalesce((SELECT max(s.id) FROM captures s"
        f" WHERE s.url = p.url AND s.outcome IN {_SERVED}), 0)) AS at,"
        " p.current_version AS version, v.title, '[]' AS changed_fields, v.updated_at,"
        " p.redirect_to"
        " FROM pages p LEFT JOIN versions v ON v.url = p.url AND v.version = p.current_version"
        f" WHERE p.site = :site AND p.status = '{status}' AND p.kind NOT IN {NOT_PAGES_SQL}"
        " ORDER BY p.last_capture_id DESC LIMIT :limit"
    )


def change_sql(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown kind of change {kind!r} (one of {', '.join(KINDS)})")
    return pages_sql(kind) if kind in ("gone", "moved") else versions_sql(kind)


@dataclass(frozen=True)
class Change:
    """One page in a list of changes; `version` is the version it wrote (or its last one)."""

    kind: str
    url: str
    at: str | None
    version: int | None
    title: str | None
    changed_fields: list[str]
    updated_at: str | None
    redirect_to: str | None


@dataclass(frozen=True)
class SiteChanges:
    site: str
    lists: dict[str, list[Change]] = field(default_factory=dict)


def sites(conn: sqlite3.Connection) -> list[str]:
    """Every site the archive holds pages of."""
    return [row[0] for row in conn.execute("SELECT DISTINCT site FROM pages ORDER BY site")]


def recent_changes(
    conn: sqlite3.Connection, *, site: str | None = None, limit: int = 20
) -> list[SiteChanges]:
    """The `limit` newest changes of each kind (KINDS), per site (or for `site` alone)."""
    out = []
    for name in [site] if site is not None else sites(conn):
        lists: dict[str, list[Change]] = {}
        for kind in KINDS:
            rows = conn.execute(change_sql(kind), {"site": name, "limit": int(limit)})
            lists[kind] = [_change(kind, row) for row in rows]
        out.append(SiteChanges(name, lists))
    return out


def _change(kind: str, row: Any) -> Change:
    url, at, version, title, changed, updated_at, redirect_to = tuple(row)
    return Change(kind, url, at, version, title, json.loads(changed), updated_at, redirect_to)
