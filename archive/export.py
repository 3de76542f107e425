"""Streaming dataset exports (JSON Lines, CSV, Parquet) of archived versions.

Rows come from one SQL cursor read in batches and are written batch by batch (Parquet: one row
group per batch through pyarrow's ParquetWriter), so memory stays flat however large the archive.
The data file is written under a temporary name and renamed when complete: a failed export never
leaves a half-written file behind under the name asked for.

Row ids are stable: `<normalized url>#v<version>` names the same archived version in every export
of every archive that holds it (see ROW_ID_DOC).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .columns import Column, arrow_schema, arrow_values
from .errors import ArchiveError
from .output import STDOUT, output_file
from .personal import CONTACT_POLICIES, DEFAULT_CONTACTS, apply_contacts
from .queries import ARTICLE_DAY
from .urls import normalize_url

FORMATS = ("jsonl", "csv", "parquet")
BATCH_ROWS = 500  # rows per fetchmany() and per Parquet row group: ~5 MB of article text
ROW_ID_DOC = (
    "`<normalized url>#v<version>`: the page URL as the archive stores it (scheme and host "
    "lower-cased, fragment and tracking parameters dropped) and the version number. Stable "
    "across exports and archives."
)

# Every exported column, in order, with its type (archive.columns) and description.
COLUMNS: tuple[Column, ...] = (
    Column("id", "string", "Stable row id: " + ROW_ID_DOC),
    Column("url", "string", "Normalized page URL (the page's id across versions)."),
    Column(
        "version",
        "integer",
        "Version number of the page: 1 for the first content archived, then 2, 3, ...",
    ),
    Column("is_current", "boolean", "True when this is the page's current (latest) version."),
    Column(
        "site", "string", "Site profile name the page was crawled under (umu, demo, or a host)."
    ),
    Column("kind", "string", "article or page (section pages such as partnerships)."),
    Column(
        "page_status",
        "string",
        "The page's status now: live, gone, redirected, restricted or error.",
    ),
    Column(
        "moved_to",
        "string",
        "Where the page moved: the normalized URL its address now redirects to (page_status "
        "redirected), else null. The same article under its new URL has it in moved_from.",
    ),
    Column(
        "moved_from",
        "strings",
        "The normalized URLs that now redirect to this page (its earlier addresses), if any.",
    ),
    Column("fetched_at", "timestamp", "When the response holding this version was fetched (UTC)."),
    Column("archived_at", "timestamp", "When the version was written to the archive (UTC)."),
    Column("title", "string", "Headline."),
    Column("lead", "string", "Introduction (ingress) paragraph."),
    Column(
        "body_text", "string", "Article body as plain text; paragraphs separated by a blank line."
    ),
    Column("body_markdown", "string", "Article body as Markdown (headings, lists, links kept)."),
    Column(
        "published_at",
        "date",
        "Publication date the page gives (ISO 8601; in JSON Lines and CSV a UTC timestamp "
        "where the page gives a time of day, in Parquet its date).",
    ),
    Column("updated_at", "date", "Last update date the page shows, if any (as published_at)."),
    Column("authors", "strings", "Author names (list)."),
    Column("category", "string", "Category or label shown on the page (e.g. NYHET)."),
    Column("tags", "strings", "Tags or keywords (list)."),
    Column("lang", "string", "Language code of the content (sv, en, ...)."),
    Column(
        "images",
        "records",
        "Images in the article: src, alt, caption, credit (list of objects).",
        keys=(("src", "string"), ("alt", "string"), ("caption", "string"), ("credit", "string")),
    ),
    Column(
        "contacts",
        "records",
        "Contact people: name, unit, email, phone, role (list of objects). Personal data: see "
        "the card's contacts policy (--contacts keep, drop or hash).",
        keys=(
            ("name", "string"),
            ("unit", "string"),
            ("email", "string"),
            ("phone", "string"),
            ("role", "string"),
        ),
    ),
    Column(
        "links",
        "records",
        "Links in the body: url, text (list of objects).",
        keys=(("url", "string"), ("text", "string")),
    ),
    Column("changed_fields", "strings", "Fields that differ from the previous version (list)."),
    Column(
        "content_sha256",
        "string",
        "sha256 of the normalized content fields (equal hashes, equal content).",
    ),
    Column(
        "body_sha256",
        "string",
        "sha256 of the raw response body as served (in the archive's blobs).",
    ),
    Column("extractor_version", "string", "Version of the extractor that produced the fields."),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
DESCRIPTION = (
    "Articles and section pages of university news sites, one row per archived version, "
    "extracted by uninews from the pages as served."
)


def parquet_schema(columns: tuple[Column, ...] = COLUMNS, description: str = DESCRIPTION) -> Any:
    """The declared Parquet schema, with every column's description in its metadata."""
    return arrow_schema(columns, description)


