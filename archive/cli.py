"""Thin click CLI over the archive library (search, history, show, diff, ...).

Each command opens the archive, calls one library function and prints; named archive errors
become one-line messages with exit code 2 at this edge.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any

import click

from .diff import diff_fields
from .errors import ArchiveError
from .render import FORMATS, as_json, as_markdown, as_text, decode_html
from .store import Archive


class UsageProblem(click.ClickException):
    """A one-line error for bad input: exit code 2, like click's own usage errors."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


def db_option(func: Callable) -> Callable:
    return click.option(
        "--db",
        "db_path",
        default="archive.db",
        show_default=True,
        type=click.Path(dir_okay=True),
        help="The archive file to read.",
    )(func)


def json_option(func: Callable) -> Callable:
    return click.option("--json", "as_json_output", is_flag=True, help="Print JSON.")(func)


def archive_errors(func: Callable) -> Callable:
    """Turn ArchiveError into a one-line message and exit code 2 (never a traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ArchiveError as exc:
            raise UsageProblem(str(exc)) from exc

    return wrapper


def open_for_reading(path: str) -> Archive:
    return Archive.open(path, create=False)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.group()
@click.version_option(package_name="uninews")
def cli() -> None:
    """uninews: crawl university news pages and keep every change in SQLite."""


@cli.command()
@click.argument("query")
@db_option
@json_option
@click.option("--current", is_flag=True, help="Only current versions of live pages.")
@click.option("--site", help="Only pages of this site (profile name).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1), help="Most hits.")
@archive_errors
def search(
    query: str, db_path: str, as_json_output: bool, current: bool, site: str | None, limit: int
) -> None:
    """Full-text search over the title, lead and body of every archived version.

    Plain words must all match (Umeå, covid-19 and "quoted phrases" are searched as text).
    FTS5 syntax (AND, OR, NOT, NEAR(), word*, title:word) is used as written. Hits are ranked
    with a title match counting most; each shows its version and whether it is current.
    """
    with open_for_reading(db_path) as arc:
        hits = arc.search(query, current_only=current, site=site, limit=limit)
    if as_json_output:
        echo_json([hit.__dict__ for hit in hits])
        return
    if not hits:
        click.echo(f"No archived version matches {query!r}.", err=True)
        return
    for hit in hits:
        flag = "current" if hit.is_current else "older"
        click.echo(f"{hit.title or '(no title)'}\n  {hit.url}  v{hit.version} ({flag})")
        click.echo(f"  {' '.join(hit.snippet.split())}")


@cli.command()
@click.argument("url")
@db_option
@json_option
@archive_errors
def history(url: str, db_path: str, as_json_output: bool) -> None:
    """Every capture and version of one page, oldest first."""
    with open_for_reading(db_path) as arc:
        found = arc.history(url)
    if as_json_output:
        echo_json(found.__dict__)
        return
    page = found.page
    click.echo(f"{page['url']}  [{page['status']}, {page['kind']}, site {page['site']}]")
    click.echo(f"first seen {page['first_seen']}, last seen {page['last_seen']}")
    for cap in found.captures:
        version = f"  -> version {cap['version']}" if cap["version"] else ""
        status = cap["http_status"] if cap["http_status"] is not None else "---"
        extra = f"  {cap['error']}" if cap["error"] else ""
        extra += f"  -> {cap['redirect_to']}" if cap["redirect_to"] else ""
        click.echo(f"  {cap['fetched_at']}  {status}  {cap['outcome']:<12}{version}{extra}")
    for ver in found.versions:
        changed = ", ".join(ver["changed_fields"])
        click.echo(f"version {ver['version']}  {ver['archived_at']}  {ver['title']}  ({changed})")


@cli.command()
@click.argument("url")
@db_option
@click.option(
    "--version", "number", type=click.IntRange(1), help="Version number (default: current)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text or markdown to read, json for all fields, html or raw for the page as served.",
)
@archive_errors
def show(url: str, db_path: str, number: int | None, fmt: str) -> None:
    """Show one archived version of a page (the current one unless --version N).

    Pages without content versions (listings) can still be shown as html or raw: the body of
    their latest fetch.
    """
    with open_for_reading(db_path) as arc:
        if fmt in ("html", "raw") and number is None and arc.page(url).current_version is None:
            body, headers = arc.latest_body(url)
        else:
            row = arc.version(url, number)
            if fmt in ("html", "raw"):
                if row.body_sha256 is None:
                    raise UsageProblem(f"no raw body stored for version {row.version} of {row.url}")
                body, headers = arc.body(row.body_sha256), row.response_headers
    if fmt == "raw":
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
        return
    if fmt == "html":
        click.echo(decode_html(body, headers), nl=False)
        return
    render = {"text": as_text, "markdown": as_markdown, "json": as_json}[fmt]
    click.echo(render(row), nl=False)


@cli.command()
@click.argument("url")
@db_option
@json_option
@click.option("--from", "from_", type=click.IntRange(1), help="Older version (default: to - 1).")
@click.option("--to", "to", type=click.IntRange(1), help="Newer version (default: current).")
@archive_errors
def diff(url: str, db_path: str, as_json_output: bool, from_: int | None, to: int | None) -> None:
    """What changed between two versions of a page, field by field.

    Bodies are compared paragraph by paragraph as a unified diff.
    """
    with open_for_reading(db_path) as arc:
        new = arc.version(url, to)
        old_number = from_ if from_ is not None else max(new.version - 1, 1)
        old = arc.version(url, old_number)
    changes = diff_fields(
        old.content, new.content, old_label=f"v{old.version}", new_label=f"v{new.version}"
    )
    if as_json_output:
        echo_json(
            {
                "url": new.url,
                "from": old.version,
                "to": new.version,
                "changes": [c.to_dict() for c in changes],
            }
        )
        return
    if old.version == new.version:
        click.echo(f"{new.url} version {new.version} compared with itself: no changes.", err=True)
        return
    click.echo(f"{new.url}: version {old.version} -> version {new.version}")
    if not changes:
        click.echo("no field changed")
    for change in changes:
        click.echo(f"\n== {change.field}")
        for line in change.diff[2:]:
            click.echo(line)
