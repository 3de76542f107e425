"""search / history / diff / show as an archivist types them, on an archive of two real
crawls of the demo site; and the sqlite-utils command line on the same file."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures_research import DemoArchive

from scraper.cli import cli

BIN = Path(sys.executable).parent
ANSI = "\x1b["


@pytest.fixture(scope="module")
def uninews(demo_archive):
    def run(*args: str):
        return CliRunner().invoke(cli, [*args, "--db", str(demo_archive.path)], prog_name="uninews")

    return run


def edited(demo_archive: DemoArchive, n: int = 0) -> str:
    return demo_archive.url(demo_archive.changes.edited[n])


# -- search ------------------------------------------------------------------------------------


def test_search_ranks_the_title_match_first_with_a_highlighted_snippet(demo_archive, uninews):
    reference = demo_archive.site.article(demo_archive.site.reference_path)
    result = uninews("search", "partnerskapsdag")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == reference.title, result.stdout
    assert "[Partnerskapsdag]" in result.stdout or "[partnerskapsdag]" in result.stdout
    assert ANSI not in result.stdout  # not a terminal: plain text
    coloured = uninews("search", "partnerskapsdag", "--color").stdout
    assert ANSI in coloured and "[partnerskapsdag]" not in coloured.lower()


def test_search_filters_by_language_site_and_date(demo_archive, uninews):
    def hits(*args: str) -> list[dict]:
        result = uninews("search", "Umeå", "--json", "--limit", "500", *args)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    everything = hits()
    assert everything and set(everything[0]) >= {"url", "version", "snippet", "published_at"}
    assert "marked" not in everything[0] and "\x02" not in json.dumps(everything)
    english = hits("--lang", "en")
    assert english and {h["lang"] for h in english} == {"en"}
    assert len(english) == sum(h["lang"] == "en" for h in everything)
    assert hits("--site", "demo") == everything and hits("--site", "umu") == []
    window = hits("--since", "2021-02-01", "--until", "2021-02-14")
    assert window and all("2021-02-01" <= h["published_at"][:10] <= "2021-02-14" for h in window)
    assert len(window) == sum(
        "2021-02-01" <= (h["published_at"] or "")[:10] <= "2021-02-14" for h in everything
    )


@pytest.mark.parametrize(
    "query",
    ['"fördjupar samarbetet"', "växters försvar", "covid-19", "Umeå:", "title:", "a -b", '"'],
)
def test_search_awkward_queries_never_raise(uninews, query):
    result = uninews("search", query)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


def test_search_finds_swedish_words_and_phrases(demo_archive, uninews):
    hits = json.loads(uninews("search", '"fördjupar samarbetet"', "--json").stdout)
    assert edited(demo_archive, 2) in {h["url"] for h in hits}


def test_search_bad_fts_syntax_is_one_line(uninews):
    result = uninews("search", "växter AND (försvar")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: invalid full-text query")
    assert len(result.stderr.strip().splitlines()) == 1


def test_search_bad_dates_are_one_line(uninews):
    result = uninews("search", "Umeå", "--since", "igår")
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "--since" in result.stderr


# -- history -----------------------------------------------------------------------------------


def test_history_of_an_edited_page_lists_every_capture_and_version(demo_archive, uninews):
    result = uninews("history", edited(demo_archive))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    captures = [line for line in lines if line.startswith("  ")]
    assert len(captures) == 2
    assert " 200 " in captures[0] and "new" in captures[0] and "version 1" in captures[0]
    assert "changed" in captures[1] and "version 2" in captures[1]
    data = json.loads(uninews("history", edited(demo_archive), "--json").stdout)
    assert [v["version"] for v in data["versions"]] == [1, 2]
    assert "body_text" in data["versions"][1]["changed_fields"]


def test_history_of_a_deleted_page_shows_it_gone(demo_archive, uninews):
    data = json.loads(
        uninews("history", demo_archive.url(demo_archive.changes.deleted), "--json").stdout
    )
    assert data["page"]["status"] == "gone"
    assert [(c["http_status"], c["outcome"]) for c in data["captures"]][-1] == (410, "gone")
    assert [v["version"] for v in data["versions"]] == [1]


# -- diff --------------------------------------------------------------------------------------


def test_diff_shows_the_changed_paragraphs(demo_archive, uninews):
    url = edited(demo_archive)
    old = demo_archive.site.article(demo_archive.changes.edited[0], 1)
    new = demo_archive.site.article(demo_archive.changes.edited[0], 2)
    result = uninews("diff", url)
    assert result.exit_code == 0, result.output
    assert f"{url}: version 1 -> version 2" in result.stdout
    assert "== body_text" in result.stdout
    added = [
        line[1:]
        for line in result.stdout.splitlines()
        if line.startswith("+") and not line.startswith("+++")
    ]
    assert added and all(a.strip() for a in added)
    assert old.title in result.stdout or old.title == new.title
    assert ANSI not in result.stdout


def test_diff_colour_follows_the_flag(demo_archive, uninews):
    coloured = uninews("diff", edited(demo_archive), "--color").stdout
    assert "\x1b[32m+" in coloured or "\x1b[32m" in coloured
    assert ANSI not in uninews("diff", edited(demo_archive), "--no-color").stdout


def test_diff_in_a_real_terminal_is_coloured(demo_archive, tmp_path):
    """Run under `script` (a pseudo-terminal): colour on by default, off through a pipe."""
    url = edited(demo_archive)
    command = f"{BIN / 'uninews'} diff {url} --db {demo_archive.path}"
    tty = subprocess.run(
        ["script", "-qec", command, "/dev/null"], capture_output=True, text=True, timeout=60
    )
    assert tty.returncode == 0, tty.stdout + tty.stderr
    assert ANSI in tty.stdout
    piped = subprocess.run(command.split(), capture_output=True, text=True, timeout=60)
    assert piped.returncode == 0 and ANSI not in piped.stdout


# -- show --------------------------------------------------------------------------------------


def test_show_raw_is_the_body_byte_for_byte(demo_archive):
    url = edited(demo_archive)
    for version in (1, 2):
        expected = demo_archive.rows(
            "SELECT c.body_sha256 FROM versions v JOIN captures c ON c.id = v.capture_id"
            " WHERE v.url = ? AND v.version = ?",
            url,
            version,
        )[0]["body_sha256"]
        args = ["show", url, "--db", str(demo_archive.path), "--version", str(version)]
        out = subprocess.run([str(BIN / "uninews"), *args, "--format", "raw"], capture_output=True)
        assert out.returncode == 0, out.stderr
        assert hashlib.sha256(out.stdout).hexdigest() == expected
        assert out.stdout.startswith(b"<!DOCTYPE html>") or b"<html" in out.stdout[:500]


def test_show_extracted_formats(demo_archive, uninews):
    path = demo_archive.changes.edited[0]
    article = demo_archive.site.article(path, 2)
    url = demo_archive.url(path)
    text = uninews("show", url).stdout
    assert text.startswith(article.title) and "Version: 2" in text
    markdown = uninews("show", url, "--version", "1", "--format", "markdown").stdout
    assert markdown.startswith(f"# {demo_archive.site.article(path, 1).title}")
    data = json.loads(uninews("show", url, "--format", "json").stdout)
    assert data["version"] == 2 and data["lang"] == article.lang
    html = uninews("show", url, "--version", "1", "--format", "html").stdout
    assert "<html" in html and "Hoppa direkt till innehållet" in html


# -- sqlite-utils, as an archivist types it ----------------------------------------------------


def sqlite_utils(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "sqlite-utils"), *args], capture_output=True, text=True, timeout=60
    )


def test_sqlite_utils_search_rows_and_query(demo_archive):
    db = str(demo_archive.path)
    reference = demo_archive.site.article(demo_archive.site.reference_path)
    found = sqlite_utils("search", db, "versions", "partnerskapsdag", "-c", "url", "-c", "title")
    assert found.returncode == 0, found.stderr
    assert reference.title in {row["title"] for row in json.loads(found.stdout)}
    rows = sqlite_utils("rows", db, "pages", "-c", "url", "-c", "status", "--limit", "500")
    statuses = {r["url"]: r["status"] for r in json.loads(rows.stdout)}
    assert statuses[demo_archive.url(demo_archive.changes.deleted)] == "gone"
    query = sqlite_utils(
        "query", db,
        "select url, count(*) as versions from versions group by url having versions > 1",
    )  # fmt: skip
    assert {r["url"] for r in json.loads(query.stdout)} == {
        demo_archive.url(p) for p in demo_archive.changes.edited
    }
    csv_out = sqlite_utils("query", db, "select title from articles where lang = 'sv'", "--csv")
    assert csv_out.stdout.startswith("title") and "Umeå" in csv_out.stdout
