"""Discovery files: RSS 2.0 feeds, the sitemap index and its children, robots.txt."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from xml.sax.saxutils import escape

from .generate import saved_at
from .model import DemoArticle
from .render import SITE, _block_html, chrome
from .texts import template

# The offset umu.se's pubDate carries (+0200), fixed rather than looked up in a zone database.
STOCKHOLM_SUMMER = timezone(timedelta(hours=2))


def rss(lang: str, feed_path: str, articles: Sequence[DemoArticle]) -> str:
    """umu.se's feed as it really is: the channel's xml:base is the site, each item's a
    relative one holding the article's path, and there is no <link>; the guid (not a
    permalink, it says) is the absolute URL; some titles are empty; pubDate in Swedish
    time; the lead as description and the body HTML as atom:content (prefix a10)."""
    c = chrome(lang)
    items = "\n".join(
        template("rss_item.xml").substitute(
            base=escape(a.path.lstrip("/")),
            guid=escape(SITE + a.path),
            title="<title />" if untitled_in_feed(a) else f"<title>{escape(a.title)}</title>",
            description=escape(a.lead),
            pubdate=format_datetime(saved_at(a.published).astimezone(STOCKHOLM_SUMMER)),
            category=escape(a.category),
            content=escape("\n".join(_block_html(b, a, c) for b in a.blocks)),
        )
        for a in articles
    )
    return template("rss.xml").substitute(
        base=escape(SITE + "/"),
        title=escape(f"{c['site_name']} – {c['all_news']}"),
        link=escape(SITE + c["news_path"]),
        description=escape(f"{c['news']} – {c['site_name']}"),
        lang=lang,
        self=escape(SITE + feed_path),
        items=items,
    )


def untitled_in_feed(article: DemoArticle) -> bool:
    """The items umu.se's feed gives an empty <title />: one article in five."""
    return article.id % 5 == 0


def sitemap_index(children: Sequence[tuple[str, datetime]]) -> str:
    entries = "\n".join(
        f"<sitemap><loc>{escape(SITE + path)}</loc><lastmod>{_w3c(mod)}</lastmod></sitemap>"
        for path, mod in children
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}\n</sitemapindex>\n"
    )


def urlset(entries: Sequence[tuple[str, datetime]]) -> str:
    urls = "\n".join(
        f"<url><loc>{escape(SITE + path)}</loc><lastmod>{_w3c(mod)}</lastmod></url>"
        for path, mod in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}\n</urlset>\n"
    )


def _w3c(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def robots(disallow: Sequence[str], sitemap_path: str) -> str:
    rules = "\n".join(f"Disallow: {p}" for p in disallow)
    return f"User-agent: *\n{rules}\n\nSitemap: {SITE}{sitemap_path}\n"
