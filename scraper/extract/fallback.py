"""A second opinion on the body where uninews's own choice is weak: trafilatura's text.

Confidence is how much of the page's paragraph text (counted before furniture is removed)
the chosen lead and body hold. Pages whose body holds little of it are mostly pages where the
container vote went wrong (a widget, a teaser, a byline box won); on those trafilatura,
already a dependency, is run on the same page and its text replaces the body when it is
longer. Measured on both development corpora (bench/extraction.py): it raises F1 on each,
and it runs on about one page in ten, so the median time stays uninews's own.
"""

from __future__ import annotations

from typing import Any

# Below this share of the page's paragraph characters the body is a second opinion's job.
# Chosen on extraction-dev and wcxb-dev together (bench/extraction.py, see README).
MIN_CONFIDENCE = 0.5
LONGER = 1.25  # trafilatura's text replaces ours only when this many times longer
MIN_PAGE_TEXT = 200  # characters of paragraphs: a page with less has nothing to recover
# Larger pages get no second opinion: it would cost seconds, and the largest article pages
# of both corpora are under 1.5 MB.
MAX_SOURCE = 1_500_000


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
        doc: Any = trafilatura.bare_extraction(html, url=url, with_metadata=False)
    except Exception:  # a second opinion must never cost the first one
        return []
    text = getattr(doc, "text", None) if doc is not None else None
    if not text:
        return []
    return [line.strip() for line in text.split("\n") if line.strip()]


def published_date(html: bytes | str, url: str) -> str | None:
    """htmldate's publication date (as trafilatura asks for it), for a page whose own
    metadata and labels name none; None when it finds none or fails."""
    if len(html) > MAX_SOURCE:
        return None
    try:
        from htmldate import find_date
    except ImportError:  # pragma: no cover - installed with trafilatura
        return None
    try:
        found = find_date(html, url=url, original_date=True, extensive_search=True)
    except Exception:  # a second opinion must never cost the first one
        return None
    return found or None


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
