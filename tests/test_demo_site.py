"""The demo site's content model: enough articles, language pairs, determinism, scale."""

import re
from collections import Counter
from dataclasses import asdict

from scraper.demo import DemoSite

ARTICLE_PATH = re.compile(r"^(/nyheter/|/en/news/)[a-z0-9-]+_(\d+)/$")


def test_at_least_sixty_articles_in_swedish_english_pairs(demo_site):
    articles = demo_site.articles(1)
    assert len(articles) >= 60
    by_id = {}
    for a in articles:
        m = ARTICLE_PATH.match(a.path)
        assert m, a.path
        assert int(m.group(2)) == a.id
        assert (m.group(1) == "/nyheter/") == (a.lang == "sv")
        by_id.setdefault(a.id, {})[a.lang] = a
    assert all(set(pair) == {"sv", "en"} for pair in by_id.values())
    for pair in by_id.values():
        assert pair["sv"].translation == pair["en"].path
        assert pair["en"].translation == pair["sv"].path
        assert pair["sv"].published == pair["en"].published


def test_articles_carry_every_field_a_crawler_extracts(demo_site):
    for a in demo_site.articles(1):
        assert a.title and a.lead and a.published and a.authors and a.category
        assert len(a.body) >= 3
        assert a.contacts and all(c.email.endswith("@umu.se") for c in a.contacts)
        assert a.category in {"NYHET", "PRESSMEDDELANDE", "NEWS", "PRESS RELEASE"}


def test_texts_vary_between_articles(demo_site):
    articles = demo_site.articles(1)
    titles = Counter(a.title for a in articles)
    assert titles.most_common(1)[0][1] == 1, "titles repeat"
    first_paragraphs = {a.body[0] for a in articles}
    assert len(first_paragraphs) > 0.8 * len(articles)
    assert any(a.images for a in articles) and any(not a.images for a in articles)
    assert any(a.subheadings for a in articles)
    assert any(a.has_jsonld for a in articles) and any(not a.has_jsonld for a in articles)
    assert any(a.has_og for a in articles) and any(not a.has_og for a in articles)
    assert any(len(a.authors) > 1 for a in articles)
    labels = {i.credit_label for a in articles for i in a.images}
    assert {"Bild:", "Foto:", "Image:", "Photo:"} <= labels


def test_same_seed_same_site_and_another_seed_another_site():
    one, two = DemoSite(), DemoSite()
    assert [asdict(a) for a in one.articles(2)] == [asdict(a) for a in two.articles(2)]
    assert one.expected_changes() == two.expected_changes()
    other = DemoSite(seed=7)
    assert [a.title for a in other.articles(1)] != [a.title for a in one.articles(1)]


def test_reference_article_is_in_the_model(demo_site):
    ref = demo_site.article(
        "/nyheter/partnerskapsdag-mellan-umea-universitet-och-region-vasterbotten_9829332/"
    )
    assert ref is not None
    assert ref.title == "Partnerskapsdag mellan Umeå universitet och Region Västerbotten"
    assert ref.published == "2020-11-23"
    assert ref.authors == ("Alekzandra Granath",)
    assert ref.category == "NYHET"
    assert ref.subheadings == ("Västerbotten känt för sin kreativitet",)
    assert ref.contacts[0].phone == "090-786 68 83"


def test_expected_changes_describe_state_two(demo_site):
    changes = demo_site.expected_changes()
    one = {a.path: a for a in demo_site.articles(1)}
    two = {a.path: a for a in demo_site.articles(2)}
    assert len(changes.edited) == 3
    for path in changes.edited:
        assert one[path].body != two[path].body
        assert one[path].title == two[path].title
    teaser = changes.teaser_only
    assert one[teaser].blocks == two[teaser].blocks and one[teaser].related != two[teaser].related
    assert changes.deleted in one and changes.deleted not in two
    old, new = changes.moved
    assert old in one and old not in two and new in two and new not in one
    assert two[new].blocks == one[old].blocks
    assert len(changes.new) == 5 and all(p in two and p not in one for p in changes.new)
    assert len(two) == len(one) - 1 + 5
    untouched = set(one) - set(changes.edited) - {teaser, changes.deleted, old}
    assert all(one[p] == two[p] for p in untouched)


def test_pages_are_the_partnership_section(demo_site):
    pages = demo_site.pages(1)
    section = "/samverkan-och-innovation/samarbeta-med-oss/strategiska-partnerskap/"
    assert pages[0].path == section
    assert len(pages) >= 4
    assert all(p.path.startswith(section) and p.title and p.paragraphs for p in pages)


def test_large_site_scales_listings_and_sitemaps():
    site = DemoSite(article_pairs=1000)
    articles = site.articles(1)
    assert len(articles) == 2000
    assert len({a.path for a in articles}) == 2000
    routes = site.routes(1)
    assert "/nyheter/?page=100" in routes and "/nyheter/?page=101" not in routes
    assert sum(1 for p in routes if p.startswith("/sitemap-") and p.endswith(".xml")) >= 5
