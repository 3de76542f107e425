"""`uninews crawl` of many sites in one run: a sites file, several profiles, --all; each site's
budget, schedule and lock; one summary line a site and a total; the exit status."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from fixtures_crawl import FAST, ArchiveView, crawl, run_uninews, summary_of
from fixtures_servers import FixtureServer, article_html

from scraper.crawl import crawl_lock

ARTICLES = [f"/news/story-{n}/" for n in range(1, 9)]


class NewsServer(FixtureServer):
    """A small news site without a profile: a listing of eight articles, no robots.txt."""

    def answer(self, h: BaseHTTPRequestHandler) -> None:
        if h.path == "/news/":
            self.send(h, 200, article_html("All news", ARTICLES))
        elif h.path in ARTICLES:
            self.send(h, 200, article_html(f"Story {h.path.split('-')[-1].strip('/')}"))
        else:
            self.send(h, 404, b"not here")


@pytest.fixture
def news_server():
    with NewsServer() as server:
        yield server


def sites_file(tmp_path: Path, news_url: str, every: str = "6h") -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(
        f'[[site]]\nprofile = "demo"\nevery = "{every}"\n\n'
        f'[[site]]\nstart_url = "{news_url}/news/"\nmax_pages = 3\n',
        encoding="utf-8",
    )
    return path


def site_pages(db: Path, site: str) -> int:
    return ArchiveView(db).scalar(
        "SELECT count(*) FROM captures WHERE site = ? AND kind NOT IN ('robots', 'feed')", site
    )


@pytest.mark.crawl
def test_a_sites_file_crawls_its_sites_together_each_with_its_budget_and_schedule(
    demo_server, news_server, tmp_path
):
    db = tmp_path / "a.db"
    plan = sites_file(tmp_path, news_server.base_url)
    news_site = news_server.base_url.removeprefix("http://")
    first = crawl("--sites", str(plan), "--base-url", demo_server.base_url, db=db)
    assert first.returncode == 0, first.stderr[-2000:]
    summary = summary_of(first)
    assert summary["ok"] is True
    assert [s["site"] for s in summary["sites"]] == ["demo", news_site]
    assert [s["status"] for s in summary["sites"]] == ["finished", "finished"]
    assert summary["totals"]["new"] == sum(s["totals"]["new"] for s in summary["sites"])
    assert site_pages(db, news_site) == 3  # its own max_pages
    assert site_pages(db, "demo") > 3  # the demo site has no budget
    runs = ArchiveView(db).rows("SELECT site, spider, status FROM runs ORDER BY id")
    assert {(r["site"], r["spider"]) for r in runs} == {
        ("demo", "news"), ("demo", "pages"), (news_site, "news"),
    }  # fmt: skip
    assert all(r["status"] == "finished" for r in runs)
    assert not list(tmp_path.glob("*.lock"))  # lock files go when the crawl ends

    # An hour later, say: demo (every 6h) is not due, the other site has no interval.
    second = run_uninews("crawl", "--sites", str(plan), "--base-url", demo_server.base_url,
                         *FAST, "--db", str(db))  # fmt: skip
    assert second.returncode == 0, second.stderr[-2000:]
    lines = second.stdout.strip().splitlines()
    assert lines[0].startswith("demo: skipped: last finished run started ")
    assert "due every 6h" in lines[0]
    assert lines[1].startswith(f"{news_site}: finished, 3 pages")
    assert lines[-1].startswith("total: 2 sites (1 finished, 1 skipped)")
    assert len(lines) == 3
    assert ArchiveView(db).scalar("SELECT count(*) FROM runs WHERE site = 'demo'") == 2


@pytest.mark.crawl
def test_a_site_locked_by_another_crawl_is_skipped_the_others_run_exit_1(
    demo_server, news_server, tmp_path
):
    db = tmp_path / "a.db"
    plan = sites_file(tmp_path, news_server.base_url)
    with crawl_lock(str(db), "demo"):
        result = crawl("--sites", str(plan), "--base-url", demo_server.base_url, db=db)
    assert result.returncode == 1
    summary = summary_of(result)
    assert summary["ok"] is False
    demo, other = summary["sites"]
    assert demo["status"] == "locked" and "another crawl of demo" in demo["note"]
    assert other["status"] == "finished" and other["totals"]["new"] == 3
    assert summary["statuses"] == {"finished": 1, "failed": 0, "locked": 1, "skipped": 0}
    assert ArchiveView(db).scalar("SELECT count(*) FROM runs WHERE site = 'demo'") == 0
    assert demo_server.requests == []
    errors = result.stderr.strip().splitlines()
    assert errors[-1].startswith("Crawl failed: demo: another crawl of demo")


@pytest.mark.crawl
def test_several_profiles_by_name_and_a_failed_site_exit_1(demo_server, tmp_path):
    """A profile by path with no server behind it fails; the demo site beside it does not."""
    dead = tmp_path / "dead.toml"
    dead.write_text(
        'name = "dead"\n[scope]\nhosts = ["127.0.0.1:9"]\n'
        '[discovery]\nlistings = ["http://127.0.0.1:9/news/"]\n',
        encoding="utf-8",
    )
    db = tmp_path / "a.db"
    result = run_uninews("crawl", "demo", str(dead), "--spider", "news", "--base-url",
                         demo_server.base_url, "-s", "RETRY_ENABLED=0", *FAST,
                         "--db", str(db))  # fmt: skip
    assert result.returncode == 1, result.stderr[-2000:]
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("demo: finished, ")
    assert lines[1].startswith("dead: failed, 0 pages")
    assert lines[-1].startswith("total: 2 sites (1 finished, 1 failed)")
    assert "Crawl failed: dead: " in result.stderr
    statuses = ArchiveView(db).rows("SELECT site, status FROM runs ORDER BY site")
    assert statuses == [
        {"site": "dead", "status": "failed"}, {"site": "demo", "status": "finished"},
    ]  # fmt: skip


def test_all_is_every_bundled_profile_but_the_demo(tmp_path):
    db = tmp_path / "a.db"
    with crawl_lock(str(db), "umu"):  # so that nothing is fetched from umu.se
        result = run_uninews("crawl", "--all", "--json", "--db", str(db))
    assert result.returncode == 1
    sites = json.loads(result.stdout)["sites"]
    assert [(s["site"], s["status"]) for s in sites] == [("umu", "locked")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[site]]\nprofile = "demo"\nevery = "often"\n', "bad every = 'often'"),
        ('[[site]]\nprofile = "demo"\nmax_page = 3\n', "unknown key(s) ['max_page']"),
        ('[[site]]\nprofile = "demo"\nstart_url = "http://x.org/"\n', "give profile = NAME"),
        ('[[site]]\nprofile = "nosuch"\n', "no site profile named 'nosuch'"),
        ('[[site]]\nstart_url = "ftp://x.org/"\n', "not an http(s) URL"),
        ('[[site]]\nprofile = "demo"\n[[site]]\nprofile = "demo"\n', "demo is named twice"),
        ('profile = "demo"\n', "write one [[site]] table per site"),
        ("[[site]\n", "not valid TOML"),
    ],
)
def test_a_bad_sites_file_is_one_line_and_exit_2(text, message, tmp_path):
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    result = run_uninews("crawl", "--sites", str(path), "--db", str(tmp_path / "a.db"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert not (tmp_path / "a.db").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sites", "none.toml"], "no sites file none.toml"),
        (["demo", "--all"], "give a site profile or --all, not both"),
        (["--all", "--sites", "x.toml"], "give --all or --sites FILE.toml, not both"),
        (["umu", "demo", "--base-url", "http://127.0.0.1:1/", "--start-url", "http://x.org/"],
         "not both"),
        (["umu", "umu"], "umu is named twice"),
    ],
)  # fmt: skip
def test_bad_usage_of_many_sites_is_one_line_and_exit_2(args, message, tmp_path):
    result = run_uninews("crawl", *args, "--db", str(tmp_path / "a.db"), cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_crawl_help_documents_the_exit_codes():
    result = run_uninews("crawl", "--help")
    text = " ".join(result.stdout.split())
    assert "Exit status: 0 every site crawled" in text
    assert "1 a site's run failed" in text and "2 bad usage" in text


def test_a_profile_path_in_a_sites_file_is_relative_to_the_file(tmp_path):
    folder = tmp_path / "timers"
    folder.mkdir()
    (folder / "mine.toml").write_text('name = "mine"\n[scope]\nhosts = ["x.org"]\n')
    (folder / "sites.toml").write_text('[[site]]\nprofile = "mine.toml"\n')
    result = run_uninews("crawl", "--sites", "timers/sites.toml", "--db", "a.db", cwd=tmp_path)
    assert result.returncode == 2  # found (elsewhere than the working folder), but no start
    line = result.stderr.strip()
    assert (
        line == f"Error: profile {Path('timers') / 'mine.toml'} has no start points: give "
        "[discovery] feeds, sitemaps, listings or sections"
    )
