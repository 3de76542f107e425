"""`uninews wacz`: the archive's captures as a WACZ package (thin CLI over archive.wacz)."""

from __future__ import annotations

from pathlib import Path

import click

from archive.output import check_target, output_file
from archive.wacz import write_wacz

from .options import (
    BadUsage,
    archive_errors,
    capture_options,
    db_option,
    open_for_reading,
    out_option,
)
from .warc import PROGRESS_EVERY


@click.command()
@db_option
@out_option("The WACZ file to write (its name must end in .wacz, e.g. umu.wacz).")
@capture_options
@click.option("--title", help="The package's title (default: 'uninews archive of SITE').")
@archive_errors
def wacz(
    db_path: str,
    out_path: str,
    site: str | None,
    since: str | None,
    until: str | None,
    title: str | None,
) -> None:
    """Write the captures as a WACZ 1.1.1 package, for ReplayWeb.page and pywb.

    The package holds the WARC that `uninews warc` writes, its CDXJ index, pages/pages.jsonl
    (each version of each archived page with its title and extracted text, so replay tools
    list and search them) and datapackage.json with the size and sha256 of every file.
    Written to .FILE.partial and renamed when complete. Progress goes to stderr.
    """
    out = Path(out_path)
    if out.suffix != ".wacz":
        raise BadUsage(f"cannot write {out}: a WACZ file's name ends in .wacz")
    check_target(out_path, "crawl.wacz", archive=db_path)
    work = out.with_name(f".{out.name}.warc.partial")  # the WARC, while it is indexed

    def progress(done: int, total: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            click.echo(f"{done}/{total} captures", err=True)

    with open_for_reading(db_path) as arc, output_file(out_path) as (handle, written):
        summary = write_wacz(
            arc,
            handle,
            work,
            site=site,
            since=since,
            until=until,
            title=title,
            progress=progress,
        )
    click.echo(summary.text(out_path, written.size))
