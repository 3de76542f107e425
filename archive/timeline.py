"""One page's captures from two archives as one history in time order, replayed through the
archive's own rules: which capture makes a version (archive.versioning), what each capture's
outcome is and what the page row says after them all (archive.writes.page_update).

Pure: rows in, a plan out. archive.merge reads the rows and writes the plan.

Versions come from the versions the two archives wrote, each at its own capture: one whose
content repeats the version before it in the merged history is left out. An unchanged capture,
or a 304, showed the version current in its own archive then; it stays unchanged and writes
no version, even where the other archive's version came between: two machines' extractors may
read one page a little differently (a date found or not), and taking their turns that would
make a new version at every fetch.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .capture import Capture
from .content import Prepared, stored_content
from .outcomes import response_class
from .versioning import version_after
from .writes import page_update

# A capture's identity in any archive: when it was fetched, what body came, and which of the
# fetches with that time and body it is (captures.url, the page, is the same for all of them).
Key = tuple[str, str, int]
Row = Mapping[str, Any]
# Outcomes of a response with content, which the history they fall into decides.
JUDGED = ("new", "changed", "unchanged")


@dataclass(frozen=True)
class Shown:
    """Content a capture showed: a `versions` row of its archive, verbatim."""

    prepared: Prepared
    archived_at: str
    extractor_version: str


@dataclass(frozen=True)
class Fetch:
    """One capture of the merged history: its row (the target's where both archives hold it),
    its id in the target (None until it is copied there), the versions its archives tied to it,
    and the version it found unchanged (an unchanged capture or a 304)."""

    key: Key
    row: Row
    target_id: int | None
    shown: tuple[Shown, ...]
    unchanged: Shown | None = None


@dataclass(frozen=True)
class PlannedVersion:
    number: int
    fetch: int  # index of the fetch it is tied to
    shown: Shown
    changed: list[str]


@dataclass
class Replayed:
    """What the history comes to: per fetch its outcome and the page's body before it (the
    base a copied body is tried as a delta against); the versions; the page row, whose
    last_capture_id is an index into the fetches."""

    outcomes: list[str] = field(default_factory=list)
    bases: list[str | None] = field(default_factory=list)
    versions: list[PlannedVersion] = field(default_factory=list)
    page: dict[str, Any] = field(default_factory=dict)


def keyed(captures: Sequence[Row]) -> dict[Key, Row]:
    """An archive's captures of one page by their Key, in id order."""
    seen: dict[tuple[str, str], int] = {}
    out: dict[Key, Row] = {}
    for row in sorted(captures, key=lambda r: r["id"]):
        pair = (row["fetched_at"], row["body_sha256"] or "")
        seen[pair] = seen.get(pair, 0) + 1
        out[(*pair, seen[pair])] = row
    return out


def shown_by(
    captures: Sequence[Row], versions: Sequence[Row]
) -> dict[int, tuple[list[Shown], Shown | None]]:
    """The content each capture of one archive showed (by capture id): the versions tied to it,
    and for an unchanged fetch or a 304 the version that was current when it was written."""
    tied: dict[int, list[Row]] = {}
    for row in sorted(versions, key=lambda r: r["version"]):
        tied.setdefault(row["capture_id"], []).append(row)
    current: Row | None = None
    out: dict[int, tuple[list[Shown], Shown | None]] = {}
    for capture in sorted(captures, key=lambda r: r["id"]):
        rows = tied.get(capture["id"], [])
        if rows:
            current = rows[-1]
        found = capture["outcome"] in ("unchanged", "not_modified") and current is not None
        out[capture["id"]] = ([_shown(r) for r in rows], _shown(current) if found else None)
    return out


def _shown(row: Row) -> Shown:
    return Shown(stored_content(row), row["archived_at"], row["extractor_version"] or "")


