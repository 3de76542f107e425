"""Search filters inside the full-text index: every version's words again, with tokens for its
site, language, day and whether it is current (the `versions_search` table, migration 7), so
that a filtered search intersects posting lists in FTS5 instead of looking each match up.

`versions_fts` stays as sqlite-utils and Datasette know it and ranks every search (its bm25 is
unchanged); `versions_search` only says which matches pass the filters. It is contentless:
`versions_facets` remembers the tokens each version was indexed with, so that triggers can
take a version out exactly as it went in when it, or its page, changes.

The tokens of a version (what queries.search's filters compare, as they compare it):

- `s<hex>`: its page's site, hex-encoded so that any site name is one token;
- `l<hex>`: its language, or its page's when it has none;
- `current`: it is the current version of a live page;
- the same three together, each pair and all three as one token (`p<site>x<lang>`,
  `q<site>`, `r<lang>` and `a<site>x<lang>`, the last three only for a current version), so
  that a search with several of these filters walks one short posting list;
- its day (the published date, else the day it was fetched) at six widths, so that any range
  of days is a few tokens: `c20` (century), `k202` (decade), `y2026`, `m202610`, `t2026100`
  (days 01-09 of a month; 1 is 10-19, 2 is 20-29, 3 is 30-31) and `d20261005`; a day that is
  not YYYY-MM-DD (month 01-12, day 01-31, year 1000-2999) is `dx`, and a search over days
  in an archive holding any such version filters the slow way (queries.search_sql).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

# The day a --since/--until compares, as queries' _SEARCH_DAY says it, for the version `v`.
_DAY = (
    "substr(coalesce({v}.published_at,"
    " (SELECT fetched_at FROM capture_rows WHERE id = {v}.capture_id)), 1, 10)"
)
_WELL_FORMED = (
    "d GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'"
    " AND substr(d, 6, 2) BETWEEN '01' AND '12' AND substr(d, 9, 2) BETWEEN '01' AND '31'"
)
_DAY_TOKENS = (
    f"CASE WHEN {_WELL_FORMED} THEN"
    " 'c' || substr(d, 1, 2) || ' k' || substr(d, 1, 3) || ' y' || substr(d, 1, 4)"
    " || ' m' || substr(d, 1, 4) || substr(d, 6, 2)"
    " || ' t' || substr(d, 1, 4) || substr(d, 6, 2) || substr(d, 9, 1)"
    " || ' d' || substr(d, 1, 4) || substr(d, 6, 2) || substr(d, 9, 2)"
    " ELSE 'dx' END"
)


def tokens_sql(v: str) -> str:
    """SQL for the facet tokens of the version row `v` (a table alias, or new/old in a
    trigger), its page looked up by URL."""
    return (
        "(SELECT 's' || s || ' l' || l || ' p' || s || 'x' || l"
        " || CASE WHEN cur THEN ' current q' || s || ' r' || l || ' a' || s || 'x' || l"
        f" ELSE '' END || ' ' || {_DAY_TOKENS}"
        " FROM (SELECT lower(hex(coalesce(p.site, ''))) AS s,"
        f" lower(hex(coalesce({v}.lang, p.lang, ''))) AS l,"
        f" p.status = 'live' AND {v}.version = p.current_version AS cur, {_DAY.format(v=v)} AS d"
        f" FROM (SELECT 1) LEFT JOIN pages p ON p.url = {v}.url))"
    )


def _refresh(which: str) -> str:
    """Statements that bring the versions `which` (a condition on `v`) in step: those whose
    tokens are not what they were indexed with are taken out with the old tokens and put in
    with the new ones (a version never indexed is put in)."""
    now = tokens_sql("v")
    stale = f"FROM versions v LEFT JOIN versions_facets f ON f.id = v.id WHERE {which}"
    stale += f" AND f.facets IS NOT {now}"
    return f"""
  INSERT INTO versions_search (versions_search, rowid, title, lead, body_text, facets)
  SELECT 'delete', v.id, v.title, v.lead, v.body_text, f.facets {stale} AND f.id IS NOT NULL;
  INSERT INTO versions_search (rowid, title, lead, body_text, facets)
  SELECT v.id, v.title, v.lead, v.body_text, {now} {stale};
  INSERT OR REPLACE INTO versions_facets (id, facets) SELECT v.id, {now} {stale};"""


_TAKE_OUT_OLD = """
  INSERT INTO versions_search (versions_search, rowid, title, lead, body_text, facets)
  SELECT 'delete', old.id, old.title, old.lead, old.body_text, facets
  FROM versions_facets WHERE id = old.id;
  DELETE FROM versions_facets WHERE id = old.id;"""

_CHANGED = "old.{0} IS NOT new.{0}"

TABLES = f"""
CREATE VIRTUAL TABLE versions_search USING FTS5 (
    title, lead, body_text, facets, content='', columnsize=0
);
CREATE TABLE versions_facets (id INTEGER PRIMARY KEY, facets TEXT NOT NULL);

