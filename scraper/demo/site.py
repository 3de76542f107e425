"""The demo university site as a content model: articles, pages and what every path serves.

Three content states: state 1 is the site as first crawled; state 2 is the same site after a
round of editing (see `Changes`); state 3 is state 2's content after a redesign of the article
template that breaks the umu profile's selectors (render.article_redesign_html). Everything
is derived from the data files and one seed, so two `DemoSite()` objects are identical.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from functools import cached_property
from urllib.parse import quote, urlsplit

from . import feeds, render
from .generate import PairGenerator, article_path, reference_pair
from .model import Changes, DemoArticle, DemoPage, Resource
from .texts import load, static_file

STATES = (1, 2, 3)
HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
STATIC_TYPES = {
    ".svg": "image/svg+xml",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
}
PAGES_SAVED = datetime(2020, 6, 1, 8, 0, tzinfo=UTC)  # when the section pages were last edited
STATE2_SAVED = datetime(2021, 3, 2, 9, 30, tzinfo=UTC)  # the editing round of state 2
STATE3_SAVED = datetime(2021, 4, 6, 7, 0, tzinfo=UTC)  # the redesign of state 3
SAVED = {2: STATE2_SAVED, 3: STATE3_SAVED}  # when a state's changed resources were saved
NEW_DATES = ("2021-03-01", "2021-03-01", "2021-02-28", "2021-02-28", "2021-02-27")


class DemoSite:
    """Deterministic content of the demo site in both states (see module docstring)."""

    feeds = (
        "/nyheter/alla-nyheter/rssnews?id=10421080",
        "/en/news/all-news/rssnews?id=10421084",
    )
    feed_langs = {"sv": feeds[0], "en": feeds[1]}
    listings = ("/nyheter/", "/en/news/")
    sitemap_index = "/sitemap.xml"
    robots_path = "/robots.txt"
    disallow = ("/internt/",)
    per_page = 10  # listing items per page
    feed_size = 20  # items per feed: older articles are only in listings and sitemaps
    sitemap_size = 500  # URLs per child sitemap

    def __init__(self, article_pairs: int = 30, seed: int = 20201123) -> None:
        if article_pairs < 10:
            raise ValueError("the demo site needs at least 10 article pairs")
        self.article_pairs = article_pairs
        self.seed = seed
        pages = load("pages.toml")
        self.section = pages["section"]
        self.login_path = pages["login"]
        self.restricted_paths = (pages["portal"],)
        self.disallowed_paths = (pages["internal"],)
        self._pages_data = pages
        self._state = {1: self._build_state1()}
        self._changes = self._pick_changes()
        self._state[2] = self._build_state2()
        self._state[3] = self._state[2]  # the same content, redesigned
        self._routes: dict[int, dict[str, Callable[[], Resource]]] = {}
        self._paths: dict[int, dict[str, DemoArticle]] = {}

    # ---- public model -------------------------------------------------------------

    def articles(self, state: int = 1) -> list[DemoArticle]:
        """Every live article in `state`, newest first, both languages."""
        return list(self._state[_check(state)])

    def pages(self, state: int = 1) -> list[DemoPage]:
        """The partnership section: index first, then the partner pages."""
        _check(state)
        return list(self._section_pages)

    def expected_changes(self) -> Changes:
        return self._changes

    def article(self, path: str, state: int = 1) -> DemoArticle | None:
        return self._by_path(state).get(path)

    @property
    def reference_path(self) -> str:
        return self._reference[0].path

    # ---- what each path serves ----------------------------------------------------

    def resource(self, state: int, path: str) -> Resource | None:
        """What `path` (with its query) answers in `state`; None for an unknown path."""
        routes = self.routes(state)
        make = routes.get(path)
        plain, query = urlsplit(path)[2:4]
        if make is None and plain != path and not (plain in self.listings and "page=" in query):
            make = routes.get(plain)  # other query parameters are ignored, as by most CMSs
        if make is None:
            if not plain.endswith("/") and plain + "/" in routes:  # like any static server
                return Resource(301, location=render.SITE + plain + "/")
            return self._fallback(state, plain)
        return make()

    def routes(self, state: int) -> dict[str, Callable[[], Resource]]:
        """Every path with a fixed answer in `state` (built once, rendered on call)."""
        if state not in self._routes:
            self._routes[state] = self._build_routes(_check(state))
        return self._routes[state]

    def teaser_variants(self, state: int, lang: str, count: int = 7) -> list[str]:
        """Versions of the rotating teaser block; the server shows a different one per request."""
        pool = [a for a in self._state[state] if a.lang == lang][:24]
        return [render.teaser_html(lang, pool[i::count][:3]) for i in range(count)]

    # ---- state 1 ------------------------------------------------------------------

    def _build_state1(self) -> list[DemoArticle]:
        self._reference = reference_pair()
        ref_day = self._reference[0].published
        gen = PairGenerator(self.seed)
        pairs = gen.pairs(self.article_pairs - 1, {self._reference[0].id})
        at = next((i for i, p in enumerate(pairs) if p[0].published < ref_day), len(pairs))
        pairs.insert(at, self._reference)
        n = len(pairs)
        linked = []
        for i, pair in enumerate(pairs):
            rel = [pairs[(i + k) % n] for k in (1, 2, 3)]
            linked.append(
                tuple(
                    replace(a, related=tuple(r[li].path for r in rel)) for li, a in enumerate(pair)
                )
            )
        self._pairs = linked
        self._reference = linked[at]
        return _newest_first([a for pair in linked for a in pair])

    def _pick_changes(self) -> Changes:
        rng = random.Random(self.seed + 2)
        candidates = [i for i, p in enumerate(self._pairs) if p is not self._reference]
        picked = rng.sample(candidates, 6)
        langs = (0, 1, 0, 1, 1, 0)  # sv, en, sv | teaser en | deleted en | moved sv
        chosen = [self._pairs[i][li] for i, li in zip(picked, langs, strict=True)]
        self._edited = chosen[:3]
        self._teaser, self._deleted, self._moved = chosen[3:]
        words = self._moved.slug.split("-")
        new_slug = "-".join(words[:4]) + ("-flyttad" if self._moved.lang == "sv" else "-moved")
        self._moved_to = article_path(self._moved.lang, new_slug, self._moved.id)
        self._new = self._new_articles()
        return Changes(
            edited=[a.path for a in self._edited],
            teaser_only=self._teaser.path,
            deleted=self._deleted.path,
            moved=(self._moved.path, self._moved_to),
            new=[a.path for a in self._new],
        )

    def _new_articles(self) -> list[DemoArticle]:
        gen = PairGenerator(self.seed + 1)
        used = {p[0].id for p in self._pairs}
        top = max(used)
        out = []
        for n, day in enumerate(NEW_DATES):
            new_id = top + 1000 + 137 * n
            assert new_id not in used
            pair = gen.pair(new_id, day)
            article = pair[n % 2]
            related = tuple(r.path for r in (p[n % 2] for p in self._pairs[:3]))
            out.append(replace(article, translation=None, related=related))
        return out

    # ---- state 2 ------------------------------------------------------------------

    def _build_state2(self) -> list[DemoArticle]:
        t = load("texts.toml")["edits"]
        li = {"sv": 0, "en": 1}
        edited = {}
        for n, a in enumerate(self._edited):
            blocks = list(a.blocks)
            paras = [i for i, b in enumerate(blocks) if b[0] == "p"]
            i, changed = paras[1], t["changed"][li[a.lang]]
            if n == 1:  # a paragraph added after the last one
                blocks.insert(paras[-1] + 1, ("p", t["added"][li[a.lang]]))
            elif n == 0:  # a paragraph changed: a sentence appended to the second paragraph
                blocks[i] = ("p", f"{blocks[i][1]} {changed}")
            else:  # a correction: the second paragraph's last sentence rewritten
                kept = blocks[i][1].rstrip().rsplit(". ", 1)[0]
                blocks[i] = ("p", f"{kept}. {changed}" if kept != blocks[i][1] else changed)
            edited[a.path] = replace(a, blocks=tuple(blocks), modified=STATE2_SAVED)
        others = [p for p in self._state[1][:40] if p.lang == self._teaser.lang]
        new_related = tuple(o.path for o in others if o.path not in self._teaser.related)[:3]
        edited[self._teaser.path] = replace(
            self._teaser, related=new_related, modified=STATE2_SAVED
        )
        edited[self._moved.path] = replace(self._moved, path=self._moved_to, modified=STATE2_SAVED)
        out = [edited.get(a.path, a) for a in self._state[1] if a.path != self._deleted.path]
        return _newest_first(out + self._new)

    # ---- routing ------------------------------------------------------------------

    def _by_path(self, state: int) -> dict[str, DemoArticle]:
        if state not in self._paths:
            self._paths[state] = {a.path: a for a in self._state[_check(state)]}
        return self._paths[state]

    @cached_property
    def _titles(self) -> dict[str, DemoArticle]:
        """Every article of both states by path, for links in related-news blocks."""
        out = {a.path: a for a in self._state[1]}
        out.update({a.path: a for a in self._state[2]})
        return out

    def _build_routes(self, state: int) -> dict[str, Callable[[], Resource]]:
        routes: dict[str, Callable[[], Resource]] = {}
        arts = self._state[state]
        article_html = render.article_redesign_html if state == 3 else render.article_html
        for a in arts:
            routes[a.path] = _html(lambda a=a: article_html(a, self._titles), a.modified)
        if state >= 2:
            routes[self._deleted.path] = lambda: _message(410, self._deleted.lang, "gone")
            routes[self._moved.path] = lambda: Resource(
                301, location=render.SITE + self._moved_to, body=""
            )
        for lang, base in zip(("sv", "en"), self.listings, strict=True):
            mine = [a for a in arts if a.lang == lang]
            pages = max(1, -(-len(mine) // self.per_page))
            for page in range(1, pages + 1):
                chunk = mine[(page - 1) * self.per_page : page * self.per_page]
                path = base if page == 1 else f"{base}?page={page}"
                routes[path] = _html(
                    lambda lang=lang, chunk=chunk, page=page, pages=pages, base=base: (
                        render.listing_html(lang, chunk, page, pages, base)
                    ),
                    _latest(chunk),
                )
            feed_items = mine[: self.feed_size]
            feed = self.feed_langs[lang]
            routes[feed] = lambda lang=lang, items=feed_items, feed=feed: Resource(
                200, RSS, feeds.rss(lang, feed, items), _latest(items)
            )
        self._sitemap_routes(routes, arts)
        for page in self._section_pages:
            crumbs = [("Startsida", render.SITE + "/"), ("Samverkan", render.SITE + self.section)]
            if page.path != self.section:
                crumbs.append((page.title, None))
            else:
                crumbs[-1] = ("Samverkan", None)
            routes[page.path] = _html(lambda p=page, c=crumbs: render.page_html(p, c), PAGES_SAVED)
        for page in self._furniture_pages:
            routes[page.path] = _html(lambda p=page: render.page_html(p), PAGES_SAVED)
        login = self._pages_data["login_page"]
        routes[self.login_path] = _html(
            lambda: render.login_html(login["title"], login["paragraphs"][0], ""), PAGES_SAVED
        )
        for path in self.restricted_paths:
            target = f"{render.SITE}{self.login_path}?ReturnUrl={quote(path, safe='')}"
            routes[path] = lambda target=target: Resource(302, location=target)
        routes[self.robots_path] = lambda: Resource(
            200, TEXT, feeds.robots(self.disallow, self.sitemap_index), PAGES_SAVED
        )
        return routes

    def _sitemap_routes(self, routes: dict, arts: list[DemoArticle]) -> None:
        children = []
        for lang, name in (("sv", "nyheter"), ("en", "en-news")):
            entries = [(a.path, a.modified) for a in arts if a.lang == lang]
            for n in range(0, len(entries), self.sitemap_size):
                chunk = entries[n : n + self.sitemap_size]
                path = f"/sitemap-{name}-{n // self.sitemap_size + 1}.xml"
                children.append((path, max(m for _, m in chunk)))
                routes[path] = lambda c=chunk: Resource(
                    200, XML, feeds.urlset(c), max(m for _, m in c)
                )
        pages = [(p.path, PAGES_SAVED) for p in self._section_pages]
        children.append(("/sitemap-sidor.xml", PAGES_SAVED))
        routes["/sitemap-sidor.xml"] = lambda: Resource(200, XML, feeds.urlset(pages), PAGES_SAVED)
        newest = max(m for _, m in children)
        routes[self.sitemap_index] = lambda: Resource(
            200, XML, feeds.sitemap_index(children), newest
        )

    @cached_property
    def _section_pages(self) -> list[DemoPage]:
        data = self._pages_data
        partners = data["partners"]
        paths = [f"{self.section}{p['slug']}/" for p in partners]
        index = DemoPage(
            path=self.section,
            title=data["index"]["title"],
            lang="sv",
            paragraphs=tuple(data["index"]["paragraphs"]),
            links=tuple(
                (render.SITE + path, p["title"]) for path, p in zip(paths, partners, strict=True)
            ),
            modified=PAGES_SAVED,
        )
        out = [index]
        for path, p in zip(paths, partners, strict=True):
            links = [(render.SITE + self.section, data["index"]["title"])]
            links += [
                (render.SITE + other_path, other["title"])
                for other_path, other in zip(paths, partners, strict=True)
                if other_path != path
            ]
            out.append(
                DemoPage(path, p["title"], "sv", tuple(p["paragraphs"]), tuple(links), PAGES_SAVED)
            )
        return out

    @cached_property
    def _furniture_pages(self) -> list[DemoPage]:
        """Start pages, menu targets and the internal page: there so that links do not 404."""
        data = self._pages_data
        out = [
            DemoPage(
                "/",
                "Umeå universitet",
                "sv",
                ("Välkommen till Umeå universitet.",),
                (
                    (render.SITE + "/nyheter/", "Nyheter"),
                    (render.SITE + self.section, "Strategiska partnerskap"),
                    (render.SITE + self.feeds[0], "RSS"),
                ),
            ),
            DemoPage(
                "/en/",
                "Umeå University",
                "en",
                ("Welcome to Umeå University.",),
                ((render.SITE + "/en/news/", "News"), (render.SITE + self.feeds[1], "RSS")),
            ),
            DemoPage(
                self.disallowed_paths[0],
                data["internal_page"]["title"],
                "sv",
                tuple(data["internal_page"]["paragraphs"]),
            ),
            DemoPage("/om-webbplatsen/kakor/", "Kakor", "sv", ("Om kakor på webbplatsen.",)),
        ]
        for lang in ("sv", "en"):
            for label, href in render.chrome(lang)["menu"]:
                path = urlsplit(href).path
                if path not in {p.path for p in out} and not path.startswith(
                    ("/nyheter/", "/en/news/", "/samverkan")
                ):
                    out.append(DemoPage(path, label, lang, (label,)))
        return out

    def _fallback(self, state: int, path: str) -> Resource | None:
        if path.startswith("/static/"):
            name = path.removeprefix("/static/")
        elif path.startswith("/globalassets/") and path.endswith(".png"):
            name = "placeholder.png"
        else:
            return None
        data = static_file(name) if "/" not in name else None
        if data is None:
            return None
        ctype = STATIC_TYPES.get(name[name.rfind(".") :], "application/octet-stream")
        return Resource(200, ctype, data, PAGES_SAVED)

    def not_found(self, lang: str = "sv") -> Resource:
        return _message(404, lang, "missing")


def _check(state: int) -> int:
    if state not in STATES:
        raise ValueError(f"unknown demo state {state!r}: use 1, 2 or 3")
    return state


def _newest_first(articles: list[DemoArticle]) -> list[DemoArticle]:
    return sorted(articles, key=lambda a: (a.published, a.id, a.lang == "sv"), reverse=True)


def _latest(articles: list[DemoArticle]) -> datetime:
    return max((a.modified for a in articles if a.modified), default=PAGES_SAVED)


def _html(make: Callable[[], str], modified: datetime | None) -> Callable[[], Resource]:
    return lambda: Resource(200, HTML, make(), modified or PAGES_SAVED)


def _message(status: int, lang: str, kind: str) -> Resource:
    c = render.chrome(lang)
    return Resource(status, HTML, render.message_html(lang, c[f"{kind}_title"], c[f"{kind}_text"]))
