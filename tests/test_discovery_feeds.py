"""Feeds as real sites serve them (tests/samples/feeds/): the article URLs, titles, dates,
leads, categories and authors read, and how those reach an article as hints."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.discovery.feeds import Feed, iso_date
from scraper.extract import Article
from scraper.extract.hints import apply_hints

SAMPLES = Path(__file__).parent / "samples" / "feeds"


def read(name: str, base: str = "", in_scope=None) -> list:
    feed = Feed((SAMPLES / name).read_bytes(), base or f"https://feeds.example/{name}", in_scope)
    assert feed.is_feed
    return list(feed)


def test_umu_items_without_link_are_found_by_their_guid():
    """umu.se: no <link>, relative item xml:base, isPermaLink="false" absolute guids."""
    entries = read("umu.xml", "https://www.umu.se/nyheter/alla-nyheter/rssnews?id=10421080")
    assert [e.url for e in entries] == [
        "https://www.umu.se/nyheter/nytt-forskningsprojekt-om-skogens-klimatnytta_12345678/",
        "https://www.umu.se/nyheter/utan-rubrik-i-floden_12345679/",
        "https://www.umu.se/en/news/a-partnership-day_12345680/",
    ]
    assert [e.title for e in entries] == [
        "Nytt forskningsprojekt om skogens klimatnytta",
        None,  # <title />: the title is only on the page
        "A partnership day & a new agreement",
    ]
    assert entries[0].published == "Fri, 15 May 2026 08:00:05 +0200"
    # The offset is applied: 00:30 in Umeå on the 14th is the 13th in UTC.
    assert [e.published_at for e in entries] == [
        "2026-05-15T06:00:05Z",
        "2026-05-13T22:30:00Z",
        "2026-05-13T11:15:00Z",
    ]
    assert entries[0].summary == (
        "Ett nytt projekt ska ta reda på hur skogen kan bidra mer till klimatet."
    )


def test_a_guid_out_of_scope_names_no_article():
    entries = read("umu.xml", in_scope=lambda url: "/en/news/" in url)
    assert [e.url for e in entries] == ["https://www.umu.se/en/news/a-partnership-day_12345680/"]


def test_relative_links_resolve_against_the_items_xml_base():
    body = (
        (SAMPLES / "umu.xml")
        .read_bytes()
        .replace(
            b'<guid isPermaLink="false">https://www.umu.se/en/news/a-partnership-day_12345680/',
            b'<link>print/</link><guid isPermaLink="false">a-partnership-day',
        )
    )
    entries = list(Feed(body, "http://127.0.0.1:8765/feed"))
    assert entries[-1].url == "https://www.umu.se/en/news/a-partnership-day_12345680/print/"


def test_wordpress_rss_with_content_encoded():
    entries = read("wordpress.xml")
    assert [e.url for e in entries] == [
        "https://news.example.edu/2026/05/12/researchers-map-the-arctics-lakes/",
        "https://news.example.edu/2026/05/10/open-day-on-campus/",
    ]
    first = entries[0]
    assert first.title == "Researchers map the Arctic\u2019s lakes"
    assert first.published_at == "2026-05-12T09:41:07Z"
    assert first.categories == ("Research", "Climate")
    assert first.authors == ("Maria Lind",)
    # the excerpt's HTML and its "[…]" are gone; content:encoded (the body) is no lead
    assert first.summary == "A new survey counts every lake north of the polar circle."


def test_drupal_rss_with_channel_xml_base_and_relative_links():
    entries = read("drupal.xml")
    assert [e.url for e in entries] == [
        "https://www.example.edu/news/new-rector-appointed",
        "https://www.example.edu/news/library-hours-summer",
    ]
    assert [e.title for e in entries] == ["New rector appointed", "Library hours in summer"]
    assert [e.published_at for e in entries] == ["2026-05-11T10:12:44Z", "2026-05-08T07:00:00Z"]
    # "1234 at https://..." is no URL; Drupal's description repeats the title first
    assert entries[0].summary == "The board has appointed a new rector for the period 2027–2032."
    assert entries[1].authors == ("Library",)


def test_atom_with_relative_xml_base_on_feed_and_entry():
    entries = read("atom-xml-base.xml")
    assert [e.url for e in entries] == [
        "https://www.example.ac.uk/news/2026/robotics-prize/",  # entry base on feed base
        "https://www.example.ac.uk/news/campus-closed/",  # no link: its id is the URL
    ]
    first, second = entries
    assert first.title == "Students win robotics prize"  # type="html": tags dropped
    assert (first.published_at, first.updated_at) == (
        "2026-05-12T08:30:00Z",
        "2026-05-12T10:00:00Z",
    )
    assert first.authors == ("Press Office",) and first.categories == ("Students",)
    assert second.published_at == "2026-05-10T08:00:00Z"  # only <updated>: taken as the date
    assert second.summary == "All buildings are closed."  # xhtml summary


def test_rss_1_0_rdf():
    entries = read("rss1.rdf")
    assert [e.url for e in entries] == [
        "https://www.example.de/news/semester-start.html",
        "https://www.example.de/news/new-institute.html",  # rdf:about, no <link>
    ]
    assert [e.title for e in entries] == ["Semester starts", "A new institute"]
    assert [e.published_at for e in entries] == ["2026-04-01T08:00:00Z", "2026-03-20"]
    assert entries[0].categories == ("Studies",) and entries[0].authors == ("Press office",)


def test_json_feed():
    feed = Feed((SAMPLES / "feed.json").read_bytes(), "https://www.example.edu/news/feed.json")
    assert feed.format == "json"
    entries = list(feed)
    assert [e.url for e in entries] == [
        "https://www.example.edu/news/solar-roof/",
        "https://www.example.edu/news/graduation-2026/",  # only an id, and it is a URL
    ]  # "urn:uuid:..." names no page: left out
    first, second = entries
    assert first.title == "A solar roof for the library" and second.title is None
    assert (first.published_at, first.updated_at) == (
        "2026-05-11T12:00:00Z",
        "2026-05-11T13:00:00Z",
    )
    assert first.categories == ("Campus", "Energy") and first.authors == ("Ana Ruiz",)
    assert second.authors == ("News desk",)  # the feed's authors stand in for the item's


def test_broken_feed_yields_the_items_that_can_be_read():
    entries = read("broken.xml")
    assert [e.url for e in entries] == [
        "https://www.example.edu/news/fine-item/",
        "https://www.example.edu/news/second-item/",
    ]
    assert entries[0].published_at == "2026-05-04T10:00:00Z"
    assert entries[1].published == "not a date" and entries[1].published_at is None


@pytest.mark.parametrize(
    "body", [b"", b"{}", b'{"version": "1"}', b"<html><body>no</body></html>", b"\xff\x00junk"]
)
def test_not_a_feed(body):
    feed = Feed(body, "https://x.edu/")
    assert not feed.is_feed and list(feed) == []


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Fri, 15 May 2026 08:00:05 +0200", "2026-05-15T06:00:05Z"),
        ("Mon, 23 Nov 2020 08:00:00 GMT", "2020-11-23T08:00:00Z"),
        ("2026-05-11T08:00:00-04:00", "2026-05-11T12:00:00Z"),
        ("2026-03-20", "2026-03-20"),
        ("yesterday", None),
        ("", None),
    ],
)
def test_feed_dates(text, iso):
    assert iso_date(text) == iso


# -- hints -----------------------------------------------------------------------------------

HINTS = {
    "url": "https://www.umu.se/nyheter/x_1/",
    "title": "Feed title",
    "summary": "Feed lead.",
    "published_at": "2026-05-15T06:00:05Z",
    "categories": ["Forskning", "Klimat"],
    "authors": ["Feed Author"],
}


def test_hints_fill_only_what_the_page_lacks():
    page = Article(
        url=HINTS["url"], title="Page title", lead=None, body_text="Text.", published_at=None
    )
    got = apply_hints(page, HINTS)
    assert got.title == "Page title"  # the page's own title wins
    assert (got.lead, got.published_at) == ("Feed lead.", "2026-05-15T06:00:05Z")
    assert (got.category, got.tags, got.authors) == ("Forskning", ["Klimat"], ["Feed Author"])


def test_a_whole_article_in_the_description_is_no_lead():
    page = Article(url=HINTS["url"], title="T", body_text="Text.")
    assert apply_hints(page, {**HINTS, "summary": "Word. " * 300}).lead is None


def test_hints_never_override_the_page():
    page = Article(
        url=HINTS["url"],
        title="T",
        lead="Page lead.",
        published_at="2026-05-14",
        authors=["Page Author"],
        category="NYHET",
        tags=["a"],
    )
    assert apply_hints(page, HINTS) == page


def test_a_dated_hint_makes_a_content_page_an_article_and_gives_no_content_to_others():
    page = Article(url=HINTS["url"], kind="page", reason="no date", body_text="Text.")
    assert apply_hints(page, HINTS).kind == "article"
    login = Article(url=HINTS["url"], kind="login", reason="sign-in form")
    assert apply_hints(login, HINTS) == login
