"""The demo site is archived under its profile's address whatever port serves it, so
running the demo again revisits the same pages instead of adding a second copy."""

from __future__ import annotations

import socket

import pytest
from fixtures_crawl import ArchiveView, crawl, run_uninews, summary_of

pytestmark = pytest.mark.crawl

STABLE = "http://127.0.0.1:8765/"


def page_urls(db) -> list[str]:
    return [r["url"] for r in ArchiveView(db).rows("SELECT url FROM pages ORDER BY url")]


def test_two_demo_runs_into_one_archive_revisit_instead_of_duplicating(tmp_path):
    db = tmp_path / "demo.db"
    first = run_uninews("demo", "--db", str(db), "-s", "DOWNLOAD_DELAY=0", cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    after_one = page_urls(db)
    assert after_one and all(u.startswith(STABLE) for u in after_one)
    assert f"archived as {STABLE}" in first.stdout

    second = run_uninews("demo", "--db", str(db), "-s", "DOWNLOAD_DELAY=0", cwd=tmp_path)
    assert second.returncode == 0, second.stderr[-2000:]
    assert page_urls(db) == after_one
    assert f"uninews history {STABLE}" in second.stdout


def test_crawl_demo_serves_itself_even_when_the_stable_port_is_taken(tmp_path):
    db = tmp_path / "a.db"
    with socket.socket() as taken:
        try:
            taken.bind(("127.0.0.1", 8765))
            taken.listen()
        except OSError:
            pass  # something already listens there: the case under test all the same
        result = crawl("demo", "--spider", "pages", db=db)
    assert result.returncode == 0, result.stderr[-2000:]
    assert summary_of(result)["totals"]["new"] == 6
    urls = page_urls(db)
    assert urls and all(u.startswith(STABLE) for u in urls)
