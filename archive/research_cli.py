"""`uninews export` and `uninews serve`: datasets for researchers, Datasette for archivists.

Registered on the `cli` group of archive.cli (importing this module adds them); each command
checks its options, calls archive.export / archive.card / archive.serve and prints one summary.
"""

from __future__ import annotations

import json
import shlex
import signal
import sys
import tempfile
import webbrowser

import click

from .card import write_card
from .cli import (
    archive_errors,
    cli,
    date_options,
    day_range,
    db_option,
    open_for_reading,
)
from .export import FORMATS, ExportFilter, export, parse_instant
from .output import STDOUT, check_target
from .serve import (
    Options,
    ServeError,
    database_name,
    datasette_command,
    prepare,
    read_metadata,
    start,
    write_metadata,
)

# Seconds Datasette may take to start serving (it imports its plugins; slow on a loaded machine).
STARTUP_TIMEOUT = 120.0


def command_line(ctx: click.Context) -> str:
    """The command that reproduces this export: every option given, in a fixed order."""
    words = ["uninews", ctx.info_name or "export"]
    for param in ctx.command.params:
        value = ctx.params.get(param.name)
        if value in (None, False, ()) or param.name == "as_json_output":
            continue
        option = param.opts[-1] if len(param.opts[-1]) > 2 else param.opts[0]
        if getattr(param, "is_flag", False):
            words.append(option)
        for one in value if isinstance(value, tuple) else () if param.is_flag else (value,):
            words += [option, str(one)]
    return shlex.join(words)


@cli.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), required=True, help="File format to write."
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(allow_dash=True),
    help="Data file to write; - for standard output (jsonl, csv).",
)
@db_option
@click.option("--site", help="Only pages of this site (profile name).")
@click.option("--lang", help="Only versions in this language (sv, en, ...).")
@date_options
@click.option(
    "--as-of",
    "as_of",
    help="Each page as it stood at this time (a date means the end of that day, UTC).",
)
@click.option("--latest", is_flag=True, help="One row per page: its current version.")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(["article", "page"]),
    help="Only pages of this kind (repeat for both; default: both).",
)
@click.option("--json", "as_json_output", is_flag=True, help="Print the summary as JSON.")
@archive_errors
@click.pass_context
def export_command(
    ctx: click.Context,
    fmt: str,
    out: str,
    db_path: str,
    site: str | None,
    lang: str | None,
    since: str | None,
    until: str | None,
    as_of: str | None,
    latest: bool,
    kinds: tuple[str, ...],
    as_json_output: bool,
) -> None:
    """Export archived versions as a dataset, with a dataset card beside it.

    One row per version (or per page with --latest or --as-of), id `<url>#v<N>`. The card,
    OUT.card.md and OUT.card.json, records the command, the uninews version, counts, field
    descriptions and the sha256 of the data file.
    """
    since, until = day_range(since, until)
    flt = ExportFilter(
        site=site,
        lang=lang,
        since=since,
        until=until,
        as_of=parse_instant(as_of),
        latest=latest,
        kinds=tuple(kinds),
    )
    check_target(out, f"data.{fmt}", archive=db_path)
    with open_for_reading(db_path) as arc:
        result = export(arc.conn, out, fmt, flt)
        cards: list[str] = []
        if result.regular:  # no card files beside a device, a pipe or standard output
            command = command_line(ctx)
            cards = [str(p) for p in write_card(arc.conn, result, archive=db_path,
                                                 command=command)]  # fmt: skip
    summary = {
        "out": str(result.path),
        "format": fmt,
        "rows": result.stats.rows,
        "pages": len(result.stats.urls),
        "bytes": result.size,
        "sha256": result.sha256,
        "card": cards,
    }
    to_stderr = out == STDOUT  # standard output holds the data
    if as_json_output:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2), err=to_stderr)
        return
    click.echo(
        f"Wrote {summary['rows']:,} rows ({summary['pages']:,} pages) to "
        f"{'standard output' if to_stderr else result.path} "
        f"[{fmt}, {result.size:,} bytes, sha256 {result.sha256[:12]}...]",
        err=to_stderr,
    )
    if cards:
        click.echo(f"Dataset card: {cards[0]} and {cards[1]}", err=to_stderr)
    if not summary["rows"]:
        click.echo("No version matched the filters (the file holds no rows).", err=True)


@cli.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "-p",
    "--port",
    default=8001,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port (0: any free port).",
)
@click.option(
    "--live",
    is_flag=True,
    help="Follow a crawl in progress (read-only, not immutable; slower counts).",
)
@click.option(
    "--setting",
    "settings",
    multiple=True,
    type=(str, str),
    metavar="NAME VALUE",
    help="A Datasette setting, e.g. --setting sql_time_limit_ms 3000 (repeatable).",
)
@click.option(
    "--metadata",
    "metadata_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Datasette metadata (YAML or JSON) to add to uninews' own; yours wins where both say.",
)
@click.option(
    "--plugins-dir",
    "plugins_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="A folder of Datasette plugins (.py files) to load too (repeatable).",
)
@click.option("--cors", is_flag=True, help="Send CORS headers (Access-Control-Allow-Origin: *).")
@click.option("--open", "open_browser", is_flag=True, help="Open the web view in a browser.")
@archive_errors
def serve_command(
    db_path: str,
    host: str,
    port: int,
    live: bool,
    settings: tuple[tuple[str, str], ...],
    metadata_path: str | None,
    plugins_dirs: tuple[str, ...],
    cors: bool,
    open_browser: bool,
) -> None:
    """Browse and search the archive in Datasette, read-only, and print its address.

    The web view: /-/search (ranked, highlighted, with search's filters), /-/page?url=URL (a
    page's captures, versions and word-level edits; every URL in the tables links there) and
    /-/changes (new, edited, silently edited, gone and moved pages per site). The tables have
    facets on site, language, category and year, full-text search and canned queries.
    Datasette's --setting, --metadata, --plugins-dir and --cors are passed through.
    """
    open_for_reading(db_path).close()
    extra = read_metadata(metadata_path) if metadata_path else None
    prepare(db_path)
    options = Options(settings=settings, plugins_dirs=plugins_dirs, cors=cors)
    with tempfile.TemporaryDirectory(prefix="uninews-serve-") as folder:
        command = datasette_command(
            db_path,
            write_metadata(db_path, folder, extra),
            host=host,
            port=port,
            live=live,
            options=options,
        )
        try:
            running = start(command, timeout=STARTUP_TIMEOUT, echo=sys.stderr)
        except ServeError as exc:
            raise click.ClickException(str(exc)) from exc
        # Stopping uninews stops Datasette too (kill, Ctrl-C, a service manager's SIGTERM).
        signal.signal(signal.SIGTERM, lambda *_: running.process.terminate())
        address = f"{running.url}/{database_name(db_path)}"
        click.echo(f"Serving {db_path} at {address}")
        click.echo(f"  search: {running.url}/-/search   what changed: {running.url}/-/changes")
        click.echo("Press Ctrl-C to stop.")
        if open_browser:
            webbrowser.open(f"{running.url}/-/search")
        try:
            code = running.process.wait()
        except KeyboardInterrupt:
            running.process.terminate()
            code = running.process.wait()
        if running.reader is not None:
            running.reader.join(timeout=5)
    if code not in (0, -15):
        raise click.ClickException(str(ServeError(f"Datasette stopped with exit code {code}")))
