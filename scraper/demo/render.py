"""HTML of the demo pages: templates in content/templates filled with escaped values.

Volatile parts (a per-request token and a rotating teaser block) are left as markers
that the server fills on every request, so the stable content can be hashed for ETags.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import quote

from .model import DemoArticle, DemoPage
from .texts import load, slugify, template

SITE = "https://www.umu.se"
TOKEN = "\x00token\x00"
ROTATOR = "\x00rotator\x00"
MARKERS = (TOKEN, ROTATOR)


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def chrome(lang: str) -> dict:
    return load("chrome.toml")[lang]


def layout(
    lang: str,
    title: str,
    main: str,
    breadcrumbs: Sequence[tuple[str, str | None]],
    head_extra: str = "",
    body_class: str = "page",
) -> str:
    """Wrap content in all of umu.se's furniture (menus, cookie banner, footer, ...)."""
    c = chrome(lang)
    menu = "\n".join(
        f'<li><a href="{esc(href)}">{esc(label)}</a></li>' for label, href in c["menu"]
    )
    crumbs = "\n".join(
        f'<li><a href="{esc(href)}">{esc(label)}</a></li>' if href else f"<li>{esc(label)}</li>"
        for label, href in breadcrumbs
    )
    values = {k: esc(v) for k, v in c.items() if isinstance(v, str)}
    values.update(
        lang=lang,
        title=esc(title),
        head_extra=head_extra,
        body_class=body_class,
        menu=menu,
        breadcrumbs=crumbs,
        main=main,
        token=TOKEN,
        rotator=ROTATOR,
        home_url=SITE + ("/" if lang == "sv" else "/en/"),
    )
    return template("layout.html").substitute(values)


def _home_crumbs(lang: str) -> list[tuple[str, str | None]]:
    c = chrome(lang)
    return [
        (c["home"], SITE + ("/" if lang == "sv" else "/en/")),
        (c["news"], SITE + c["news_path"]),
    ]


def article_html(a: DemoArticle, by_path: dict[str, DemoArticle], path: str | None = None) -> str:
    """The full page of one article; `path` is where it is served (differs after a move)."""
    c = chrome(a.lang)
    url = SITE + (path or a.path)
    body = "\n".join(_block_html(b, a, c) for b in a.blocks)
    contacts = "\n".join(_contact_html(line, a) for line in a.contact_lines)
    main = template("article.html").substitute(
        _article_fields(a, by_path, c, url),
        published_label=esc(c["published"]),
        published=a.published,
        title_q=quote(a.title),
        body=body,
        contacts=contacts,
        share=esc(c["share"]),
    )
    crumbs = _home_crumbs(a.lang) + [(a.title, None)]
    return layout(a.lang, a.title, main, crumbs, _article_head(a, url), "news-page")


def article_redesign_html(
    a: DemoArticle, by_path: dict[str, DemoArticle], path: str | None = None
) -> str:
    """State 3: the same article after a redesign that breaks the umu profile's selectors.

    A new front end: no `ingress`, `publish-date` or `byline` classes, the date only as a
    timestamp attribute for a script to format, the text in divs of a "richtext" block, and
    no description, Open Graph or JSON-LD in the head (the new templates lost them).
    """
    c = chrome(a.lang)
    url = SITE + (path or a.path)
    body = "\n".join(_redesigned_block(b, a, c) for b in a.blocks)
    contacts = "\n".join(_contact_html(line, a).replace("<p>", "<div>").replace("</p>", "</div>")
                         for line in a.contact_lines)  # fmt: skip
    year, month, day = (int(x) for x in a.published.split("-"))
    main = template("article_redesign.html").substitute(
        _article_fields(a, by_path, c, url),
        timestamp=int(datetime(year, month, day, 9, 0, tzinfo=UTC).timestamp()),
        body=body,
        contacts=contacts,
    )
    crumbs = _home_crumbs(a.lang) + [(a.title, None)]
    head = f'<link rel="canonical" href="{esc(url)}">'
    return layout(a.lang, a.title, main, crumbs, head, "c-page")


def _article_fields(
    a: DemoArticle, by_path: dict[str, DemoArticle], c: dict, url: str
) -> dict[str, object]:
    """What both article templates (as served, and after the redesign) show alike."""
    related = "\n".join(
        f'<li><a href="{esc(SITE + p)}">{esc(by_path[p].title)}</a></li>'
        for p in a.related
        if p in by_path
    )
    return {
        "guid": f"{a.id:08x}-0000-4000-8000-{a.id:012x}",
        "contact_guid": f"{a.id:08x}-0001-4000-8000-{a.id:012x}",
        "title": esc(a.title),
        "category": esc(a.category),
        "lead": esc(a.lead),
        "text_by": esc(c["text_by"]),
        "authors": esc((" och " if a.lang == "sv" else " and ").join(a.authors)),
        "more": esc(c["more"]),
        "url": quote(url, safe=""),
        "more_news": esc(c["more_news"]),
        "related": related,
        "news_url": esc(SITE + c["news_path"]),
        "all_news": esc(c["all_news"]),
    }


def _redesigned_block(block: tuple[str, ...], a: DemoArticle, c: dict) -> str:
    if block[0] == "p":
        return f'<div class="c-text">{esc(block[1])}</div>'
    if block[0] == "h2":
        return f'<div class="c-heading">{esc(block[1])}</div>'
    return _block_html(block, a, c)


