"""Real crawls of the demo site: what a first crawl archives, what a recrawl costs, and
what switching the site to its edited state does to the archive."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from fixtures_crawl import ArchiveView, crawl, summary_of

from scraper import __version__
from scraper.demo import DemoServer, DemoSite

pytestmark = pytest.mark.crawl


@dataclass
class Stage:
    result: object
    archive: ArchiveView
    log: list  # the demo server's RequestLog entries during this crawl


@dataclass
class DemoCrawls:
    base: str
    first: Stage
    second: Stage
    edited: Stage

    def path(self, url: str) -> str:
        return url.removeprefix(self.base)


@pytest.fixture(scope="module")
def crawls(demo_site: DemoSite, tmp_path_factory) -> DemoCrawls:
    """Crawl state 1, crawl it again, switch to state 2, crawl again (one archive)."""
    folder = tmp_path_factory.mktemp("demo-crawls")
    db = folder / "archive.db"
    stages = []
    with DemoServer(demo_site, state=1) as server:
        for n, state in enumerate((1, 1, 2), start=1):
            server.set_state(state)
            server.clear_log()
            result = crawl("demo", "--base-url", server.base_url, db=db)
            assert result.returncode == 0, result.stderr[-3000:]
            snapshot = ArchiveView(db).snapshot(folder / f"after-{n}.db")
            stages.append(Stage(result, snapshot, list(server.requests)))
        base = server.base_url
    return DemoCrawls(base, *stages)


def versioned_paths(crawls: DemoCrawls, archive: ArchiveView, version: int = 1) -> set[str]:
    rows = archive.rows("SELECT url FROM versions WHERE version = ?", version)
    return {crawls.path(r["url"]) for r in rows}


def test_first_crawl_archives_exactly_the_articles_and_pages(crawls, demo_site):
    expected = {a.path for a in demo_site.articles(1)} | {p.path for p in demo_site.pages(1)}
    assert versioned_paths(crawls, crawls.first.archive) == expected
    kinds = crawls.first.archive.rows("SELECT url, kind FROM pages WHERE current_version = 1")
    articles = {a.path for a in demo_site.articles(1)}
    for row in kinds:
        assert row["kind"] == ("article" if crawls.path(row["url"]) in articles else "page")


def test_first_crawl_fields(crawls, demo_site):
    archive = crawls.first.archive
    rows = {crawls.path(r["url"]): r for r in archive.rows("SELECT * FROM versions")}
    for article in demo_site.articles(1):
        row = rows[article.path]
        assert row["title"] == article.title
        assert row["lang"] == article.lang
    for article in demo_site.articles(1)[:6]:
        assert rows[article.path]["published_at"][:10] == article.published


def test_reference_article_fields(crawls, demo_site):
    ref = demo_site.article(demo_site.reference_path)
    row = crawls.first.archive.rows(
        "SELECT * FROM versions WHERE url = ?", crawls.base + demo_site.reference_path
    )[0]
    assert row["title"] == "Partnerskapsdag mellan Umeå universitet och Region Västerbotten"
    assert row["published_at"][:10] == "2020-11-23"
    assert row["lang"] == "sv"
    assert "Alekzandra Granath" in row["authors"]
    assert row["category"] == ref.category
    assert "Hoppa direkt till innehållet" not in row["body_text"]


def test_first_crawl_summary_and_run_rows(crawls, demo_site):
    summary = summary_of(crawls.first.result)
    assert summary["ok"] is True
    n_content = len(demo_site.articles(1)) + len(demo_site.pages(1))
    assert summary["totals"]["new"] >= n_content
    runs = crawls.first.archive.rows("SELECT spider, status, stats FROM runs ORDER BY id")
    assert [(r["spider"], r["status"]) for r in runs] == [
        ("news", "finished"),
        ("pages", "finished"),
    ]
    assert '"uninews/new"' in runs[0]["stats"]


def test_login_wall_recorded_as_restricted_and_not_followed(crawls, demo_site):
    archive = crawls.first.archive
    portal = crawls.base + demo_site.restricted_paths[0]
    page = archive.rows("SELECT status, current_version FROM pages WHERE url = ?", portal)
    assert page == [{"status": "restricted", "current_version": None}]
    requested = [r.path for s in (crawls.first, crawls.second, crawls.edited) for r in s.log]
    assert not any(p.startswith(demo_site.login_path) for p in requested)


def test_disallowed_path_never_requested(crawls, demo_site):
    for stage in (crawls.first, crawls.second, crawls.edited):
        for entry in stage.log:
            assert not entry.path.startswith(demo_site.disallowed_paths[0])
            assert not entry.path.startswith("/internt/")
        assert any(e.path == "/robots.txt" for e in stage.log)


def test_identifiable_user_agent(crawls):
    # No --contact given: the name and version only, never a made-up address
    # (test_crawl_cli checks that --contact adds the operator's).
    agents = {e.headers.get("User-Agent", "") for e in crawls.first.log}
    assert agents == {f"uninews/{__version__}"}


def test_asks_for_the_codings_every_warc_reader_decodes(crawls):
    # br and zstd (Scrapy's defaults) would make WARC records warcio cannot replay.
    asked = {e.headers.get("Accept-Encoding", "") for e in crawls.first.log}
    assert asked == {"gzip, deflate"}


def test_recrawl_writes_nothing_new_and_is_answered_304(crawls, demo_site):
    before = crawls.first.archive.scalar("SELECT count(*) FROM versions")
    assert crawls.second.archive.scalar("SELECT count(*) FROM versions") == before
    totals = summary_of(crawls.second.result)["totals"]
    assert totals["new"] == 0 and totals["changed"] == 0
    articles = {a.path for a in demo_site.articles(1)}
    answers = [e.status for e in crawls.second.log if e.path in articles]
    assert len(answers) >= len(articles)
    assert answers.count(304) / len(answers) >= 0.95
    asked = crawls.second.archive.rows(
        "SELECT request_headers FROM captures WHERE http_status = 304 AND run_id > 2"
    )
    assert asked and all("If-None-Match" in r["request_headers"] for r in asked)


def test_edited_state_versions_exactly_the_edited_articles(crawls, demo_site):
    changes = demo_site.expected_changes()
    assert versioned_paths(crawls, crawls.edited.archive, 2) == set(changes.edited)
    assert changes.teaser_only not in versioned_paths(crawls, crawls.edited.archive, 2)


def test_edited_state_marks_deleted_gone(crawls, demo_site):
    deleted = crawls.base + demo_site.expected_changes().deleted
    rows = crawls.edited.archive.rows("SELECT status FROM pages WHERE url = ?", deleted)
    assert rows == [{"status": "gone"}]


def test_edited_state_records_the_move(crawls, demo_site):
    old, new = demo_site.expected_changes().moved
    archive = crawls.edited.archive
    capture = archive.rows(
        "SELECT http_status, outcome FROM captures WHERE url = ? ORDER BY id DESC LIMIT 1",
        crawls.base + old,
    )
    assert capture == [{"http_status": 301, "outcome": "redirected"}]
    assert new in versioned_paths(crawls, archive, 1)


def test_edited_state_adds_the_new_articles(crawls, demo_site):
    changes = demo_site.expected_changes()
    added = versioned_paths(crawls, crawls.edited.archive) - versioned_paths(
        crawls, crawls.first.archive
    )
    assert added == set(changes.new) | {changes.moved[1]}


def test_generic_mode_finds_the_articles(demo_server, demo_site, tmp_path: Path):
    db = tmp_path / "generic.db"
    result = crawl("--start-url", demo_server.base_url + "/nyheter/", db=db)
    assert result.returncode == 0, result.stderr[-3000:]
    archive = ArchiveView(db)
    rows = archive.rows("SELECT url, kind FROM pages WHERE current_version IS NOT NULL")
    found = {r["url"].removeprefix(demo_server.base_url): r["kind"] for r in rows}
    swedish = {a.path for a in demo_site.articles(1) if a.lang == "sv"}
    assert swedish <= set(found)
    assert {found[p] for p in swedish} == {"article"}
    requested = {e.path for e in demo_server.requests}
    assert {"/robots.txt", demo_site.sitemap_index} <= requested  # sitemaps named in robots.txt
    listings = archive.rows("SELECT url FROM pages WHERE url LIKE '%?page=%'")
    assert listings, "pagination was not followed"
    assert all(
        r["kind"] == "listing"
        for r in archive.rows("SELECT kind FROM pages WHERE url LIKE '%page=%'")
    )


def test_umu_profile_through_host_map(demo_server, demo_site, tmp_path: Path):
    db = tmp_path / "umu.db"
    base = demo_server.base_url
    result = crawl(
        "umu", "--host-map", f"www.umu.se={base}", "--host-map", f"www.aurora.umu.se={base}",
        "-s", "DOWNLOAD_DELAY=0", db=db,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    archive = ArchiveView(db)
    rows = archive.rows("SELECT url FROM versions")
    expected = {a.path for a in demo_site.articles(1)} | {p.path for p in demo_site.pages(1)}
    assert {r["url"].removeprefix(base) for r in rows} == expected
    assert archive.scalar("SELECT DISTINCT site FROM pages") == "umu"
