"""What every `uninews` command shares: the one usage error, the common options, archive access.

Bad input is one line on stderr and exit code 2 (click's own code for usage errors), never a
traceback: commands raise `BadUsage`, and `archive_errors` turns the archive library's named
errors into it at this edge.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any

import click

from archive import Archive
from archive.errors import ArchiveError
from archive.times import day_range as checked_day_range


class BadUsage(click.ClickException):
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
            raise BadUsage(str(exc)) from exc

    return wrapper


def open_for_reading(path: str) -> Archive:
    return Archive.open(path, create=False)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def out_option(help: str, *, allow_dash: bool = False) -> Callable[[Callable], Callable]:
    """--out FILE, required: the file a command writes (`-` for standard output if allowed)."""
    return click.option(
        "--out",
        "out_path",
        required=True,
        type=click.Path(dir_okay=False, allow_dash=allow_dash),
        help=help,
    )


def progress_every_option(default: int) -> Callable[[Callable], Callable]:
    """--progress-every N: pages between progress lines on stderr, for page-by-page commands."""
    return click.option(
        "--progress-every",
        default=default,
        show_default=True,
        type=click.IntRange(1),
        help="Pages between progress lines on stderr.",
    )


def capture_options(func: Callable) -> Callable:
    """--site/--since/--until over captures: their site and fetch time (a date: all of it)."""
    func = click.option(
        "--until", help="Only captures fetched at or before this UTC time (a date: all of it)."
    )(func)
    func = click.option("--since", help="Only captures fetched at or after this date or UTC time.")(
        func
    )
    return click.option("--site", help="Only captures of this site (profile name).")(func)


def date_options(func: Callable) -> Callable:
    """--since/--until: the article's date (published, else fetched), both days included."""
    func = click.option("--until", help="Only articles dated on or before this day.")(func)
    return click.option("--since", help="Only articles dated on or after this day.")(func)


def day_range(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """--since/--until as YYYY-MM-DD days, checked (one-line errors for bad dates)."""
    try:
        return checked_day_range(since, until)
    except ArchiveError as exc:
        raise BadUsage(str(exc)) from exc


def color_option(func: Callable) -> Callable:
    return click.option(
        "--color/--no-color",
        "color",
        default=None,
        help="Colour the output (default: only when stdout is a terminal).",
    )(func)


def wants_color(color: bool | None) -> bool:
    return sys.stdout.isatty() if color is None else color
