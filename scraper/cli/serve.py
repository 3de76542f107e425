"""`uninews serve`: Datasette over the archive, read-only, with the uninews web view.

Writes Datasette's metadata to a temporary folder, starts Datasette as a child process, prints
its address and stops it when uninews is stopped.
"""

from __future__ import annotations

import signal
import sys
import tempfile
import webbrowser

import click

from archive.serve import (
    Options,
    ServeError,
    check_port,
    database_name,
    datasette_command,
    prepare,
    read_metadata,
    start,
    write_metadata,
)

from .options import archive_errors, db_option, open_for_reading

# Seconds Datasette may take to start serving (it imports its plugins; slow on a loaded machine).
STARTUP_TIMEOUT = 120.0


@click.command("serve")
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
    check_port(host, port)
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