def history(
    target: tuple[Sequence[Row], Sequence[Row]], other: tuple[Sequence[Row], Sequence[Row]]
) -> list[Fetch]:
    """Both archives' captures of one page (each as its captures and versions), one fetch per
    Key, in time order. A page only the other archive holds keeps that archive's own order,
    so its versions get the numbers they have there."""
    mine, theirs = keyed(target[0]), keyed(other[0])
    shown_mine, shown_theirs = shown_by(*target), shown_by(*other)
    if not mine:
        return [Fetch(k, r, None, tuple(shown_theirs[r["id"]][0]), shown_theirs[r["id"]][1])
                for k, r in theirs.items()]  # fmt: skip
    fetches = []
    for key in sorted(mine.keys() | theirs.keys()):
        shown: dict[str, Shown] = {}
        unchanged: list[Shown] = []
        for side, rows in ((shown_mine, mine), (shown_theirs, theirs)):
            if key in rows:
                tied, found = side[rows[key]["id"]]
                for item in tied:
                    shown.setdefault(item.prepared.sha256, item)
                unchanged += [found] if found is not None else []
        ordered = sorted(shown.values(), key=_order)
        row = mine.get(key) or theirs[key]
        fetches.append(Fetch(key, row, row["id"] if key in mine else None, tuple(ordered),
                             min(unchanged, key=_order) if unchanged else None))  # fmt: skip
    return fetches


def _order(shown: Shown) -> tuple[str, str]:
    return shown.archived_at, shown.prepared.sha256


def capture_of(row: Row) -> Capture:
    """A `captures` row as the Capture it was recorded from (the body itself is not needed:
    its hash is in the row)."""
    return Capture(
        url=row["requested_url"],
        fetched_at=row["fetched_at"],
        http_status=row["http_status"],
        method=row["method"],
        request_headers=tuple(tuple(p) for p in json.loads(row["request_headers"])),
        response_headers=tuple(tuple(p) for p in json.loads(row["headers"])),
        protocol=row["protocol"],
        reason=row["reason"] or "",
        redirect_to=row["redirect_to"],
        restricted=row["outcome"] == "restricted",
        error=row["error"],
        elapsed_ms=row["elapsed_ms"],
        ip_address=row["ip_address"],
        extra=json.loads(row["extra"]),
    )


def replay(fetches: Sequence[Fetch]) -> Replayed:
    """The fetches recorded in order, as record() would have: same versions, outcomes, page."""
    out = Replayed()
    page = out.page
    number: int | None = None
    current: Shown | None = None
    for index, fetch in enumerate(fetches):
        capture, sha = capture_of(fetch.row), fetch.row["body_sha256"]
        response = response_class(capture)
        out.bases.append(page.get("body_sha256"))
        before, written = number, []
        if response == "ok":
            for shown in fetch.shown:
                new = version_after(
                    number, current.prepared.sha256 if current else None, shown.prepared,
                    lambda before=current: before.prepared.normalized if before else {},
                )  # fmt: skip
                if new is not None:
                    out.versions.append(PlannedVersion(new.number, index, shown, new.changed))
                    number, current = new.number, shown
                    written.append(new.number)
        outcome = fetch.row["outcome"]
        if response == "ok" and (fetch.shown or fetch.unchanged):
            outcome = "unchanged" if not written else "new" if before is None else "changed"
        elif response == "ok":
            last = page.get("body_sha256")
            outcome = "new" if last is None else "unchanged" if last == sha else "changed"
        out.outcomes.append(outcome)
        if not page:
            page.update(site=fetch.row["site"], kind=fetch.row["kind"],
                        first_seen=capture.fetched_at, status=None)  # fmt: skip
        seen = fetch.shown[-1] if fetch.shown else fetch.unchanged
        lang = seen.prepared.normalized.get("lang") if seen else None
        page.update(
            page_update(
                page, capture, response, outcome, fetch.row["kind"], fetch.row["site"], index,
                written[-1] if written else None,
                current.prepared.sha256 if written and current else None, sha, lang,
            )
        )  # fmt: skip
    return out
