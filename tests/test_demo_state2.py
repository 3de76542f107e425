"""State 2 of the demo site over HTTP: edits, a deletion, a move, new articles, and the rest 304."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import lxml.html
import pytest


@pytest.fixture
def both_states(demo_server, demo_site, demo_get):
    """Every state-1 page's ETag, then the server switched to state 2."""
    etags = {a.path: demo_get(a.path).headers["ETag"] for a in demo_site.articles(1)}
    modified = {a.path: demo_get(a.path).headers["Last-Modified"] for a in demo_site.articles(1)}
    demo_server.set_state(2)
    return etags, modified


def article_text(html: str) -> str:
    return lxml.html.fromstring(html).xpath("//article")[0].text_content()


def paragraphs(html: str) -> tuple[str, ...]:
    body = lxml.html.fromstring(html).xpath("//div[@class='article-body']")[0]
    return tuple(p.text_content() for p in body.xpath("p"))


def test_deleted_article_is_gone_and_moved_article_redirects(both_states, demo_site, demo_get):
    changes = demo_site.expected_changes()
    assert demo_get(changes.deleted).status == 410
    old, new = changes.moved
    moved = demo_get(old)
    assert moved.status == 301 and urlsplit(moved.headers["Location"]).path == new
    served = demo_get(new)
    assert served.status == 200
    assert demo_site.article(new, 2).title in served.text


def test_edited_articles_have_new_text_and_new_validators(both_states, demo_site, demo_get):
    etags, modified = both_states
    for path in demo_site.expected_changes().edited:
        old_etag = etags[path]
        answer = demo_get(path, {"If-None-Match": old_etag})
        assert answer.status == 200 and answer.headers["ETag"] != old_etag
        assert demo_get(path, {"If-Modified-Since": modified[path]}).status == 200
        assert paragraphs(answer.text) == demo_site.article(path, 2).body
        assert paragraphs(answer.text) != demo_site.article(path, 1).body


def test_teaser_only_change_keeps_the_article_text(both_states, demo_site, demo_get):
    etags, _ = both_states
    path = demo_site.expected_changes().teaser_only
    answer = demo_get(path, {"If-None-Match": etags[path]})
    assert answer.status == 200 and answer.headers["ETag"] != etags[path]
    before = demo_site.article(path, 1)
    text = article_text(answer.text)
    assert all(p in text for p in before.body) and before.title in text


def test_every_untouched_article_still_answers_304(both_states, demo_site, demo_get):
    etags, modified = both_states
    changes = demo_site.expected_changes()
    touched = set(changes.edited) | {changes.teaser_only, changes.deleted, changes.moved[0]}
    untouched = [p for p in etags if p not in touched]
    assert len(untouched) == len(etags) - 6
    for path in untouched:
        assert demo_get(path, {"If-None-Match": etags[path]}).status == 304, path
        assert demo_get(path, {"If-Modified-Since": modified[path]}).status == 304, path


def test_new_articles_are_in_feeds_listings_and_sitemap(both_states, demo_site, demo_get):
    new = demo_site.expected_changes().new
    assert all(demo_get(p).status == 200 for p in new)
    feed_links = set()
    for feed in demo_site.feeds:
        rss = ET.fromstring(demo_get(feed).body)
        feed_links |= {urlsplit(i.findtext("guid")).path for i in rss.findall("channel/item")}
    assert set(new) <= feed_links
    listing = demo_get("/nyheter/").text + demo_get("/en/news/").text
    assert all(p in listing for p in new)
    sitemap = "".join(
        demo_get(urlsplit(loc.text).path).text
        for loc in ET.fromstring(demo_get("/sitemap.xml").body).iter(
            "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
        )
    )
    changes = demo_site.expected_changes()
    assert all(p in sitemap for p in new) and changes.moved[1] in sitemap
    assert changes.deleted not in sitemap and changes.moved[0] not in sitemap


def test_switching_back_to_state_one_restores_the_site(
    both_states, demo_server, demo_site, demo_get
):
    etags, _ = both_states
    demo_server.set_state(1)
    changes = demo_site.expected_changes()
    assert demo_get(changes.deleted, {"If-None-Match": etags[changes.deleted]}).status == 304
    assert demo_get(changes.new[0]).status == 404
