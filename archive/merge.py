"""Folding another archive into this one: what OTHER holds and this archive lacks.

For archives made apart (a `--redis` worker's own file, a laptop's crawl): a capture is the
same in both when its page, fetch time and body hash are (archive.timeline.Key), and is copied
once. Its body is copied in its stored form and compressed again here (dictionary and delta
base ids are the other file's own), so it reads back byte for byte. Runs are copied, matched by
site, spider and start time. A page both archives captured has its history replayed in time
order through the one versioning rule (archive.timeline): versions in fetched_at order, none
for content that did not change, outcomes and the page row as record() would have left them.
A page only OTHER holds gets the versions it has there, numbers included.

OTHER is read through SQLite alone, read-only, in one read transaction (the archive as of one
commit, even while a crawl writes it); this archive is written one page per transaction, so a
merge that is stopped leaves whole pages, and running it again adds only what is missing.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from . import headsets
from .errors import ArchiveError, ArchiveMissing
from .store import Archive
from .timeline import Fetch, Replayed, capture_of, history, keyed, replay
from .versioning import NewVersion, insert_version
from .writes import insert_capture, update_page

# The oldest archive schema read as it is: 4 has every table and column merge reads (blobs as
# received, recipes). A migration that changes what is read here from OTHER raises it.
READS_FROM_SCHEMA = 4

PAGE_COLUMNS = ("site", "kind", "lang", "first_seen", "last_seen", "last_changed", "status",
                "current_version", "etag", "last_modified", "content_sha256", "body_sha256",
                "redirect_to", "last_capture_id")  # fmt: skip


@dataclass
class MergeResult:
    """What a merge added (and, as it goes, how far it is: pages_done of pages_total)."""

    other: str
    pages_total: int = 0
    pages_done: int = 0
    pages_added: int = 0
    pages_updated: int = 0
    captures_added: int = 0
    captures_skipped: int = 0
    versions_added: int = 0
    runs_added: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


Progress = Callable[[MergeResult], None]


def open_other(path: str | Path) -> Archive:
    """OTHER, read-only through SQLite (`mode=ro`): never copied, never opened as a file, never
    migrated (a worker's archive of an older uninews is read as it is)."""
    try:
        return Archive.open(path, create=False, readonly=True, oldest=READS_FROM_SCHEMA)
    except ArchiveMissing:
        raise ArchiveError(f"no archive at {path} to merge") from None


def merge(target: Archive, other: Archive, progress: Progress | None = None) -> MergeResult:
    """Copy into `target` what `other` holds and it lacks (see the module docstring)."""
    if os.path.samefile(target.path, other.path):
        raise ArchiveError(f"{other.path} is the archive merged into: give another file")
    result = MergeResult(other.path)
    other.conn.execute("BEGIN")  # one snapshot of OTHER for the whole merge
    try:
        runs = _copy_runs(target, other.conn, result)
        urls = [r[0] for r in other.conn.execute("SELECT url FROM pages ORDER BY url")]
        result.pages_total = len(urls)
        for url in urls:
            _merge_page(target, other, url, runs, result)
            result.pages_done += 1
            if progress is not None:
                progress(result)
    finally:
        other.conn.execute("ROLLBACK")
    return result


def _copy_runs(target: Archive, other: sqlite3.Connection, result: MergeResult) -> dict[int, int]:
    """OTHER's run ids -> this archive's; a run is the same when site, spider and start are.
    A run copied while it was running is brought up to date once OTHER has finished it."""
    mapping: dict[int, int] = {}
    with target.transaction() as conn:
        known = {
            (r["site"], r["spider"], r["started_at"]): r
            for r in conn.execute("SELECT id, site, spider, started_at, finished_at FROM runs")
        }
        for run in other.execute("SELECT * FROM runs ORDER BY id").fetchall():
            here = known.get((run["site"], run["spider"], run["started_at"]))
            if here is None:
                cur = conn.execute(
                    "INSERT INTO runs (site, spider, started_at, finished_at, status, stats)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (run["site"], run["spider"], run["started_at"], run["finished_at"],
                     run["status"], run["stats"]),
                )  # fmt: skip
                mapping[run["id"]] = int(cur.lastrowid)
                result.runs_added += 1
                continue
            mapping[run["id"]] = here["id"]
            if here["finished_at"] is None and run["finished_at"] is not None:
                conn.execute(
                    "UPDATE runs SET finished_at = ?, status = ?, stats = ? WHERE id = ?",
                    (run["finished_at"], run["status"], run["stats"], here["id"]),
                )
    return mapping


def _rows(conn: sqlite3.Connection, table: str, url: str) -> list[sqlite3.Row]:
    order = "version" if table == "versions" else "id"
    return conn.execute(f"SELECT * FROM {table} WHERE url = ? ORDER BY {order}", (url,)).fetchall()


