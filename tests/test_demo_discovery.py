"""What a crawler discovers the demo site through: robots.txt, sitemaps, feeds, listings."""

import re
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import lxml.html

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
W3C_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


def local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_robots_disallows_internal_path_that_the_site_links_to(demo_get, demo_site, demo_server):
    robots = demo_get("/robots.txt")
    assert robots.headers["Content-Type"] == "text/plain; charset=utf-8"
    lines = robots.text.splitlines()
    assert "User-agent: *" in lines and "Disallow: /internt/" in lines
    assert f"Sitemap: {demo_server.base_url}/sitemap.xml" in lines
    internal = demo_site.disallowed_paths[0]
    assert internal.startswith("/internt/")
    assert f'href="{demo_server.base_url}{internal}"' in demo_get("/nyheter/").text
    assert demo_get(internal).status == 200  # it exists: only robots.txt keeps crawlers out


def test_sitemap_index_lists_children_that_list_every_article_and_page(demo_get, demo_site):
    index = ET.fromstring(demo_get("/sitemap.xml").body)
    assert index.tag == f"{SM}sitemapindex"
    children = index.findall(f"{SM}sitemap")
    assert len(children) >= 2
    listed = []
    for child in children:
        assert re.fullmatch(
            r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", child.findtext(f"{SM}lastmod")
        )
        urlset = ET.fromstring(demo_get(local(child.findtext(f"{SM}loc"))).body)
        for url in urlset.findall(f"{SM}url"):
            assert url.findtext(f"{SM}lastmod")
            listed.append(local(url.findtext(f"{SM}loc")))
    expected = [a.path for a in demo_site.articles(1)] + [p.path for p in demo_site.pages(1)]
    assert sorted(listed) == sorted(expected)


def test_feeds_carry_the_newest_twenty_items_with_full_content(demo_get, demo_site, demo_server):
    """umu.se's real shape: no <link>, a relative item xml:base, isPermaLink="false" guids
    holding the absolute URL, some empty titles, pubDate with a +0200 offset."""
    untitled = 0
    for lang, feed in zip(("sv", "en"), demo_site.feeds, strict=True):
        answer = demo_get(feed)
        assert answer.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
        rss = ET.fromstring(answer.body)
        assert rss.tag == "rss" and rss.get("version") == "2.0"
        assert rss.find("channel").get(XML_BASE) == demo_server.base_url + "/"
        items = rss.findall("channel/item")
        newest = [a for a in demo_site.articles(1) if a.lang == lang][:20]
        assert len(items) == 20
        assert all(i.find("link") is None for i in items)
        assert [i.get(XML_BASE) for i in items] == [a.path.lstrip("/") for a in newest]
        guids = [i.find("guid") for i in items]
        assert all(g.get("isPermaLink") == "false" for g in guids)
        assert [g.text for g in guids] == [demo_server.base_url + a.path for a in newest]
        for item, article in zip(items, newest, strict=True):
            title = item.findtext("title")
            assert title in ("", article.title) and item.find("title") is not None
            untitled += title == ""
            assert item.findtext("description") == article.lead
            published = parsedate_to_datetime(item.findtext("pubDate"))
            assert published.utcoffset().total_seconds() == 7200
            assert published.date().isoformat() == article.published
            body = lxml.html.fromstring(item.findtext(f"{ATOM}content")).text_content()
            assert article.body[0] in body
    assert untitled > 0  # some items have <title />: the title is then only on the page


def test_listings_paginate_through_every_article(demo_get, demo_site):
    for lang, start in zip(("sv", "en"), demo_site.listings, strict=True):
        seen, path = [], start
        while path:
            doc = lxml.html.fromstring(demo_get(path).text)
            seen += [local(h) for h in doc.xpath("//ul[@class='news-list']/li/a/@href")]
            nxt = doc.xpath("//nav[@class='pagination']/a[@rel='next']/@href")
            path = local(nxt[0]) if nxt else None
        assert seen == [a.path for a in demo_site.articles(1) if a.lang == lang]
    assert demo_get("/nyheter/?page=99").status == 404
    assert demo_get("/nyheter/?utm_source=feed").text.count('class="news-item"') == 10


def test_partnership_pages_link_to_each_other_without_byline(demo_get, demo_site):
    pages = demo_site.pages(1)
    index = lxml.html.fromstring(demo_get(pages[0].path).text)
    linked = {local(h) for h in index.xpath("//article//a/@href")}
    assert {p.path for p in pages[1:]} <= linked
    for page in pages[1:]:
        doc = lxml.html.fromstring(demo_get(page.path).text)
        assert doc.xpath("//h1")[0].text == page.title
        assert pages[0].path in {local(h) for h in doc.xpath("//article//a/@href")}
        assert "Text:" not in doc.text_content() and "Publicerad" not in doc.text_content()
