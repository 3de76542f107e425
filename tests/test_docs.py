"""Every `uninews` command has help text and is shown in the README, like sqlite-utils does."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


def test_the_cli_has_the_commands_of_the_design():
    expected = {"crawl", "demo", "sites", "search", "history", "diff", "show", "export"}
    assert expected | {"reprocess", "warc", "serve"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert cli.commands[name].help and len(cli.commands[name].help.strip()) > 20


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_the_readme(name):
    assert re.search(rf"\buninews {name}\b", README), f"README never shows `uninews {name}`"


def test_quick_start_test_command_is_what_ci_runs():
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    command = ci.strip().splitlines()[-1]
    assert command in README