def _block_html(block: tuple[str, ...], a: DemoArticle, c: dict) -> str:
    kind = block[0]
    if kind == "p":
        return f"<p>{esc(block[1])}</p>"
    if kind == "h2":
        anchor = esc(slugify(block[1]))
        return f'<h2 id="{anchor}" data-magellan-target="{anchor}">{esc(block[1])}</h2>'
    if kind == "link":
        return f'<p><a href="{esc(block[1])}">{esc(block[2])}</a></p>'
    if kind == "img":
        img = a.images[int(block[1])]
        return template("image.html").substitute(
            src=esc(img.src),
            alt=esc(img.alt),
            caption=esc(img.caption),
            image_by=esc(img.credit_label or c["image_by"]),
            credit=esc(img.credit),
        )
    raise ValueError(f"unknown block kind {kind!r}")


def _contact_html(line: str, a: DemoArticle) -> str:
    out = esc(line)
    for contact in a.contacts:
        mail = esc(contact.email)
        out = out.replace(mail, f'<a href="mailto:{mail}">{mail}</a>', 1)
    return "<p>" + out.replace("\n", "<br>\n") + "</p>"


def _article_head(a: DemoArticle, url: str) -> str:
    parts = [
        f'<meta name="description" content="{esc(a.lead)}">',
        f'<link rel="canonical" href="{esc(url)}">',
    ]
    if a.translation:
        parts.append(f'<link rel="alternate" hreflang="{a.lang}" href="{esc(url)}">')
        other = "en" if a.lang == "sv" else "sv"
        parts.append(
            f'<link rel="alternate" hreflang="{other}" href="{esc(SITE + a.translation)}">'
        )
    if a.has_og:
        parts += [
            '<meta property="og:type" content="article">',
            f'<meta property="og:title" content="{esc(a.title)}">',
            f'<meta property="og:description" content="{esc(a.lead)}">',
            f'<meta property="og:url" content="{esc(url)}">',
            f'<meta property="og:locale" content="{"sv_SE" if a.lang == "sv" else "en_GB"}">',
        ]
        if a.images:
            parts.append(f'<meta property="og:image" content="{esc(a.images[0].src)}">')
    if a.has_jsonld:
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": a.title,
            "description": a.lead,
            "datePublished": a.published,
            "inLanguage": a.lang,
            "url": url,
            "author": [{"@type": "Person", "name": n} for n in a.authors],
            "publisher": {"@type": "CollegeOrUniversity", "name": chrome(a.lang)["site_name"]},
        }
        if a.images:
            data["image"] = [i.src for i in a.images]
        text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
        parts.append(f'<script type="application/ld+json">{text}</script>')
    return "\n".join(parts)


def teaser_html(lang: str, articles: Sequence[DemoArticle]) -> str:
    """One version of the rotating "trending now" block."""
    items = "\n".join(
        f'<li><a href="{esc(SITE + a.path)}">{esc(a.title)}</a></li>' for a in articles
    )
    return f'<h2>{esc(chrome(lang)["popular"])}</h2>\n<ul class="teasers">\n{items}\n</ul>'


def listing_html(
    lang: str, articles: Sequence[DemoArticle], page: int, pages: int, base_path: str
) -> str:
    c = chrome(lang)
    items = "\n".join(
        template("listing_item.html").substitute(
            url=esc(SITE + a.path), title=esc(a.title), published=a.published, lead=esc(a.lead)
        )
        for a in articles
    )
    links = []
    if page > 1:
        prev = base_path if page == 2 else f"{base_path}?page={page - 1}"
        links.append(f'<a rel="prev" href="{esc(SITE + prev)}">{esc(c["prev"])}</a>')
    links.append(f'<span class="current">{esc(c["page"])} {page} / {pages}</span>')
    if page < pages:
        links.append(
            f'<a rel="next" href="{esc(SITE + base_path)}?page={page + 1}">{esc(c["next"])}</a>'
        )
    main = template("listing.html").substitute(
        heading=esc(c["all_news"]), items=items, page=esc(c["page"]), pagination="\n".join(links)
    )
    crumbs = _home_crumbs(lang)[:1] + [(c["news"], None)]
    head = f'<link rel="canonical" href="{esc(SITE + base_path)}">'
    title = c["news"] if page == 1 else f"{c['news']} – {c['page']} {page}"
    return layout(lang, title, main, crumbs, head, "listing-page")


def page_html(p: DemoPage, crumbs: Sequence[tuple[str, str | None]] = ()) -> str:
    body = "\n".join(f"<p>{esc(text)}</p>" for text in p.paragraphs)
    if p.links:
        items = "\n".join(f'<li><a href="{esc(h)}">{esc(t)}</a></li>' for h, t in p.links)
        body += f'\n<ul class="link-list">\n{items}\n</ul>'
    main = template("page.html").substitute(title=esc(p.title), body=body)
    head = f'<link rel="canonical" href="{esc(SITE + p.path)}">'
    crumbs = list(crumbs) or [(chrome(p.lang)["home"], SITE + "/"), (p.title, None)]
    return layout(p.lang, p.title, main, crumbs, head, "content-page")


def login_html(title: str, text: str, return_url: str) -> str:
    main = template("login.html").substitute(
        title=esc(title), text=esc(text), return_url=esc(return_url), token=TOKEN
    )
    head = '<meta name="robots" content="noindex">'
    return layout("sv", title, main, [("Aurora", None)], head, "login-page")


def message_html(lang: str, title: str, text: str) -> str:
    """A 404/410 page: furniture around one message."""
    main = f"<h1>{esc(title)}</h1>\n<p>{esc(text)}</p>"
    return layout(lang, title, main, [(chrome(lang)["home"], SITE + "/"), (title, None)])
