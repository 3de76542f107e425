"""Thin click CLI over the archive library (search, history, show, diff, ...).

Each command opens the archive, calls one library function and prints; named archive errors
become one-line messages with exit code 2 at this edge.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import sys
from collections.abc import Callable
from typing import Any

import click

from . import queries
from .diff import diff_fields
from .errors import ArchiveError
from .queries import MATCH_CLOSE, MATCH_OPEN, SearchHit
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


def date_options(func: Callable) -> Callable:
    """--since/--until: the article's date (published, else fetched), both days included."""
    func = click.option("--until", help="Only articles dated on or before this day.")(func)
    return click.option("--since", help="Only articles dated on or after this day.")(func)


def day_range(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """--since/--until as YYYY-MM-DD days, checked (one-line errors for bad dates)."""
    try:
        return queries.day_range(since, until)
    except ArchiveError as exc:
        raise UsageProblem(str(exc)) from exc


def color_option(func: Callable) -> Callable:
    return click.option(
        "--color/--no-color",
        "color",
        default=None,
        help="Colour the output (default: only when stdout is a terminal).",
    )(func)


def wants_color(color: bool | None) -> bool:
    return sys.stdout.isatty() if color is None else color


def styled_snippet(hit: SearchHit, color: bool) -> str:
    """The snippet on one line: matches in [brackets], or bold yellow on a terminal."""
    if not color:
        return " ".join(hit.snippet.split())
    parts = re.split(f"{MATCH_OPEN}(.*?){MATCH_CLOSE}", " ".join(hit.marked.split()))
    return "".join(
        click.style(part, fg="yellow", bold=True) if n % 2 else part for n, part in enumerate(parts)
    )


def _changed_words(old: str, new: str) -> tuple[str, str]:
    """Two versions of a paragraph, red and green, the words that differ bold and underlined."""
    a, b = old.split(" "), new.split(" ")
    out_a, out_b = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        mark = op != "equal"
        if i2 > i1:
            out_a.append(click.style(" ".join(a[i1:i2]), fg="red", bold=mark, underline=mark))
        if j2 > j1:
            out_b.append(click.style(" ".join(b[j1:j2]), fg="green", bold=mark, underline=mark))
    return " ".join(out_a), " ".join(out_b)


def styled_diff(lines: list[str]) -> list[str]:
    """A unified diff in colour: removed red, added green, hunks cyan; a paragraph replaced by
    another shows which words changed."""
    out, i = [], 0
    while i < len(lines):
        if not lines[i].startswith("-"):
            line = lines[i]
            colour = "green" if line.startswith("+") else "cyan" if line.startswith("@@") else None
            out.append(click.style(line, fg=colour) if colour else line)
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j].startswith("-"):
            j += 1
        k = j
        while k < len(lines) and lines[k].startswith("+"):
            k += 1
        removed, added = lines[i:j], lines[j:k]
        pairs = [_changed_words(r[1:], a[1:]) for r, a in zip(removed, added, strict=False)]
        out += [click.style("-", fg="red") + old for old, _ in pairs]
        out += [click.style(line, fg="red") for line in removed[len(pairs) :]]
        out += [click.style("+", fg="green") + new for _, new in pairs]
        out += [click.style(line, fg="green") for line in added[len(pairs) :]]
        i = k
    return out


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
@click.option("--lang", help="Only versions in this language (sv, en, ...).")
@date_options
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1), help="Most hits.")
@color_option
@archive_errors
def search(
    query: str,
    db_path: str,
    as_json_output: bool,
    current: bool,
    site: str | None,
    lang: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    color: bool | None,
) -> None:
    """Full-text search over the title, lead and body of every archived version.

    Plain words must all match (Umeå, covid-19 and "quoted phrases" are searched as text).
    FTS5 syntax (AND, OR, NOT, NEAR(), word*, title:word) is used as written. Hits are ranked
    with a title match counting most; each shows its version and whether it is current.
    --since/--until (YYYY-MM-DD) compare the article's date: published, else fetched.
    """
    since, until = day_range(since, until)
    with open_for_reading(db_path) as arc:
        hits = arc.search(
            query,
            current_only=current,
            site=site,
            lang=lang,
            since=since,
            until=until,
            limit=limit,
        )
    if as_json_output:
        echo_json([hit.to_dict() for hit in hits])
        return
    if not hits:
        click.echo(f"No archived version matches {query!r}.", err=True)
        return
    color = wants_color(color)
    for hit in hits:
        flag = (
            "older version"
            if not hit.is_current
            else "current"
            if hit.status == "live"
            else f"last version, page {hit.status}"
        )
        dated = f", {hit.published_at[:10]}" if hit.published_at else ""
        click.echo(click.style(hit.title or "(no title)", bold=True), color=color)
        meta = f"v{hit.version} ({flag}), {hit.lang or '?'}{dated}"
        click.echo(f"  {click.style(hit.url, fg='blue')}  {meta}", color=color)
        click.echo(f"  {styled_snippet(hit, color)}", color=color)


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
        if cap["run_status"] not in (None, "finished"):
            extra += f"  (run {cap['run_id']} {cap['run_status']})"
        line = f"  {cap['fetched_at']}  {status}  {cap['outcome']:<12}{version}{extra}"
        click.echo(line.rstrip())
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
            body, headers = arc.latest_body(url, decoded=True)
        else:
            row = arc.version(url, number)
            if fmt in ("html", "raw"):
                if row.body_sha256 is None:
                    raise UsageProblem(f"no raw body stored for version {row.version} of {row.url}")
                body, headers = arc.decoded_body(row.body_sha256), row.response_headers
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
@color_option
@archive_errors
def diff(
    url: str,
    db_path: str,
    as_json_output: bool,
    from_: int | None,
    to: int | None,
    color: bool | None,
) -> None:
    """What changed between two versions of a page, field by field.

    Bodies are compared paragraph by paragraph as a unified diff: in colour on a terminal
    (removed red, added green, changed words underlined), plain text otherwise.
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
    color = wants_color(color)
    title = f"{new.url}: version {old.version} -> version {new.version}"
    click.echo(click.style(title, bold=True), color=color)
    click.echo(f"fetched {old.fetched_at} -> {new.fetched_at}")
    if not changes:
        click.echo("no field changed")
    for change in changes:
        click.echo()
        click.echo(click.style(f"== {change.field}", bold=True), color=color)
        lines = change.diff[2:]
        for line in styled_diff(lines) if color else lines:
            click.echo(line, color=color)


@cli.command()
@db_option
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="The new file to write (never overwritten).",
)
@json_option
@archive_errors
def backup(db_path: str, out_path: str, as_json_output: bool) -> None:
    """A consistent copy of the archive, safe while a crawl writes it.

    Uses SQLite's online backup API (one read transaction: the copy is the archive as of
    one commit) and checks the copy with PRAGMA integrity_check before naming it OUT. Do not
    `cp` a live archive: its newest commits are in the -wal file, copied at another moment.
    """
    from .backup import backup as backup_archive

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
