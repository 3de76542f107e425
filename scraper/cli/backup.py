"""`uninews backup`: a consistent copy of a live archive, made by SQLite itself."""

from __future__ import annotations

import click

from .options import archive_errors, db_option, echo_json, json_option, open_for_reading, out_option


@click.command()
@db_option
@out_option("The new file to write (never overwritten).")
@json_option
@archive_errors
def backup(db_path: str, out_path: str, as_json_output: bool) -> None:
    """A consistent copy of the archive, safe while a crawl writes it.

    Uses SQLite's online backup API (one read transaction: the copy is the archive as of
    one commit) and checks the copy with PRAGMA integrity_check before naming it OUT. Do not
    `cp` a live archive: its newest commits are in the -wal file, copied at another moment.
    """
    from archive.backup import backup as backup_archive

    with open_for_reading(db_path) as arc:
        result = backup_archive(arc, out_path)
    if as_json_output:
        echo_json({"out": str(result.out), "bytes": result.size, "pages": result.pages,
                   "captures": result.captures, "versions": result.versions,
                   "integrity_check": "ok"})  # fmt: skip
        return
    click.echo(
        f"Copied {db_path} to {result.out}: {result.pages:,} pages, {result.captures:,} "
        f"captures, {result.versions:,} versions, {result.size:,} bytes; integrity_check ok"
    )
