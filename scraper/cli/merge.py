"""`uninews merge OTHER.db`: fold an archive made apart into this one (thin CLI over
archive.merge)."""

from __future__ import annotations

import click

from archive import Archive
from archive.errors import ArchiveMissing
from archive.merge import MergeResult, merge, open_other

from .options import (
    BadUsage,
    archive_errors,
    db_option,
    echo_json,
    json_option,
    progress_every_option,
)


@click.command(name="merge")
@click.argument("other_path", metavar="OTHER.db", type=click.Path(dir_okay=True))
@db_option
@progress_every_option(500)
@json_option
@archive_errors
def merge_command(other_path: str, db_path: str, progress_every: int, as_json_output: bool) -> None:
    """Copy into the archive what OTHER.db holds and it lacks.

    For archives made apart (each --redis worker's own --db, another machine's crawl):
    captures are the same when page, fetch time and body hash are, and are copied once with
    their bodies and runs; a page both captured gets its versions again in time order, with
    none for content that did not change. Both files may be in use: OTHER is only read.
    Running it again adds nothing. The archive is created if it does not exist.
    """
    with open_other(other_path) as other:
        try:
            target = Archive.open(db_path, create=False)
        except ArchiveMissing:
            target = Archive.open(db_path)
        with target:
            if target.readonly:
                raise BadUsage(f"{db_path} is read-only here: merge writes into it")

            def progress(done: MergeResult) -> None:
                if done.pages_done % progress_every == 0:
                    click.echo(f"{done.pages_done:,}/{done.pages_total:,} pages", err=True)

            result = merge(target, other, progress)
    if as_json_output:
        echo_json(result.to_dict())
        return
    click.echo(
        f"Merged {other_path} into {db_path}: {result.captures_added:,} captures added, "
        f"{result.captures_skipped:,} skipped (already here), {result.versions_added:,} "
        f"versions added, {result.pages_added:,} pages added ({result.pages_updated:,} "
        f"updated), {result.runs_added:,} runs added"
    )
