"""`uninews warc`: the archive's captures as a WARC 1.1 file (thin CLI over archive.warc)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .cli import UsageProblem, archive_errors, cli, db_option, open_for_reading
from .warc import write_warc

PROGRESS_EVERY = 500  # captures between progress lines on stderr


@cli.command()
@db_option
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="The WARC file to write (gzip-compressed per record, e.g. crawl.warc.gz).",
)
@click.option("--site", help="Only captures of this site (profile name).")
@click.option("--since", help="Only captures fetched at or after this date or UTC time.")
@archive_errors
def warc(db_path: str, out_path: str, site: str | None, since: str | None) -> None:
    """Write the captures as a standard WARC 1.1 file.

    Request and response records for every fetch that got a response, revisit records for
    bodies already in the file and for 304 answers. Written to FILE.part and renamed when
    complete, so FILE is never half-written. Progress goes to stderr.
    """
    out = Path(out_path)
    if not out.parent.is_dir():
        raise UsageProblem(f"cannot write {out}: folder {out.parent} does not exist")
    part = out.with_name(out.name + ".part")

    def progress(done: int, total: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            click.echo(f"{done}/{total} captures", err=True)

    with open_for_reading(db_path) as arc:
        try:
            with part.open("wb") as handle:
                summary = write_warc(
                    arc, handle, site=site, since=since, filename=out.name, progress=progress
                )
        except BaseException:
            part.unlink(missing_ok=True)
            raise
    os.replace(part, out)
    click.echo(summary.text(str(out), out.stat().st_size))
