"""Every read query over the archive (pages, validators, search, history, versions); SQL is
built by *_sql() functions apart from running it where a caller may want to see it.

Full-text search covers every version ever archived, so text that a page no longer shows is
still found (an archivist's question); hits say whether they are the current version, and
`current_only` (CLI --current) or the `articles` view restrict to what is online now.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from . import facets
from .content import CONTENT_FIELDS, JSON_FIELDS
from .errors import InvalidQuery, NotFound
from .urls import normalize_url


@dataclass(frozen=True)
class Validators:
    """What a conditional GET sends back (If-None-Match / If-Modified-Since)."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class PageRow:
    url: str
    site: str
    kind: str
    lang: str | None
    first_seen: str
    last_seen: str | None
    last_changed: str | None
    status: str
    current_version: int | None
    etag: str | None
    last_modified: str | None
    redirect_to: str | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> PageRow:
        return cls(**{f.name: row[f.name] for f in fields(cls)})


def validators(conn: sqlite3.Connection, url: str) -> Validators:
    """The validators the page of `url` was last served with (none for an unknown page)."""
    row = conn.execute(
        "SELECT etag, last_modified FROM pages WHERE url = ?", (normalize_url(url),)
    ).fetchone()
    return Validators(row["etag"], row["last_modified"]) if row else Validators()


def pages(conn: sqlite3.Connection, site: str | None = None) -> Iterator[PageRow]:
    """Every page row (of `site`), in URL order."""
    sql, params = "SELECT * FROM pages", ()
    if site is not None:
        sql, params = sql + " WHERE site = ?", (site,)
    for row in conn.execute(sql + " ORDER BY url", params):
        yield PageRow.from_row(row)


@dataclass(frozen=True)
class PageFilter:
    """Which pages `uninews pages` lists; since is a YYYY-MM-DD day the page was last seen on
    or after; limit 0 lists every one."""

    site: str | None = None
    kind: str | None = None
    status: str | None = None
    since: str | None = None
    limit: int = 0

    def params(self) -> dict[str, Any]:
        return {"site": self.site, "kind": self.kind, "status": self.status, "since": self.since}


@dataclass(frozen=True)
class PageListing:
    """One archived page, as `uninews pages` lists it."""

    url: str
    site: str
    kind: str
    status: str
    versions: int
    last_seen: str | None


def page_list_sql(flt: PageFilter) -> str:
    """SQL for the page list, in URL order; parameters PageFilter.params()."""
    filters = [f"p.{name} = :{name}" for name in ("site", "kind", "status")]
    filters = [f for f, v in zip(filters, (flt.site, flt.kind, flt.status), strict=True) if v]
    if flt.since is not None:
        filters.append("substr(p.last_seen, 1, 10) >= :since")
    where = f" WHERE {' AND '.join(filters)}" if filters else ""
    limit = f" LIMIT {int(flt.limit)}" if flt.limit else ""
    return (
        "SELECT p.url, p.site, p.kind, p.status, p.last_seen,"
        " (SELECT count(*) FROM versions v WHERE v.url = p.url) AS versions"
        f" FROM pages p{where} ORDER BY p.url{limit}"
    )


def page_list(conn: sqlite3.Connection, flt: PageFilter | None = None) -> list[PageListing]:
    """What the archive holds: one row a page with its version count, read-only."""
    flt = flt or PageFilter()
    return [PageListing(**dict(row)) for row in conn.execute(page_list_sql(flt), flt.params())]


def last_finished_run(conn: sqlite3.Connection, site: str) -> str | None:
    """When the latest finished run of `site` started (a schedule counts from there, so a
    timer's period and a site's interval line up however long the crawl took)."""
    row = conn.execute(
        "SELECT max(started_at) FROM runs WHERE site = ? AND status = 'finished'", (site,)
    ).fetchone()
    return row[0] if row else None


# The key a capture or run handed over from elsewhere (a Redis stream's ingest) is written
# under, in captures.extra and runs.stats: the same hand-over read twice is recognised by it.
INGEST_KEY = "uninews/ingest_key"


