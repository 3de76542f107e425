"""Discovery helpers: feeds, sitemaps, page links and pagination, URL kinds, revisits."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from scraper.discovery.feeds import Feed
from scraper.discovery.links import page_links
from scraper.discovery.revisit import RevisitSpecError, SpecPolicy
from scraper.discovery.sitemaps import SitemapDoc, parse_lastmod, sitemaps_in_robots
from scraper.discovery.urlkind import UrlKinds, archive_kind
from scraper.sites import load_profile

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>News</title>
<item><guid isPermaLink="false">1-sv</guid><title>First</title>
<link>https://www.umu.se/nyheter/first_1/</link><pubDate>Mon, 23 Nov 2020 08:00:00 GMT</pubDate>
<atom:content type="html">&lt;p&gt;Body&lt;/p&gt;</atom:content></item>
<item><guid>https://www.umu.se/nyheter/second_2/</guid><title>Second</title></item>
</channel></rss>"""

ATOM = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>A</title><link rel="alternate" href="/news/a/"/><link rel="edit" href="/e/"/>
<published>2024-01-02T03:04:05Z</published></entry></feed>"""


def test_rss_entries_with_links_and_dates():
    entries = list(Feed(RSS, "https://www.umu.se/nyheter/rss"))
    assert [e.url for e in entries] == [
        "https://www.umu.se/nyheter/first_1/",
        "https://www.umu.se/nyheter/second_2/",
    ]
    assert entries[0].title == "First"
    assert entries[0].published == "Mon, 23 Nov 2020 08:00:00 GMT"


def test_atom_entries_resolve_relative_links():
    entries = list(Feed(ATOM, "https://x.edu/feed.xml"))
    assert [e.url for e in entries] == ["https://x.edu/news/a/"]


@pytest.mark.parametrize("body", [b"", b"<html><body>not a feed</body></html>", b"\xff\x00junk"])
def test_not_a_feed_yields_nothing(body):
    feed = Feed(body, "https://x.edu/")
    assert not feed.is_feed
    assert list(feed) == []


URLSET = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://x.edu/news/a/</loc><lastmod>2021-03-02T09:30:00+00:00</lastmod></url>
<url><loc>https://x.edu/news/b/</loc><lastmod>2021-03-02</lastmod></url>
<url><loc>https://x.edu/news/c/</loc></url></urlset>"""

INDEX = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://x.edu/sitemap-1.xml</loc></sitemap></sitemapindex>"""


def test_sitemap_urlset_with_lastmod():
    doc = SitemapDoc(URLSET)
    assert doc.kind == "urlset"
    entries = list(doc)
    assert [e.loc for e in entries] == ["https://x.edu/news/a/", "https://x.edu/news/b/",
                                        "https://x.edu/news/c/"]  # fmt: skip
    assert entries[0].lastmod == datetime(2021, 3, 2, 9, 30, tzinfo=UTC)
    assert entries[1].lastmod == datetime(2021, 3, 2, tzinfo=UTC)
    assert entries[2].lastmod is None


def test_sitemap_index_and_gzip():
    assert SitemapDoc(INDEX).kind == "sitemapindex"
    doc = SitemapDoc(gzip.compress(URLSET))
    assert doc.kind == "urlset" and len(list(doc)) == 3


@pytest.mark.parametrize("body", [b"", b"<html/>", b"\x1f\x8bnot gzip", b"plain text"])
def test_not_a_sitemap(body):
    doc = SitemapDoc(body)
    assert doc.kind == "" and list(doc) == []


def test_lastmod_parsing_and_robots_sitemaps():
    assert parse_lastmod("2021-03-02T10:30:00+01:00") == datetime(2021, 3, 2, 9, 30, tzinfo=UTC)
    assert parse_lastmod("yesterday") is None
    robots = b"User-agent: *\nDisallow: /internt/\nSitemap: /sitemap.xml\n"
    assert sitemaps_in_robots(robots, "https://x.edu/robots.txt") == ["https://x.edu/sitemap.xml"]


LISTING = """<html><head>
<link rel="alternate" type="application/rss+xml" href="/news/rss.xml">
<link rel="stylesheet" href="/s.css"></head><body>
<a href="/news/a-story-about-research_12/">A</a>
<a href="/news/a-story-about-research_12/#comments">A again</a>
<a href="mailto:x@x.edu">mail</a><a href="javascript:void(0)">js</a>
<a href="/files/report.pdf">pdf</a>
<nav class="pagination"><a href="?page=2">2</a><a href="?page=3">3</a></nav>
<a href="/news/?page=2">Nästa</a></body></html>"""


def test_page_links_feeds_and_pagination():
    found = page_links(LISTING.encode(), "https://x.edu/news/")
    assert "https://x.edu/news/a-story-about-research_12/" in found.links
    assert len([u for u in found.links if "a-story" in u]) == 1
    assert not any(u.startswith(("mailto", "javascript")) or u.endswith(".pdf")
                   for u in found.links)  # fmt: skip
    assert found.feeds == ["https://x.edu/news/rss.xml"]
    assert set(found.next_pages) == {"https://x.edu/news/?page=2", "https://x.edu/news/?page=3"}


def test_url_kinds_from_profile_and_generic_heuristics():
    umu = UrlKinds.from_profile_urls(load_profile("umu").urls)
    assert umu.kind("https://www.umu.se/nyheter/a-b-c_9829332/") == "article"
    assert umu.kind("https://www.umu.se/nyheter/?page=2") == "listing"
    assert umu.kind("https://www.umu.se/samverkan-och-innovation/x/") == "page"
    assert umu.kind("https://www.umu.se/nyheter/") is None
    generic = UrlKinds()
    assert generic.kind("https://x.edu/news/tag/climate/") == "listing"
    assert generic.kind("https://x.edu/news/2024/05/") == "listing"
    assert generic.kind("https://x.edu/news/2024/05/new-lab-opens/") == "article"
    assert generic.kind("https://x.edu/news/new-lab-opens-in-umea-today/") == "article"


def test_archive_kind_trusts_a_listing_url_over_the_extractor():
    assert archive_kind("article", "listing") == "listing"
    assert archive_kind("article", None) == "article"
    assert archive_kind("listing", "article") == "listing"
    assert archive_kind("article", "page") == "page"
    assert archive_kind("empty", None) == "page"


def test_revisit_policies():
    now = datetime(2026, 1, 10, tzinfo=UTC)
    fresh = SimpleNamespace(last_seen=(now - timedelta(days=1)).isoformat())
    old = SimpleNamespace(last_seen="2026-01-01T00:00:00Z")
    assert SpecPolicy("all").should_revisit(fresh, now)
    assert not SpecPolicy("none").should_revisit(old, now)
    week = SpecPolicy("older-than:7d")
    assert week.should_revisit(old, now) and not week.should_revisit(fresh, now)
    assert SpecPolicy("older-than:12h").should_revisit(fresh, now)


@pytest.mark.parametrize("spec", ["sometimes", "older-than:7", "older-than:d", "older-than:-1d"])
def test_bad_revisit_specs(spec):
    with pytest.raises(RevisitSpecError):
        SpecPolicy(spec)
