"""Resume: a crawl started again after one that was killed halfway fetches only the pages the
killed run had not captured, still reads feeds, sitemaps and robots.txt, and leaves every page
in the archive once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from fixtures_crawl import FAST, ArchiveView, crawl, run_uninews, summary_of

from scraper.demo import DemoServer, DemoSite

pytestmark = pytest.mark.crawl


def captures_in(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT count(*) FROM captures").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0  # not created yet


def kill_once_captured(db: Path, command: list[str], at_least: int) -> None:
    """Start the crawl and SIGKILL it once the archive holds `at_least` captures."""
    running = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    ended = threading.Event()
    threading.Thread(target=lambda: (running.wait(), ended.set()), daemon=True).start()
    try:
        for _ in range(2400):  # at most two minutes of polls
            if captures_in(db) >= at_least or ended.wait(0.05):
                break
        assert not ended.is_set(), "the crawl ended before it could be killed"
        assert captures_in(db) >= at_least, "the crawl never reached the captures to kill at"
    finally:
        os.killpg(running.pid, signal.SIGKILL)
        running.wait()


def test_a_rerun_after_a_killed_crawl_fetches_only_the_rest(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    site = DemoSite(article_pairs=400)
    articles = {a.path for a in site.articles(1)}
    with DemoServer(site) as server:
        command = [sys.executable, "-m", "scraper.cli", "crawl", *FAST, "demo", "--spider",
                   "news", "--base-url", server.base_url, "--db", str(db)]  # fmt: skip
        kill_once_captured(db, command, 200)
        view = ArchiveView(db)
        base = server.base_url
        captured = {
            r["url"].removeprefix(base)
            for r in view.rows("SELECT url FROM captures WHERE run_id = 1 AND kind = 'article'")
        }
        assert 100 < len(captured) < len(articles) - 100, "not killed halfway"

        server.clear_log()
        again = run_uninews("crawl", *FAST, "demo", "--spider", "news", "--base-url", base,
                            "--db", str(db))  # fmt: skip
        requested = [e.path for e in server.requests]
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"resumed interrupted run 1: {len(captured)} pages skipped as already captured" in (
        again.stdout
    )
    stats = json.loads(view.scalar("SELECT stats FROM runs WHERE id = 2"))
    assert stats["uninews/resumed_from"] == [1]
    assert stats["uninews/resume_skipped"] == len(captured)
    assert {p for p in requested if p in articles} == articles - captured
    assert not captured & set(requested)
    for discovery in ("/robots.txt", site.sitemap_index, *site.feeds):
        assert discovery in requested
    per_article = view.rows(
        "SELECT url, count(*) AS n FROM captures WHERE kind = 'article' GROUP BY url"
    )
    assert {r["url"].removeprefix(base) for r in per_article} == articles
    assert {r["n"] for r in per_article} == {1}
    assert view.scalar("SELECT count(*) FROM versions") == view.scalar(
        "SELECT count(*) FROM pages WHERE current_version IS NOT NULL"
    )


def test_no_resume_after_a_finished_run_or_with_the_window_at_zero(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with DemoServer(DemoSite(article_pairs=400)) as server:
        command = [sys.executable, "-m", "scraper.cli", "crawl", *FAST, "demo", "--spider",
                   "news", "--base-url", server.base_url, "--db", str(db)]  # fmt: skip
        kill_once_captured(db, command, 100)
        off = crawl("demo", "--spider", "news", "--base-url", server.base_url,
                    "-s", "UNINEWS_RESUME_WINDOW=0", db=db)  # fmt: skip
        after_finished = crawl("demo", "--spider", "news", "--base-url", server.base_url, db=db)
    for result in (off, after_finished):
        assert result.returncode == 0, result.stderr[-2000:]
        run = summary_of(result)["runs"][0]
        assert run["resumed_from"] == [] and run["resume_skipped"] == 0
        # what run 1 captured is asked for again (answered 304)
        assert summary_of(result)["totals"]["not_modified"] >= 50