def capture_with_key(conn: sqlite3.Connection, url: str, key: str) -> int | None:
    """The id of the capture of `url` (as requested) handed over under `key`, if written."""
    row = conn.execute(
        "SELECT id FROM captures WHERE url = ? AND json_extract(extra, ?) = ?",
        (normalize_url(url), f'$."{INGEST_KEY}"', key),
    ).fetchone()
    return int(row[0]) if row else None


def run_with_key(conn: sqlite3.Connection, key: str) -> int | None:
    """The id of the run started under `key`, if one was."""
    row = conn.execute(
        "SELECT id FROM runs WHERE json_extract(stats, ?) = ?", (f'$."{INGEST_KEY}"', key)
    ).fetchone()
    return int(row[0]) if row else None


# FTS5 column weights for bm25(): a word in the title counts more than one in the body.
RANK_WEIGHTS = (10.0, 4.0, 1.0)  # title, lead, body_text
SNIPPET_TOKENS = 12

# Signs that the user wrote FTS5 syntax on purpose: boolean operators, NEAR(), prefix
# queries (word*), initial-token (^), grouping, column filters (title:word).
_EXPLICIT_SYNTAX = re.compile(
    r"\b(AND|OR|NOT)\b|\bNEAR\s*\(|\w\*|(^|\s)\^\w|\([^()]*\w[^()]*\)"
    r"|\b(title|lead|body_text)\s*:\s*[\w\"(^]"
)
_TOKENS = re.compile(r'"[^"]*"|[^\s"]+')


def fts_query(query: str) -> tuple[str, bool]:
    """The MATCH string for a user query, and whether it is the user's own FTS5 syntax.

    Plain queries are made safe: every word or "quoted phrase" becomes an FTS5 string, so
    hyphens, colons, quotes and other syntax characters are searched as text, never parsed.
    """
    if _EXPLICIT_SYNTAX.search(query):
        return query, True
    text = query if query.count('"') % 2 == 0 else query + '"'
    terms = []
    for token in _TOKENS.findall(text):
        inner = token[1:-1] if len(token) >= 2 and token[0] == token[-1] == '"' else token
        inner = inner.replace('"', "")
        if inner.strip():
            terms.append('"' + inner + '"')
    return " ".join(terms), False


# The day a --since/--until compares: the date the page gives, else the day it was fetched.
ARTICLE_DAY = "substr(coalesce(v.published_at, c.fetched_at), 1, 10)"
# The same for search, which looks the capture up only for a version without a date.
_SEARCH_DAY = (
    "substr(coalesce(v.published_at,"
    " (SELECT fetched_at FROM captures WHERE id = v.capture_id)), 1, 10)"
)
# Around each match in a snippet; control characters never found in extracted text.
MATCH_OPEN, MATCH_CLOSE = "\x02", "\x03"
# How many matching versions a search ranks: the newest this many (those archived last) that
# match its words and pass its filters. bm25 costs one to two microseconds a match, and a
# frequent word matches a fifth of a large archive or more: on 1,032,000 versions
# (bench/search.py) ranking every match took p95 468 ms, the newest 20,000 62 ms and the
# newest 10,000 31 ms. An archive with fewer matches is ranked in full, as before.
RANK_WINDOW = 10_000


@dataclass(frozen=True)
class SearchFilter:
    """Which versions a search looks at; since/until are YYYY-MM-DD days (see times.parse_day)
    compared with the article's date: its published date, else the day it was fetched.
    window: rank only the newest this many matching versions (RANK_WINDOW); 0 ranks all."""

    current_only: bool = False
    site: str | None = None
    lang: str | None = None
    since: str | None = None
    until: str | None = None
    limit: int = 20
    window: int = RANK_WINDOW

    def params(self) -> dict[str, Any]:
        return {"site": self.site, "lang": self.lang, "since": self.since, "until": self.until}

    @property
    def filtered(self) -> bool:
        """Whether any filter narrows the search."""
        return self.current_only or any(v is not None for v in self.params().values())


