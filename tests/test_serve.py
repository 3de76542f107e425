"""`uninews serve`: a real Datasette on an archive of two real demo crawls, answering the
canned queries, facets and full-text search over HTTP, read-only; and a headless Chromium
finding an article through the search page."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from fixtures_archive import build_capture, build_content
from fixtures_research import DemoArchive

from archive import Archive
from archive.serve import Running, datasette_command, prepare, start, write_metadata
from scraper.cli import cli

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def served(demo_archive: DemoArchive, tmp_path_factory) -> Iterator[Running]:
    """Datasette started exactly as `uninews serve` starts it, on a free port."""
    prepare(demo_archive.path)
    folder = tmp_path_factory.mktemp("serve")
    running = start(
        datasette_command(demo_archive.path, write_metadata(demo_archive.path, folder), port=0)
    )
    yield running
    running.stop()


def get_json(running: Running, path: str, **params: str):
    query = urllib.parse.urlencode({"_shape": "array", **params})
    with urllib.request.urlopen(f"{running.url}{path}?{query}", timeout=20) as response:
        return json.load(response)


def test_canned_query_pages_gone(served, demo_archive):
    rows = get_json(served, "/archive/pages_gone.json")
    assert [r["url"] for r in rows] == [demo_archive.url(demo_archive.changes.deleted)]
    assert rows[0]["last_title"] and rows[0]["gone_since"] > demo_archive.between


def test_canned_query_edited_after_publication(served, demo_archive):
    urls = {r["url"] for r in get_json(served, "/archive/edited_after_publication.json")}
    edited = {demo_archive.url(p) for p in demo_archive.changes.edited}
    assert edited <= urls
    assert demo_archive.url(demo_archive.changes.teaser_only) not in urls


def test_canned_query_new_in_last_7_days_and_per_month(served, demo_archive):
    versioned = demo_archive.rows("SELECT url, kind FROM pages WHERE current_version > 0")
    new = get_json(served, "/archive/new_last_7_days.json")
    assert {r["url"] for r in new} == {r["url"] for r in versioned}  # crawled just now
    months = get_json(served, "/archive/articles_per_month.json")
    assert sum(r["articles"] for r in months) == sum(r["kind"] == "article" for r in versioned)
    assert {r["language"] for r in months} == {"sv", "en"}
    assert all(len(r["month"]) == 7 for r in months)


def test_canned_query_history_of_one_url(served, demo_archive):
    url = demo_archive.url(demo_archive.changes.edited[0])
    rows = get_json(served, "/archive/page_history.json", url=url)
    assert [r["outcome"] for r in rows] == ["new", "changed"]
    assert [r["version"] for r in rows] == [1, 2]


def test_full_text_search_and_facets(served, demo_archive):
    article = demo_archive.site.article(demo_archive.site.reference_path)
    word = "partnerskapsdag"
    hits = get_json(served, "/archive/versions.json", _search=word)
    assert article.title in {h["title"] for h in hits}
    view = get_json(served, "/archive/article_versions.json", _search=word, _shape="objects")
    assert article.title in {h["title"] for h in view["rows"]}
    facets = view["facet_results"]
    assert {"site", "lang", "category", "year"} <= set(facets)
    years = {f["value"] for f in facets["year"]["results"]}
    assert int(article.published[:4]) in years


def test_versions_table_page_has_its_facets_and_no_suggestions_unless_asked(
    served, demo_archive, tmp_path
):
    page = get_json(served, "/archive/versions.json", _shape="objects", _size="5")
    assert len(page["rows"]) == 5
    assert {"lang", "category"} <= set(page["facet_results"])
    langs = {f["value"] for f in page["facet_results"]["lang"]["results"]}
    assert langs == {"sv", "en"}
    assert page["suggested_facets"] == []
    metadata = write_metadata(demo_archive.path, tmp_path)
    command = datasette_command(demo_archive.path, metadata, port=0)
    asked = start(command + ["--setting", "suggest_facets", "on"])
    try:
        again = get_json(asked, "/archive/versions.json", _shape="objects", _size="5")
    finally:
        asked.stop()
    assert again["suggested_facets"]


def test_read_only_with_metadata(served):
    databases = get_json(served, "/-/databases.json")
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("archive", False)]
    with urllib.request.urlopen(served.url + "/-/metadata.json", timeout=20) as response:
        metadata = json.load(response)
    assert metadata["title"] == "uninews archive"
    tables = metadata["databases"]["archive"]["tables"]
    assert tables["versions"]["description"] and tables["article_versions"]["columns"]["year"]
    sql = urllib.parse.urlencode({"sql": "delete from pages"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{served.url}/archive.json?{sql}", timeout=20)
    assert refused.value.code in (400, 403)
    assert get_json(served, "/archive.json", sql="select count(*) as n from pages")[0]["n"] > 0


def test_search_internals_are_hidden_and_search_still_finds(served, demo_archive):
    with urllib.request.urlopen(served.url + "/archive.json", timeout=20) as response:
        hidden = {t["name"]: t["hidden"] for t in json.load(response)["tables"]}
    internal = {"versions_fts", "versions_fts_data", "versions_search", "versions_search_data",
                "versions_facets"}  # fmt: skip
    assert {name: hidden[name] for name in internal} == dict.fromkeys(internal, True)
    assert not hidden["versions"] and not hidden["pages"]
    word = "partnerskapsdag"
    assert get_json(served, "/archive/versions.json", _search=word)
    assert get_json(served, "/archive/versions.json", _search=word, _nocount="1", _nofacet="1")


@pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
    reason="chromium is not installed here (CI installs it: apt-get install chromium)",
)
def test_chromium_finds_an_article_through_the_search_page(served, demo_archive, tmp_path):
    article = demo_archive.site.article(demo_archive.changes.edited[0])
    word = article.title.split()[0]
    page = f"{served.url}/archive/versions?_search={urllib.parse.quote(word)}"
    result = subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert article.title in result.stdout
    assert "rows where search matches" in result.stdout


def test_uninews_serve_command_starts_and_stops_datasette(demo_archive):
    command = [
        sys.executable,
        "-m",
        "scraper.cli",
        "serve",
        "--db",
        str(demo_archive.path),
        "-p",
        "0",
    ]
    running = start(command)
    try:
        assert get_json(running, "/archive/articles.json", _size="1")
    finally:
        running.stop()
    assert running.process.returncode in (0, -15)
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(running.url + "/-/versions.json", timeout=5)


def test_serve_bad_archive_is_one_line_and_exit_2(tmp_path):
    missing = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 2
    assert missing.output.startswith("Error: no archive at") and missing.output.count("\n") == 1
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    refused = CliRunner().invoke(cli, ["serve", "--db", str(junk)])
    assert refused.exit_code == 2 and "not a uninews archive" in refused.output


def test_live_serving_follows_a_crawl_in_progress(demo_archive, tmp_path):
    db = tmp_path / "archive.db"
    shutil.copyfile(demo_archive.path, db)
    prepare(db)
    running = start(datasette_command(db, write_metadata(db, tmp_path), port=0, live=True))
    try:
        assert get_json(running, "/archive/versions.json", _search="fjällräven") == []
        with Archive.open(db) as arc:  # a crawl writing while Datasette serves
            content = build_content(title="Fjällräven tillbaka i Västerbotten")
            arc.record(
                build_capture(demo_archive.url("/nyheter/fjallraven_1/")),
                content,
                run_id=None,
                site="demo",
            )
        hits = get_json(running, "/archive/versions.json", _search="fjällräven")
        assert [h["title"] for h in hits] == ["Fjällräven tillbaka i Västerbotten"]
        assert get_json(running, "/-/databases.json")[0]["is_mutable"] is True
    finally:
        running.stop()


def test_export_and_serve_have_help():
    for name in ("export", "serve"):
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "--db" in result.output
        assert cli.commands[name].help and len(cli.commands[name].help) > 40
