"""The reading commands (search, history, show, diff) as a user runs them: output, --json,
exit codes, one-line errors."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures_archive import build_capture, build_content

from archive import Archive
from scraper.cli import cli

URL = "https://www.umu.se/nyheter/partnerskapsdag_9829332/"
BODY_V2 = "Första stycket om samarbetet.\n\nEtt nytt stycke.\n\nAndra stycket med citat."


@pytest.fixture
def db(archive_path) -> str:
    with Archive.open(archive_path) as arc:
        html = "<html><head><meta charset='utf-8'></head><body>Umeå</body></html>".encode()
        arc.record(build_capture(URL, body=html), build_content(), run_id=None, site="umu")
        arc.record(build_capture(URL), build_content(), run_id=None, site="umu")
        changed = build_content(title="Ny rubrik", body_text=BODY_V2)
        arc.record(build_capture(URL), changed, run_id=None, site="umu")
        arc.record(
            build_capture("https://www.umu.se/nyheter/"),
            None,
            run_id=None,
            site="umu",
            kind="listing",
        )
    return archive_path


def test_search_prints_hits_and_json(db, run_cli):
    result = run_cli("search", "samarbetet", "--db", db)
    assert result.exit_code == 0
    assert "Ny rubrik" in result.stdout and "[samarbetet]" in result.stdout
    hits = json.loads(run_cli("search", "Ny rubrik", "--db", db, "--json").stdout)
    assert [(h["url"], h["version"], h["is_current"]) for h in hits] == [(URL, 2, True)]
    old_title = ["search", "Västerbotten", "--db", db, "--json"]
    assert [h["version"] for h in json.loads(run_cli(*old_title).stdout)] == [1]
    assert json.loads(run_cli(*old_title, "--current").stdout) == []


@pytest.mark.parametrize(
    "query", ['covid-19 "x', "Umeå:", "(", "a)", "'", '"', "å ä ö", "^", "*", "C++", "a -b"]
)
def test_search_with_awkward_queries_exits_0(db, run_cli, query):
    result = run_cli("search", query, "--db", db)
    assert result.exit_code == 0, result.output


def test_invalid_fts_syntax_is_one_line_exit_2(db, run_cli):
    result = run_cli("search", "renar AND (älgar", "--db", db)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: invalid full-text query")
    assert len(result.stderr.strip().splitlines()) == 1


def test_history_lists_captures_and_versions(db, run_cli):
    result = run_cli("history", URL + "?utm_source=x#top", "--db", db)
    assert result.exit_code == 0
    assert result.stdout.count(" unchanged") == 1 and "version 2" in result.stdout
    data = json.loads(run_cli("history", URL, "--db", db, "--json").stdout)
    assert [c["outcome"] for c in data["captures"]] == ["new", "unchanged", "changed"]
    assert [v["version"] for v in data["versions"]] == [1, 2]
    assert data["versions"][1]["changed_fields"] == ["title", "body_text"]


def test_show_formats(db, run_cli):
    text = run_cli("show", URL, "--db", db).stdout
    assert text.startswith("Ny rubrik") and "Ett nytt stycke." in text
    old = run_cli("show", URL, "--db", db, "--version", "1", "--format", "markdown").stdout
    assert old.startswith("# Partnerskapsdag") and "## Rubrik" in old
    data = json.loads(run_cli("show", URL, "--db", db, "--format", "json").stdout)
    assert data["version"] == 2 and data["authors"] == ["Alekzandra Granath"]
    html = run_cli("show", URL, "--db", db, "--version", "1", "--format", "html").stdout
    assert "Umeå" in html


def test_show_raw_writes_the_body_bytes_as_served(db):
    uninews = str(Path(sys.executable).parent / "uninews")
    args = ["show", URL, "--db", db, "--version", "1", "--format", "raw"]
    out = subprocess.run([uninews, *args], capture_output=True, check=True)
    assert (
        out.stdout == "<html><head><meta charset='utf-8'></head><body>Umeå</body></html>".encode()
    )


def test_diff_field_by_field_with_paragraph_diff(db, run_cli):
    result = run_cli("diff", URL, "--db", db)
    assert result.exit_code == 0
    assert "== title" in result.stdout and "+Ny rubrik" in result.stdout
    assert "+Ett nytt stycke." in result.stdout and "== lead" not in result.stdout
    data = json.loads(run_cli("diff", URL, "--db", db, "--from", "1", "--to", "2", "--json").stdout)
    assert [c["field"] for c in data["changes"]] == ["title", "body_text"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "https://www.umu.se/finns-inte/"], "URL is not archived"),
        (["history", "https://www.umu.se/finns-inte/"], "URL is not archived"),
        (["show", URL, "--version", "7"], "has no version 7"),
        (["diff", URL, "--from", "9"], "has no version 9"),
        (["show", "https://www.umu.se/nyheter/"], "no archived content version"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(db, run_cli, args, message):
    result = run_cli(*args, "--db", db)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_missing_archive_is_not_created(tmp_path, run_cli):
    path = tmp_path / "none.db"
    for command in (["search", "x"], ["history", URL], ["show", URL], ["diff", URL]):
        result = run_cli(*command, "--db", str(path))
        assert result.exit_code == 2 and "no archive at" in result.stderr
    assert not path.exists()


def test_file_that_is_not_an_archive(tmp_path, run_cli):
    text = tmp_path / "notes.txt"
    text.write_text("just text\n")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    for path in (text, other, tmp_path):
        result = run_cli("search", "x", "--db", str(path))
        assert result.exit_code == 2
        assert result.stderr.startswith(f"Error: not a uninews archive: {path}")


def test_every_archive_command_has_help(run_cli):
    for name in ("search", "history", "show", "diff"):
        command = cli.commands[name]
        assert command.help and len(command.help) > 20
        result = run_cli(name, "--help")
        assert result.exit_code == 0 and "--db" in result.stdout


def test_listing_pages_show_their_latest_body(db, run_cli):
    result = run_cli("show", "https://www.umu.se/nyheter/", "--db", db, "--format", "html")
    assert result.exit_code == 0 and "<h1>Nyhet</h1>" in result.stdout


def test_diff_of_a_page_with_one_version_says_so(archive_path, run_cli):
    with Archive.open(archive_path) as arc:
        arc.record(build_capture(URL), build_content(), run_id=None, site="umu")
    result = run_cli("diff", URL, "--db", archive_path)
    assert result.exit_code == 0 and "compared with itself" in result.stderr
    data = json.loads(run_cli("diff", URL, "--db", archive_path, "--json").stdout)
    assert (data["from"], data["to"], data["changes"]) == (1, 1, [])


def test_archive_in_a_missing_folder_is_a_clear_error(tmp_path):
    from archive import ArchiveError

    with pytest.raises(ArchiveError, match="does not exist"):
        Archive.open(tmp_path / "no" / "such" / "archive.db")
