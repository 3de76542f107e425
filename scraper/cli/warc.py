"""`uninews warc`: the archive's captures as a WARC 1.1 file (thin CLI over archive.warc)."""

from __future__ import annotations

from pathlib import Path

import click

from archive.output import STDOUT, check_target, output_file
from archive.warc import write_warc

from .options import archive_errors, capture_options, db_option, open_for_reading, out_option

PROGRESS_EVERY = 500  # captures between progress lines on stderr


@click.command()
@db_option
@out_option(
    "The WARC file to write (gzip-compressed per record, e.g. crawl.warc.gz); - for "
    "standard output.",
    allow_dash=True,
)
@capture_options
@archive_errors
def warc(
    db_path: str, out_path: str, site: str | None, since: str | None, until: str | None
) -> None:
    """Write the captures as a standard WARC 1.1 file.

    Request and response records for every fetch that got a response, revisit records for
    bodies already in the file and for 304 answers. Written to .FILE.partial and renamed when
    complete, so FILE is never half-written. Progress goes to stderr.
    """
    check_target(out_path, "crawl.warc.gz", archive=db_path)

    def progress(done: int, total: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            click.echo(f"{done}/{total} captures", err=True)

    name = "stdout.warc.gz" if out_path == STDOUT else Path(out_path).name
    with open_for_reading(db_path) as arc, output_file(out_path) as (handle, written):
        summary = write_warc(
            arc,
            handle,
            site=site,
            since=since,
            until=until,
            filename=name,
            progress=progress,
        )
    where = "standard output" if out_path == STDOUT else out_path
    click.echo(summary.text(where, written.size), err=out_path == STDOUT)
