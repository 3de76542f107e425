"""Archives that cannot be written here (read-only storage, another user's folder) open for
every read command, and the commands that write say so in one line; `uninews backup` copies
an archive consistently; export and warc write to standard output, devices and pipes in
place and give one line for a folder they cannot write."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures_crawl import run_uninews
from warcio.archiveiterator import ArchiveIterator

pytestmark = pytest.mark.crawl  # the demo archive is built by two real crawls


def mount_tmpfs(folder: Path) -> None:
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(folder)],
                             capture_output=True, text=True)  # fmt: skip
    if mounted.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"cannot mount a tmpfs for the read-only test: {mounted.stderr}")
        pytest.skip(f"no tmpfs mount here: {mounted.stderr.strip()}")


@pytest.fixture
def readonly_archive(demo_archive, tmp_path: Path) -> Iterator[Path]:
    """A copy of the demo archive on read-only storage, with no -wal or -shm beside it: a
    tmpfs remounted read-only as root (whom file modes do not stop), else modes without
    write bits."""
    folder = tmp_path / "ro"
    folder.mkdir()
    target = folder / "archive.db"
    as_root = os.geteuid() == 0
    if as_root:
        mount_tmpfs(folder)
    try:
        result = run_uninews("backup", "--db", str(demo_archive.path), "--out", str(target))
        assert result.returncode == 0, result.stderr
        if as_root:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        else:
            target.chmod(0o444)
            folder.chmod(0o555)
        yield target
    finally:
        if as_root:
            subprocess.run(["umount", "-l", str(folder)], check=False)
        else:
            folder.chmod(0o755)


def test_every_read_command_opens_a_read_only_archive(readonly_archive: Path, demo_archive):
    db = ["--db", str(readonly_archive)]
    url = demo_archive.rows("SELECT url FROM versions WHERE version = 2 LIMIT 1")[0]["url"]
    for args in (
        ["search", "forskning"],
        ["history", url],
        ["show", url],
        ["diff", url],
        ["export", "--format", "jsonl", "--out", "-"],
        ["warc", "--out", os.devnull],
        ["backup", "--out", str(readonly_archive.parent.parent / "copy.db")],
    ):
        result = run_uninews(*args, *db)
        assert result.returncode == 0, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert sorted(p.name for p in readonly_archive.parent.iterdir()) == ["archive.db"]


def test_commands_that_write_refuse_a_read_only_archive_in_one_line(readonly_archive: Path):
    result = run_uninews("reprocess", "--db", str(readonly_archive))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"Error: {readonly_archive} is read-only here and reprocess writes new versions: run it "
        "where the archive can be written, or on a copy (`uninews backup --out COPY.db`)"
    ]


def test_export_and_warc_into_a_read_only_folder_fail_in_one_line(
    readonly_archive: Path, demo_archive
) -> None:
    out = readonly_archive.parent / "data.jsonl"
    for args in (
        ["export", "--format", "jsonl", "--out", str(out)],
        ["warc", "--out", str(readonly_archive.parent / "c.warc.gz")],
    ):
        result = run_uninews(*args, "--db", str(demo_archive.path))
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "is not writable here" in lines[0], lines
    assert sorted(p.name for p in readonly_archive.parent.iterdir()) == ["archive.db"]


def test_backup_is_a_checked_copy_that_never_overwrites(demo_archive, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    result = run_uninews("backup", "--db", str(demo_archive.path), "--out", str(copy), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    versions = demo_archive.rows("SELECT count(*) AS n FROM versions")[0]["n"]
    assert summary["versions"] == versions and summary["integrity_check"] == "ok"
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM versions").fetchone()[0] == versions
    conn.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.db"]  # no -wal, no partial
    assert run_uninews("search", "forskning", "--db", str(copy)).returncode == 0

    again = run_uninews("backup", "--db", str(demo_archive.path), "--out", str(copy))
    assert again.returncode == 2
    assert again.stderr.strip() == (
        f"Error: {copy} exists: give a new file name (a backup never overwrites)"
    )
    itself = run_uninews("backup", "--db", str(copy), "--out", str(copy))
    assert itself.returncode == 2 and "is the archive itself" in itself.stderr


def test_export_to_standard_output_a_pipe_and_a_device(demo_archive, tmp_path: Path) -> None:
    db = ["--db", str(demo_archive.path)]
    to_file = tmp_path / "data.jsonl"
    assert run_uninews("export", "--format", "jsonl", "--out", str(to_file), *db).returncode == 0
    piped = run_uninews("export", "--format", "jsonl", "--out", "-", *db)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == to_file.read_text(encoding="utf-8")
    assert "Wrote" in piped.stderr and "standard output" in piped.stderr

    parquet = run_uninews("export", "--format", "parquet", "--out", "-", *db)
    assert parquet.returncode == 2
    assert parquet.stderr.strip() == (
        "Error: --format parquet cannot go to standard output: give a file name with --out"
    )

    fifo = tmp_path / "data.fifo"
    os.mkfifo(fifo)
    landed = tmp_path / "from-the-pipe.csv"
    with landed.open("wb") as sink:
        reader = subprocess.Popen(["cat", str(fifo)], stdout=sink)
        through = run_uninews("export", "--format", "csv", "--out", str(fifo), *db)
        reader.wait(timeout=120)
    received = landed.read_bytes()
    assert through.returncode == 0, through.stderr
    assert received.startswith(b"id,url,") and received.count(b"\r\n") > 10
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert not list(tmp_path.glob("data.fifo.card.*"))

    null = run_uninews("export", "--format", "csv", "--out", os.devnull, *db)
    assert null.returncode == 0, null.stderr
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert not list(Path(os.devnull).parent.glob("null.card.*"))


def test_warc_to_standard_output_is_a_readable_warc(demo_archive, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scraper.cli",
            "warc",
            "--out",
            "-",
            "--db",
            str(demo_archive.path),
        ],  # fmt: skip
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    path = tmp_path / "out.warc.gz"
    path.write_bytes(result.stdout)
    with path.open("rb") as handle:
        types = [record.rec_type for record in ArchiveIterator(handle)]
    assert types[0] == "warcinfo" and types.count("response") > 10