class ExportError(ArchiveError):
    """An export the user asked for that cannot be made as asked (an unknown format, options
    that do not go together); a bad date is times.BadDate."""


@dataclass(frozen=True)
class ExportFilter:
    """Which versions to export. Dates are checked and normalized by times.parse_day (the
    same as search's) and times.parse_instant.

    since/until: the article's date (published_at, else the day it was fetched), inclusive.
    as_of: each page as it stood at that instant (its latest version fetched at or before it),
    leaving out pages that were gone or redirected by then. latest: the current version only.
    """

    site: str | None = None
    lang: str | None = None
    since: str | None = None
    until: str | None = None
    as_of: str | None = None
    latest: bool = False
    kinds: tuple[str, ...] = ()

    def describe(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, False, ())}


_SELECT = (
    "SELECT v.url || '#v' || v.version AS id, v.url, v.version,"
    " v.version = p.current_version AS is_current, p.site, p.kind, p.status AS page_status,"
    " NULL AS moved_to, NULL AS moved_from,"
    " c.fetched_at, v.archived_at, v.title, v.lead, v.body_text, v.body_markdown,"
    " v.published_at, v.updated_at, v.authors, v.category, v.tags,"
    " coalesce(v.lang, p.lang) AS lang, v.images, v.contacts, v.links, v.changed_fields,"
    " v.content_sha256, c.body_sha256, v.extractor_version"
    " FROM versions v JOIN pages p ON p.url = v.url JOIN captures c ON c.id = v.capture_id"
)


def filter_clauses(flt: ExportFilter) -> tuple[list[str], dict[str, Any]]:
    """WHERE clauses (over versions v, pages p, captures c) for site, lang, dates and kinds:
    the part of the selection every dataset (versions, edits) shares."""
    where: list[str] = []
    params: dict[str, Any] = {}
    if flt.site is not None:
        where.append("p.site = :site")
        params["site"] = flt.site
    if flt.lang is not None:
        where.append("coalesce(v.lang, p.lang) = :lang")
        params["lang"] = flt.lang
    if flt.since is not None:
        where.append(f"{ARTICLE_DAY} >= :since")
        params["since"] = flt.since
    if flt.until is not None:
        where.append(f"{ARTICLE_DAY} <= :until")
        params["until"] = flt.until
    if flt.kinds:
        names = [f":kind{i}" for i in range(len(flt.kinds))]
        where.append(f"p.kind IN ({', '.join(names)})")
        params.update({name[1:]: kind for name, kind in zip(names, flt.kinds, strict=True)})
    return where, params


def export_sql(flt: ExportFilter) -> tuple[str, dict[str, Any]]:
    """The SELECT an export runs, and its parameters (built apart from running it)."""
    where, params = filter_clauses(flt)
    if flt.as_of is not None:
        params["as_of"] = flt.as_of
        where.append(
            "v.version = (SELECT max(v2.version) FROM versions v2"
            " JOIN captures c2 ON c2.id = v2.capture_id"
            " WHERE v2.url = v.url AND julianday(c2.fetched_at) <= julianday(:as_of))"
        )
        where.append(
            "coalesce((SELECT c3.outcome FROM captures c3 WHERE c3.url = v.url"
            " AND julianday(c3.fetched_at) <= julianday(:as_of)"
            " ORDER BY julianday(c3.fetched_at) DESC, c3.id DESC LIMIT 1), '')"
            " NOT IN ('gone', 'redirected')"
        )
    elif flt.latest:
        where.append("v.version = p.current_version")
    sql = _SELECT + (f" WHERE {' AND '.join(where)}" if where else "")
    sql += " ORDER BY v.url, v.version"
    return sql, params


