"""Extraction health: how many of a run's article pages have a title, body, date and lead,
against the same shares over the site's recent runs, so a template change that breaks the
profile's selectors is noticed (an alarm) instead of archiving empty fields for weeks.

A run's article pages are its captures of kind article that saw the page served (new,
changed, unchanged, not modified); each counts with the version it left current (a new or
changed one with its own), and one without a version as having none of the fields. The
baseline is the median share over the site's last finished runs with enough article pages;
without such runs, no alarm. A break that lasts becomes the baseline after a few runs.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
from dataclasses import asdict, dataclass, field
from typing import Any

from .versioning import shown_version_sql

HEALTH_KEY = "uninews/health"  # where a run's verdict is kept, in runs.stats
FIELDS = {"title": "title", "body": "body_text", "date": "published_at", "lead": "lead"}

_FILLED = ", ".join(
    f"coalesce(sum(v.{column} IS NOT NULL AND trim(v.{column}) != ''), 0) AS {name}"
    for name, column in FIELDS.items()
)
SHARES_SQL = (
    f"SELECT count(*) AS articles, {_FILLED} FROM captures c"
    f" LEFT JOIN versions v ON v.id = {shown_version_sql('c')}"
    " WHERE c.run_id = ? AND c.kind = 'article'"
    " AND c.outcome IN ('new', 'changed', 'unchanged', 'not_modified')"
)


@dataclass(frozen=True)
class Rules:
    """When a drop is an alarm: `drop` (absolute share, on any field) below the baseline,
    with at least `min_articles` article pages in the run and in each baseline run, the
    baseline being the median over the last `history` such runs."""

    drop: float = 0.3
    min_articles: int = 10
    history: int = 5


@dataclass
class RunShares:
    run_id: int
    site: str
    spider: str
    started_at: str
    status: str
    articles: int
    shares: dict[str, float]


@dataclass
class Health:
    """One run's verdict, as kept in runs.stats[HEALTH_KEY] and shown by the crawl."""

    run_id: int
    articles: int
    shares: dict[str, float]
    baseline: dict[str, float] | None = None
    baseline_runs: list[int] = field(default_factory=list)
    drops: dict[str, list[float]] = field(default_factory=dict)  # field: [baseline, share]
    alarm: bool = False
    note: str = ""  # why there is no verdict, when there is none

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_shares(conn: sqlite3.Connection, run_id: int) -> RunShares | None:
    """The shares of a run's article pages with each field (None for an unknown run)."""
    run = conn.execute(
        "SELECT id, site, spider, started_at, status FROM runs WHERE id = ?", (run_id,)
    ).fetchone()
    if run is None:
        return None
    row = conn.execute(SHARES_SQL, (run_id,)).fetchone()
    articles = int(row[0])
    shares = {name: round(row[i + 1] / articles, 4) if articles else 0.0
              for i, name in enumerate(FIELDS)}  # fmt: skip
    return RunShares(run[0], run[1], run[2], run[3], run[4], articles, shares)


def baseline_runs(
    conn: sqlite3.Connection, site: str, before: int, rules: Rules
) -> list[RunShares]:
    """The site's last finished runs before run `before` with enough article pages."""
    found: list[RunShares] = []
    ids = conn.execute(
        "SELECT id FROM runs WHERE site = ? AND id < ? AND status = 'finished'"
        " ORDER BY id DESC LIMIT 100",
        (site, before),
    )
    for (run_id,) in list(ids):
        shares = run_shares(conn, run_id)
        if shares is not None and shares.articles >= rules.min_articles:
            found.append(shares)
            if len(found) >= rules.history:
                break
    return found


def check(conn: sqlite3.Connection, run_id: int, rules: Rules | None = None) -> Health:
    """A run's shares against its site's recent runs: an alarm on a drop beyond the rule."""
    rules = rules or Rules()
    current = run_shares(conn, run_id)
    if current is None:
        return Health(run_id, 0, {}, note="no such run")
    health = Health(run_id, current.articles, current.shares)
    if current.articles < rules.min_articles:
        health.note = f"fewer than {rules.min_articles} article pages"
        return health
    history = baseline_runs(conn, current.site, run_id, rules)
    if not history:
        health.note = "no earlier run to compare with"
        return health
    health.baseline_runs = [h.run_id for h in history]
    health.baseline = {
        name: round(statistics.median(h.shares[name] for h in history), 4) for name in FIELDS
    }
    for name in FIELDS:
        before, now = health.baseline[name], current.shares[name]
        if before - now > rules.drop:
            health.drops[name] = [before, now]
    health.alarm = bool(health.drops)
    return health


def describe(health: dict[str, Any]) -> str:
    """An alarm in one line: which fields dropped, from what to what."""
    drops = ", ".join(f"{name} {b:.0%} -> {n:.0%}" for name, (b, n) in health["drops"].items())
    runs = ", ".join(str(r) for r in health.get("baseline_runs", []))
    return (
        f"article pages with {drops} of {health['articles']} (median of runs {runs}): "
        "the site's templates may have changed"
    )


@dataclass
class TrendRow:
    run: RunShares
    health: dict[str, Any] | None  # the verdict the crawl kept, when it kept one


def trend(conn: sqlite3.Connection, site: str | None = None, runs: int = 10) -> list[TrendRow]:
    """The last `runs` runs with article pages (of one site, or of every site), oldest first."""
    where, params = ("WHERE site = ?", [site]) if site else ("", [])
    ids = conn.execute(
        f"SELECT id, stats FROM runs {where} ORDER BY id DESC LIMIT 500", params
    ).fetchall()
    out: list[TrendRow] = []
    for run_id, stats in ids:
        shares = run_shares(conn, run_id)
        if shares is None or not shares.articles:
            continue
        kept = json.loads(stats or "{}").get(HEALTH_KEY)
        out.append(TrendRow(shares, kept if isinstance(kept, dict) else None))
        if len(out) >= runs:
            break
    return out[::-1]
