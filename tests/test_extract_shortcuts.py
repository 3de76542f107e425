"""The extractor's shortcuts find what the long way finds.

Some searches are skipped or done a cheaper way when the page allows it: date and author
expressions when the source lacks "<time" or "itemprop" (in any case), a contact's name
searched case-sensitively in lower-cased text, teaser links counted only when needed. Each
test here builds a page where a shortcut taken wrongly would lose a field.
"""

from __future__ import annotations

from scraper.extract import extract

_BODY = (
    "<p>"
    + (
        "Forskarna vid universitetet har studerat frågan länge och kommit fram till nya resultat. "
        * 6
    )
    + "</p>"
)


def _page(extra: str) -> str:
    return (
        "<html lang='sv'><head><title>Nyhet om forskning</title></head><body><article>"
        f"<h1>Nyhet om forskning</h1>{_BODY}{extra}</article></body></html>"
    )


def test_time_element_in_capitals_gives_the_date():
    # no text in the element: only the date expressions can read it
    art = extract(_page("<P><TIME DATETIME='2021-03-04'></TIME></P>"), "https://x.se/a")
    assert art.published_at == "2021-03-04"
    assert art.kind == "article"


def test_itemprop_in_mixed_case_gives_updated_date_and_author():
    html = _page(
        "<span ItemProp='dateModified' datetime='2021-05-06'></span>"
        "<span itemProp='author' itemscope><span ITEMPROP='name'>Eva Berg</span></span>"
    )
    art = extract(html, "https://x.se/a")
    assert art.updated_at == "2021-05-06"
    assert art.authors == ["Eva Berg"]


def test_page_without_date_markup_has_no_date():
    art = extract(_page("<p>Inget datum här.</p>"), "https://x.se/a")
    assert art.published_at is None and art.updated_at is None
    assert art.kind == "page"


def test_contact_name_in_capitals_after_the_address():
    html = _page(
        "<h2>Kontakt</h2><p>e-post: anna.svensson@umu.se (ANNA SVENSSON, Institutionen för "
        "fysik)</p>"
    )
    (contact,) = extract(html, "https://x.se/a").contacts
    assert contact["name"] == "ANNA SVENSSON"
    assert contact["unit"] == "Institutionen för fysik"


def test_contact_name_with_dotless_i_matches_the_address():
    # re's IGNORECASE pairs "ı" with "i", str.lower() does not: this text takes the
    # case-ignoring pattern, and the name after the address is still found.
    html = _page(
        "<h2>Vill du veta mer?</h2><p>e-post: sila.kaya@umu.se (Sıla Kaya, Institutionen för "
        "fysik)</p>"
    )
    (contact,) = extract(html, "https://x.se/a").contacts
    assert contact["name"] == "Sıla Kaya"
    assert contact["email"] == "sila.kaya@umu.se"


def test_page_of_long_links_is_a_listing():
    links = "".join(
        f'<li><a href="/n{i}">A rather long teaser headline number {i} here</a></li>'
        for i in range(12)
    )
    html = (
        "<html><head><title>News</title></head><body><h1>News</h1>"
        f"<ul>{links}</ul><p>Short.</p></body></html>"
    )
    art = extract(html, "https://x.se/news")
    assert art.kind == "listing"
    assert art.reason == "12 teaser links and little running text"
