"""Page kind: a listing or collection is not archived as an article, whatever date or byline
its metadata or its first teaser give it, and an article that lists things stays an article
(scraper/extract/pagekind.py, weighed in core._classify)."""

from pathlib import Path

import pytest
from lxml import html as lxml_html

from scraper.extract import extract, labels, pagekind

SAMPLES = Path(__file__).parent / "samples" / "extract"


def load(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def test_collection_page_declared_in_json_ld_is_a_listing():
    """JSON-LD CollectionPage: og:type article and a published time (a content system's
    defaults on every page) do not make it one article."""
    art = extract(load("collection_en_recipes.html"), "https://food.example.org/dinners/")
    assert art.kind == "listing"
    assert not art.has_content


def test_news_section_of_dated_teasers_is_a_listing():
    """A section of teasers, each a linked headline, a date and a snippet long enough to
    read as prose: the first teaser's date is not the page's."""
    art = extract(load("section_en_news.html"), "https://www.example.edu/news/")
    assert art.kind == "listing"


def test_page_of_links_is_a_listing_even_with_og_type_article():
    art = extract(load("topic_en_links.html"), "https://post.example.com/topic/campus-life")
    assert art.kind == "listing"


def test_tag_page_is_a_listing_whatever_its_og_type_and_time():
    """og:type article and a published time on every page of the site, three teasers: the
    URL names a tag, not an article."""
    art = extract(load("tag_en_climate.html"), "https://news.example.edu/tag/climate/")
    assert art.kind == "listing"


@pytest.mark.parametrize(
    ("url", "section"),
    [
        ("https://www.example.com/topic/Car%20Rental", True),
        ("https://store.example.com/genre/Action/", True),
        ("https://www.example.edu/category/news/", True),
        ("https://www.example.edu/news/page/2", True),
        ("https://shop.example.com/collections/wallets", True),
        ("https://www.example.edu/category/research/students-build-a-solar-car/", False),
        ("https://forum.example.com/topic/319445-squarespace-roadmap-discussion/", False),
        ("https://www.example.org/collection/moseley-coffee", False),
        ("https://www.umu.se/nyheter/partnerskapsdag-mellan-umea-universitet_9829332/", False),
    ],
)
def test_section_urls(url, section):
    assert pagekind.names_section(url) is section


def test_shop_category_signed_by_the_shop_is_a_page_not_an_article():
    """The meta author is the shop's own name: the byline is kept, but it does not make
    a category page an article."""
    art = extract(load("shop_en_category.html"), "https://shop.example.com/backpacks")
    assert art.kind == "page"
    assert art.authors == ["Northwind Outfitters"]
    # at a shop's collection URL, it is a listing
    art = extract(load("shop_en_category.html"), "https://shop.example.com/collections/backpacks")
    assert art.kind == "listing"


@pytest.mark.parametrize("control", ["Browse <span>By Category</span>", "<span>By Date</span>"])
def test_a_sort_or_filter_control_is_not_a_byline(control):
    """A "By Category" over a course catalogue's carousel names no author, and a byline is
    evidence of an article."""
    courses = "".join(
        f"<li><a href='/course/{n}'>Course {n}: an introduction to the subject</a></li>"
        for n in range(12)
    )
    page = (
        "<html><head><title>Free certificate courses</title></head><body><main>"
        "<h1>Free certificate courses</h1>"
        f"<p>Learn at your own pace with free courses from our partners.</p><h2>{control}</h2>"
        f"<ul>{courses}</ul></main></body></html>"
    ).encode()
    art = extract(page, "https://courses.example.com/certificate-courses")
    assert art.authors == []
    assert art.kind != "article"


def _signed_cards(makers: list[str]) -> str:
    return "".join(
        f"<li class='card'><h3><a href='/p/{n}'>Charging cable, braided, two metres</a></h3>"
        f"<p class='maker'>by {maker}</p><p class='price'>$19.99</p></li>"
        for n, maker in enumerate(makers)
    )


def test_bylines_of_many_makers_sign_the_items_not_the_page():
    """A shop's product cards each say "by Brand": five different names are the items'
    makers, so the category page has no byline, and no byline makes it an article."""
    makers = ["Mophie", "Belkin", "Anker", "Griffin", "Incase", "Mophie"]
    page = (
        "<html><head><title>Chargers &amp; Cables</title></head><body><main>"
        "<h1>Chargers &amp; Cables</h1><p>Cables and chargers for every phone we sell.</p>"
        f"<ul>{_signed_cards(makers)}</ul></main></body></html>"
    ).encode()
    art = extract(page, "https://shop.example.com/sub-categories/chargers-cables")
    assert art.authors == []
    assert art.kind != "article"


def test_a_listed_books_microdata_author_is_not_the_pages():
    """A reading list's rows are schema.org Books, each with its author in microdata: they
    wrote the books, not the list, and their names do not make the list an article (the
    name trafilatura's byline fallback may still read for such a page is its own guess)."""
    rows = "".join(
        f"<tr itemscope itemtype='http://schema.org/Book'><td><a href='/book/{n}'>"
        f"<span itemprop='name'>Book number {n} of the best books ever</span></a> "
        f"<span itemprop='author' itemscope itemtype='http://schema.org/Person'>"
        f"<span itemprop='name'>Author {n}</span></span></td></tr>"
        for n in range(4)
    )
    page = (
        "<html><head><title>Best Books Ever</title></head><body><main>"
        "<h1>Best Books Ever</h1><p>The books our readers voted the best of all time.</p>"
        f"<table>{rows}</table></main></body></html>"
    ).encode()
    art = extract(page, "https://books.example.com/list/show/1.Best_Books_Ever")
    assert art.kind != "article"
    # the same microdata on the page's own item is its byline
    own = page.replace(b"<main>", b"<main itemscope itemtype='http://schema.org/Article'>")
    own = own.replace(
        b"<h1>", b"<p itemprop='author' itemscope><span itemprop='name'>Ann Editor</span></p><h1>"
    )
    assert extract(own, "https://books.example.com/list/show/1.Best_Books_Ever").authors == [
        "Ann Editor"
    ]


def test_an_article_keeps_its_byline_beside_a_few_signed_teasers():
    """An article's own byline stays when a box of related posts signs its teasers too."""
    text = "".join(f"<p>Paragraph {n} of the story, long enough to be prose.</p>" for n in range(6))
    page = (
        "<html><head><title>Campus cables</title></head><body><main><article>"
        "<h1>Campus gets new charging points</h1><p class='byline'>By Jane Doe</p>"
        f"{text}</article><ul>{_signed_cards(['John Roe', 'Mary Major'])}</ul>"
        "</main></body></html>"
    ).encode()
    art = extract(page, "https://news.example.edu/2025/campus-charging")
    assert art.authors == ["Jane Doe"]


def test_front_page_with_a_dated_news_box_is_not_an_article():
    art = extract(load("home_en_front.html"), "https://physics.example.edu/")
    assert art.kind == "page"
    assert "Around two hundred researchers" in art.body_text


def test_article_listing_linked_picks_stays_an_article():
    """Ten linked headings over paragraphs, and an ItemList beside the JSON-LD Article."""
    art = extract(
        load("listicle_en_article.html"),
        "https://magazine.example.edu/2024/12/ten-stories-that-shaped-the-year/",
    )
    assert art.kind == "article"
    assert art.published_at == "2024-12-30T09:00:00Z"


def test_blog_post_without_metadata_but_with_dated_comments_stays_an_article():
    """No article metadata and seven dates on the page, but its URL names one post."""
    art = extract(
        load("blog_en_comments.html"),
        "https://polar.example.org/2025/04/field-notes-from-the-glacier-station/",
    )
    assert art.kind == "article"
    assert art.published_at == "2025-04-09T18:00:00Z"


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


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://www.example.edu/news/how-to-start-an-llc-in-new-york/", 8),
        ("https://www.example.edu/nyheter/partnerskapsdag-mellan-umea-universitet_9829332/", 5),
        ("https://www.example.de/aktuelles/neue-waldorfschule-eroeffnet/index.html", 3),
        ("https://www.example.com/topic/headphones", 1),
        ("https://www.example.com/c/video-games/-/N-5xtg5", 2),
        ("https://www.example.com/", 0),
    ],
)
def test_slug_words_count_the_wordiest_of_the_last_two_segments(url, words):
    assert pagekind.slug_words(url) == words


