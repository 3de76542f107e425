"""Opening archives: creation, migrations, refusing files that are not (or not yet) ours."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from archive import Archive, ArchiveMissing, ArchiveTooNew, NotAnArchive
from archive.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION


def test_new_archive_has_public_schema_wal_and_version(archive_path):
    with Archive.open(archive_path) as arc:
        tables = set(arc.db.table_names()) | set(arc.db.view_names())
        assert {"runs", "pages", "captures", "blobs", "versions", "articles"} <= tables
        assert arc.db["versions"].detect_fts() == "versions_fts"
        assert arc.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert arc.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert arc.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 30_000
    with Archive.open(archive_path, create=False) as arc:  # reopening is a no-op
        assert arc.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_new_archive_waits_for_a_process_that_is_writing_it(tmp_path):
    # Two --redis workers creating one archive: SQLite refuses the switch to WAL at once,
    # busy_timeout or not, while another connection holds the write lock.
    path = tmp_path / "shared.db"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE scratch (x)")
    outcome: dict[str, object] = {}

    def open_archive() -> None:
        try:
            with Archive.open(path) as arc:
                outcome["mode"] = arc.conn.execute("PRAGMA journal_mode").fetchone()[0]
                outcome["version"] = arc.conn.execute("PRAGMA user_version").fetchone()[0]
        except Exception as exc:  # the failure is the test's finding
            outcome["error"] = exc

    opener = threading.Thread(target=open_archive)
    opener.start()
    opener.join(timeout=0.5)  # without waiting, open() has failed by now
    assert "error" not in outcome, outcome.get("error")
    other.execute("ROLLBACK")
    other.close()
    opener.join(timeout=30)
    assert "error" not in outcome, outcome.get("error")
    assert (outcome["mode"], outcome["version"]) == ("wal", SCHEMA_VERSION)


def test_migrations_are_registered_functions_counting_user_version():
    assert SCHEMA_VERSION == len(MIGRATIONS) >= 1
    assert all(callable(m) for m in MIGRATIONS)


def test_archive_from_newer_uninews_is_refused(archive_path):
    Archive.open(archive_path).close()
    conn = sqlite3.connect(archive_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(ArchiveTooNew, match="upgrade uninews"):
        Archive.open(archive_path)


def test_missing_file_is_not_created_for_reading(tmp_path):
    path = tmp_path / "nothing.db"
    with pytest.raises(ArchiveMissing):
        Archive.open(path, create=False)
    assert not path.exists()


def test_text_file_is_not_an_archive(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("hello, not a database\n" * 10)
    with pytest.raises(NotAnArchive, match="not a uninews archive"):
        Archive.open(path)
    assert path.read_text().startswith("hello")


def test_other_programs_database_is_not_an_archive(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(NotAnArchive):
        Archive.open(path)


def test_two_writers_on_one_archive_both_land(archive_path, make_capture, article_content):
    with Archive.open(archive_path) as one, Archive.open(archive_path) as two:
        for n in range(10):
            arc = one if n % 2 else two
            arc.record(make_capture(f"https://x.se/{n}"), article_content(), run_id=None, site="x")
        assert one.conn.execute("SELECT count(*) FROM versions").fetchone()[0] == 10


def test_archive_of_an_older_schema_is_migrated_on_open(archive_path, make_capture):
    conn = sqlite3.connect(archive_path, isolation_level=None)
    MIGRATIONS[0](conn)  # an archive as the first release wrote it
    conn.execute("PRAGMA user_version = 1")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(
        "INSERT INTO pages (url, site, kind, first_seen, status)"
        " VALUES ('https://a.se/', 'a', 'page', '2025-01-01T00:00:00Z', 'live')"
    )
    conn.close()
    with Archive.open(archive_path, create=False) as arc:
        assert arc.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [p.url for p in arc.pages()] == ["https://a.se/"]
        rec = arc.record(make_capture("https://a.se/"), None, run_id=None, site="a", kind="page")
        assert rec.outcome == "new"


def test_transaction_commits_or_rolls_back_as_a_whole(archive):
    with archive.transaction() as conn:
        conn.execute("INSERT INTO runs (site, spider, started_at) VALUES ('a', 'x', 't')")
    with pytest.raises(RuntimeError), archive.transaction() as conn:
        conn.execute("INSERT INTO runs (site, spider, started_at) VALUES ('b', 'x', 't')")
        raise RuntimeError("crash in the middle")
    assert [r[0] for r in archive.conn.execute("SELECT site FROM runs")] == ["a"]
