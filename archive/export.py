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
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from .errors import ArchiveError
from .output import STDOUT, output_file
from .queries import ARTICLE_DAY
from .times import parse_utc

FORMATS = ("jsonl", "csv", "parquet")
BATCH_ROWS = 500  # rows per fetchmany() and per Parquet row group: ~5 MB of article text
ROW_ID_DOC = (
    "`<normalized url>#v<version>`: the page URL as the archive stores it (scheme and host "
    "lower-cased, fragment and tracking parameters dropped) and the version number. Stable "
    "across exports and archives."
)

# Every exported column, in order: (name, description). Types per format: column_type().
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "Stable row id: " + ROW_ID_DOC),
    ("url", "Normalized page URL (the page's id across versions)."),
    ("version", "Version number of the page: 1 for the first content archived, then 2, 3, ..."),
    ("is_current", "True when this is the page's current (latest) version."),
    ("site", "Site profile name the page was crawled under (umu, demo, or a host)."),
    ("kind", "article or page (section pages such as partnerships)."),
    ("page_status", "The page's status now: live, gone, redirected, restricted or error."),
    ("fetched_at", "When the response holding this version was fetched (UTC)."),
    ("archived_at", "When the version was written to the archive (UTC)."),
    ("title", "Headline."),
    ("lead", "Introduction (ingress) paragraph."),
    ("body_text", "Article body as plain text; paragraphs separated by a blank line."),
    ("body_markdown", "Article body as Markdown (headings, lists, links kept)."),
    ("published_at", "Publication date as the page gives it (ISO 8601 date or UTC timestamp)."),
    ("updated_at", "Last update date the page shows, if any (ISO 8601)."),
    ("authors", "Author names (list)."),
    ("category", "Category or label shown on the page (e.g. NYHET)."),
    ("tags", "Tags or keywords (list)."),
    ("lang", "Language code of the content (sv, en, ...)."),
    ("images", "Images in the article: src, alt, caption, credit (list of objects)."),
    ("contacts", "Contact people: name, unit, email, phone, role (list of objects)."),
    ("links", "Links in the body: url, text (list of objects)."),
    ("changed_fields", "Fields that differ from the previous version (list)."),
    ("content_sha256", "sha256 of the normalized content fields (equal hashes, equal content)."),
    ("body_sha256", "sha256 of the raw response body as served (in the archive's blobs)."),
    ("extractor_version", "Version of the extractor that produced the fields."),
)
COLUMN_NAMES = tuple(name for name, _ in COLUMNS)
LIST_COLUMNS = ("authors", "tags", "images", "contacts", "links", "changed_fields")
TIMESTAMP_COLUMNS = ("fetched_at", "archived_at")

_STRUCTS: dict[str, tuple[str, ...]] = {
    "images": ("src", "alt", "caption", "credit"),
    "contacts": ("name", "unit", "email", "phone", "role"),
    "links": ("url", "text"),
}


def parquet_schema() -> Any:
    """The declared Parquet schema (pyarrow is imported here, not when uninews starts)."""
    import pyarrow as pa

    def struct_list(keys: tuple[str, ...]) -> Any:
        return pa.list_(pa.struct([(key, pa.string()) for key in keys]))

    types = {
        "version": pa.int32(),
        "is_current": pa.bool_(),
        "fetched_at": pa.timestamp("us", tz="UTC"),
        "archived_at": pa.timestamp("us", tz="UTC"),
        "authors": pa.list_(pa.string()),
        "tags": pa.list_(pa.string()),
        "changed_fields": pa.list_(pa.string()),
        **{name: struct_list(keys) for name, keys in _STRUCTS.items()},
    }
    return pa.schema([(name, types.get(name, pa.string())) for name in COLUMN_NAMES])


def column_type(name: str, fmt: str) -> str:
    """How a column is typed in a format, in words for the dataset card."""
    if fmt == "parquet":
        return str(parquet_schema().field(name).type)
    if name in LIST_COLUMNS:
        return "list" if fmt == "jsonl" else "JSON text"
    if name == "version":
        return "integer"
    if name == "is_current":
        return "boolean" if fmt == "jsonl" else "true/false"
    return "string or null" if fmt == "jsonl" else "text"


class ExportError(ArchiveError):
    """An export the user asked for that cannot be made as asked (bad dates, unknown format)."""