def _merge_page(
    target: Archive, other: Archive, url: str, runs: dict[int, int], result: MergeResult
) -> None:
    theirs = _rows(other.conn, "captures", url)
    mine = keyed(_rows(target.conn, "captures", url))
    new = [key for key in keyed(theirs) if key not in mine]
    result.captures_skipped += len(theirs) - len(new)
    if not new:
        return
    their_versions = _rows(other.conn, "versions", url)
    their_page = other.conn.execute("SELECT * FROM pages WHERE url = ?", (url,)).fetchone()
    with target.transaction() as conn:  # read again under the write lock: a crawl may write
        my_captures = _rows(conn, "captures", url)
        my_versions = _rows(conn, "versions", url)
        my_page = conn.execute("SELECT * FROM pages WHERE url = ?", (url,)).fetchone()
        fetches = history((my_captures, my_versions), (theirs, their_versions))
        plan = replay(fetches)
        page = {name: plan.page.get(name) for name in PAGE_COLUMNS}
        page["lang"] = page["lang"] or _latest_lang(fetches, my_page, their_page)
        if my_page is None:
            names = ("url", *PAGE_COLUMNS[:-1])
            conn.execute(
                f"INSERT INTO pages ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                (url, *(page[n] for n in PAGE_COLUMNS[:-1])),
            )
        ids = _write_captures(target, other, url, fetches, plan, runs, result)
        result.versions_added += _write_versions(conn, url, my_versions, plan, ids)
        update_page(conn, url, {**page, "last_capture_id": ids[plan.page["last_capture_id"]]})
    if my_page is None:
        result.pages_added += 1
    else:
        result.pages_updated += 1


def _write_captures(
    target: Archive,
    other: Archive,
    url: str,
    fetches: Sequence[Fetch],
    plan: Replayed,
    runs: dict[int, int],
    result: MergeResult,
) -> list[int]:
    """Copy the fetches this archive lacks (bodies first), fix the outcomes of the others;
    the fetches' ids here."""
    conn, ids = target.conn, []
    for index, fetch in enumerate(fetches):
        row, outcome = fetch.row, plan.outcomes[index]
        if fetch.target_id is not None:
            if row["outcome"] != outcome:
                headsets.set_outcome(conn, row["id"], outcome)
            ids.append(fetch.target_id)
            continue
        sha = row["body_sha256"]
        if sha is not None and not target.bodies.has(sha):
            target.bodies.keep(other.bodies.stored(sha), row["site"], plan.bases[index])
        run_id = runs.get(row["run_id"]) if row["run_id"] is not None else None
        ids.append(
            insert_capture(
                conn,
                capture_of(row),
                url,
                row["site"],
                row["kind"],
                outcome,
                sha,
                row["extractor_version"] or "",
                run_id,
                row["archived_at"],
                ids[-1] if ids else None,  # the page's fetch before, shared headers with it
            )  # fmt: skip
        )
        result.captures_added += 1
    return ids


def _write_versions(
    conn: sqlite3.Connection,
    url: str,
    existing: Sequence[sqlite3.Row],
    plan: Replayed,
    ids: Sequence[int],
) -> int:
    """Make the page's versions the planned ones, keeping the rows (and their ids) of the
    versions that stay as they are; how many versions the page gained."""
    keep = 0
    for row, planned in zip(existing, plan.versions, strict=False):
        same = (
            row["version"] == planned.number
            and row["capture_id"] == ids[planned.fetch]
            and row["content_sha256"] == planned.shown.prepared.sha256
            and json.loads(row["changed_fields"]) == planned.changed
        )
        if not same:
            break
        keep += 1
    conn.execute("DELETE FROM versions WHERE url = ? AND version > ?", (url, keep))
    for planned in plan.versions[keep:]:
        shown = planned.shown
        insert_version(
            conn, url, NewVersion(planned.number, planned.changed), ids[planned.fetch],
            shown.prepared, shown.archived_at, shown.extractor_version,
        )  # fmt: skip
    return len(plan.versions) - len(existing)


def _latest_lang(
    fetches: Sequence[Fetch], mine: sqlite3.Row | None, theirs: sqlite3.Row | None
) -> str | None:
    """A page language no content told: the one of the page row (of either archive) whose
    last capture is the later in the merged history."""
    order = {(f.row["id"], f.target_id is not None): f.key for f in fetches}
    rows = []
    for page, here in ((mine, True), (theirs, False)):
        if page is not None and page["lang"]:
            key = order.get((page["last_capture_id"], here))
            rows.append((key or ("", "", 0), page["lang"]))
    return max(rows)[1] if rows else None
