"""Full-text search: in step with versions, safe with any query, usable by real clients."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from importlib import resources
from pathlib import Path

import pytest
from fixtures_archive import build_capture, build_content

from archive import Archive, InvalidQuery
from archive.queries import SearchFilter, fts_query, search_sql

BIN = Path(sys.executable).parent
METADATA = resources.files("archive") / "metadata.yml"
URL = "https://www.umu.se/nyheter/forskning_1/"


@pytest.fixture
def filled(archive):
    body = 'Covid-19 och "citat" i texten.'
    for animal in ("älgar", "renar"):
        title = f"Forskning om {animal} i Västerbotten"
        content = build_content(title=title, body_text=body)
        archive.record(build_capture(URL), content, run_id=None, site="umu")
    archive.record(
        build_capture("https://www.umu.se/en/news/x_2/"),
        build_content(title="Research on moose", lang="en", body_text="English text."),
        run_id=None,
        site="umu",
    )
    return archive


def test_search_follows_new_versions_and_keeps_old_text(filled):
    new = filled.search("renar")
    assert [(h.url, h.version, h.is_current) for h in new] == [(URL, 2, True)]
    old = filled.search("älgar")
    assert [(h.version, h.is_current) for h in old] == [(1, False)]
    assert filled.search("älgar", current_only=True) == []
    assert "[renar]" in new[0].snippet


def test_fts_rows_match_versions(filled):
    versions = filled.conn.execute("SELECT count(*) FROM versions").fetchone()[0]
    fts = filled.conn.execute("SELECT count(*) FROM versions_fts").fetchone()[0]
    assert versions == fts == 3
    # FTS5's own check raises sqlite3.DatabaseError when the index is out of step.
    filled.conn.execute(
        "INSERT INTO versions_fts(versions_fts, rank) VALUES ('integrity-check', 1)"
    )


@pytest.mark.parametrize(
    "query",
    [
        "covid-19",
        '"citat"',
        'citat"',
        "Västerbotten",
        "title: x",
        "a + b",
        "o'neil",
        "***",
        "-",
        '"',
        ":",
        "NEAR",
        "älg*",
        "renar OR älgar",
        "  ",
    ],
)
def test_user_queries_never_raise(filled, query):
    filled.search(query)


def test_hyphen_and_phrase_queries_find_text(filled):
    assert {h.version for h in filled.search("covid-19")} == {1, 2}
    assert filled.search('"Research on moose"')[0].url.endswith("x_2/")
    assert {h.version for h in filled.search("renar OR älgar")} == {1, 2}


def test_invalid_explicit_syntax_is_a_named_error(filled):
    with pytest.raises(InvalidQuery, match="invalid full-text query"):
        filled.search("renar AND (älgar")


def test_plain_query_is_quoted_term_by_term():
    assert fts_query('covid-19 "Umeå universitet"') == ('"covid-19" "Umeå universitet"', False)
    assert fts_query("renar AND älgar")[1] is True


def test_title_matches_rank_first(archive):
    archive.record(
        build_capture("https://a.se/body"),
        build_content(title="Annat", body_text="lärare " * 3),
        run_id=None,
        site="a",
    )
    archive.record(
        build_capture("https://a.se/title"),
        build_content(title="Lärare", body_text="annat"),
        run_id=None,
        site="a",
    )
    assert [h.url for h in archive.search("lärare")] == ["https://a.se/title", "https://a.se/body"]


def test_sqlite_utils_cli_searches_versions(filled, archive_path):
    filled.close()
    out = subprocess.run(
        [
            str(BIN / "sqlite-utils"),
            "search",
            archive_path,
            "versions",
            "renar",
            "-c",
            "url",
            "-c",
            "version",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout) == [{"url": URL, "version": 2}]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, process: subprocess.Popen, deadline_s: float = 30.0) -> None:
    """Poll until the server answers, waiting on the process between tries (fails if it exits)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            pass
        try:
            process.wait(timeout=0.1)  # returns only if the server died
        except subprocess.TimeoutExpired:
            continue
        raise AssertionError(f"server exited: {process.stderr.read()}")
    raise AssertionError(f"no answer from {url} within {deadline_s}s")


def test_datasette_answers_full_text_search(filled, archive_path):
    filled.close()
    port = free_port()
    proc = subprocess.Popen(
        [
            str(BIN / "datasette"),
            "serve",
            archive_path,
            "-p",
            str(port),
            "--host",
            "127.0.0.1",
            "--metadata",
            str(METADATA),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/-/versions.json", proc)
        url = base + "/archive/versions.json?_search=renar&_shape=array"
        with urllib.request.urlopen(url, timeout=10) as resp:
            found = json.load(resp)
        assert [(r["url"], r["version"]) for r in found] == [(URL, 2)]
        with urllib.request.urlopen(base + "/archive/articles.json?_shape=array") as resp:
            assert len(json.load(resp)) == 2
        query = "/archive/page_history.json?_shape=array&url=" + urllib.parse.quote(URL)
        with urllib.request.urlopen(base + query) as resp:
            assert [r["outcome"] for r in json.load(resp)] == ["new", "changed"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_reopened_archive_still_searches(filled, archive_path):
    filled.close()
    with Archive.open(archive_path, create=False) as arc:
        assert arc.search("moose")[0].lang == "en"


FILTERS = [
    SearchFilter(current_only=True),
    SearchFilter(lang="sv"),
    SearchFilter(site="umu", since="2020-01-01", until="2030-12-31"),
]


@pytest.mark.parametrize("flt", FILTERS)
def test_filtered_search_reads_versions_through_their_index_not_their_bodies(filled, flt):
    plan = filled.conn.execute(
        "EXPLAIN QUERY PLAN " + search_sql(flt), {"query": '"forskning"', **flt.params()}
    ).fetchall()
    steps = [row[3] for row in plan]
    assert "SEARCH v USING COVERING INDEX versions_filters (id=?)" in steps, steps


def test_archive_without_the_filters_index_gets_it_on_open_and_searches(filled, archive_path):
    with filled.transaction() as conn:
        conn.execute("DROP INDEX versions_filters")
        conn.execute("PRAGMA user_version = 4")  # as uninews wrote archives before it
    filled.close()
    with Archive.open(archive_path, create=False) as arc:
        hits = arc.search("forskning", current_only=True, lang="sv", since="2020-01-01")
        assert [(h.url, h.version) for h in hits] == [(URL, 2)]
        assert arc.search("moose", lang="sv") == []
        assert [h.title for h in arc.search("moose", lang="en")] == ["Research on moose"]
