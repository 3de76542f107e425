"""A consistent copy of an archive, also while a crawl writes it.

`cp` of a live WAL archive copies the main file and the -wal at two different moments, and
the newest commits live only in the -wal: the copy can miss them or be inconsistent, and
copying a -shm is meaningless. SQLite's online backup API reads every page inside one read
transaction, so the copy is the archive as of one commit, whatever is written meanwhile (WAL
readers never block the writer). The copy is checked with `PRAGMA integrity_check` before it
takes its name.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .errors import ArchiveError
from .output import OutputError, check_target
from .store import Archive


@dataclass(frozen=True)
class BackupResult:
    out: Path
    size: int
    pages: int
    captures: int
    versions: int


def backup(archive: Archive, out: str | Path) -> BackupResult:
    """Copy `archive` to a new file `out`; raise OutputError for a target in the way."""
    out = Path(out)
    check_target(str(out), "archive-copy.db", archive=archive.path)
    if out.exists() or out.is_symlink():
        raise OutputError(f"{out} exists: give a new file name (a backup never overwrites)")
    partial = out.with_name(f".{out.name}.partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)  # a partial copy of an earlier, killed backup
    try:
        copy = sqlite3.connect(partial)
        try:
            archive.conn.backup(copy)  # all pages in one step: one read transaction
            copy.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
            (check,) = copy.execute("PRAGMA integrity_check").fetchone()
            captures = copy.execute("SELECT count(*) FROM captures").fetchone()[0]
            versions = copy.execute("SELECT count(*) FROM versions").fetchone()[0]
            pages = copy.execute("SELECT count(*) FROM pages").fetchone()[0]
        finally:
            copy.close()
        if check != "ok":
            raise ArchiveError(f"the copy failed its integrity check ({check}); nothing written")
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(out, out.stat().st_size, pages, captures, versions)