@dataclass(frozen=True)
class ExportFilter:
    """Which versions to export. Dates are checked and normalized by queries.parse_day (the
    same as search's) and parse_instant.

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


def parse_instant(text: str | None, option: str = "--as-of") -> str | None:
    """A UTC timestamp for as-of: a bare date means the end of that day; naive times are UTC."""
    if text is None:
        return None
    try:
        moment = parse_utc(text, date_means_end_of_day=True)
    except ValueError:
        raise ExportError(
            f"bad {option} {text!r}: write a date (2026-11-27, meaning the end of that day) "
            "or a UTC time (2026-11-27T12:00:00Z)"
        ) from None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_SELECT = (
    "SELECT v.url || '#v' || v.version AS id, v.url, v.version,"
    " v.version = p.current_version AS is_current, p.site, p.kind, p.status AS page_status,"
    " c.fetched_at, v.archived_at, v.title, v.lead, v.body_text, v.body_markdown,"
    " v.published_at, v.updated_at, v.authors, v.category, v.tags,"
    " coalesce(v.lang, p.lang) AS lang, v.images, v.contacts, v.links, v.changed_fields,"
    " v.content_sha256, c.body_sha256, v.extractor_version"
    " FROM versions v JOIN pages p ON p.url = v.url JOIN captures c ON c.id = v.capture_id"
)


def export_sql(flt: ExportFilter) -> tuple[str, dict[str, Any]]:
    """The SELECT an export runs, and its parameters (built apart from running it)."""
    where, params = [], {}
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


def iter_rows(conn: sqlite3.Connection, flt: ExportFilter) -> Iterator[list[dict[str, Any]]]:
    """Batches of export rows (lists decoded from JSON), straight from one cursor."""
    sql, params = export_sql(flt)
    cursor = conn.execute(sql, params)
    cursor.row_factory = None  # plain tuples: fastest, zipped with COLUMN_NAMES below
    while batch := cursor.fetchmany(BATCH_ROWS):
        rows = []
        for values in batch:
            row = dict(zip(COLUMN_NAMES, values, strict=True))
            row["is_current"] = bool(row["is_current"])
            for name in LIST_COLUMNS:
                row[name] = json.loads(row[name]) if row[name] else []
            rows.append(row)
        yield rows


# -- writers: one small class per format, each taking batches of row dicts -----------------------


class _JsonlWriter:
    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle

    def write(self, rows: list[dict[str, Any]]) -> None:
        self.handle.write(
            "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")
        )

    def close(self) -> None:
        pass


class _CsvWriter:
    """RFC 4180 CSV in UTF-8 with a header row: text always quoted (so newlines and commas
    stay inside their cell), lists and objects as JSON text, no value as an empty cell.

    Written by hand rather than with the csv module, which is ~10x slower on long cells.
    """

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.handle.write((",".join(COLUMN_NAMES) + "\r\n").encode("utf-8"))

    @staticmethod
    def _cell(name: str, value: Any) -> str:
        if name in LIST_COLUMNS:
            value = json.dumps(value, ensure_ascii=False)
        elif name == "is_current":
            return "true" if value else "false"
        if value is None:
            return ""
        if isinstance(value, str):
            return '"' + value.replace('"', '""') + '"'
        return str(value)

    def write(self, rows: list[dict[str, Any]]) -> None:
        cell = self._cell
        text = "".join(
            ",".join([cell(name, row[name]) for name in COLUMN_NAMES]) + "\r\n" for row in rows
        )
        self.handle.write(text.encode("utf-8"))

    def close(self) -> None:
        pass


def _timestamp(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _structs(items: list[Any], keys: tuple[str, ...]) -> list[dict[str, str | None]]:
    out = []
    for item in items:
        if not isinstance(item, dict):
            item = {keys[0]: item}
        out.append({k: None if item.get(k) is None else str(item[k]) for k in keys})
    return out


class _ParquetWriter:
    """One row group per batch, with the declared parquet_schema() (zstd-compressed columns)."""

    def __init__(self, handle: IO[bytes]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.table, self.schema = pa.Table, parquet_schema()
        self.writer = pq.ParquetWriter(handle, self.schema, compression="zstd")

    def write(self, rows: list[dict[str, Any]]) -> None:
        columns: dict[str, list[Any]] = {name: [] for name in COLUMN_NAMES}
        for row in rows:
            for name in COLUMN_NAMES:
                value = row[name]
                if name in TIMESTAMP_COLUMNS:
                    value = _timestamp(value)
                elif name in _STRUCTS:
                    value = _structs(value, _STRUCTS[name])
                elif name in LIST_COLUMNS:
                    value = [str(v) for v in value]
                columns[name].append(value)
        self.writer.write_table(self.table.from_pydict(columns, schema=self.schema))

    def close(self) -> None:
        self.writer.close()


_WRITERS: dict[str, Callable[[IO[bytes]], Any]] = {
    "jsonl": _JsonlWriter,
    "csv": _CsvWriter,
    "parquet": _ParquetWriter,
}


# -- running an export -----------------------------------------------------------------------------


@dataclass
class ExportStats:
    """What went into an export: counted while streaming, for the dataset card."""

    rows: int = 0
    urls: set[str] = field(default_factory=set)
    sites: Counter = field(default_factory=Counter)
    langs: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    first_fetched: str | None = None
    last_fetched: str | None = None
    first_published: str | None = None
    last_published: str | None = None

    def add(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            self.rows += 1
            self.urls.add(row["url"])
            self.sites[row["site"]] += 1
            self.langs[row["lang"] or "unknown"] += 1
            self.kinds[row["kind"]] += 1
            fetched, published = row["fetched_at"], row["published_at"]
            if fetched:
                self.first_fetched = min(filter(None, [self.first_fetched, fetched]))
                self.last_fetched = max(filter(None, [self.last_fetched, fetched]))
            if published:
                self.first_published = min(filter(None, [self.first_published, published]))
                self.last_published = max(filter(None, [self.last_published, published]))


@dataclass(frozen=True)
class ExportResult:
    path: Path
    fmt: str
    filter: ExportFilter
    stats: ExportStats
    sha256: str
    size: int
    regular: bool = True  # a regular file: its dataset card goes beside it


# Formats that can go to standard output (--out -): Parquet's footer needs a file.
STREAMABLE = ("jsonl", "csv")


def export(
    conn: sqlite3.Connection, out: str | Path, fmt: str, flt: ExportFilter | None = None
) -> ExportResult:
    """Write every version matching `flt` to `out` in `fmt`, streaming; return what was written.

    `out` is a file name, `-` (standard output, for jsonl and csv) or a device or pipe
    (archive.output says how each is written).
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    out = str(out)
    if out == STDOUT and fmt not in STREAMABLE:
        raise ExportError(
            f"--format {fmt} cannot go to standard output: give a file name with --out"
        )
    flt = flt or ExportFilter()
    stats = ExportStats()
    with output_file(out) as (handle, written):
        writer = _WRITERS[fmt](handle)
        for rows in iter_rows(conn, flt):
            writer.write(rows)
            stats.add(rows)
        writer.close()
    return ExportResult(Path(out), fmt, flt, stats, written.sha256, written.size, written.regular)
