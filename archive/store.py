"""The Archive: one SQLite file of pages, captures, raw bodies and content versions.

This module owns the file: opening it (read-only where it cannot be written), migrating it,
the one way to write to it (transaction()) and the runs. What is written and read is the
business of the modules the Archive delegates to: archive.writes (record), archive.bodies
(raw bodies), archive.queries (every read); its methods are the public API over them.

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
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from . import health, queries, resume, writes
from .bodies import Bodies
from .capture import Capture
from .content import Prepared, json_text
from .errors import ArchiveError, ArchiveMissing, ArchiveTooNew, NotAnArchive, NotFound
from .lookup import find_page
from .outcomes import NOT_PAGES_SQL
from .process import is_gone, this_process
from .queries import PageRow, Validators
from .schema import APPLICATION_ID, SCHEMA_VERSION, migrate
from .times import utc_now
from .writes import Recorded

__all__ = ["Archive", "PageRow", "Recorded", "Validators", "transaction"]

BUSY_TIMEOUT_MS = 30_000
# runs.stats key of the process that runs a crawl (archive.process), kept when it finishes.
RUN_PROCESS = "uninews/process"


class Archive:
    """A uninews archive file. Open with Archive.open(path); usable as a context manager."""

    def __init__(self, conn: sqlite3.Connection, path: str, *, readonly: bool = False) -> None:
        self.conn = conn
        self.path = path
        self.readonly = readonly
        self.bodies = Bodies(conn)

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
    def open(
        cls,
        path: str | Path,
        *,
        create: bool = True,
        readonly: bool = False,
        oldest: int = SCHEMA_VERSION,
    ) -> Archive:
        """Open (and migrate) an archive; create it unless `create` is False.

        An existing archive that this process cannot write (read-only storage, a folder or
        file of another user) opens read-only when `create` is False, as it does with
        `readonly`. Raises ArchiveMissing, NotAnArchive, or ArchiveTooNew for a file from a
        newer uninews. `readonly` with an `oldest` schema version reads an archive that old as
        it is, unmigrated: for a reader that needs only what that schema has (archive.merge).
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
            return cls._open_readonly(path, oldest if readonly else SCHEMA_VERSION)
        if not file.parent.is_dir():
            raise ArchiveError(f"cannot create {path}: folder {file.parent} does not exist")
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.row_factory = sqlite3.Row
        try:
            cls._set_up(conn, path, create)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise _not_an_archive(path, exc) from exc
        except BaseException:
            conn.close()
            raise
        return cls(conn, path)

    @classmethod
    def _open_readonly(cls, path: str, oldest: int = SCHEMA_VERSION) -> Archive:
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
                if version < oldest:
                    raise ArchiveError(
                        f"{path} is opened read-only here and has archive schema version "
                        f"{version}, this uninews reads {oldest}: open it once where it can be "
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
        # One read snapshot: a crawl creating the archive meanwhile must not be seen half-made
        # (its tables without its application_id, read a moment apart).
        in_transaction = conn.in_transaction
        if not in_transaction:
            conn.execute("BEGIN")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            if not in_transaction:
                conn.execute("COMMIT")
        if app_id != APPLICATION_ID:
            if has_tables or version:
                raise NotAnArchive(path, "a database of another program")
            if not create:
                raise NotAnArchive(path, "an empty database")
        if version > SCHEMA_VERSION:
            raise ArchiveTooNew(path, version, SCHEMA_VERSION)
        return version

    @classmethod
    def _set_up(cls, conn: sqlite3.Connection, path: str, create: bool) -> None:
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
            with transaction(conn):
                current = conn.execute("PRAGMA user_version").fetchone()[0]
                if current > SCHEMA_VERSION:
                    raise ArchiveTooNew(path, current, SCHEMA_VERSION)
                migrate(conn, current)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """The one way to write: `with arc.transaction() as conn:` commits on success and rolls
        back on any error (see the module function transaction)."""
        return transaction(self.conn)

    # -- runs ------------------------------------------------------------------------------

    def start_run(
        self,
        site: str,
        spider: str,
        *,
        process: Mapping[str, Any] | None = None,
        key: str | None = None,
        started_at: str | None = None,
    ) -> int:
        """A new run row, `running`; runs whose process has gone become `interrupted` first.

        A run crawled elsewhere and handed over (`uninews ingest`) names the process that
        crawls it (archive.process.this_process() there), when it started there, and the key
        it was handed over under, so that reading the hand-over again finds this run
        (run_with_key).
        """
        stats: dict[str, Any] = {RUN_PROCESS: dict(process or this_process())}
        if key is not None:
            stats[queries.INGEST_KEY] = key
        with self.transaction() as conn:
            self._mark_interrupted(conn)
            cur = conn.execute(
                "INSERT INTO runs (site, spider, started_at, status, stats)"
                " VALUES (?, ?, ?, 'running', ?)",
                (site, spider, started_at or utc_now(), json_text(stats)),
            )
            return int(cur.lastrowid)

    def run_with_key(self, key: str) -> int | None:
        """The run started under `key` (start_run), if one was."""
        return queries.run_with_key(self.conn, key)

    def capture_with_key(self, url: str, key: str) -> int | None:
        """The capture of `url` recorded with `key` in its extra (queries.INGEST_KEY), if one
        was: a capture handed over twice is written once."""
        return queries.capture_with_key(self.conn, url, key)

    def _mark_interrupted(self, conn: sqlite3.Connection) -> None:
        """A run left `running` by a process that has ended (killed, out of memory, reboot)."""
        rows = conn.execute("SELECT id, stats FROM runs WHERE status = 'running'").fetchall()
        for row in rows:
            stats = json.loads(row["stats"] or "{}")
            if is_gone(stats.get(RUN_PROCESS) or {}):
                stats["uninews/interrupted_found_at"] = utc_now()
                conn.execute(
                    "UPDATE runs SET status = 'interrupted', stats = ? WHERE id = ?",
                    (json_text(stats), row["id"]),
                )

    def run_counts(self, run_id: int) -> dict[str, int]:
        """Captures of pages in a run by outcome, as committed: what a crawl's summary reports
        (captures of discovery files and requisites, outcomes.NOT_PAGES, are left out)."""
        rows = self.conn.execute(
            "SELECT outcome, count(*) FROM captures WHERE run_id = ?"
            f" AND kind NOT IN {NOT_PAGES_SQL} GROUP BY outcome",
            (run_id,),
        )
        return {outcome: n for outcome, n in rows}

    def resume_point(
        self, site: str, spider: str, current_run: int, window_seconds: float
    ) -> resume.ResumePoint:
        """What the interrupted runs before `current_run` captured (archive.resume)."""
        return resume.resume_point(self.conn, site, spider, current_run, window_seconds)

    def run_health(self, run_id: int, rules: health.Rules | None = None) -> health.Health:
        """The run's extraction health against its site's recent runs (archive.health)."""
        return health.check(self.conn, run_id, rules)

    def last_finished_run(self, site: str) -> str | None:
        return queries.last_finished_run(self.conn, site)

    def finish_run(
        self,
        run_id: int,
        status: str,
        stats: Mapping[str, Any],
        finished_at: str | None = None,
    ) -> None:
        """The run's end: now, or when a run crawled elsewhere ended there (`finished_at`)."""
        with self.transaction() as conn:
            row = conn.execute("SELECT stats FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row is None:
                raise NotFound(f"no run with id {run_id}")
            kept = json.loads(row[0] or "{}")
            final = {k: kept[k] for k in (RUN_PROCESS, queries.INGEST_KEY) if k in kept}
            final.update(stats)
            conn.execute(
                "UPDATE runs SET finished_at = ?, status = ?, stats = ? WHERE id = ?",
                (finished_at or utc_now(), status, json_text(final), run_id),
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
        return writes.record(
            self, capture, content, run_id=run_id, site=site, kind=kind,
            extractor_version=extractor_version, lang=lang,
        )  # fmt: skip

    # -- reading ---------------------------------------------------------------------------

    def validators(self, url: str) -> Validators:
        return queries.validators(self.conn, url)

    def pages(self, site: str | None = None) -> Iterator[PageRow]:
        return queries.pages(self.conn, site)

    def page_list(self, flt: queries.PageFilter | None = None) -> list[queries.PageListing]:
        return queries.page_list(self.conn, flt)

    def page(self, url: str) -> PageRow:
        """The page row of `url` as typed (lookup.find_page); NotFound if it is not archived."""
        return find_page(self.conn, url)

    def body(self, sha256: str) -> bytes:
        """A raw body exactly as received (compressed if the server compressed it): the bytes
        a WARC record holds, whose sha256 is `sha256`.

        Archives written before schema 4 kept compressed bodies decoded; those read back as
        they were kept (their capture says extra.body_decoded_from).
        """
        return self.bodies.body(sha256)

    def decoded_body(self, sha256: str) -> bytes:
        """A raw body with the Content-Encoding it was received with undone: the HTML a
        browser renders, for readers that parse pages (reprocess, `show --format html`).

        The coding is the one recorded with the blob from its capture's Content-Encoding
        header. Bytes that do not decode as their header said are returned as received.
        """
        return self.bodies.decoded_body(sha256)

    def body_encoding(self, sha256: str) -> str | None:
        """The Content-Encoding of the body as received that its blob holds, or None: none, or
        a body an uninews before schema 4 kept decoded (see body())."""
        return self.bodies.body_encoding(sha256)

    def latest_body(self, url: str, *, decoded: bool = False) -> tuple[bytes, list[list[str]]]:
        """The most recent body fetched for a page and its response headers (any kind of page);
        as received, or with its Content-Encoding undone if `decoded` (see decoded_body())."""
        return self.bodies.latest_body(self.page(url), decoded=decoded)

    def search(self, query: str, **options: Any) -> list[queries.SearchHit]:
        return queries.search(self.conn, query, **options)

    def search_result(self, query: str, **options: Any) -> queries.Searched:
        return queries.search_result(self.conn, query, **options)

    def history(self, url: str) -> queries.History:
        return queries.history(self.conn, self.page(url))

    def version(self, url: str, number: int | None = None) -> queries.VersionRow:
        return queries.version(self.conn, self.page(url), number)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One IMMEDIATE transaction: SQLite's write lock is taken before anything is read.

    Every write to an archive goes through here (Archive.transaction), the migrations that run
    while it opens too.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


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