@dataclass(frozen=True)
class Moves:
    """Pages that moved: each redirected page's normalized target, and the reverse.

    Read once before streaming (one row per redirected page, not per version), so moved_to
    and moved_from cost no per-row query. `archived` holds the targets the archive has a
    version of: a moved page whose new address is archived is the same article twice.
    """

    to: dict[str, str] = field(default_factory=dict)
    origins: dict[str, list[str]] = field(default_factory=dict)
    archived: frozenset[str] = frozenset()

    @classmethod
    def read(cls, conn: sqlite3.Connection, as_of: str | None = None) -> Moves:
        """The moves as the archive has them now; `archived` as of `as_of` when given (the
        targets with a version fetched by then)."""
        to: dict[str, str] = {}
        for url, target in conn.execute(
            "SELECT url, redirect_to FROM pages WHERE status = 'redirected'"
            " AND redirect_to IS NOT NULL ORDER BY url"
        ):
            try:
                target = normalize_url(target)
            except ValueError:
                continue
            if target != url:
                to[url] = target
        origins: dict[str, list[str]] = {}
        for url, target in to.items():
            origins.setdefault(target, []).append(url)
        archived: set[str] = set()
        targets = sorted(set(to.values()))
        for i in range(0, len(targets), 500):
            chunk = targets[i : i + 500]
            marks = ", ".join("?" * len(chunk))
            if as_of is None:
                sql = f"SELECT url FROM pages WHERE url IN ({marks}) AND current_version > 0"
            else:
                sql = (
                    f"SELECT DISTINCT v.url FROM versions v JOIN captures c ON c.id = v.capture_id"
                    f" WHERE v.url IN ({marks}) AND julianday(c.fetched_at) <= julianday(?)"
                )
                chunk = [*chunk, as_of]
            archived.update(url for (url,) in conn.execute(sql, chunk))
        return cls(to, origins, frozenset(archived))

    def duplicate(self, url: str) -> bool:
        """A moved page whose article is archived under its new address too."""
        return self.to.get(url) in self.archived


def iter_rows(
    conn: sqlite3.Connection, flt: ExportFilter, contacts: str = DEFAULT_CONTACTS
) -> Iterator[list[dict[str, Any]]]:
    """Batches of export rows (lists decoded from JSON), straight from one cursor.

    With --latest or --as-of a moved article counts once: the row of its old address is left
    out when its new address is archived (for as-of: had a version by then; and the old one is
    left out once it redirected, which export_sql() does)."""
    moves = Moves.read(conn, flt.as_of)
    one_per_article = flt.latest or flt.as_of is not None
    sql, params = export_sql(flt)
    cursor = conn.execute(sql, params)
    cursor.row_factory = None  # plain tuples: fastest, zipped with COLUMN_NAMES below
    while batch := cursor.fetchmany(BATCH_ROWS):
        rows = []
        for values in batch:
            row = dict(zip(COLUMN_NAMES, values, strict=True))
            url = row["url"]
            if one_per_article and moves.duplicate(url):
                continue
            row["is_current"] = bool(row["is_current"])
            row["moved_to"] = moves.to.get(url)
            row["moved_from"] = moves.origins.get(url, [])
            for name in ("authors", "tags", "images", "contacts", "links", "changed_fields"):
                row[name] = json.loads(row[name]) if row[name] else []
            apply_contacts(row, contacts)
            rows.append(row)
        if rows:
            yield rows


# -- writers: one small class per format, each taking batches of row dicts -----------------------


class _JsonlWriter:
    def __init__(self, handle: IO[bytes], columns: tuple[Column, ...], description: str) -> None:
        self.handle = handle
        self.names = [c.name for c in columns]

    def write(self, rows: list[dict[str, Any]]) -> None:
        names = self.names
        self.handle.write(
            "".join(
                json.dumps({n: row[n] for n in names}, ensure_ascii=False) + "\n" for row in rows
            ).encode("utf-8")
        )

    def close(self) -> None:
        pass


class _CsvWriter:
    """RFC 4180 CSV in UTF-8 with a header row: text always quoted (so newlines and commas
    stay inside their cell), lists and objects as JSON text, no value as an empty cell.

    Written by hand rather than with the csv module, which is ~10x slower on long cells.
    """

    def __init__(self, handle: IO[bytes], columns: tuple[Column, ...], description: str) -> None:
        self.handle = handle
        self.names = [c.name for c in columns]
        self.lists = {c.name for c in columns if c.is_list}
        self.booleans = {c.name for c in columns if c.kind == "boolean"}
        self.handle.write((",".join(self.names) + "\r\n").encode("utf-8"))

    def _cell(self, name: str, value: Any) -> str:
        if name in self.lists:
            value = json.dumps(value, ensure_ascii=False)
        elif name in self.booleans:
            return "" if value is None else "true" if value else "false"
        if value is None:
            return ""
        if isinstance(value, str):
            return '"' + value.replace('"', '""') + '"'
        return str(value)

    def write(self, rows: list[dict[str, Any]]) -> None:
        cell, names = self._cell, self.names
        text = "".join(",".join([cell(name, row[name]) for name in names]) + "\r\n" for row in rows)
        self.handle.write(text.encode("utf-8"))

    def close(self) -> None:
        pass


class _ParquetWriter:
    """One row group per batch, with the declared schema (zstd-compressed columns): dates as
    date32, timestamps as UTC, lists and structs typed, descriptions in the schema metadata."""

    def __init__(self, handle: IO[bytes], columns: tuple[Column, ...], description: str) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.columns = columns
        self.table, self.schema = pa.Table, arrow_schema(columns, description)
        self.writer = pq.ParquetWriter(handle, self.schema, compression="zstd")

    def write(self, rows: list[dict[str, Any]]) -> None:
        data = {c.name: arrow_values(c, [row[c.name] for row in rows]) for c in self.columns}
        self.writer.write_table(self.table.from_pydict(data, schema=self.schema))

    def close(self) -> None:
        self.writer.close()


