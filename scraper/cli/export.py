"""`uninews export`: a dataset for researchers, with its card and metadata beside it.

Checks the options, calls archive.export and archive.card, and prints one summary; licence,
citation and creator default to what the exported sites' profiles say (their [dataset] tables).
"""

from __future__ import annotations

import json
import shlex

import click

from archive.card import DatasetInfo, write_card
from archive.export import FORMATS, ExportFilter, export
from archive.output import STDOUT, check_target
from archive.personal import CONTACT_POLICIES, DEFAULT_CONTACTS
from archive.times import parse_instant
from scraper.sites import dataset_table

from .options import archive_errors, date_options, day_range, db_option, open_for_reading


def dataset_info(sites: list[str], **given: str | None) -> DatasetInfo:
    """Licence, terms, citation and creator: an option given wins, else the value the exported
    sites' profiles agree on (several different ones are joined with ' / ')."""
    tables = [dataset_table(site) for site in sites]
    values: dict[str, str | None] = {}
    for key in ("license", "terms", "citation", "creator"):
        found = list(dict.fromkeys(str(t[key]) for t in tables if t.get(key)))
        values[key] = given.get(key) or (" / ".join(found) if found else None)
    publishers = tuple(dict.fromkeys(t["title"] for t in tables if t.get("title")))
    return DatasetInfo(publishers=publishers, **values)


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


@click.command("export")
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
    "--changes",
    is_flag=True,
    help="The dataset of edits: one row per edit of a page (versions N-1 to N), with words "
    "added and removed, the silent-edit flag and sentence-level changes.",
)
@click.option(
    "--contacts",
    type=click.Choice(CONTACT_POLICIES),
    default=DEFAULT_CONTACTS,
    show_default=True,
    help="Contact people's names, e-mail addresses and phones (and mailto:/tel: links): keep "
    "them, drop them, or hash them into pseudonyms.",
)
@click.option(
    "--license",
    "license_",
    help="Licence of the dataset (an SPDX id such as CC-BY-4.0, or a URL); default: the site "
    "profile's [dataset] license.",
)
@click.option("--citation", help="How to cite the dataset; default: the profile's citation.")
@click.option("--creator", help="Who made the dataset (person or organisation).")
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
    changes: bool,
    contacts: str,
    license_: str | None,
    citation: str | None,
    creator: str | None,
    as_json_output: bool,
) -> None:
    """Export archived versions as a dataset, with a dataset card beside it.

    One row per version (or per article with --latest or --as-of: a moved article once), id
    `<url>#v<N>`; with --changes, one row per edit. Beside OUT: the card (OUT.card.md in
    Hugging Face's format, OUT.card.json) with the command, the uninews version, counts,
    licence, citation, personal data, field types and the sha256 of the data file, and
    OUT.datapackage.json (Frictionless) and OUT.croissant.json (Croissant 1.1).
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
        result = export(arc.conn, out, fmt, flt, contacts=contacts, changes=changes)
        cards: list[str] = []
        if result.regular:  # no card files beside a device, a pipe or standard output
            command = command_line(ctx)
            info = dataset_info(
                sorted(result.stats.sites), license=license_, citation=citation, creator=creator
            )
            written = write_card(arc.conn, result, archive=db_path, command=command, info=info)
            cards = [str(p) for p in written]
    summary = {
        "out": str(result.path),
        "format": fmt,
        "rows": result.stats.rows,
        "pages": len(result.stats.pages),
        "bytes": result.size,
        "sha256": result.sha256,
        "card": cards[:2],
        "metadata": cards[2:],
    }
    to_stderr = out == STDOUT  # standard output holds the data
    if as_json_output:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2), err=to_stderr)
        return
    click.echo(
        f"Wrote {summary['rows']:,} {'edits' if changes else 'rows'} "
        f"({summary['pages']:,} pages) to {'standard output' if to_stderr else result.path} "
        f"[{fmt}, {result.size:,} bytes, sha256 {result.sha256[:12]}...]",
        err=to_stderr,
    )
    if cards:
        click.echo(f"Dataset card: {cards[0]} and {cards[1]}", err=to_stderr)
        click.echo(f"Metadata: {cards[2]} and {cards[3]}", err=to_stderr)
    if not summary["rows"]:
        what = "edit" if changes else "version"
        click.echo(f"No {what} matched the filters (the file holds no rows).", err=True)
