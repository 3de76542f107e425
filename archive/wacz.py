"""Package the archive's captures as a WACZ 1.1.1 file, the format ReplayWeb.page opens.

A WACZ is a ZIP holding the WARC (archive/), a CDXJ index of it (indexes/: gzip blocks of
sorted CDXJ lines with an .idx of their first keys, as py-wacz writes them, made by
cdxj-indexer), the list of archived pages (pages/pages.jsonl, with each page's title and
extracted text, as Browsertrix writes it, so ReplayWeb.page lists and searches them) and
datapackage.json naming every file with its size and sha256 (and datapackage-digest.json with
the digest of that). WARC and index are stored uncompressed in the ZIP, so a replay tool reads
records at their offsets without unpacking the file.

The WARC is the one `uninews warc` writes (archive.warc); it is written to a temporary file
beside the output first, because the index is made from it.
"""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from cdxj_indexer.main import CDXJIndexer

from .store import Archive
from .version import VERSION
from .versioning import shown_version_sql
from .warc import Progress, WarcSummary, check_selection, selection_sql, warc_date
from .warc import write_warc as _write_warc

WACZ_VERSION = "1.1.1"
WARC_NAME = "data.warc.gz"
INDEX_NAME = "index.cdx.gz"
INDEX_LINES = 1024  # CDXJ lines per gzip block, py-wacz's (and ArchiveWeb.page's) default
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages", "hasText": True}


@dataclass
class WaczSummary:
    """What write_wacz() wrote; `text()` is the summary line of `uninews wacz`."""

    warc: WarcSummary
    pages: int = 0

    def text(self, path: str, size: int) -> str:
        return (
            f"Wrote {self.warc.captures} captures and {self.pages} pages to {path} "
            f"({size:,} bytes): {self.warc.responses} responses, {self.warc.revisits} revisits "
            f"of identical bodies, {self.warc.not_modified} not-modified revisits; "
            f"{self.warc.skipped} fetches without a response left out"
        )


def pages_sql(site: str | None, since: str | None, until: str | None) -> tuple[str, list[str]]:
    """One row per version of a page that the selected captures show: the version each capture
    with content (200, or a 304 standing for it) had, at the first such capture.

    A version made before `since` is listed too when a capture in the range still showed it.
    Uses SQLite's rule that the other columns of a min() aggregate come from its row.
    `shown` is materialized: inlined, SQLite looks up each capture's version three times.
    """
    where, params = selection_sql(site, since, until)
    answered = "http_status IN (200, 304)"
    where = f"{where} AND {answered}" if where else f" WHERE {answered}"
    sql = f"""
        WITH shown AS MATERIALIZED (
            SELECT c.requested_url, c.fetched_at, {shown_version_sql("c")} AS version_id
            FROM (SELECT * FROM captures{where}) c
        ), first_shown AS (
            SELECT version_id, requested_url, min(fetched_at) AS fetched_at
            FROM shown WHERE version_id IS NOT NULL GROUP BY version_id
        )
        SELECT f.requested_url, f.fetched_at, v.url, v.version, v.title, v.lead, v.body_text
        FROM first_shown f JOIN versions v ON v.id = f.version_id
        ORDER BY f.fetched_at, v.url
    """
    return sql, params


def page_entry(row: sqlite3.Row) -> dict[str, str]:
    """A pages.jsonl line: the URL and time to replay, the title, and the extracted text."""
    text = "\n\n".join(part for part in (row["title"], row["lead"], row["body_text"]) if part)
    return {
        "id": f"{row['url']}#v{row['version']}",
        "url": row["requested_url"],
        "ts": warc_date(row["fetched_at"]),
        "title": row["title"] or row["requested_url"],
        "text": text,
    }


def iter_pages(
    archive: Archive, site: str | None, since: str | None, until: str | None
) -> Iterator[dict[str, str]]:
    sql, params = pages_sql(site, since, until)
    for row in archive.conn.execute(sql, params):
        yield page_entry(row)


