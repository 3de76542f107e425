"""`uninews search`, `pages`, `history`, `show` and `diff`: the archivist's reading commands.

Each opens the archive read-only, calls one archive library function and prints, in colour on a
terminal; `--json` gives the same data for scripts. A URL is taken as typed: the archive finds
the page it means, or names the nearest archived ones (archive.lookup).
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import re
import sys

import click

from archive.diff import diff_fields
from archive.queries import (
    MATCH_CLOSE,
    MATCH_OPEN,
    RANK_WINDOW,
    PageFilter,
    PageListing,
    SearchHit,
)
from archive.render import FORMATS, as_json, as_markdown, as_text, decode_html

from .options import (
    BadUsage,
    archive_errors,
    color_option,
    date_options,
    day_range,
    db_option,
    echo_json,
    json_option,
    open_for_reading,
    wants_color,
)


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


@click.command()
@click.argument("query")
@db_option
@json_option
@click.option("--current", is_flag=True, help="Only current versions of live pages.")
@click.option("--site", help="Only pages of this site (profile name).")
@click.option("--lang", help="Only versions in this language (sv, en, ...).")
@date_options
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1), help="Most hits.")
@click.option(
    "--rank-all",
    is_flag=True,
    help=f"Rank every match, not only the newest {RANK_WINDOW:,} (slower on large archives).",
)
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
    rank_all: bool,
    color: bool | None,
) -> None:
    """Full-text search over the title, lead and body of every archived version.

    Plain words must all match (Umeå, covid-19 and "quoted phrases" are searched as text).
    FTS5 syntax (AND, OR, NOT, NEAR(), word*, title:word) is used as written. Hits are ranked
    with a title match counting most; each shows its version and whether it is current.
    --since/--until (YYYY-MM-DD) compare the article's date: published, else fetched.
    Where more versions match than it ranks, it ranks the newest and says so.
    """
    since, until = day_range(since, until)
    window = 0 if rank_all else RANK_WINDOW
    options = {"current_only": current, "site": site, "lang": lang, "since": since,
               "until": until, "limit": limit, "window": window}  # fmt: skip
    with open_for_reading(db_path) as arc:
        found = arc.search_result(query, **options)
        hits = found.hits
        if found.beyond_window:
            click.echo(
                f"More than {RANK_WINDOW:,} versions match: these hits are the best of the "
                f"newest {RANK_WINDOW:,} (--rank-all ranks them all; --since, --until or "
                "--site narrow the search).",
                err=True,
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


@click.command()
@db_option
@click.option("--site", help="Only pages of this site (profile name, or host).")
@click.option(
    "--kind", help="Only pages of this kind (article, page, listing, feed, robots, requisite)."
)
@click.option("--status", help="Only pages in this status (live, gone, redirected, ...).")
@click.option("--since", help="Only pages last seen on or after this day (YYYY-MM-DD).")
@click.option("--limit", default=0, type=click.IntRange(0), help="At most N pages (0: all).")
@click.option("--json", "as_json_output", is_flag=True, help="Print JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV with a header row.")
@archive_errors
def pages(
    db_path: str,
    site: str | None,
    kind: str | None,
    status: str | None,
    since: str | None,
    limit: int,
    as_json_output: bool,
    as_csv: bool,
) -> None:
    """List what is archived: one line per page (URL, site, kind, status, versions, last
    seen), in URL order. Read-only."""
    if as_json_output and as_csv:
        raise BadUsage("give --json or --csv, not both")
    since, _ = day_range(since, None)
    flt = PageFilter(site=site, kind=kind, status=status, since=since, limit=limit)
    with open_for_reading(db_path) as arc:
        rows = [dataclasses.asdict(row) for row in arc.page_list(flt)]
    if as_json_output:
        echo_json(rows)
        return
    if as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=[f.name for f in dataclasses.fields(
            PageListing)], lineterminator="\n")  # fmt: skip
        writer.writeheader()
        writer.writerows(rows)
        return
    if not rows:
        click.echo("No archived page matches.", err=True)
        return
    for row in rows:
        versions = f"{row['versions']} version" + ("" if row["versions"] == 1 else "s")
        seen = f"last seen {row['last_seen']}" if row["last_seen"] else "never seen"
        click.echo(f"{row['url']}  {row['site']}  {row['kind']}  {row['status']}  {versions}  "
                   f"{seen}")  # fmt: skip


@click.command()
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


@click.command()
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
                    raise BadUsage(f"no raw body stored for version {row.version} of {row.url}")
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


@click.command()
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
