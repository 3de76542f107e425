"""`uninews health`: the operator's view of extraction health, run by run.

Per run with article pages, the share of them with a title, body, date and lead, and the
verdict the crawl kept (a template alarm, and on which fields). The numbers come from
archive.health, which decides the alarms too; this module only prints.
"""

from __future__ import annotations

from dataclasses import asdict

import click

from archive.health import FIELDS, TrendRow, trend
from archive.health import describe as describe_health

from .options import archive_errors, db_option, echo_json, json_option, open_for_reading


def verdict(row: TrendRow) -> str:
    if row.health is None:
        return "-"
    if row.health.get("alarm"):
        return "ALARM " + ", ".join(row.health.get("drops", {}))
    return "ok" if row.health.get("baseline") else "ok (no baseline)"


@click.command("health")
@click.argument("site", required=False)
@db_option
@click.option("--runs", default=10, show_default=True, type=click.IntRange(1), help="Runs shown.")
@json_option
@archive_errors
def health(site: str | None, db_path: str, runs: int, as_json_output: bool) -> None:
    """Extraction health per run: the share of article pages with a title, body, date and
    lead, oldest run first, and the template alarms the crawls raised."""
    with open_for_reading(db_path) as arc:
        rows = trend(arc.conn, site, runs)
    if as_json_output:
        echo_json([{**asdict(r.run), "health": r.health} for r in rows])
        return
    if not rows:
        click.echo(f"no runs with article pages{f' of {site}' if site else ''} in {db_path}")
        return
    header = "  ".join(f"{name:>5}" for name in FIELDS)
    click.echo(f"{'run':>5}  {'site':<8} {'spider':<7} {'started':<20} {'articles':>8}  {header}")
    for row in rows:
        r = row.run
        shares = "  ".join(f"{r.shares[name]:>5.0%}" for name in FIELDS)
        click.echo(
            f"{r.run_id:>5}  {r.site:<8} {r.spider:<7} {r.started_at[:19]:<20} {r.articles:>8}  "
            f"{shares}  {verdict(row)}"
        )
    for row in rows:
        if row.health and row.health.get("alarm"):
            click.echo(f"run {row.run.run_id}: {describe_health(row.health)}")
