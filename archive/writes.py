"""Archiving one fetch: the capture row, its body, its version and the page row, written in one
transaction so that they are committed together or not at all.

What the fetch means is archive.outcomes' to say, whether it makes a version
archive.versioning's, and how its body is kept archive.bodies'; this module puts them together.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import headsets
from .bodies import body_sha256
from .capture import Capture
from .content import Prepared, json_text, prepare_content
from .outcomes import header, page_status_after, response_class
from .times import utc_now
from .urls import normalize_url
from .versioning import NewVersion, insert_version, next_version

if TYPE_CHECKING:
    from .store import Archive


@dataclass(frozen=True)
class Recorded:
    """What record() did: the outcome, the capture row, the page URL and the new version."""

    outcome: str
    capture_id: int
    url: str
    version: int | None = None


def record(
    archive: Archive,
    capture: Capture,
    content: Mapping[str, Any] | Prepared | None,
    *,
    run_id: int | None,
    site: str,
    kind: str = "article",
    extractor_version: str = "",
    lang: str | None = None,
) -> Recorded:
    """Archive one fetch (see Archive.record); the content is prepared before the write lock
    is taken, so the transaction holds it for the writes alone."""
    url = normalize_url(capture.url)
    response = response_class(capture)
    now = utc_now()
    prepared = prepare_content(content) if content is not None else None
    normalized = prepared.normalized if prepared is not None else None
    keep_body = capture.body is not None and response not in ("restricted", "not_modified")
    received = capture.body if capture.wire_body is None else capture.wire_body
    sha = body_sha256(received) if keep_body else None

    with archive.transaction() as conn:
        page = conn.execute("SELECT * FROM pages WHERE url = ?", (url,)).fetchone()
        if sha is not None:
            previous = page["body_sha256"] if page is not None else None
            archive.bodies.store(sha, received, site, previous, capture)

        new: NewVersion | None = None
        if response == "ok":
            if prepared is not None:
                current = page["current_version"] if page else None
                new = next_version(
                    conn, url, current, page["content_sha256"] if page else None, prepared
                )
                outcome = "unchanged" if new is None else "new" if current is None else "changed"
            else:
                previous = page["body_sha256"] if page else None
                outcome = (
                    "new" if previous is None else "unchanged" if previous == sha else "changed"
                )
        else:
            outcome = response

        if page is None:
            conn.execute(
                "INSERT INTO pages (url, site, kind, first_seen, status) VALUES (?, ?, ?, ?, ?)",
                (url, site, kind, capture.fetched_at, page_status_after(response, None)),
            )
        capture_id = insert_capture(
            conn, capture, url, site, kind, outcome, sha, extractor_version, run_id, now,
            page["last_capture_id"] if page is not None else None,
        )  # fmt: skip
        update = page_update(
            dict(page) if page is not None else {}, capture, response, outcome, kind, site,
            capture_id, new.number if new is not None else None,
            prepared.sha256 if new is not None else None,
            sha, lang or (normalized or {}).get("lang"),
        )  # fmt: skip
        update_page(conn, url, update)
        # After the page row: a new current version is indexed for search as current once
        # (archive.facets), not indexed and then made current.
        if new is not None:
            insert_version(conn, url, new, capture_id, prepared, now, extractor_version)
    return Recorded(outcome, capture_id, url, new.number if new is not None else None)


def insert_capture(
    conn: sqlite3.Connection,
    capture: Capture,
    url: str,
    site: str,
    kind: str,
    outcome: str,
    sha: str | None,
    extractor_version: str,
    run_id: int | None,
    now: str,
    previous_capture: int | None,
) -> int:
    """One capture row: record() and merge write captures only through here (archive.headsets
    keeps it narrow: what the page's previous fetch, `previous_capture`, had too is shared
    with it)."""
    row = {
        "id": None,
        "run_id": run_id,
        "url": url,
        "requested_url": capture.url,
        "site": site,
        "kind": kind,
        "fetched_at": capture.fetched_at,
        "method": capture.method,
        "request_headers": capture.request_headers,
        "protocol": capture.protocol,
        "http_status": capture.http_status,
        "reason": capture.reason,
        "headers": capture.response_headers,
        "body_sha256": sha,
        "redirect_to": capture.redirect_to,
        "outcome": outcome,
        "error": capture.error,
        "elapsed_ms": capture.elapsed_ms,
        "ip_address": capture.ip_address,
        "extractor_version": extractor_version or None,
        "extra": json_text(dict(capture.extra)),
        "archived_at": now,
    }
    return headsets.insert(conn, row, headsets.previous_headers(conn, previous_capture))


def page_update(
    old: Mapping[str, Any],
    capture: Capture,
    response: str,
    outcome: str,
    kind: str,
    site: str,
    capture_id: int,
    version_number: int | None,
    new_hash: str | None,
    sha: str | None,
    lang: str | None,
) -> dict[str, Any]:
    """The columns of a page row (`old`; empty for a new page) that a fetch changes: record()
    applies it once per fetch, merge folds a page's captures through it in time order."""
    status = page_status_after(response, old.get("status"))
    update: dict[str, Any] = {
        "site": site,
        "kind": kind,
        "status": status,
        "last_capture_id": capture_id,
    }
    if lang:
        update["lang"] = lang
    if capture.http_status is not None:
        last_seen = old.get("last_seen")
        update["last_seen"] = max(filter(None, [last_seen, capture.fetched_at]))
    if outcome in ("new", "changed"):
        update["last_changed"] = capture.fetched_at
    if version_number is not None:
        update["current_version"] = version_number
        update["content_sha256"] = new_hash
    if response == "ok":
        update["body_sha256"] = sha
        update["etag"] = header(capture.response_headers, "etag")
        update["last_modified"] = header(capture.response_headers, "last-modified")
        update["redirect_to"] = None
    elif response in ("gone", "redirected", "restricted"):
        # Validators of a page that is no longer served must not make the next fetch
        # conditional: a revived page is fetched in full.
        update["etag"] = update["last_modified"] = None
    if response == "redirected":
        update["redirect_to"] = capture.redirect_to
    return update


def update_page(conn: sqlite3.Connection, url: str, update: Mapping[str, Any]) -> None:
    sets = ", ".join(f"{name} = ?" for name in update)
    conn.execute(f"UPDATE pages SET {sets} WHERE url = ?", (*update.values(), url))
