"""State 3 of the demo site over HTTP: state 2's articles in a redesigned template that the
umu profile's selectors no longer match; everything else as in state 2."""

import lxml.html


def test_redesigned_articles_keep_their_text_but_lose_the_profiles_markup(
    demo_server, demo_site, demo_get
):
    demo_server.set_state(2)
    before = {a.path: demo_get(a.path) for a in demo_site.articles(2)[:8]}
    demo_server.set_state(3)
    for path, old in before.items():
        new = demo_get(path)
        assert new.status == 200
        assert new.headers["ETag"] != old.headers["ETag"]
        article = demo_site.article(path, 3)
        page = lxml.html.fromstring(new.text)
        assert page.xpath("//h1")[0].text_content() == article.title
        assert article.lead in page.text_content()
        for gone in ("ingress", "publish-date", "byline", "article-body"):
            assert not page.xpath(f"//*[contains(@class, '{gone}')]"), gone
        assert not page.xpath("//time | //meta[@name='description'] | //meta[@property]")
        assert not page.xpath("//script[@type='application/ld+json']")


def test_listings_and_feeds_are_as_in_state_two(demo_server, demo_site, demo_get):
    paths = [*demo_site.listings, *demo_site.feeds, demo_site.sitemap_index]
    demo_server.set_state(2)
    before = {p: demo_get(p).headers.get("ETag") for p in paths}
    demo_server.set_state(3)
    assert {p: demo_get(p).headers.get("ETag") for p in paths} == before
