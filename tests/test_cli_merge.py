"""`uninews merge` refuses what it cannot merge from in one line and exit 2, and writes
nothing: a missing file, a file that is no uninews archive, one from a newer uninews or too old
to read, the archive itself. A worker's archive of an older uninews is read as it is."""

from __future__ import annotations

import json
import sqlite3

import pytest
from fixtures_archive import build_capture, build_content
from fixtures_crawl import run_uninews

from archive import Archive
from archive.schema import APPLICATION_ID, SCHEMA_VERSION


def refused(tmp_path, other) -> str:  # noqa: ANN001
    target = tmp_path / "target.db"
    result = run_uninews("merge", str(other), "--db", str(target))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert result.stdout == ""
    return lines[0]


def test_a_missing_file(tmp_path):
    line = refused(tmp_path, tmp_path / "nowhere.db")
    assert line == f"Error: no archive at {tmp_path / 'nowhere.db'} to merge"
    assert not (tmp_path / "target.db").exists()


@pytest.mark.parametrize("kind", ["text", "other program"])
def test_a_file_that_is_no_uninews_archive(tmp_path, kind):
    other = tmp_path / "other.db"
    if kind == "text":
        other.write_text("not a database at all, but long enough to be read as one\n" * 20)
    else:
        conn = sqlite3.connect(other)
        conn.execute("CREATE TABLE notes (text TEXT)")
        conn.commit()
        conn.close()
    assert refused(tmp_path, other).startswith(f"Error: not a uninews archive: {other}")
    assert not (tmp_path / "target.db").exists()


def test_an_archive_of_a_newer_uninews(tmp_path):
    other = tmp_path / "newer.db"
    conn = sqlite3.connect(other)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("CREATE TABLE future (x)")
    conn.commit()
    conn.close()
    line = refused(tmp_path, other)
    assert f"has archive schema version {SCHEMA_VERSION + 1}" in line and "upgrade" in line


def test_the_archive_itself(tmp_path):
    target = tmp_path / "target.db"
    Archive.open(target).close()
    line = refused(tmp_path, target)
    assert line == f"Error: {target} is the archive merged into: give another file"


def older(path, version: int) -> None:  # noqa: ANN001
    """An archive as an older uninews left it: the later migrations' additions taken out."""
    with Archive.open(path) as arc:
        capture = build_capture(fetched_at="2026-03-01T10:00:00.000000Z")
        arc.record(capture, build_content(), run_id=None, site="umu")
    conn = sqlite3.connect(path)
    conn.execute("DROP INDEX versions_filters")  # migration 5
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()


def test_an_archive_of_an_older_uninews_is_read_as_it_is(tmp_path):
    other = tmp_path / "worker.db"
    older(other, 4)
    result = run_uninews("merge", str(other), "--db", str(tmp_path / "target.db"), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["versions_added"] == 1
    conn = sqlite3.connect(other)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 4  # read, never migrated
    conn.close()


def test_an_archive_too_old_to_read_says_how_to_upgrade_it(tmp_path):
    other = tmp_path / "worker.db"
    older(other, 3)
    line = refused(tmp_path, other)
    assert "has archive schema version 3, this uninews reads 4" in line
    assert "open it once where it can be written (any uninews command)" in line
