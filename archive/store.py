"""The Archive: one SQLite file of pages, captures, raw bodies and content versions.

Writes are crash-safe by construction: WAL journal, and one `BEGIN IMMEDIATE` transaction per
record() call, so a capture, its blob, its version, its FTS rows and the page row are committed
together or not at all. BEGIN IMMEDIATE takes SQLite's own write lock at the start of the
transaction, which is the writer lock: two processes recording into one archive queue behind
each other (waiting up to BUSY_TIMEOUT_MS) and never interleave a capture.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import queries
from .capture import Capture
from .compression import (
    DELTA,
    TRAIN_AT,
    TRAIN_SAMPLES,
    BlobCodec,
    body_sha256,
    train_dictionary,
)
from .content import Prepared, changed_fields, from_row, prepare_content
from .decoding import CannotDecode, decode_content_encoding
from .errors import ArchiveError, ArchiveMissing, ArchiveTooNew, NotAnArchive, NotFound
from .outcomes import header, page_status_after, response_class
from .process import is_gone, this_process
from .recipes import RecipeFinder, checked_recipe, rebuild
from .schema import APPLICATION_ID, SCHEMA_VERSION, migrate
from .urls import normalize_url

BUSY_TIMEOUT_MS = 30_000
# runs.stats key of the process that runs a crawl (archive.process), kept when it finishes.
RUN_PROCESS = "uninews/process"
# Until a site has all its dictionaries (compression.TRAIN_AT), look for enough training samples
# every this many new blobs (the lookup reads the site's capture rows; for every blob it would
# cost more).
TRAIN_CHECK_EVERY = 16


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def insert_version(
    conn: sqlite3.Connection,
    url: str,
    number: int,
    capture_id: int,
    prepared: Prepared,
    archived_at: str,
    extractor_version: str,
    changed: list[str],
) -> None:
    """One `versions` row: record() and reprocess write versions only through here."""
    columns = prepared.columns
    names = ("url", "version", "capture_id", "content_sha256", "archived_at", *columns,
             "extractor_version", "changed_fields")  # fmt: skip
    conn.execute(
        f"INSERT INTO versions ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        (url, number, capture_id, prepared.sha256, archived_at, *columns.values(),
         extractor_version, _json(changed)),
    )  # fmt: skip


@dataclass(frozen=True)
class Recorded:
    """What record() did: the outcome, the capture row, the page URL and the new version."""

    outcome: str
    capture_id: int
    url: str
    version: int | None = None


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


class Archive:
    """A uninews archive file. Open with Archive.open(path); usable as a context manager."""

    def __init__(self, conn: sqlite3.Connection, path: str, *, readonly: bool = False) -> None:
        self.conn = conn
        self.path = path
        self.readonly = readonly
        self._codec = BlobCodec()
        self._recipes = RecipeFinder()
        # Per site: plain blobs to store before looking again for enough training samples.
        self._training_wait: dict[str, int] = {}

    @property
    def db(self) -> Any:
        """The same connection as a sqlite_utils.Database, for sqlite-utils style reading.

        Imported on first use: sqlite_utils pulls in numpy, which would add a third of a second
        to every crawler process start.
        """
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True, readonly: bool = False) -> Archive:
        """Open (and migrate) an archive; create it unless `create` is False.

        An existing archive that this process cannot write (read-only storage, a folder or
        file of another user) opens read-only when `create` is False, as it does with
        `readonly`. Raises ArchiveMissing, NotAnArchive, or ArchiveTooNew for a file from a
        newer uninews.
        """
        path = str(path)
        file = Path(path)
        # Only SQLite opens the file: a descriptor opened and closed here beside a connection
        # of this process would drop that connection's POSIX locks (close() releases every
        # lock the process holds on the file), and another process could then checkpoint and
        # delete a WAL still in use. "Not an SQLite file" is SQLite's own error, below.
        if file.is_dir():
            raise NotAnArchive(path, "it is a folder")
        if not file.exists() and not create:
            raise ArchiveMissing(path)
        if not create and (readonly or not _writable(file)):
            return cls._open_readonly(path)
        if not file.parent.is_dir():
            raise ArchiveError(f"cannot create {path}: folder {file.parent} does not exist")
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.row_factory = sqlite3.Row
        try:
            cls._prepare(conn, path, create)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise _not_an_archive(path, exc) from exc
        except BaseException:
            conn.close()
            raise
        return cls(conn, path)

    @classmethod
    def _open_readonly(cls, path: str) -> Archive:
        """Read-only: `mode=ro` where SQLite can share the WAL index (the -shm file exists or
        can be made), else `immutable=1`, which reads the main file alone and is safe only
        because nothing can write this file here either."""
        base = "file:" + urllib.parse.quote(os.path.abspath(path))
        last: sqlite3.Error | None = None
        for query in ("?mode=ro", "?mode=ro&immutable=1"):
            conn = sqlite3.connect(base + query, uri=True, isolation_level=None,
                                   timeout=BUSY_TIMEOUT_MS / 1000)  # fmt: skip
            conn.row_factory = sqlite3.Row
            try:
                version = cls._check(conn, path, create=False)
                if version < SCHEMA_VERSION:
                    raise ArchiveError(
                        f"{path} is read-only here and has archive schema version {version}, "
                        f"this uninews reads {SCHEMA_VERSION}: open it once where it can be "
                        "written (any uninews command) to upgrade it"
                    )
                return cls(conn, path, readonly=True)
            except sqlite3.OperationalError as exc:  # cannot open (no -shm, none allowed)
                conn.close()
                last = exc
            except sqlite3.DatabaseError as exc:
                conn.close()
                raise _not_an_archive(path, exc) from exc
            except BaseException:
                conn.close()
                raise
        raise ArchiveError(f"cannot read the archive {path}: {last}")

    @staticmethod
    def _check(conn: sqlite3.Connection, path: str, create: bool) -> int:
        """The file's schema version, once it is known to be a uninews archive (or empty)."""
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID:
            has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if has_tables or version:
                raise NotAnArchive(path, "a database of another program")
            if not create:
                raise NotAnArchive(path, "an empty database")
        if version > SCHEMA_VERSION:
            raise ArchiveTooNew(path, version, SCHEMA_VERSION)
        return version

    @classmethod
    def _prepare(cls, conn: sqlite3.Connection, path: str, create: bool) -> None:
        version = cls._check(conn, path, create)
        _use_wal(conn)
        # NORMAL in WAL mode: a killed process never loses a committed transaction; only a
        # power cut may lose the last few, and the file stays consistent either way.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        # 32 MB of page cache (default 2 MB): the full-text index of a large archive is
        # rewritten in place on every insert, and cache misses there dominate record() time.
        conn.execute("PRAGMA cache_size = -32000")
        if version < SCHEMA_VERSION:
            conn.execute("BEGIN IMMEDIATE")
            try:
                current = conn.execute("PRAGMA user_version").fetchone()[0]
                if current > SCHEMA_VERSION:
                    raise ArchiveTooNew(path, current, SCHEMA_VERSION)
                migrate(conn, current)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: SQLite's write lock is taken before anything is read."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def transaction(self) -> Any:
        """A write transaction (BEGIN IMMEDIATE) for code outside record(), e.g. reprocessing.

        `with arc.transaction() as conn:` commits on success and rolls back on any error.
        """
        return self._write()

    # -- runs ------------------------------------------------------------------------------

    def start_run(self, site: str, spider: str) -> int:
        """A new run row, `running`; runs whose process has gone become `interrupted` first."""
        with self._write() as conn:
            self._mark_interrupted(conn)
            cur = conn.execute(
                "INSERT INTO runs (site, spider, started_at, status, stats)"
                " VALUES (?, ?, ?, 'running', ?)",
                (site, spider, utc_now(), _json({RUN_PROCESS: this_process()})),
            )
            return int(cur.lastrowid)

    def _mark_interrupted(self, conn: sqlite3.Connection) -> None:
        """A run left `running` by a process that has ended (killed, out of memory, reboot)."""
        rows = conn.execute("SELECT id, stats FROM runs WHERE status = 'running'").fetchall()
        for row in rows:
            stats = json.loads(row["stats"] or "{}")
            if is_gone(stats.get(RUN_PROCESS) or {}):
                stats["uninews/interrupted_found_at"] = utc_now()
                conn.execute(
                    "UPDATE runs SET status = 'interrupted', stats = ? WHERE id = ?",
                    (_json(stats), row["id"]),
                )

    def run_counts(self, run_id: int) -> dict[str, int]:
        """Captures of pages in a run by outcome, as committed: what a crawl's summary reports
        (captures of discovery files, kind "feed" or "robots", are not pages: left out)."""
        rows = self.conn.execute(
            "SELECT outcome, count(*) FROM captures WHERE run_id = ?"
            " AND kind NOT IN ('feed', 'robots') GROUP BY outcome",
            (run_id,),
        )
        return {outcome: n for outcome, n in rows}

    def finish_run(self, run_id: int, status: str, stats: Mapping[str, Any]) -> None:
        with self._write() as conn:
            row = conn.execute("SELECT stats FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row is None:
                raise NotFound(f"no run with id {run_id}")
            process = json.loads(row[0] or "{}").get(RUN_PROCESS)
            final = {**({RUN_PROCESS: process} if process else {}), **dict(stats)}
            conn.execute(
                "UPDATE runs SET finished_at = ?, status = ?, stats = ? WHERE id = ?",
                (utc_now(), status, _json(final), run_id),
            )

    # -- recording -------------------------------------------------------------------------

    def record(
        self,
        capture: Capture,
        content: Mapping[str, Any] | Prepared | None,
        *,
        run_id: int | None,
        site: str,
        kind: str = "article",
        extractor_version: str = "",
        lang: str | None = None,
    ) -> Recorded:
        """Archive one fetch; write a new version only when the extracted content changed.

        `content` holds the versioned fields (archive.content.CONTENT_FIELDS); None for pages
        without content (listings, login walls, empty or non-HTML responses), whose change is
        judged by the raw body instead and which never get a version. Content prepared
        elsewhere (archive.content.prepare_content) is taken as it is.
        """
        url = normalize_url(capture.url)
        response = response_class(capture)
        now = utc_now()
        prepared = prepare_content(content) if content is not None else None
        normalized = prepared.normalized if prepared is not None else None
        new_hash = prepared.sha256 if prepared is not None else None
        keep_body = capture.body is not None and response not in ("restricted", "not_modified")
        received = capture.body if capture.wire_body is None else capture.wire_body
        sha = body_sha256(received) if keep_body else None

        with self._write() as conn:
            page = conn.execute("SELECT * FROM pages WHERE url = ?", (url,)).fetchone()
            if sha is not None:
                previous = page["body_sha256"] if page is not None else None
                self._store_blob(conn, sha, received, site, previous, capture)

            version_number: int | None = None
            changed: list[str] = []
            if response == "ok":
                if normalized is not None:
                    current = page["current_version"] if page else None
                    if current is None:
                        outcome, version_number = "new", 1
                        changed = changed_fields(None, normalized)
                    elif page["content_sha256"] == new_hash:
                        outcome = "unchanged"
                    else:
                        outcome, version_number = "changed", current + 1
                        changed = changed_fields(self._content_of(conn, url, current), normalized)
                else:
                    previous = page["body_sha256"] if page else None
                    outcome = (
                        "new" if previous is None else "unchanged" if previous == sha else "changed"
                    )
            else:
                outcome = response

            if page is None:
                conn.execute(
                    "INSERT INTO pages (url, site, kind, first_seen, status)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (url, site, kind, capture.fetched_at, page_status_after(response, None)),
                )
            capture_id = self._insert_capture(
                conn, capture, url, site, kind, outcome, sha, extractor_version, run_id, now
            )
            if version_number is not None:
                insert_version(
                    conn, url, version_number, capture_id, prepared, now, extractor_version, changed
                )
            self._update_page(
                conn, page, url, capture, response, outcome, kind, site, capture_id,
                version_number, new_hash, sha, lang or (normalized or {}).get("lang"),
            )  # fmt: skip
        return Recorded(outcome, capture_id, url, version_number)

    def _store_blob(
        self,
        conn: sqlite3.Connection,
        sha: str,
        received: bytes,
        site: str,
        previous: str | None,
        capture: Capture,
    ) -> None:
        """Keep the body as received; a compressed one as its decoded body plus a recipe when
        one rebuilds it exactly (archive.recipes), else as received."""
        if conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (sha,)).fetchone():
            return
        content, coding, recipe = received, None, None
        if capture.wire_body is not None and capture.body is not None:
            coding = header(capture.response_headers, "content-encoding") or "unknown"
            found = self._recipes.find((site, coding), received, capture.body, coding)
            recipe = checked_recipe(found, capture.body, sha)
            if recipe is not None:
                content = capture.body
        # Compressed bytes kept as received gain nothing from a delta: none is tried.
        base = self._delta_base(conn, previous) if coding is None or recipe else None
        packed = self._codec.pack(content, sha, self._dictionary_for(conn, site), base)
        conn.execute(
            "INSERT INTO blobs (sha256, content, compression, size, stored_size, dictionary_id,"
            " base_sha256, content_encoding, recipe_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (sha, packed.content, packed.compression, len(received), packed.stored_size,
             packed.dictionary_id, packed.base_sha256, coding,
             self._recipe_id(conn, recipe) if recipe else None),
        )  # fmt: skip

    @staticmethod
    def _recipe_id(conn: sqlite3.Connection, recipe: str) -> int:
        """The row of a recipe in `recipes` (one per distinct recipe: a server's pages share)."""
        row = conn.execute("SELECT id FROM recipes WHERE recipe = ?", (recipe,)).fetchone()
        if row is not None:
            return int(row[0])
        return int(conn.execute("INSERT INTO recipes (recipe) VALUES (?)", (recipe,)).lastrowid)

    def _delta_base(self, conn: sqlite3.Connection, sha: str | None) -> tuple[str, bytes] | None:
        """The page's previous whole body, as stored (a delta's own base: bases are never
        deltas); None when that is compressed bytes kept as received."""
        row = self._blob_row(conn, sha) if sha is not None else None
        if row is not None and row["base_sha256"] is not None:
            row = self._blob_row(conn, row["base_sha256"])
        if row is None or (row["content_encoding"] is not None and row["recipe"] is None):
            return None
        return row["sha256"], self._unpack(conn, row)

    @staticmethod
    def _blob_row(conn: sqlite3.Connection, sha: str) -> sqlite3.Row | None:
        return conn.execute(
            "SELECT b.sha256, b.content, b.compression, b.dictionary_id, b.base_sha256,"
            " b.content_encoding, r.recipe FROM blobs b LEFT JOIN recipes r ON r.id = b.recipe_id"
            " WHERE b.sha256 = ?",
            (sha,),
        ).fetchone()

    def _dictionary_for(self, conn: sqlite3.Connection, site: str) -> int | None:
        """The site's newest dictionary; (re)trained when it has TRAIN_AT[n] bodies."""
        trained = [
            r["id"]
            for r in conn.execute(
                "SELECT id FROM dictionaries WHERE site = ? ORDER BY id DESC", (site,)
            )
        ]
        current = trained[0] if trained else None
        if len(trained) < len(TRAIN_AT) and self._training_due(site):
            current = self._train(conn, site, TRAIN_AT[len(trained)]) or current
        if current is not None:
            self._load_dictionary(conn, current)
        return current

    def _training_due(self, site: str) -> bool:
        wait = self._training_wait.get(site, 0)
        if wait > 0:
            self._training_wait[site] = wait - 1
            return False
        self._training_wait[site] = TRAIN_CHECK_EVERY
        return True

    def _train(self, conn: sqlite3.Connection, site: str, needed: int) -> int | None:
        """A new dictionary from the site's latest bodies, once it has `needed` of them."""
        stored = conn.execute(
            "SELECT count(DISTINCT body_sha256) FROM captures WHERE site = ?"
            " AND body_sha256 IS NOT NULL AND http_status BETWEEN 200 AND 299",
            (site,),
        ).fetchone()[0]
        if stored < needed:
            return None
        # Newest first (the dictionary depends on the samples' order: the same pages make the
        # same dictionary, whatever their hashes; oldest first trained 45% worse ones on the
        # demo site). Compressed bytes kept as received would teach it nothing: left out.
        samples = conn.execute(
            "SELECT b.sha256, b.content, b.compression, b.dictionary_id, b.base_sha256,"
            " min(c.id) AS fetched FROM (SELECT id, body_sha256 FROM captures WHERE site = ?"
            " AND body_sha256 IS NOT NULL AND http_status BETWEEN 200 AND 299"
            " ORDER BY id DESC LIMIT ?) c JOIN blobs b ON b.sha256 = c.body_sha256"
            " WHERE b.content_encoding IS NULL OR b.recipe_id IS NOT NULL"
            " GROUP BY b.sha256 ORDER BY fetched DESC",
            (site, TRAIN_SAMPLES),
        ).fetchall()
        data = train_dictionary([self._unpack(conn, r) for r in samples])
        if data is None:  # zstd found nothing to learn: try again on later bodies
            self._training_wait[site] = TRAIN_SAMPLES
            return None
        cur = conn.execute(
            "INSERT INTO dictionaries (site, created_at, samples, size, data)"
            " VALUES (?, ?, ?, ?, ?)",
            (site, utc_now(), len(samples), len(data), data),
        )
        self._codec.add_dictionary(int(cur.lastrowid), data)
        return int(cur.lastrowid)

    def _load_dictionary(self, conn: sqlite3.Connection, dictionary_id: int) -> None:
        if not self._codec.knows(dictionary_id):
            data = conn.execute(
                "SELECT data FROM dictionaries WHERE id = ?", (dictionary_id,)
            ).fetchone()[0]
            self._codec.add_dictionary(dictionary_id, data)

    def _unpack(self, conn: sqlite3.Connection, row: sqlite3.Row) -> bytes:
        """The blob's content as stored: for a blob with a recipe, the decoded body."""
        if row["compression"] == DELTA:
            base = self._unpack(conn, self._blob_row(conn, row["base_sha256"]))
            return self._codec.unpack(row["content"], DELTA, base=base)
        if row["dictionary_id"] is not None:
            self._load_dictionary(conn, row["dictionary_id"])
        return self._codec.unpack(row["content"], row["compression"], row["dictionary_id"])

    @staticmethod
    def _content_of(conn: sqlite3.Connection, url: str, version: int) -> dict[str, Any]:
        row = conn.execute(
            "SELECT * FROM versions WHERE url = ? AND version = ?", (url, version)
        ).fetchone()
        return from_row(row)

    @staticmethod
    def _insert_capture(
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
    ) -> int:
        row = {
            "run_id": run_id,
            "url": url,
            "requested_url": capture.url,
            "site": site,
            "kind": kind,
            "fetched_at": capture.fetched_at,
            "method": capture.method,
            "request_headers": _json([list(pair) for pair in capture.request_headers]),
            "protocol": capture.protocol,
            "http_status": capture.http_status,
            "reason": capture.reason,
            "headers": _json([list(pair) for pair in capture.response_headers]),
            "body_sha256": sha,
            "redirect_to": capture.redirect_to,
            "outcome": outcome,
            "error": capture.error,
            "elapsed_ms": capture.elapsed_ms,
            "ip_address": capture.ip_address,
            "extractor_version": extractor_version or None,
            "extra": _json(dict(capture.extra)),
            "archived_at": now,
        }
        cur = conn.execute(
            f"INSERT INTO captures ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            tuple(row.values()),
        )
        return int(cur.lastrowid)

    @staticmethod
    def _update_page(
        conn: sqlite3.Connection,
        page: sqlite3.Row | None,
        url: str,
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
    ) -> None:
        old = dict(page) if page is not None else {}
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
        sets = ", ".join(f"{name} = ?" for name in update)
        conn.execute(f"UPDATE pages SET {sets} WHERE url = ?", (*update.values(), url))

    # -- reading ---------------------------------------------------------------------------

    def validators(self, url: str) -> Validators:
        row = self.conn.execute(
            "SELECT etag, last_modified FROM pages WHERE url = ?", (normalize_url(url),)
        ).fetchone()
        return Validators(row["etag"], row["last_modified"]) if row else Validators()

    def pages(self, site: str | None = None) -> Iterator[PageRow]:
        sql, params = "SELECT * FROM pages", ()
        if site is not None:
            sql, params = sql + " WHERE site = ?", (site,)
        for row in self.conn.execute(sql + " ORDER BY url", params):
            yield PageRow.from_row(row)

    def page(self, url: str) -> PageRow:
        """The page row of `url` (normalized first); NotFound if it was never archived."""
        row = self.conn.execute(
            "SELECT * FROM pages WHERE url = ?", (normalize_url(url),)
        ).fetchone()
        if row is None:
            raise NotFound(f"URL is not archived: {url} (find archived URLs with `uninews search`)")
        return PageRow.from_row(row)

    def body(self, sha256: str) -> bytes:
        """A raw body exactly as received (compressed if the server compressed it): the bytes
        a WARC record holds, whose sha256 is `sha256`.

        Archives written before schema 4 kept compressed bodies decoded; those read back as
        they were kept (their capture says extra.body_decoded_from).
        """
        row = self._stored_blob(sha256)
        content = self._unpack(self.conn, row)
        if row["recipe"] is not None:
            return rebuild(content, row["recipe"], sha256)
        return content

    def decoded_body(self, sha256: str) -> bytes:
        """A raw body with the Content-Encoding it was received with undone: the HTML a
        browser renders, for readers that parse pages (reprocess, `show --format html`).

        The coding is the one recorded with the blob from its capture's Content-Encoding
        header. Bytes that do not decode as their header said are returned as received.
        """
        row = self._stored_blob(sha256)
        content = self._unpack(self.conn, row)
        if row["content_encoding"] is None or row["recipe"] is not None:
            return content  # not compressed, or stored decoded
        try:
            return decode_content_encoding(content, row["content_encoding"])
        except CannotDecode:
            return content

    def body_encoding(self, sha256: str) -> str | None:
        """The Content-Encoding of the body as received that its blob holds, or None: none, or
        a body an uninews before schema 4 kept decoded (see body())."""
        return self._stored_blob(sha256)["content_encoding"]

    def _stored_blob(self, sha256: str) -> sqlite3.Row:
        row = self._blob_row(self.conn, sha256)
        if row is None:
            raise NotFound(f"no stored body with sha256 {sha256}")
        return row

    def latest_body(self, url: str, *, decoded: bool = False) -> tuple[bytes, list[list[str]]]:
        """The most recent body fetched for a page and its response headers (any kind of page);
        as received, or with its Content-Encoding undone if `decoded` (see decoded_body())."""
        page = self.page(url)
        row = self.conn.execute(
            "SELECT body_sha256, headers FROM captures WHERE url = ? AND body_sha256 IS NOT NULL"
            " ORDER BY id DESC LIMIT 1",
            (page.url,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no body stored for {page.url} (status {page.status})")
        read = self.decoded_body if decoded else self.body
        return read(row["body_sha256"]), json.loads(row["headers"])

    def search(self, query: str, **options: Any) -> list[queries.SearchHit]:
        return queries.search(self.conn, query, **options)

    def history(self, url: str) -> queries.History:
        return queries.history(self.conn, self.page(url))

    def version(self, url: str, number: int | None = None) -> queries.VersionRow:
        return queries.version(self.conn, self.page(url), number)


def _not_an_archive(path: str, exc: sqlite3.DatabaseError) -> NotAnArchive:
    """SQLite's refusal of a file, in the archive's words ("file is not a database")."""
    return NotAnArchive(path, "not an SQLite file" if "not a database" in str(exc) else str(exc))


def _writable(file: Path) -> bool:
    """Whether this process may write the file and make its -wal and -shm beside it.

    access(2) also says no on read-only storage, to root as well. It asks, it opens nothing.
    """
    return os.access(file, os.W_OK) and os.access(file.parent, os.W_OK | os.X_OK)


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL, waiting for other writers as busy_timeout would.

    SQLite answers `PRAGMA journal_mode = WAL` with "database is locked" at once, without
    its busy handler, while another connection writes: two crawlers (or --redis workers)
    creating one new archive together would fail. The mode is kept in the file, so
    whichever process switches it first switches it for all.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)  # another connection holds the write lock: poll, as SQLite does