def _matching_sql(flt: SearchFilter) -> str:
    """FROM and WHERE of the versions a search looks at: full-text matches that pass the
    filters. A filter reads a hit's version through the versions_filters index (schema v5),
    never its row: a row's later columns (lang, published_at) sit behind its bodies. The page
    is joined only for --site and --current, after the terms on the version alone; a version's
    language and date are nearly always its own, so its page's language and its capture's
    fetch time are looked up only if not."""
    filters, joins = [], ""
    if flt.filtered:
        joins = " JOIN versions v INDEXED BY versions_filters ON v.id = f.rowid"
        if flt.current_only or flt.site is not None:
            joins += " JOIN pages p ON p.url = v.url"
        if flt.current_only:
            filters.append("p.status = 'live' AND v.version = p.current_version")
        if flt.site is not None:
            filters.append("p.site = :site")
        if flt.lang is not None:
            # Not p.lang: a term on v alone is tested before the page is looked up.
            page_lang = "(SELECT lang FROM pages WHERE url = v.url)"
            filters.append(f"coalesce(v.lang, {page_lang}) = :lang")
        if flt.since is not None:
            filters.append(f"{_SEARCH_DAY} >= :since")
        if flt.until is not None:
            filters.append(f"{_SEARCH_DAY} <= :until")
    where = " AND ".join(["f.versions_fts MATCH :query", *filters])
    return f" FROM versions_fts f{joins} WHERE {where}"


def search_sql(flt: SearchFilter | None = None) -> str:
    """SQL for a ranked full-text search; parameters :query and SearchFilter.params().

    Ranks in the full-text index alone first and builds snippets and joins only for the
    `limit` best rows: on 100,000 versions that is several times faster than ranking the join.
    With a window, the newest `window` matches are found first by walking the index's rowids
    down (tens of nanoseconds a match, with no ranking), and only rowids from there on ranked.
    """
    flt = flt or SearchFilter()
    weights = ", ".join(str(w) for w in RANK_WEIGHTS)
    matching = _matching_sql(flt)
    window, beyond = "", "0"
    if flt.window:
        # The newest match left out, if any: ranked are the rowids above it.
        newest = max(int(flt.window), int(flt.limit))
        window = (
            "WITH newest AS MATERIALIZED (SELECT f.rowid AS id"
            f"{matching} ORDER BY f.rowid DESC LIMIT 1 OFFSET {newest}), "
        )
        matching += " AND f.rowid > coalesce((SELECT id FROM newest), 0)"
        beyond = "(SELECT id FROM newest) IS NOT NULL"
    return (
        f"{window or 'WITH '}top AS ("
        f"SELECT f.rowid AS id, bm25(versions_fts, {weights}) AS rank"
        f"{matching} ORDER BY rank LIMIT {int(flt.limit)})" + _HITS.format(beyond=beyond)
    )


# The hits of the `top` rows (id, rank) a search's SQL ranks, with their snippets and pages.
_HITS = (
    " SELECT v.url, v.version, v.id AS version_id, v.title, v.lead, v.published_at,"
    " v.archived_at, coalesce(v.lang, p.lang) AS lang, p.site, p.status,"
    " v.version = p.current_version AS is_current,"
    f" snippet(versions_fts, -1, char(2), char(3), '…', {SNIPPET_TOKENS}) AS marked,"
    " top.rank AS rank, {beyond} AS beyond"
    " FROM top"
    " JOIN versions_fts ON versions_fts.rowid = top.id"
    " JOIN versions v ON v.id = top.id"
    " JOIN pages p ON p.url = v.url"
    " WHERE versions_fts MATCH :query"
    " ORDER BY top.rank"
)