_WRITERS: dict[str, Callable[[IO[bytes], tuple[Column, ...], str], Any]] = {
    "jsonl": _JsonlWriter,
    "csv": _CsvWriter,
    "parquet": _ParquetWriter,
}


# -- running an export -----------------------------------------------------------------------------


@dataclass
class ExportStats:
    """What went into an export: counted while streaming, for the dataset card.

    `pages` maps each URL to its language, so the card counts articles (pages, a moved article
    once) by language, not only rows."""

    rows: int = 0
    pages: dict[str, str] = field(default_factory=dict)
    moved: dict[str, str] = field(default_factory=dict)  # old URL -> new URL, within the rows
    sites: Counter = field(default_factory=Counter)
    langs: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    first_fetched: str | None = None
    last_fetched: str | None = None
    first_published: str | None = None
    last_published: str | None = None

    @property
    def urls(self) -> set[str]:
        return set(self.pages)

    def add(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            self.rows += 1
            lang = row["lang"] or "unknown"
            self.pages[row["url"]] = lang
            if row.get("moved_to"):
                self.moved[row["url"]] = row["moved_to"]
            self.sites[row["site"]] += 1
            self.langs[lang] += 1
            self.kinds[row["kind"]] += 1
            fetched = row.get("fetched_at") or row.get("to_fetched_at")
            published = row["published_at"]
            if fetched:
                self.first_fetched = min(filter(None, [self.first_fetched, fetched]))
                self.last_fetched = max(filter(None, [self.last_fetched, fetched]))
            if published:
                self.first_published = min(filter(None, [self.first_published, published]))
                self.last_published = max(filter(None, [self.last_published, published]))

    def articles_by_lang(self) -> dict[str, int]:
        """Distinct articles per language: a moved page whose new address is among the rows
        counts once, under its new address."""
        counts: Counter = Counter(
            lang
            for url, lang in self.pages.items()
            if not (url in self.moved and self.moved[url] in self.pages)
        )
        return dict(sorted(counts.items()))

    def articles(self) -> int:
        return sum(self.articles_by_lang().values())


@dataclass(frozen=True)
class ExportResult:
    path: Path
    fmt: str
    filter: ExportFilter
    stats: ExportStats
    sha256: str
    size: int
    regular: bool = True  # a regular file: its dataset card goes beside it
    contacts: str = DEFAULT_CONTACTS
    dataset: str = "versions"  # or "changes": the dataset of edits


# Formats that can go to standard output (--out -): Parquet's footer needs a file.
STREAMABLE = ("jsonl", "csv")


def export(
    conn: sqlite3.Connection,
    out: str | Path,
    fmt: str,
    flt: ExportFilter | None = None,
    *,
    contacts: str = DEFAULT_CONTACTS,
    changes: bool = False,
) -> ExportResult:
    """Write every version matching `flt` (or, with `changes`, every edit: archive.edits) to
    `out` in `fmt`, streaming; return what was written.

    `out` is a file name, `-` (standard output, for jsonl and csv) or a device or pipe
    (archive.output says how each is written).
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    if contacts not in CONTACT_POLICIES:
        raise ExportError(
            f"unknown contacts policy {contacts!r}: use one of {', '.join(CONTACT_POLICIES)}"
        )
    out = str(out)
    if out == STDOUT and fmt not in STREAMABLE:
        raise ExportError(
            f"--format {fmt} cannot go to standard output: give a file name with --out"
        )
    flt = flt or ExportFilter()
    if changes:
        from .edits import CHANGE_COLUMNS, CHANGES_DESCRIPTION, iter_changes

        if flt.latest or flt.as_of is not None:
            raise ExportError("--changes lists every edit: it takes no --latest or --as-of")
        columns, description = CHANGE_COLUMNS, CHANGES_DESCRIPTION
        batches = iter_changes(conn, flt)
    else:
        columns, description = COLUMNS, DESCRIPTION
        batches = iter_rows(conn, flt, contacts)
    stats = ExportStats()
    with output_file(out) as (handle, written):
        writer = _WRITERS[fmt](handle, columns, description)
        for rows in batches:
            writer.write(rows)
            stats.add(rows)
        writer.close()
    return ExportResult(
        Path(out),
        fmt,
        flt,
        stats,
        written.sha256,
        written.size,
        written.regular,
        contacts=contacts,
        dataset="changes" if changes else "versions",
    )
