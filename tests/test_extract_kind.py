"""Page kind: a listing or collection is not archived as an article, whatever date or byline
its metadata or its first teaser give it, and an article that lists things stays an article
(scraper/extract/pagekind.py, weighed in core._classify)."""

from pathlib import Path

import pytest

from scraper.extract import extract, pagekind

SAMPLES = Path(__file__).parent / "samples" / "extract"


def load(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def test_collection_page_declared_in_json_ld_is_a_listing():
    """JSON-LD CollectionPage: og:type article and a published time (a content system's
    defaults on every page) do not make it one article."""
    art = extract(load("collection_en_recipes.html"), "https://food.example.org/dinners/")
    assert art.kind == "listing"
    assert not art.has_content


def test_article_listing_linked_picks_stays_an_article():
    """Ten linked headings over paragraphs, and an ItemList beside the JSON-LD Article."""
    art = extract(
        load("listicle_en_article.html"),
        "https://magazine.example.edu/2024/12/ten-stories-that-shaped-the-year/",
    )
    assert art.kind == "article"
    assert art.published_at == "2024-12-30T09:00:00Z"


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("umu_sv_article.html", "https://www.umu.se/nyheter/partnerskapsdag_9829332/"),
        ("umu_en_article.html", "https://www.umu.se/en/news/partnership-day_9829332/"),
        ("drupal_sv_news.html", "https://www.example.se/nyheter/forskare-hittar-nya-arter"),
        ("wordpress_en_post.html", "https://news.example.ac.uk/2022/09/05/solar-car/"),
    ],
)
def test_news_articles_stay_articles(name, url):
    assert extract(load(name), url).kind == "article"


def test_declared_kind_from_json_ld_and_og_type():
    assert pagekind.declared({"collectionpage", "itemlist"}, "article") == "listing"
    assert pagekind.declared({"article", "itemlist"}, "website") == "article"
    assert pagekind.declared(set(), "product.group") == "listing"
    assert pagekind.declared(set(), "product") == "product"
    assert pagekind.declared({"webpage"}, "article") == "article"
    assert pagekind.declared({"webpage"}, "website") is None