def filtered_search_sql(flt: SearchFilter) -> str:
    """SQL for a ranked search with filters through the filtered index (archive.facets);
    parameters :query and :filtered, the query's words AND its filters' facet tokens.

    The same hits and ranks as search_sql(flt): the versions ranked are those of
    `versions_search` MATCH :filtered, the newest `window` of them with a window (one walk
    down its rowids, one more than the window, to tell whether any is left out), and
    versions_fts ranks them: its rowids walked from the lowest of them to the highest, each
    looked up in that set, never in versions or pages.
    """
    weights = ", ".join(str(w) for w in RANK_WEIGHTS)
    picked = "SELECT rowid AS id FROM versions_search WHERE versions_search MATCH :filtered"
    beyond = "0"
    if flt.window:
        newest = max(int(flt.window), int(flt.limit))
        picked += f" ORDER BY rowid DESC LIMIT {newest + 1}"
        beyond = f"count(*) > {newest}"
    # The lowest ranked rowid: the lowest picked, or the one above it when it is left out.
    bounds = f"SELECT min(id) + ({beyond}) AS low, max(id) AS high, {beyond} AS beyond FROM picked"
    return (
        f"WITH picked AS MATERIALIZED ({picked}), bounds AS MATERIALIZED ({bounds}), "
        f"top AS (SELECT f.rowid AS id, bm25(versions_fts, {weights}) AS rank"
        " FROM versions_fts f WHERE f.versions_fts MATCH :query"
        " AND f.rowid >= (SELECT low FROM bounds) AND f.rowid <= (SELECT high FROM bounds)"
        f" AND +f.rowid IN (SELECT id FROM picked) ORDER BY rank LIMIT {int(flt.limit)})"
        + _HITS.format(beyond="(SELECT beyond FROM bounds)")
    )


@dataclass(frozen=True)
class SearchHit:
    url: str
    version: int
    version_id: int
    title: str | None
    lead: str | None
    published_at: str | None
    archived_at: str
    lang: str | None
    site: str
    status: str
    is_current: bool
    snippet: str  # matches in [brackets]
    rank: float
    marked: str = field(default="", repr=False, compare=False)  # matches between MATCH_* marks

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "marked"}


@dataclass(frozen=True)
class Searched:
    """A search's hits, and whether more versions matched than it ranked (its window): a
    caller says so, since the best of the older matches were not looked at."""

    hits: list[SearchHit]
    beyond_window: bool


def search(conn: sqlite3.Connection, query: str, **options: Any) -> list[SearchHit]:
    """Ranked hits over every archived version (or only current versions of live pages).

    `options` are SearchFilter's fields: current_only, site, lang, since, until, limit,
    window (see RANK_WINDOW).
    """
    return search_result(conn, query, **options).hits


def search_result(conn: sqlite3.Connection, query: str, **options: Any) -> Searched:
    """search(), and whether the matches went beyond its window (one query for both)."""
    flt = SearchFilter(**options)
    match, explicit = fts_query(query)
    if not match:
        return Searched([], False)
    facet_terms = _facet_terms(conn, flt) if flt.filtered else None
    if facet_terms == "":
        return Searched([], False)
    if facet_terms is not None:
        sql = filtered_search_sql(flt)
        params = {"query": match, "filtered": facets.match(match, facet_terms)}
    else:
        sql, params = search_sql(flt), {"query": match, **flt.params()}
    try:
        rows = conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if not explicit:
            raise
        raise InvalidQuery(
            f"invalid full-text query {query!r} ({exc}): write plain words, "
            'or put "quotes" around text with special characters'
        ) from exc
    hits, beyond = [], False
    for row in rows:
        data = dict(row)
        beyond = bool(data.pop("beyond"))
        data["is_current"] = bool(data["is_current"])
        data["snippet"] = data["marked"].replace(MATCH_OPEN, "[").replace(MATCH_CLOSE, "]")
        hits.append(SearchHit(**data))
    return Searched(hits, beyond)


def _facet_terms(conn: sqlite3.Connection, flt: SearchFilter) -> str | None:
    """The filters as facet tokens to match (archive.facets); "" when no version can pass,
    None when they must be tested row by row instead: an empty site or language (no token
    tells it from none), days in an archive holding a version whose day is not a date, or a
    connection to an archive of before migration 7 (a Datasette serving one as it is)."""
    if flt.site == "" or flt.lang == "" or not facets.indexed(conn):
        return None
    days = flt.since is not None or flt.until is not None
    if days and facets.has_odd_days(conn):
        return None
    terms = facets.filter_match(flt.site, flt.lang, flt.current_only, flt.since, flt.until)
    return "" if terms is None else terms


