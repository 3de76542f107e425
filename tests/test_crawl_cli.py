"""`uninews crawl`, `uninews sites`, `scrapy crawl` as an operator runs them: exit codes,
one-line errors, limits, revisit policies, robots.txt from the site root."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures_crawl import FAST, ArchiveView, crawl, free_port, run_uninews, summary_of

from scraper.demo import DemoServer

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crawl", "nosuch"], "no site profile named 'nosuch'"),
        (["crawl"], "give a site profile"),
        (["crawl", "umu", "--start-url", "https://example.org/"], "not both"),
        (["crawl", "--start-url", "ftp://example.org/news/"], "not an http(s) URL"),
        (["crawl", "--start-url", "news"], "not an http(s) URL"),
        (["crawl", "umu", "--revisit", "sometimes"], "bad revisit policy"),
        (["crawl", "umu", "--host-map", "www.umu.se"], "bad --host-map"),
        (["crawl", "umu", "-s", "DOWNLOAD_DELAY"], "bad -s"),
        (["crawl", "umu", "--redis", "localhost:6379"], "bad --redis"),
        (["crawl", "umu", "--base-url", "http://127.0.0.1:1/"], "--base-url is for"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(args, message, tmp_path):
    result = run_uninews(*args, "--db", str(tmp_path / "a.db"), cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert not (tmp_path / "a.db").exists()


@pytest.mark.parametrize("db", ["no-such-folder/a.db", "not-an-archive.txt"])
def test_bad_archive_path_is_one_line_and_exit_2(db, tmp_path):
    (tmp_path / "not-an-archive.txt").write_text("hello, I am a text file\n" * 10)
    result = run_uninews("crawl", "--start-url", "http://127.0.0.1:1/news/", "--db", db,
                         cwd=tmp_path)  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_overlapping_crawl_of_one_site_is_refused(tmp_path):
    from scraper.crawl import crawl_lock

    db = tmp_path / "a.db"
    with crawl_lock(str(db), "demo"):
        result = run_uninews("crawl", "demo", "--base-url", "http://127.0.0.1:1", "--db", str(db))
    assert result.returncode == 1
    assert "another crawl of demo" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_sites_lists_the_profiles():
    result = run_uninews("sites")
    assert result.returncode == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert {"umu", "demo"} <= set(names)
    assert "www.umu.se" in result.stdout


def test_nothing_fetchable_is_a_failed_run_exit_1(tmp_path):
    db = tmp_path / "a.db"
    url = f"http://127.0.0.1:{free_port()}/news/"
    result = crawl("--start-url", url, "-s", "RETRY_ENABLED=0", db=db)
    assert result.returncode == 1
    assert summary_of(result)["ok"] is False
    assert "Traceback" not in result.stderr
    runs = ArchiveView(db).rows("SELECT status FROM runs")
    assert runs == [{"status": "failed"}]


@pytest.mark.crawl
def test_max_pages_caps_the_crawl_and_progress_is_logged(demo_server, tmp_path):
    db = tmp_path / "a.db"
    result = crawl("demo", "--base-url", demo_server.base_url, "--spider", "news",
                   "--max-pages", "7", "-s", "UNINEWS_PROGRESS_INTERVAL=0.05", db=db)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    # pages only: robots.txt and feed fetches are captures too (kinds robots and feed),
    # outside --max-pages
    view = ArchiveView(db)
    assert view.scalar("SELECT count(*) FROM captures WHERE kind NOT IN ('robots', 'feed')") == 7
    assert view.scalar("SELECT count(*) FROM captures WHERE kind = 'robots'") == 1
    assert view.scalar("SELECT count(*) FROM captures WHERE kind = 'feed'") == 2
    assert "pages/min" in result.stderr and "not_modified" in result.stderr


@pytest.mark.crawl
def test_demo_command_crawls_edits_and_shows_changes(demo_site, tmp_path):
    db = tmp_path / "demo.db"
    result = run_uninews("demo", "--db", str(db), "-s", "DOWNLOAD_DELAY=0", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    changes = demo_site.expected_changes()
    for path in [*changes.edited, changes.deleted, changes.moved[0], *changes.new]:
        assert path in out
    assert "gone" in out and "redirected" in out and "version 2" in out
    assert "uninews history http://127.0.0.1:" in out and f"uninews serve --db {db}" in out
    versions = ArchiveView(db).scalar("SELECT count(*) FROM versions WHERE version = 2")
    assert versions == len(changes.edited)


@pytest.mark.crawl
def test_revisit_policy_decides_whether_vanished_articles_are_checked(
    demo_server, demo_site, tmp_path
):
    """The deleted article left feeds, listings and sitemaps: only a revisit finds it gone."""
    deleted = demo_site.expected_changes().deleted
    first = tmp_path / "first.db"
    assert crawl("demo", "--base-url", demo_server.base_url, "--spider", "news",
                 db=first).returncode == 0  # fmt: skip
    demo_server.set_state(2)
    for policy in ("none", "older-than:7d"):
        db = ArchiveView(first).snapshot(tmp_path / f"{policy.replace(':', '-')}.db").path
        demo_server.clear_log()
        result = crawl("demo", "--base-url", demo_server.base_url, "--spider", "news",
                       "--revisit", policy, db=db)  # fmt: skip
        assert result.returncode == 0, result.stderr[-2000:]
        status = ArchiveView(db).scalar(
            "SELECT status FROM pages WHERE url = ?", demo_server.base_url + deleted
        )
        assert status == "live", policy
        assert not any(e.path == deleted for e in demo_server.requests), policy
        stats = ArchiveView(db).scalar("SELECT stats FROM runs ORDER BY id DESC LIMIT 1")
        skipped = json.loads(stats).get("uninews/sitemap_unchanged_skipped", 0)
        assert skipped >= len(demo_site.articles(2)) - 6, "sitemap lastmod was not honoured"


@pytest.mark.crawl
def test_generic_crawl_from_the_root_obeys_robots_txt(demo_server, demo_site, tmp_path):
    db = tmp_path / "a.db"
    home = demo_server.base_url + "/"
    result = crawl("--start-url", home, "--max-pages", "30", "--contact", "ops@example.org",
                   db=db)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    requested = [e.path for e in demo_server.requests]
    assert "/robots.txt" in requested and "/" in requested
    assert not any(p.startswith(demo_site.disallowed_paths[0]) for p in requested)
    agent = demo_server.requests[-1].headers["User-Agent"]
    assert agent.startswith("uninews/") and agent.endswith("(+ops@example.org)")


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.mark.crawl
def test_crawl_demo_serves_the_site_itself_at_a_stable_address(tmp_path):
    if not port_is_free(8765):
        pytest.skip("port 8765 is in use here")
    db = tmp_path / "a.db"
    first = crawl("demo", "--spider", "pages", db=db)
    second = crawl("demo", "--spider", "pages", db=db)
    assert first.returncode == 0 and second.returncode == 0, second.stderr[-2000:]
    urls = {r["url"] for r in ArchiveView(db).rows("SELECT url FROM pages")}
    assert urls and all(u.startswith("http://127.0.0.1:8765/") for u in urls)
    totals = summary_of(second)["totals"]
    assert totals["new"] == 0 and totals["not_modified"] == 6


@pytest.mark.crawl
def test_scrapy_crawl_command_works_from_the_repository(demo_site, tmp_path):
    db = tmp_path / "a.db"
    with DemoServer(demo_site) as server:
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "pages", "-a", "site=demo",
             "-a", f"host_map=127.0.0.1:8765={server.base_url}", "-s", f"UNINEWS_DB={db}",
             *FAST],
            cwd=REPO, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert ArchiveView(db).scalar("SELECT count(*) FROM versions") == len(demo_site.pages(1))