class _Hashing(io.RawIOBase):
    """A write-only stream that counts and hashes what passes through it to `out`."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.out.write(data)
        self.sha256.update(data)
        self.size += len(data)
        return len(data)


class WaczWriter:
    """Adds entries to a WACZ ZIP, keeping each one's size and sha256 for datapackage.json."""

    def __init__(self, out: BinaryIO) -> None:
        self.zip = zipfile.ZipFile(out, "w")
        self.resources: list[dict[str, object]] = []

    def entry(self, path: str, *, stored: bool) -> _EntryContext:
        info = zipfile.ZipInfo(path, datetime.now(UTC).timetuple()[:6])
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        return _EntryContext(self, path, info)

    def close(self, metadata: dict[str, object]) -> None:
        package = {
            "profile": "data-package",
            "resources": self.resources,
            **metadata,
            "wacz_version": WACZ_VERSION,
            "software": f"uninews/{VERSION}",
        }
        data = json.dumps(package, indent=2, ensure_ascii=False).encode("utf-8")
        self._writestr("datapackage.json", data)
        digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(data).hexdigest()}
        self._writestr("datapackage-digest.json", json.dumps(digest, indent=2).encode("utf-8"))
        self.zip.close()

    def _writestr(self, path: str, data: bytes) -> None:
        info = zipfile.ZipInfo(path, datetime.now(UTC).timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zip.writestr(info, data)


class _EntryContext:
    def __init__(self, writer: WaczWriter, path: str, info: zipfile.ZipInfo) -> None:
        self.writer, self.path, self.info = writer, path, info

    def __enter__(self) -> _Hashing:
        self.raw = self.writer.zip.open(self.info, "w", force_zip64=True)
        self.hashing = _Hashing(self.raw)
        return self.hashing

    def __exit__(self, *exc: object) -> None:
        self.raw.close()
        self.writer.resources.append(
            {
                "name": Path(self.path).name.lower(),
                "path": self.path,
                "hash": "sha256:" + self.hashing.sha256.hexdigest(),
                "bytes": self.hashing.size,
            }
        )


def write_index(warc_path: Path, data: BinaryIO, idx: io.TextIOBase) -> None:
    """The CDXJ index of a WARC as py-wacz writes it: gzip blocks into `data`, their first
    keys into `idx`; with each response's referrer (from its request record)."""
    indexer = CDXJIndexer(
        idx,
        [str(warc_path)],
        sort=True,
        post_append=True,
        compress=data,
        lines=INDEX_LINES,
        digest_records=True,
        fields="referrer",
        data_out_name=INDEX_NAME,
        filename=WARC_NAME,
    )
    indexer.process_all()


def write_wacz(
    archive: Archive,
    out: BinaryIO,
    work: Path,
    *,
    site: str | None = None,
    since: str | None = None,
    until: str | None = None,
    title: str | None = None,
    progress: Progress | None = None,
) -> WaczSummary:
    """Write the captures (of `site`, fetched from `since` to `until`) to `out` as WACZ 1.1.1.

    `work` is a file path for the WARC while the index is made from it (removed after). Raises
    NotFound for a site the archive never crawled and BadDate for a bound that is not a date.
    """
    lower, upper = check_selection(archive, site, since, until)
    try:
        with work.open("wb") as handle:
            warc = _write_warc(
                archive,
                handle,
                site=site,
                since=since,
                until=until,
                filename=WARC_NAME,
                progress=progress,
            )
        summary = WaczSummary(warc)
        package = WaczWriter(out)
        with package.entry(f"archive/{WARC_NAME}", stored=True) as entry, work.open("rb") as src:
            while chunk := src.read(1 << 20):
                entry.write(chunk)
        idx = io.StringIO()
        with package.entry(f"indexes/{INDEX_NAME}", stored=True) as data:
            write_index(work, data, idx)
        with package.entry("indexes/index.idx", stored=False) as entry:
            entry.write(idx.getvalue().encode("utf-8"))
        with package.entry("pages/pages.jsonl", stored=False) as entry:
            entry.write(json.dumps(PAGES_HEADER).encode("utf-8") + b"\n")
            for page in iter_pages(archive, site, lower, upper):
                entry.write(json.dumps(page, ensure_ascii=False).encode("utf-8") + b"\n")
                summary.pages += 1
    finally:
        work.unlink(missing_ok=True)
    sites = ", ".join(sorted(warc.sites)) or "no site"
    package.close(
        {
            "title": title or f"uninews archive of {site or sites}",
            "description": "Captures exported from a uninews archive"
            + (f", fetched from {lower}" if lower else "")
            + (f" until {upper}" if upper else ""),
            "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    )
    return summary
