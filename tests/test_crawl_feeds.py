"""A stand-in for www.umu.se whose articles are listed only in feeds of umu.se's real shape
(no <link>, relative item xml:base, isPermaLink="false" guids, an empty <title />): every
article is archived, with what its page lacks taken from the feed, and the feeds themselves
are kept as captures of kind "feed"."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures_crawl import ArchiveView, crawl, run_uninews, summary_of
from fixtures_servers import FixtureServer

pytestmark = pytest.mark.crawl

SV_FEED = "/nyheter/alla-nyheter/rssnews?id=10421080"
EN_FEED = "/en/news/all-news/rssnews?id=10421084"
ARTICLES = {  # path: (title on the page, title in the feed, pubDate, lead in the feed)
    "/nyheter/skogens-klimatnytta_101/": (
        "Skogens klimatnytta",
        "Skogens klimatnytta",
        "Fri, 15 May 2026 08:00:05 +0200",
        "Ett projekt om skogen.",
    ),
    "/nyheter/utan-rubrik_102/": (
        "Rubriken finns bara på sidan",
        "",
        "Thu, 14 May 2026 00:30:00 +0200",
        "Rubriken saknas i flödet.",
    ),
    "/en/news/partnership-day_103/": (
        "A partnership day",
        "Feed title, not the page's",
        "Wed, 13 May 2026 13:15:00 +0200",
        "The university and the region meet.",
    ),
}


def umu_feed(base: str, paths: list[str]) -> bytes:
    items = "".join(
        f'<item xml:base="{path.lstrip("/")}">'
        f'<guid isPermaLink="false">https://www.umu.se{path}</guid>'
        + (f"<title>{ARTICLES[path][1]}</title>" if ARTICLES[path][1] else "<title />")
        + f"<description>{ARTICLES[path][3]}</description>"
        f"<pubDate>{ARTICLES[path][2]}</pubDate>"
        '<a10:content type="html">&lt;p&gt;Body.&lt;/p&gt;</a10:content></item>'
        for path in paths
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss xmlns:a10="http://www.w3.org/2005/Atom" version="2.0">'
        f'<channel xml:base="https://www.umu.se/"><title>Nyheter</title>{items}</channel></rss>'
    ).encode()


def page(title: str) -> bytes:
    """An article page with neither date nor byline: only the feed dates it."""
    text = "".join(
        f"<p>Stycke {n} om {title}: forskare vid universitetet berättar om nya resultat, "
        "och vad de betyder för regionen och människorna som bor där.</p>"
        for n in range(1, 6)
    )
    return (
        '<!doctype html><html lang="sv"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body><main><article><h1>{title}</h1>{text}"
        "</article></main></body></html>"
    ).encode()


class UmuStandIn(FixtureServer):
    """www.umu.se as far as these articles go: the feeds and the pages, nothing else."""

    def __init__(self) -> None:
        super().__init__()
        self.listed = {SV_FEED: [p for p in ARTICLES if p.startswith("/nyheter/")],
                       EN_FEED: [p for p in ARTICLES if p.startswith("/en/")]}  # fmt: skip

    def answer(self, h) -> None:
        status, ctype, body = self.page(h.path)
        self.send(h, status, body, ctype)

    def page(self, path: str) -> tuple[int, str, bytes]:
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nDisallow:\n"
        if path in self.listed:
            body = umu_feed(self.base_url, self.listed[path])
            return (
                200,
                "application/rss+xml; charset=utf-8",
                body.replace(b"https://www.umu.se", self.base_url.encode()),
            )
        if path in ARTICLES:
            return 200, "text/html; charset=utf-8", page(ARTICLES[path][0])
        return 404, "text/html", b"<html><body>Not found</body></html>"


@pytest.fixture(scope="module")
def feed_crawls(tmp_path_factory) -> Iterator[tuple]:
    """Two crawls of the stand-in; before the second, the feeds list nothing any more."""
    server = UmuStandIn().start()
    db = tmp_path_factory.mktemp("feeds") / "archive.db"
    args = ("umu", "--spider", "news", "--host-map", f"www.umu.se={server.base_url}")
    try:
        first = crawl(*args, db=db)
        after_first = ArchiveView(db).snapshot(db.with_name("first.db"))
        server.listed = {SV_FEED: [], EN_FEED: []}
        second = crawl(*args, db=db)
    finally:
        server.stop()
    yield first, second, after_first, ArchiveView(db), server


def test_articles_listed_only_in_umu_shaped_feeds_are_archived(feed_crawls):
    first, _, view, _, server = feed_crawls
    assert first.returncode == 0, first.stderr[-2000:]
    assert summary_of(first)["ok"] is True
    rows = view.rows("SELECT url, kind, title, lead, published_at FROM articles ORDER BY url")
    by_path = {r["url"].split(server.base_url, 1)[-1]: r for r in rows}
    assert sorted(by_path) == sorted(ARTICLES)  # 3 of 3
    assert all(r["kind"] == "article" for r in rows)  # dated by the feed
    # the summary counts pages: the two feed captures are not among its "new"
    assert summary_of(first)["totals"]["new"] == 3


def test_what_the_page_lacks_comes_from_the_feed_and_never_overrides_it(feed_crawls):
    _, _, view, _, server = feed_crawls
    rows = view.rows("SELECT url, title, lead, published_at FROM articles")
    by_path = {r["url"].split(server.base_url, 1)[-1]: r for r in rows}
    for path, (page_title, _, _, feed_lead) in ARTICLES.items():
        assert by_path[path]["title"] == page_title  # the page's title, even under an empty
        # <title /> or another title in the feed
        assert by_path[path]["lead"] == feed_lead
    assert by_path["/nyheter/skogens-klimatnytta_101/"]["published_at"] == "2026-05-15T06:00:05Z"
    # 00:30 in Umeå on the 14th: the 13th in UTC, with the offset applied
    assert by_path["/nyheter/utan-rubrik_102/"]["published_at"] == "2026-05-13T22:30:00Z"


def test_feed_fetches_are_captures_of_kind_feed_with_their_entries(feed_crawls):
    _, _, view, _, server = feed_crawls
    captures = view.rows("SELECT url, kind, http_status, body_sha256, extra FROM captures"
                         " WHERE kind = 'feed' ORDER BY url")  # fmt: skip
    assert [c["url"].split(server.base_url, 1)[-1] for c in captures] == sorted([EN_FEED, SV_FEED])
    assert all(c["http_status"] == 200 and c["body_sha256"] for c in captures)
    listed = {
        e["url"].split(server.base_url, 1)[-1]: e
        for c in captures
        for e in json.loads(c["extra"])["feed_entries"]
    }
    assert sorted(listed) == sorted(ARTICLES)
    assert "title" not in listed["/nyheter/utan-rubrik_102/"]  # <title /> is no title
    assert view.scalar("SELECT count(*) FROM pages WHERE kind = 'feed'") == 2
    assert view.scalar("SELECT count(*) FROM versions v JOIN pages p USING (url)"
                       " WHERE p.kind = 'feed'") == 0  # fmt: skip


def test_a_revisit_after_the_article_left_the_feed_keeps_the_feeds_hints(feed_crawls):
    _, second, first_view, view, _ = feed_crawls
    assert second.returncode == 0, second.stderr[-2000:]
    # revisited, and unchanged: the hints the archive kept with the feed are used again
    outcomes = view.rows(
        "SELECT c.outcome FROM captures c JOIN pages p USING (url) WHERE p.kind = 'article'"
        " AND c.run_id = (SELECT max(id) FROM runs)"
    )
    assert sorted(o["outcome"] for o in outcomes) == ["unchanged"] * 3
    assert view.rows("SELECT url, version, published_at, lead FROM articles ORDER BY url") == (
        first_view.rows("SELECT url, version, published_at, lead FROM articles ORDER BY url")
    )
    # the second feed fetches list nothing: their captures keep no entries
    last = view.rows("SELECT extra FROM captures WHERE kind = 'feed' AND run_id = "
                     "(SELECT max(id) FROM runs)")  # fmt: skip
    assert len(last) == 2 and all("feed_entries" not in json.loads(c["extra"]) for c in last)
    # nor are feeds revisited as pages
    assert view.scalar("SELECT count(*) FROM captures WHERE kind = 'feed'") == 4


def test_reprocess_keeps_what_the_feed_gave(feed_crawls, tmp_path):
    """Re-extracting the stored pages applies the feed's hints as the crawl did."""
    _, _, _, view, _ = feed_crawls
    db = tmp_path / "copy.db"
    view.snapshot(db)
    before = ArchiveView(db).rows("SELECT url, version, published_at, lead FROM articles")
    result = run_uninews("reprocess", "--db", str(db))
    assert result.returncode == 0, result.stderr[-2000:]
    after = ArchiveView(db).rows("SELECT url, version, published_at, lead FROM articles")
    assert sorted(after, key=str) == sorted(before, key=str)  # no new version, nothing lost


def test_the_readme_query_says_when_an_article_first_appeared_in_a_feed(feed_crawls):
    _, _, _, view, server = feed_crawls
    url = server.base_url + "/en/news/partnership-day_103/"
    sql = (
        "select c.fetched_at, c.url as feed from captures c,"
        " json_each(c.extra, '$.feed_entries') e where c.kind = 'feed'"
        " and json_extract(e.value, '$.url') = :url order by c.fetched_at limit 1"
    )
    result = subprocess.run(
        [str(Path(sys.executable).with_name("sqlite-utils")), "query", str(view.path), sql,
         "-p", "url", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    (row,) = json.loads(result.stdout)
    # The article is listed only in the English feed: its first fetch, whichever of the two
    # feeds the crawl happened to fetch first.
    first = view.scalar(
        "SELECT min(fetched_at) FROM captures WHERE kind = 'feed' AND url = ?",
        server.base_url + EN_FEED,
    )
    assert row == {"fetched_at": first, "feed": server.base_url + EN_FEED}
