"""Discovery files: RSS 2.0 feeds, the sitemap index and its children, robots.txt."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from .generate import saved_at
from .model import DemoArticle
from .render import SITE, _block_html, chrome
from .texts import template


def rss(lang: str, feed_path: str, articles: Sequence[DemoArticle]) -> str:
    """umu.se's feed format: guid, title, description (lead), pubDate, atom:content (body HTML)."""
    c = chrome(lang)
    items = "\n".join(
        template("rss_item.xml").substitute(
            guid=f"{a.id}-{a.lang}",
            link=escape(SITE + a.path),
            title=escape(a.title),
            description=escape(a.lead),
            pubdate=format_datetime(saved_at(a.published), usegmt=True),
            category=escape(a.category),
            content=escape("\n".join(_block_html(b, a, c) for b in a.blocks)),
        )
        for a in articles
    )
    return template("rss.xml").substitute(
        title=escape(f"{c['site_name']} – {c['all_news']}"),
        link=escape(SITE + c["news_path"]),
        description=escape(f"{c['news']} – {c['site_name']}"),
        lang=lang,
        self=escape(SITE + feed_path),
        items=items,
    )


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
