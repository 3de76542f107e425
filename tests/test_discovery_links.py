"""Link discovery keeps every usable link of a page, whatever else the page holds."""

from scraper.discovery.links import page_links


def test_a_malformed_href_does_not_lose_the_other_links():
    html = (
        b'<html><body><a href="http://[not-an-address]/">broken</a>'
        b'<a href="/nyheter/one_1/">one</a><a href="https://www.umu.se/nyheter/two_2/">two</a>'
        b'<a href="mailto:a@umu.se">mail</a><a href="/files/report.pdf">pdf</a></body></html>'
    )
    links = page_links(html, "https://www.umu.se/nyheter/").links
    assert links == ["https://www.umu.se/nyheter/one_1/", "https://www.umu.se/nyheter/two_2/"]


def test_advertised_feeds_are_found():
    html = (
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss?id=1">'
        b"</head><body></body></html>"
    )
    assert page_links(html, "https://www.umu.se/nyheter/").feeds == ["https://www.umu.se/rss?id=1"]


def test_the_same_links_resolve_against_each_page_that_holds_them():
    # Menus repeat the same hrefs on every page; each page's own host and path still count.
    html = (
        b'<html><body><a href="/nyheter/one_1/">root</a><a href="two_2/">relative</a>'
        b'<a href="//cdn.umu.se/x/">no scheme</a></body></html>'
    )
    assert page_links(html, "https://www.umu.se/nyheter/").links == [
        "https://www.umu.se/nyheter/one_1/",
        "https://www.umu.se/nyheter/two_2/",
        "https://cdn.umu.se/x/",
    ]
    assert page_links(html, "http://127.0.0.1:8765/en/news/?page=2").links == [
        "http://127.0.0.1:8765/nyheter/one_1/",
        "http://127.0.0.1:8765/en/news/two_2/",
        "http://cdn.umu.se/x/",
    ]
