"""The `uninews` command: archive commands from `archive.cli`, plus crawling."""

from __future__ import annotations

from archive.cli import cli


def main() -> None:
    cli(prog_name="uninews")