def test_front_page_and_item_urls():
    assert pagekind.is_home("https://shop.example.com/?srsltid=abc&utm_source=x")
    assert not pagekind.is_home("https://www.example.com/?p=31228")
    assert not pagekind.is_home("https://www.example.com/news/")
    assert pagekind.names_article("https://forum.example.org/viewtopic.php?t=112320")
    assert not pagekind.names_article("https://www.example.org/news/?page=2")


def test_declared_kind_from_json_ld_and_og_type():
    assert pagekind.declared({"collectionpage", "itemlist"}, "article") == "listing"
    assert pagekind.declared({"article", "itemlist"}, "website") == "article"
    assert pagekind.declared(set(), "product.group") == "listing"
    assert pagekind.declared(set(), "product") == "product"
    assert pagekind.declared({"webpage"}, "article") == "article"
    assert pagekind.declared({"webpage"}, "website") is None


def test_post_dated_beside_its_headline_is_an_article():
    """No metadata, label, class or <time> marks the date: a short line under the h1,
    outside the post's text, names one day."""
    art = extract(
        load("blog_en_dated_headline.html"),
        "https://lab.example.edu/blog/how-our-students-learn-to-build-field-sensors",
    )
    assert art.kind == "article"
    assert art.published_at == "2025-06-12"
    assert "June 12, 2025" not in (art.body_text or "")


