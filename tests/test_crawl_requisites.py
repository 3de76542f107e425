"""Page requisites in real crawls: the demo site crawled with its stylesheets, images and the
url(...) of its stylesheet, then edited and crawled again; the requisite budget, --max-pages,
and the hosts requisites may come from (the site's, the profile's CDN hosts, no others)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from fixtures_crawl import ArchiveView, crawl, run_uninews, summary_of
from fixtures_servers import FixtureServer

from scraper.demo import DemoServer, DemoSite

pytestmark = pytest.mark.crawl

ON = ("-s", "UNINEWS_REQUISITES=true")
STATIC = ("/static/site.css", "/static/logo.svg", "/static/print.svg", "/static/header.svg")


@dataclass
class Crawls:
    base: str
    archive: ArchiveView
    first: list  # the demo server's request log, first crawl
    second: list
    summaries: tuple[dict, dict]
    first_runs: tuple[int, ...]
    second_runs: tuple[int, ...]


@pytest.fixture(scope="module")
def crawls(demo_site: DemoSite, tmp_path_factory) -> Crawls:
    """State 1 crawled with requisites, then the edited state 2 (one archive)."""
    folder = tmp_path_factory.mktemp("requisites")
    db = folder / "archive.db"
    logs, summaries = [], []
    with DemoServer(demo_site, state=1) as server:
        for state in (1, 2):
            server.set_state(state)
            server.clear_log()
            result = crawl("demo", "--base-url", server.base_url, *ON, db=db)
            assert result.returncode == 0, result.stderr[-3000:]
            logs.append(list(server.requests))
            summaries.append(summary_of(result))
        base = server.base_url
    first, second = ([r["run_id"] for r in s["runs"]] for s in summaries)
    return Crawls(base, ArchiveView(db), *logs, tuple(summaries), tuple(first), tuple(second))


def requisites(crawls: Crawls, runs: tuple[int, ...]) -> list[dict]:
    marks = ", ".join("?" * len(runs))
    return crawls.archive.rows(
        f"SELECT * FROM captures WHERE kind = 'requisite' AND run_id IN ({marks}) ORDER BY id",
        *runs,
    )


def test_pages_are_archived_with_their_stylesheet_images_and_what_the_css_names(crawls):
    captures = requisites(crawls, crawls.first_runs)
    # the first run to ask for a URL gets it whole (the other spider's run, asking for the
    # same stylesheet after it, gets a 304)
    found = {}
    for capture in captures:
        found.setdefault(capture["url"].removeprefix(crawls.base), capture)
    assert set(STATIC) <= set(found)  # header.svg is named by site.css alone
    images = [p for p in found if p.startswith("/globalassets/") and p.endswith(".png")]
    assert len(images) > 20  # the articles' own pictures
    assert all(c["http_status"] == 200 and c["body_sha256"] for c in found.values())
    assert {c["http_status"] for c in captures} <= {200, 304}
    css = crawls.archive.rows(
        "SELECT b.sha256 FROM blobs b WHERE b.sha256 = ?", found["/static/site.css"]["body_sha256"]
    )
    assert css  # the body is kept like any other
    # kept as requisites: no versions, pages rows of their own kind, never counted as pages
    urls = [c["url"] for c in found.values()]
    marks = ", ".join("?" * len(urls))
    assert not crawls.archive.rows(f"SELECT 1 FROM versions WHERE url IN ({marks})", *urls)
    kinds = crawls.archive.rows(f"SELECT DISTINCT kind FROM pages WHERE url IN ({marks})", *urls)
    assert kinds == [{"kind": "requisite"}]
    pages = crawls.archive.scalar(
        "SELECT count(*) FROM captures WHERE kind IN ('article', 'page', 'listing')"
        f" AND run_id IN ({', '.join('?' * len(crawls.first_runs))})",
        *crawls.first_runs,
    )
    assert sum(crawls.summaries[0]["totals"].values()) == pages


def test_each_requisite_is_fetched_once_per_run(crawls):
    per_run = crawls.archive.rows(
        "SELECT run_id, url, count(*) AS n FROM captures WHERE kind = 'requisite'"
        " GROUP BY run_id, url HAVING n > 1"
    )
    assert per_run == []
    # the site saw each static file at most once per spider run (news and pages run)
    for path in STATIC:
        asked = [r for r in crawls.first if r.path == path]
        assert 1 <= len(asked) <= len(crawls.first_runs), path


def test_the_second_crawl_revalidates_requisites_and_adds_no_bodies(crawls):
    before = requisites(crawls, crawls.first_runs)
    after = requisites(crawls, crawls.second_runs)
    known = {c["url"] for c in before}
    again = [c for c in after if c["url"] in known]
    assert again, "the edited pages name the same stylesheet and images"
    for capture in again:
        headers = {name.lower() for name, _ in json.loads(capture["request_headers"])}
        assert "if-none-match" in headers or "if-modified-since" in headers, capture["url"]
        assert capture["http_status"] == 304 and capture["body_sha256"] is None, capture["url"]
    assert {r.status for r in crawls.second if r.path in STATIC} <= {304}
    # new articles of state 2 show the same picture bytes: no new blob for any requisite
    first_bodies = {c["body_sha256"] for c in before}
    assert {c["body_sha256"] for c in after if c["body_sha256"]} <= first_bodies


def test_requisites_are_in_no_export_search_or_list_of_changes(crawls, tmp_path):
    db = str(crawls.archive.path)
    out = tmp_path / "versions.jsonl"
    result = run_uninews("export", "--db", db, "--format", "jsonl", "--out", str(out))
    assert result.returncode == 0, result.stderr
    exported = {json.loads(line)["url"] for line in out.read_text().splitlines()}
    assert exported and not any("/static/" in u or "/globalassets/" in u for u in exported)
    found = run_uninews("search", "universitet", "--db", db, "--json", "--limit", "200")
    assert found.returncode == 0, found.stderr
    assert not any("/static/" in hit["url"] for hit in json.loads(found.stdout))


def test_requisites_have_a_budget_of_their_own_beside_max_pages(demo_server, tmp_path):
    db = tmp_path / "archive.db"
    result = crawl(
        "demo", "--base-url", demo_server.base_url, "--spider", "news", "--max-pages", "4",
        *ON, "-s", "UNINEWS_MAX_REQUISITES=3", db=db,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    archive = ArchiveView(db)
    kinds = {
        r["kind"]: r["n"]
        for r in archive.rows("SELECT kind, count(*) AS n FROM captures GROUP BY kind")
    }
    assert kinds.get("article", 0) + kinds.get("listing", 0) == 4  # --max-pages: pages only
    assert kinds["requisite"] == 3  # the requisite budget, apart
    assert summary_of(result)["totals"]["new"] == 4


class AssetSite(FixtureServer):
    """A page whose stylesheet is on its own host, whose image is on `cdn` and whose script
    is on `other`; every asset answers with an ETag."""

    def __init__(self) -> None:
        super().__init__()
        self.cdn = self.other = ""

    def answer(self, h) -> None:
        if h.path == "/news/":
            page = (
                '<html><head><title>News</title><link rel="stylesheet" href="/s/site.css">'
                f'<script src="{self.other}/tracker.js"></script></head><body>'
                f'<img src="{self.cdn}/pic.png"><p>{"Text. " * 50}</p></body></html>'
            )
            self.send(h, 200, page.encode())
        elif h.path in ("/s/site.css", "/pic.png", "/tracker.js"):
            ctype = {"css": "text/css", "png": "image/png", "js": "text/javascript"}
            self.send(h, 200, b"x" * 40, ctype[h.path.rsplit(".", 1)[1]], {"ETag": '"v1"'})
        else:
            self.send(h, 404, b"")


@pytest.fixture
def asset_hosts() -> tuple[AssetSite, AssetSite, AssetSite]:
    site, cdn, other = AssetSite().start(), AssetSite().start(), AssetSite().start()
    site.cdn, site.other = cdn.base_url, other.base_url
    try:
        yield site, cdn, other
    finally:
        for server in (site, cdn, other):
            server.stop()


def profile(tmp_path: Path, site: AssetSite, cdn: AssetSite, table: str) -> Path:
    path = tmp_path / "assets.toml"
    netloc = site.base_url.removeprefix("http://")
    path.write_text(
        f'name = "assets"\n[scope]\nhosts = ["{netloc}"]\npath_prefixes = ["/news/"]\n'
        f'[discovery]\nlistings = ["{site.base_url}/news/"]\n'
        f"[politeness]\ndownload_delay = 0\n{table}\n"
    )
    return path


def test_requisites_come_from_the_site_and_the_profiles_cdn_hosts_only(asset_hosts, tmp_path):
    site, cdn, other = asset_hosts
    cdn_netloc = cdn.base_url.removeprefix("http://")
    toml = profile(tmp_path, site, cdn, f'[requisites]\nenabled = true\nhosts = ["{cdn_netloc}"]')
    db = tmp_path / "archive.db"
    result = crawl(str(toml), "--spider", "news", db=db)
    assert result.returncode == 0, result.stderr[-3000:]
    urls = {
        r["url"] for r in ArchiveView(db).rows("SELECT url FROM captures WHERE kind = 'requisite'")
    }
    assert urls == {f"{site.base_url}/s/site.css", f"{cdn.base_url}/pic.png"}
    assert "/tracker.js" not in other.requests  # a host neither the site's nor its CDN's
    # the profile turns them on; without its [requisites] table a crawl asks for none
    site.requests.clear()
    plain = profile(tmp_path, site, cdn, "")
    result = crawl(str(plain), "--spider", "news", db=tmp_path / "plain.db")
    assert result.returncode == 0, result.stderr[-3000:]
    assert site.requests == ["/robots.txt", "/news/"]


def test_a_bad_requisites_table_is_one_line_and_exit_2(asset_hosts, tmp_path):
    site, cdn, _ = asset_hosts
    for table, words in (
        ("[requisites]\nenabled = 1", "enabled must be true or false"),
        ("[requisites]\nmax_requests = -1", "max_requests must be a whole number"),
        ("[requisites]\ncdn = []", "unknown key 'cdn'"),
    ):
        toml = profile(tmp_path, site, cdn, table)
        result = crawl(str(toml), db=tmp_path / "archive.db")
        assert result.returncode == 2, result.stderr
        assert words in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_the_option_turns_requisites_on_and_off_whatever_the_profile_says(asset_hosts, tmp_path):
    site, cdn, _ = asset_hosts
    plain = profile(tmp_path, site, cdn, "")
    result = crawl(str(plain), "--spider", "news", "--requisites", db=tmp_path / "on.db")
    assert result.returncode == 0, result.stderr[-3000:]
    on = ArchiveView(tmp_path / "on.db").rows("SELECT url FROM captures WHERE kind = 'requisite'")
    assert [r["url"] for r in on] == [f"{site.base_url}/s/site.css"]  # no CDN host named
    site.requests.clear()
    enabled = profile(tmp_path, site, cdn, "[requisites]\nenabled = true")
    result = crawl(str(enabled), "--spider", "news", "--no-requisites", db=tmp_path / "off.db")
    assert result.returncode == 0, result.stderr[-3000:]
    assert site.requests == ["/robots.txt", "/news/"]


def test_demo_with_requisites_archives_them_in_both_crawls(tmp_path):
    db = tmp_path / "demo.db"
    result = run_uninews("demo", "--db", str(db), "--requisites", "-s", "UNINEWS_MAX_REQUISITES=5")
    assert result.returncode == 0, result.stderr[-3000:]
    per_run = ArchiveView(db).rows(
        "SELECT run_id, count(*) AS n FROM captures WHERE kind = 'requisite' GROUP BY run_id"
    )
    counts = [r["n"] for r in per_run]
    # both spiders' runs of the first crawl and a run of the second, each within the budget
    assert len(counts) >= 3 and max(counts) == 5
    assert "site.css" not in result.stdout  # what changed lists pages only
