"""Deterministic article generator: aligned Swedish/English sentence pools and a seeded RNG.

The same random choices fill both languages, so an article pair reads as a translation.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from .model import DemoArticle, DemoContact, DemoImage
from .texts import ascii_fold, load, slugify

LANGS = ("sv", "en")
NEWS_PREFIX = {"sv": "/nyheter/", "en": "/en/news/"}
SITE = "https://www.umu.se"
NEWEST_DATE = date(2021, 2, 26)  # newest state-1 article; the reference page (2020-11-23) is older
FIRST_ID = 9851200
POOLS = {
    "role": "roles",
    "unit": "units",
    "topic": "topics",
    "partner": "partners",
    "city": "cities",
}


def article_path(lang: str, slug: str, article_id: int) -> str:
    return f"{NEWS_PREFIX[lang]}{slug}_{article_id}/"


def saved_at(day: str, minute: int = 0) -> datetime:
    """When the CMS saved an article published on `day` (morning, UTC)."""
    return datetime.fromisoformat(day).replace(hour=7, minute=minute % 60, tzinfo=UTC)


def reference_pair() -> tuple[DemoArticle, DemoArticle]:
    """The real umu.se page with its exact text, and its English version."""
    data = load("reference.toml")
    sv, en = (_reference_article(data[lang], lang) for lang in LANGS)
    return (
        replace(sv, translation=en.path),
        replace(en, translation=sv.path),
    )


def _reference_article(d: dict, lang: str) -> DemoArticle:
    return DemoArticle(
        id=d["id"],
        lang=lang,
        path=article_path(lang, d["slug"], d["id"]),
        title=d["title"],
        lead=d["lead"],
        published=d["published"],
        authors=tuple(d["authors"]),
        category=d["category"],
        blocks=tuple(tuple(b) for b in d["blocks"]),
        contacts=tuple(DemoContact(**c) for c in d["contacts"]),
        contact_lines=(d["contact_text"],),
        has_jsonld=True,
        has_og=True,
        theme="partnership",
        modified=saved_at(d["published"], 12),
    )


class PairGenerator:
    """Makes article pairs from the pools in content/texts.toml with one seeded RNG."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.t = load("texts.toml")

    def pairs(self, count: int, skip_ids: set[int]) -> list[tuple[DemoArticle, DemoArticle]]:
        out = []
        day, next_id = NEWEST_DATE, FIRST_ID
        titles: set[str] = set()
        for _ in range(count):
            while next_id in skip_ids:
                next_id -= 1
            pair = self.pair(next_id, day.isoformat(), titles)
            titles.add(pair[0].title)
            out.append(pair)
            day -= timedelta(days=self.rng.randint(0, 4))
            next_id -= self.rng.randint(40, 900)
        return out

    def pair(
        self, article_id: int, published: str, taken: frozenset[str] | set[str] = frozenset()
    ) -> tuple[DemoArticle, DemoArticle]:
        """One article in both languages; its Swedish title is not one of `taken`."""
        rng, t = self.rng, self.t
        for _ in range(50):  # editors do not reuse a headline
            theme = rng.choice(t["themes"])
            person = f"{rng.choice(t['first_names'])} {rng.choice(t['last_names'])}"
            picks = {key: rng.randrange(len(t[pool])) for key, pool in POOLS.items()}
            count = rng.choice(t["counts"])
            title_i = rng.randrange(len(t["titles"][theme]))
            values = {key: t[POOLS[key]][i][0] for key, i in picks.items()}
            title = t["titles"][theme][title_i][0].format(person=person, count=count, **values)
            if _cap(title) not in taken:
                break
        amount, year = rng.choice(t["amounts"]), rng.choice(t["years"])
        lead_i = rng.randrange(len(t["leads"][theme]))
        category_i = rng.randrange(len(t["categories"]))
        plan = self._body_plan(theme)
        authors = [rng.choice(t["writers"])]
        if rng.random() < 0.15:
            authors.append(rng.choice([w for w in t["writers"] if w != authors[0]]))
        contact_people = [(person, picks["unit"])]
        if rng.random() < 0.2:
            other = f"{rng.choice(t['first_names'])} {rng.choice(t['last_names'])}"
            contact_people.append((other, rng.randrange(len(t["units"]))))
        phones = [f"{rng.randint(10, 99)} {rng.randint(10, 99)}" for _ in contact_people]
        contact_style = rng.choice(["sentence", "lines"])
        has_jsonld, has_og = rng.random() < 0.5, rng.random() < 0.6
        minute = rng.randrange(60)

        articles = []
        for li, lang in enumerate(LANGS):
            values = {key: t[POOLS[key]][i][li] for key, i in picks.items()}
            values.update(
                person=person,
                amount=amount if lang == "sv" else amount.replace(",", "."),
                year=year,
                count=count,
            )
            title = _cap(t["titles"][theme][title_i][li].format(**values))
            slug = slugify(title)
            images = tuple(
                DemoImage(
                    src=f"{SITE}/globalassets/nyheter/{article_id}-{n}.png",
                    alt=t["captions"]["all"][ci][li].format(**values).rstrip("."),
                    caption=t["captions"]["all"][ci][li].format(**values),
                    credit=t["photographers"][pi],
                    credit_label=t["credit_labels"][label][li],
                )
                for n, (ci, pi, label) in enumerate(plan["images"])
            )
            contacts = tuple(
                DemoContact(
                    name=name,
                    unit=t["units"][unit][li],
                    email=f"{ascii_fold(name).lower().replace(' ', '.')}@umu.se",
                    phone=("090-786 " if lang == "sv" else "+46 90-786 ") + phone,
                )
                for (name, unit), phone in zip(contact_people, phones, strict=True)
            )
            style = t["contact_styles"][contact_style][li]
            articles.append(
                DemoArticle(
                    id=article_id,
                    lang=lang,
                    path=article_path(lang, slug, article_id),
                    title=title,
                    lead=t["leads"][theme][lead_i][li].format(**values),
                    published=published,
                    authors=tuple(authors),
                    category=t["categories"][category_i][li],
                    blocks=self._blocks(plan, theme, li, values),
                    contacts=contacts,
                    contact_lines=tuple(style.format(**c.as_dict()) for c in contacts),
                    images=images,
                    has_jsonld=has_jsonld,
                    has_og=has_og,
                    theme=theme,
                    modified=saved_at(published, minute),
                )
            )
        sv, en = articles
        return replace(sv, translation=en.path), replace(en, translation=sv.path)

    def _body_plan(self, theme: str) -> dict:
        """Language-independent choices: which sentences, quotes, headings and images go where."""
        rng, t = self.rng, self.t
        pool = [("s", theme, i) for i in range(len(t["sentences"][theme]))]
        pool += [("s", "general", i) for i in range(len(t["sentences"]["general"]))]
        rng.shuffle(pool)
        paragraphs = []
        for _ in range(rng.randint(3, 6)):
            take = rng.randint(2, 3)
            paragraphs.append(pool[:take])
            pool = pool[take:] or pool
        quote_at = rng.sample(range(1, len(paragraphs) + 1), k=rng.randint(1, 2))
        for n, at in enumerate(sorted(quote_at, reverse=True)):
            q = rng.randrange(len(t["quotes"]["all"]))
            paragraphs.insert(at, [("q", q, (n + rng.randrange(2)) % 2)])
        headings = rng.sample(range(len(t["subheadings"]["all"])), k=rng.choice([0, 1, 1, 2]))
        heading_at = sorted(rng.sample(range(2, len(paragraphs)), k=len(headings)))
        n_images = rng.choice([0, 1, 1, 2])
        images = [
            (
                rng.randrange(len(t["captions"]["all"])),
                rng.randrange(len(t["photographers"])),
                0 if rng.random() < 0.75 else 1,
            )
            for _ in range(n_images)
        ]
        image_at = sorted(rng.sample(range(1, len(paragraphs)), k=n_images))
        return {
            "paragraphs": paragraphs,
            "headings": list(zip(heading_at, headings, strict=True)),
            "images": images,
            "image_at": image_at,
        }

    def _blocks(self, plan: dict, theme: str, li: int, values: dict) -> tuple:
        t = self.t
        heads = dict(plan["headings"])
        blocks: list[tuple[str, ...]] = []
        for i, para in enumerate(plan["paragraphs"]):
            if i in heads:
                blocks.append(("h2", _cap(t["subheadings"]["all"][heads[i]][li].format(**values))))
            for n, at in enumerate(plan["image_at"]):
                if at == i:
                    blocks.append(("img", str(n)))
            if para[0][0] == "q":
                _, q, s = para[0]
                said = t["quotes"]["said"][s][li].format(**values)
                blocks.append(("p", f"{t['quotes']['all'][q][li]}, {said}."))
                continue
            text = " ".join(t["sentences"][group][i][li].format(**values) for _, group, i in para)
            blocks.append(("p", text))
        return tuple(blocks)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