def test_service_page_with_dates_beside_its_headline_stays_a_page():
    """Lines under the h1 naming several days (sessions, a list's teasers) date no post."""
    art = extract(load("service_en_sessions.html"), "https://library.example.edu/writing-support")
    assert art.kind == "page"


@pytest.mark.parametrize(
    ("lines", "day"),
    [
        (["<p class='eyebrow'>Dec 17, 2025</p>"], "2025-12-17"),
        (["<span>Jun 08, 2023 • 11 Minute Read</span>"], "2023-06-08"),
        (["<span>Updated November 18, 2025</span>"], None),
        (["<span>12 May 2025</span>", "<span>- Updated July 9, 2025</span>"], "2025-05-12"),
        (["<span>3 March 2026</span>", "<span>7 April 2026</span>"], None),
        (["<p>The survey ran from 3 March 2025 until the end of the spring term.</p>"], None),
    ],
)
def test_headline_date_reads_one_day_on_short_lines_beside_the_h1(lines, day):
    tree = lxml_html.fromstring(
        f"<html><body><div><h1>A headline</h1>{''.join(lines)}</div><p>Text.</p></body></html>"
    )
    assert labels.headline_dates(tree.find(".//h1"))[0] == day


def test_headline_date_reads_a_date_above_the_h1():
    tree = lxml_html.fromstring(
        "<html><body><div><span>Friday, December 19, 2025</span></div>"
        "<div><h1>A headline</h1></div><p>Text.</p></body></html>"
    )
    assert labels.headline_dates(tree.find(".//h1"))[0] == "2025-12-19"


def test_review_updated_beside_its_headline_is_an_article():
    """Its only date is an update's, shown under the h1: it dates the page for its kind
    and is its updated_at, not its publication date."""
    art = extract(
        load("guide_en_updated.html"), "https://gear.example.com/topics/field/best-lab-notebooks"
    )
    assert art.kind == "article"
    assert art.updated_at == "2025-05-06"


def test_guide_with_a_last_updated_footer_stays_a_page():
    """A "Last updated" line after the text is no headline's: the guide is a page."""
    art = extract(load("docs_en_vpn.html"), "https://it.example.edu/guides/vpn-client")
    assert art.kind == "page"
    assert art.updated_at == "2025-03-03"


def test_headline_dates_tell_an_update_from_a_publication():
    tree = lxml_html.fromstring(
        "<html><body><h1>A headline</h1><span>Last updated on 17 December 2025</span>"
        "<p>Text.</p></body></html>"
    )
    assert labels.headline_dates(tree.find(".//h1")) == (None, "2025-12-17")


def test_headline_dates_look_past_a_lead_but_not_into_the_text():
    para = "<p>" + "A sentence of the running text, long enough to be prose. " * 5 + "</p>"
    lead_then_date = f"<h1>A headline</h1>{para}<span>Feb 4, 2025</span>"
    text_then_date = f"<h1>A headline</h1>{para}{para}<span>Feb 4, 2025</span>"
    for body, day in ((lead_then_date, "2025-02-04"), (text_then_date, None)):
        tree = lxml_html.fromstring(f"<html><body>{body}</body></html>")
        assert labels.headline_dates(tree.find(".//h1"))[0] == day