def _json_decoded(row: sqlite3.Row, json_columns: frozenset[str] | set[str]) -> dict[str, Any]:
    out = dict(row)
    for name in json_columns:
        if name in out and isinstance(out[name], str):
            out[name] = json.loads(out[name])
    return out


CAPTURE_JSON = frozenset({"request_headers", "headers", "extra"})
VERSION_JSON = JSON_FIELDS | {"changed_fields"}


@dataclass(frozen=True)
class History:
    page: dict[str, Any]
    captures: list[dict[str, Any]] = field(default_factory=list)
    versions: list[dict[str, Any]] = field(default_factory=list)


def history(conn: sqlite3.Connection, page: PageRow) -> History:
    """Every capture and version of one page, oldest first."""
    captures = [
        _json_decoded(row, CAPTURE_JSON)
        for row in conn.execute(
            "SELECT c.id, c.run_id, r.status AS run_status, c.fetched_at, c.method,"
            " c.http_status, c.reason, c.outcome, c.body_sha256, c.redirect_to, c.error,"
            " c.elapsed_ms, v.version FROM captures c"
            " LEFT JOIN versions v ON v.capture_id = c.id LEFT JOIN runs r ON r.id = c.run_id"
            " WHERE c.url = ? ORDER BY c.fetched_at, c.id",
            (page.url,),
        )
    ]
    versions = [
        _json_decoded(row, {"changed_fields"})
        for row in conn.execute(
            "SELECT version, capture_id, archived_at, content_sha256, title,"
            " extractor_version, changed_fields FROM versions WHERE url = ? ORDER BY version",
            (page.url,),
        )
    ]
    return History(page=page.__dict__.copy(), captures=captures, versions=versions)


@dataclass(frozen=True)
class VersionRow:
    """One version with its content fields decoded and the capture it came from."""

    url: str
    version: int
    capture_id: int
    archived_at: str
    fetched_at: str
    content_sha256: str
    extractor_version: str | None
    changed_fields: list[str]
    content: dict[str, Any]
    body_sha256: str | None
    response_headers: list[list[str]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "version": self.version,
            "capture_id": self.capture_id,
            "archived_at": self.archived_at,
            "fetched_at": self.fetched_at,
            "content_sha256": self.content_sha256,
            "extractor_version": self.extractor_version,
            "changed_fields": self.changed_fields,
            **self.content,
        }


def version(conn: sqlite3.Connection, page: PageRow, number: int | None = None) -> VersionRow:
    """Version `number` of a page (its current version when None); NotFound if it has none."""
    if number is None:
        number = page.current_version
        if number is None:
            raise NotFound(
                f"{page.url} has no archived content version (it is a {page.kind} page "
                f"with status {page.status}); see `uninews history {page.url}`"
            )
    row = conn.execute(
        "SELECT v.*, c.fetched_at, c.body_sha256, c.headers AS response_headers"
        " FROM versions v JOIN captures c ON c.id = v.capture_id"
        " WHERE v.url = ? AND v.version = ?",
        (page.url, number),
    ).fetchone()
    if row is None:
        last = conn.execute(
            "SELECT max(version) FROM versions WHERE url = ?", (page.url,)
        ).fetchone()[0]
        have = f"versions 1 to {last}" if last else "no versions"
        raise NotFound(f"{page.url} has no version {number} (it has {have})")
    data = _json_decoded(row, VERSION_JSON | {"response_headers"})
    return VersionRow(
        url=data["url"],
        version=data["version"],
        capture_id=data["capture_id"],
        archived_at=data["archived_at"],
        fetched_at=data["fetched_at"],
        content_sha256=data["content_sha256"],
        extractor_version=data["extractor_version"],
        changed_fields=data["changed_fields"],
        content={name: data[name] for name in CONTENT_FIELDS},
        body_sha256=data["body_sha256"],
        response_headers=data["response_headers"],
    )
