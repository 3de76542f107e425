"""`uninews reprocess`: re-extract stored bodies with the current extractor (thin CLI).

The extractor glue (and with it Scrapy's response classes) is imported only when the
command runs, so registering the command costs every other `uninews` command nothing.
"""

from __future__ import annotations

import signal
import sys
from typing import Any

import click

from archive.reprocess import ReprocessStats, reprocess

from .options import BadUsage, archive_errors, db_option, open_for_reading, progress_every_option


def _terminate(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt  # kill (SIGTERM) is an interruption like Ctrl-C: resumable


@click.command(name="reprocess")
@db_option
@click.option("--site", help="Only pages of this site (profile name).")
@click.option(
    "--extractor",
    "extractor_spec",
    metavar="MODULE:FUNCTION",
    help="Another extractor with scraper.extract.extract's signature (default: the installed one).",
)
@progress_every_option(50)
@archive_errors
def reprocess_command(
    db_path: str, site: str | None, extractor_spec: str | None, progress_every: int
) -> None:
    """Re-extract every page's latest stored body with the current extractor.

    A new version is written only where the extracted content changed, marked with the
    extractor version. The run is recorded in `runs` (spider "reprocess"); an interrupted
    reprocess (Ctrl-C, kill) is resumed by running the command again.
    """
    from archive.feeds import feed_entries
    from scraper.reprocess import ExtractorNotFound, load_extractor, page_content

    try:
        extract, version = load_extractor(extractor_spec)
    except ExtractorNotFound as exc:
        raise BadUsage(str(exc)) from exc
    with open_for_reading(db_path) as arc:
        if arc.readonly:
            raise BadUsage(
                f"{db_path} is read-only here and reprocess writes new versions: run it where "
                "the archive can be written, or on a copy (`uninews backup --out COPY.db`)"
            )
        if site is not None:
            sites = [r[0] for r in arc.conn.execute("SELECT DISTINCT site FROM pages ORDER BY 1")]
            if site not in sites:
                known = ", ".join(sites) or "none yet"
                raise BadUsage(f"no pages of site {site!r} in this archive (sites: {known})")

        def progress(stats: ReprocessStats) -> None:
            if stats.processed % progress_every == 0 or stats.processed == stats.total:
                click.echo(
                    f"{stats.processed}/{stats.total} pages, {stats.changed} new versions",
                    err=True,
                )

        previous = signal.signal(signal.SIGTERM, _terminate)
        try:
            content = page_content(extract, lambda name: feed_entries(arc, name))
            result = reprocess(arc, content, version, site=site, progress=progress)
        except KeyboardInterrupt:
            click.echo(
                "Interrupted: run `uninews reprocess` again to resume where it stopped.", err=True
            )
            sys.exit(1)
        finally:
            signal.signal(signal.SIGTERM, previous)
    stats = result.stats
    resumed = f", resumed {stats.resumed} time(s)" if stats.resumed else ""
    click.echo(
        f"Reprocessed {stats.processed} pages with extractor {version} (run {result.run_id}"
        f"{resumed}): {stats.changed} new versions, {stats.unchanged} unchanged, "
        f"{stats.no_content} without content"
    )
