"""The `uninews` command: one click group and the explicit list of its commands.

A thin layer over the libraries, as in sqlite-utils: each command module checks its options,
calls archive/ or scraper/ and prints. Commands are registered here, by name, so the list of
what `uninews` can do is this file; Scrapy is imported only by the commands that crawl.

To add a command: write it as a `click.command` in a module of this package (options and the
one usage error, `BadUsage`, come from `options`), then add it to `COMMANDS`.
"""

from __future__ import annotations

import click

from . import backup, crawl, export, health, ingest, merge, read, reprocess, serve, wacz, warc
from .options import BadUsage

__all__ = ["COMMANDS", "BadUsage", "cli", "main"]

# Crawling, reading, datasets, replay, upkeep (`uninews --help` lists them alphabetically).
COMMANDS: tuple[click.Command, ...] = (
    crawl.crawl,
    crawl.demo,
    crawl.sites,
    ingest.ingest,
    health.health,
    read.search,
    read.pages,
    read.history,
    read.show,
    read.diff,
    export.export_command,
    serve.serve_command,
    warc.warc,
    wacz.wacz,
    reprocess.reprocess_command,
    backup.backup,
    merge.merge_command,
)


@click.group()
@click.version_option(package_name="uninews")
def cli() -> None:
    """uninews: crawl university news pages and keep every change in SQLite."""


for _command in COMMANDS:
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="uninews")
