"""A second opinion on the body where uninews's own choice is weak: trafilatura's text.

Confidence is how much of the page's paragraph text (counted before furniture is removed)
the chosen lead and body hold. Pages whose body holds little of it are mostly pages where the
container vote went wrong (a widget, a teaser, a byline box won); on those trafilatura,
already a dependency, is run on the same page and its text replaces the body when it is
longer. Measured on both development corpora (bench/extraction.py): it raises F1 on each,
and it runs on about one page in ten, so the median time stays uninews's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

# Below this share of the page's paragraph characters the body is a second opinion's job.
# Chosen on extraction-dev and wcxb-dev together (bench/extraction.py, see README).
MIN_CONFIDENCE = 0.5
LONGER = 1.25  # trafilatura's text replaces ours only when this many times longer
MIN_PAGE_TEXT = 200  # characters of paragraphs: a page with less has nothing to recover
# Larger pages get no second opinion: it would cost seconds, and the largest article pages
# of both corpora are under 1.5 MB.
MAX_SOURCE = 1_500_000
# Above this, trafilatura runs without its own fallbacks (readability, jusText) and htmldate
# without its extensive search of the whole text: on the largest pages they cost up to 1 s
# together (rei.com's 1.3 MB category pages), for no body score and one date on either
# development corpus (bench/extraction.py; wcxb-dev article dates 0.829 -> 0.827).
FAST_ABOVE = 500_000


def confidence(body_chars: int, page_chars: int) -> float:
    """Share of the page's paragraph text the chosen body holds (1.0 for a page without)."""
    if page_chars < MIN_PAGE_TEXT:
        return 1.0
    return min(1.0, body_chars / page_chars)


def second_opinion(html: bytes | str, url: str) -> list[str]:
    """trafilatura's paragraphs of the page's main text, [] when it finds none or fails."""
    if len(html) > MAX_SOURCE:
        return []
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - a declared dependency
        return []
    try:
        doc: Any = trafilatura.bare_extraction(
            html, url=url, with_metadata=False, fast=len(html) > FAST_ABOVE
        )
    except Exception:  # a second opinion must never cost the first one
        return []
    text = getattr(doc, "text", None) if doc is not None else None
    if not text:
        return []
    return [line.strip() for line in text.split("\n") if line.strip()]


def published_date(html: bytes | str, url: str, lang: str | None = None) -> str | None:
    """htmldate's publication date (as trafilatura asks for it), for a page whose own
    metadata and labels name none; None when it finds none or fails. Dates written in words
    are read in the page's language and English only (see _lent_parser), and the whole text
    is searched only on pages up to FAST_ABOVE."""
    if len(html) > MAX_SOURCE:
        return None
    try:
        from htmldate import find_date
    except ImportError:  # pragma: no cover - installed with trafilatura
        return None
    try:
        with _lent_parser(_date_languages(lang)):
            found = find_date(
                html, url=url, original_date=True, extensive_search=len(html) <= FAST_ABOVE
            )
    except Exception:  # a second opinion must never cost the first one
        return None
    return found or None


# The settings htmldate gives its own dateparser parser (htmldate.extractors), kept as they
# are so that only the languages differ.
_PARSER_SETTINGS = {
    "NORMALIZE": True,
    "PARSERS": ["custom-formats", "absolute-time"],
    "PREFER_DATES_FROM": "past",
    "PREFER_LOCALE_DATE_ORDER": True,
    "RETURN_AS_TIMEZONE_AWARE": False,
    "STRICT_PARSING": True,
}


def _date_languages(lang: str | None) -> tuple[str, ...]:
    """The page's language (when dateparser knows it) and English."""
    base = (lang or "").split("-")[0].lower()
    return tuple(sorted({"en", base} & _dateparser_languages()))


@cache
def _dateparser_languages() -> frozenset[str]:
    from dateparser.data import language_order

    return frozenset(language_order)


@cache
def _date_parser(languages: tuple[str, ...]) -> Any:
    from dateparser import DateDataParser

    return DateDataParser(languages=list(languages), settings=_PARSER_SETTINGS)


_last_languages: list[tuple[str, ...]] = []  # what the parser lent last knew


@contextmanager
def _lent_parser(languages: tuple[str, ...]) -> Iterator[None]:
    """htmldate's dateparser parser, replaced for one call by one that knows `languages`.

    htmldate hands dateparser every string it cannot read itself with all of dateparser's
    ~200 locales enabled; the first such string in a process compiles every locale's
    patterns (about 2 s of CPU, measured on a wcxb-dev page, inside that page's budget), and
    a string may be read by a language the page is not in. Same dates on both development
    corpora either way (bench/extraction.py). htmldate caches the strings it has read, so
    the cache is emptied when the languages change, not to reuse another language's answer.
    """
    import htmldate.extractors as hx

    own = hx.get_external_parser
    if _last_languages != [languages]:
        hx.try_date_expr.cache_clear()
        _last_languages[:] = [languages]
    hx.get_external_parser = lambda: _date_parser(languages)
    try:
        yield
    finally:
        hx.get_external_parser = own


def authors(tree: Any) -> list[str]:
    """trafilatura's byline expressions on the page's tree (furniture already removed; its
    meta tags were read by uninews), for a page whose own metadata and labels name none;
    [] when it finds none or fails."""
    try:
        from trafilatura.metadata import extract_author
    except ImportError:  # pragma: no cover - a declared dependency
        return []
    try:
        found = extract_author(tree)
    except Exception:  # a second opinion must never cost the first one
        return []
    return [name.strip() for name in (found or "").split(";") if name.strip()]