CREATE TRIGGER versions_search_ai AFTER INSERT ON versions BEGIN{_refresh("v.id = new.id")}
END;
CREATE TRIGGER versions_search_ad AFTER DELETE ON versions BEGIN{_TAKE_OUT_OLD}
END;
CREATE TRIGGER versions_search_au
AFTER UPDATE OF id, url, version, capture_id, title, lead, body_text, lang, published_at
ON versions BEGIN{_TAKE_OUT_OLD}{_refresh("v.id = new.id")}
END;
CREATE TRIGGER versions_search_pages_site AFTER UPDATE OF url, site, lang ON pages
WHEN {" OR ".join(_CHANGED.format(c) for c in ("url", "site", "lang"))}
BEGIN{_refresh("v.url IN (old.url, new.url)")}
END;
CREATE TRIGGER versions_search_pages_current AFTER UPDATE OF status, current_version ON pages
WHEN {" OR ".join(_CHANGED.format(c) for c in ("status", "current_version"))}
BEGIN{_refresh("v.url = new.url AND v.version IN (old.current_version, new.current_version)")}
END;
"""

# Migration 7 fills both tables in version order, the tokens first.
FILL = f"""
INSERT INTO versions_facets (id, facets) SELECT v.id, {tokens_sql("v")} FROM versions v
ORDER BY v.id;
INSERT INTO versions_search (rowid, title, lead, body_text, facets)
SELECT v.id, v.title, v.lead, v.body_text, f.facets
FROM versions v JOIN versions_facets f ON f.id = v.id ORDER BY v.id;
"""


def _hex(text: str) -> str:
    return text.encode().hex()


def _phrase(token: str) -> str:
    return f'"{token}"'


_FIRST, _LAST = (1000, 1, 1), (2999, 12, 31)
# Blocks of whole years: (years, token letter, digits of the year it keeps).
_YEAR_BLOCKS = ((100, "c", 2), (10, "k", 3), (1, "y", 4))


def _parse(day: str) -> tuple[int, int, int]:
    year, month, date = day.split("-")
    return int(year), int(month), int(date)


def _next(day: tuple[int, int, int]) -> tuple[int, int, int]:
    year, month, date = day
    if date < 31:
        return year, month, date + 1
    return (year, month + 1, 1) if month < 12 else (year + 1, 1, 1)


def _blocks(low: tuple[int, int, int], high: tuple[int, int, int]) -> Iterator[str]:
    """The fewest tokens whose days are exactly the well-formed days from low to high: at each
    step the widest block that starts at `low` and ends by `high`."""
    while low <= high:
        year, month, date = low
        if (month, date) == (1, 1):
            block = next(
                (
                    (width, token, digits)
                    for width, token, digits in _YEAR_BLOCKS
                    if year % width == 0 and (year + width - 1, 12, 31) <= high
                ),
                None,
            )
            if block is not None:
                width, token, digits = block
                yield token + f"{year:04d}"[:digits]
                low = (year + width, 1, 1)
                continue
        if date == 1 and (year, month, 31) <= high:
            yield f"m{year:04d}{month:02d}"
            low = _next((year, month, 31))
            continue
        if date in (1, 10, 20, 30):
            end = {1: 9, 10: 19, 20: 29, 30: 31}[date]
            if (year, month, end) <= high:
                yield f"t{year:04d}{month:02d}{date // 10}"
                low = _next((year, month, end))
                continue
        yield f"d{year:04d}{month:02d}{date:02d}"
        low = _next(low)


def day_tokens(since: str | None, until: str | None) -> list[str]:
    """The day tokens of the range since..until (YYYY-MM-DD days, either open); none when no
    well-formed day is in it."""
    low = max(_parse(since), _FIRST) if since else _FIRST
    high = min(_parse(until), _LAST) if until else _LAST
    return list(_blocks(low, high))


# The columns a search's words are matched in: versions_fts's, never the facet tokens (a
# word such as "current" would otherwise pass for the filter and fill the window).
_WORDS = "{title lead body_text}"


def match(words: str, filters: str) -> str:
    """The MATCH string for `versions_search`: a query's words (an FTS5 expression for
    versions_fts) that also pass `filters` (filter_match)."""
    return f"{_WORDS} : ({words}) AND {filters}"


# The one token for a search's site, language and current filters, by which it has: a
# posting list as short as the versions that pass all three, where FTS5 would otherwise walk
# three long ones (a language's, current's) side by side.
_SCOPE = {
    (False, False, False): None,
    (True, False, False): "s{s}",
    (False, True, False): "l{l}",
    (True, True, False): "p{s}x{l}",
    (False, False, True): "current",
    (True, False, True): "q{s}",
    (False, True, True): "r{l}",
    (True, True, True): "a{s}x{l}",
}


def filter_match(
    site: str | None, lang: str | None, current_only: bool, since: str | None, until: str | None
) -> str | None:
    """The FTS5 expression on `facets` that a search's filters are (to AND with its words);
    None when a version of no well-formed day can pass (an empty range)."""
    terms = []
    scope = _SCOPE[site is not None, lang is not None, current_only]
    if scope is not None:
        site_hex, lang_hex = _hex(site or ""), _hex(lang or "")
        terms.append(_phrase(scope.format(s=site_hex, l=lang_hex)))
    if since is not None or until is not None:
        days = day_tokens(since, until)
        if not days:
            return None
        terms.append("(" + " OR ".join(map(_phrase, days)) + ")")
    return " AND ".join(f"facets : {term}" for term in terms)


def indexed(conn: sqlite3.Connection) -> bool:
    """Whether the archive has the filtered index (migration 7)."""
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'versions_search'").fetchone()
    return row is not None


def has_odd_days(conn: sqlite3.Connection) -> bool:
    """Whether a version's day is not YYYY-MM-DD (its day filters only the slow way)."""
    row = conn.execute(
        "SELECT 1 FROM versions_search WHERE versions_search MATCH 'facets : dx' LIMIT 1"
    ).fetchone()
    return row is not None