def test_long_guide_of_og_type_article_at_an_article_url_is_an_article():
    """No date or byline of its own, but og:type article, a URL naming one article and
    the text of one: htmldate's date (its modified time here) is asked before the kind."""
    art = extract(
        load("wordpress_en_long_guide.html"),
        "https://housing.example.edu/advice/moving-into-student-housing-guide/",
    )
    assert art.kind == "article"
    assert art.published_at == "2024-08-19"


def test_short_service_page_of_og_type_article_stays_a_page():
    """The same content system's og:type article and modified time on a service page."""
    art = extract(
        load("wordpress_en_service.html"),
        "https://union.example.ac.uk/services/room-booking-for-student-societies/",
    )
    assert art.kind == "page"


def test_long_article_needs_og_type_article_an_article_url_and_no_offer():
    text = "word " * pagekind.LONG_ARTICLE_WORDS
    url = "https://www.example.com/guides/how-to-choose-a-sleeping-bag/"
    assert pagekind.long_article({"webpage"}, "article", url, text)
    assert not pagekind.long_article({"webpage", "product"}, "article", url, text)
    assert not pagekind.long_article({"service"}, "article", url, text)
    assert not pagekind.long_article(set(), "website", url, text)
    assert not pagekind.long_article(set(), "article", "https://www.example.com/guides/", text)
    assert not pagekind.long_article(set(), "article", url, "word " * 100)


def test_a_last_update_in_a_date_box_is_the_update_not_the_publication():
    """ "Last update:" and its date in a box whose class names a date (a post's header):
    the page's updated_at, and the date its byline shows stays the publication date."""
    para = "<p>" + "A sentence of the running text, long enough to be prose. " * 8 + "</p>"
    page = (
        "<html><body><article><h1>Top moving companies</h1>"
        "<div class='post-header_date-wrapper'><div>Last update: </div><div>July 16, 2025</div>"
        "</div>"
        "<div class='author'>Supermove <span class='post-date'>February 8, 2022</span></div>"
        f"{para}{para}</article></body></html>"
    )
    art = extract(page.encode(), "https://www.example.com/blog/top-moving-companies")
    assert art.updated_at == "2025-07-16"
    assert art.published_at == "2022-02-08"


FORUM_POSTS = [
    "I have grown lichens on birch bark for two winters now and they stall every January, "
    "whatever I do with the light. Has anyone measured what the snow does for them?",
    "We measured it at four stations for three seasons: under a thin layer of snow they "
    "keep photosynthesising far below freezing. The wind is what harms them, not the cold.",
]


@pytest.mark.parametrize(
    "declaration",
    [
        '<script type="application/ld+json">{"@context": "https://schema.org",'
        ' "@type": "DiscussionForumPosting", "headline": "Lichens stall in January",'
        ' "datePublished": "2026-01-12T09:00:00Z", "author": {"@type": "Person",'
        ' "name": "mossfan"}}</script>',
        '<script type="application/ld+json">{"@context": "https://schema.org",'
        ' "@type": "QAPage", "mainEntity": {"@type": "Question",'
        ' "name": "Lichens stall in January"}}</script>',
        "",  # microdata on the thread itself, below
    ],
)
def test_a_forum_thread_declared_a_discussion_is_a_page_not_an_article(declaration):
    """A forum thread's posts are dated and signed, but the page is a discussion, not one
    article: schema.org DiscussionForumPosting or QAPage, in JSON-LD or microdata."""
    itemtype = (
        "" if declaration else " itemscope itemtype='http://schema.org/DiscussionForumPosting'"
    )
    posts = "".join(
        f"<div class='post'><span class='author'>By user{n}</span>"
        f"<time datetime='2026-01-1{n + 2}T10:00:00Z'>January 1{n + 2}, 2026</time>"
        f"<p>{text}</p></div>"
        for n, text in enumerate(FORUM_POSTS)
    )
    html = (
        f"<html><head><title>Lichens stall in January</title>{declaration}"
        '<meta property="article:published_time" content="2026-01-12T09:00:00Z"></head>'
        f"<body><div class='topic'{itemtype}><h1>Lichens stall in January</h1>{posts}</div>"
        "</body></html>"
    ).encode()
    art = extract(html, "https://forum.example.org/t/lichens-stall-in-january/4242")
    assert art.kind == "page"
    assert FORUM_POSTS[1] in art.body_text
