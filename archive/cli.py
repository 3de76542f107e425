"""Thin click CLI over the archive library (search, history, show, diff, ...)."""

from __future__ import annotations

import click



@click.group()
@click.version_option(package_name="uninews")
def cli() -> None:
    """uninews: crawl university news pages and keep every change in SQLite."""
