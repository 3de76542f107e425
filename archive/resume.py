"""Where an interrupted crawl left off: the pages its run already captured, so the next run
of the same site and spider can skip them and fetch only the rest.

A run killed before it finished is marked `interrupted` by the next `start_run`
(archive.store, archive.process). The runs just before the current one that were
interrupted, and started within the window, are resumed: their captures of articles and
pages that saw the page answer (anything but an error) are not fetched again. Listings are
fetched again, since they lead to the pages still to fetch.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from .times import stored_instant

# What counts as captured: the page answered (an error is tried again).
CAPTURED = "('new', 'changed', 'unchanged', 'not_modified', 'gone', 'redirected', 'restricted')"


@dataclass
class ResumePoint:
    runs: list[int] = field(default_factory=list)  # the interrupted runs resumed, newest first
    urls: set[str] = field(default_factory=set)  # normalized URLs they captured


def resume_point(
    conn: sqlite3.Connection, site: str, spider: str, current_run: int, window_seconds: float
) -> ResumePoint:
    """The interrupted runs of this site and spider right before `current_run`, younger than
    the window, and the page URLs they captured (empty when the last run was not cut short)."""
    point = ResumePoint()
    if window_seconds <= 0:
        return point
    oldest = datetime.now(UTC) - timedelta(seconds=window_seconds)
    rows = conn.execute(
        "SELECT id, status, started_at FROM runs WHERE site = ? AND spider = ? AND id < ?"
        " ORDER BY id DESC LIMIT 20",
        (site, spider, current_run),
    ).fetchall()
    for run_id, status, started_at in rows:
        started = stored_instant(started_at)
        if started.tzinfo is None:
            started = started.replace(tzinfo=UTC)
        if status != "interrupted" or started < oldest:
            break
        point.runs.append(run_id)
    if point.runs:
        marks = ", ".join("?" * len(point.runs))
        found = conn.execute(
            f"SELECT DISTINCT url FROM captures WHERE run_id IN ({marks})"
            f" AND kind IN ('article', 'page') AND outcome IN {CAPTURED}",
            point.runs,
        )
        point.urls = {url for (url,) in found}
    return point
