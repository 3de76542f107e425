"""What a feed said of an article, as a fallback for fields its page lacks.

A post-step to extraction, kept apart from it: extract() reads the page alone, and
apply_hints() fills only the fields it left empty, so a hint never overrides what the page
says. Hints are a plain dict (as a feed entry's `as_dict()`, the form the archive keeps with
the feed's capture), so they cross to an extraction process as they are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .article import Article

# A description longer than this is the article itself (feeds that put the body there), not
# a lead: left out.
MAX_LEAD = 1000


def apply_hints(article: Article, hints: Mapping[str, Any] | None) -> Article:
    """The article with empty fields filled from a feed entry's hints.

    Keys used: title, summary (the lead), published_at, updated_at, authors, categories
    (the first as the category when the page names none, the others as tags when the page
    has none). A content page the extractor called "page" for want of a date becomes an
    article when the feed dates it. Pages without content (login walls, empty bodies) are
    left as they are: a feed cannot give them content.
    """
    if not hints or not article.has_content:
        return article
    changes: dict[str, Any] = {}
    for field, key in (
        ("title", "title"),
        ("lead", "summary"),
        ("published_at", "published_at"),
        ("updated_at", "updated_at"),
    ):
        value = hints.get(key)
        if field == "lead" and isinstance(value, str) and len(value) > MAX_LEAD:
            continue
        if not getattr(article, field) and isinstance(value, str) and value.strip():
            changes[field] = value.strip()
    authors = [a for a in hints.get("authors") or () if isinstance(a, str) and a.strip()]
    if not article.authors and authors:
        changes["authors"] = authors
    categories = [c for c in hints.get("categories") or () if isinstance(c, str) and c.strip()]
    category = article.category
    if not category and categories:
        category = changes["category"] = categories[0]
    if not article.tags:
        tags = [c for c in categories if c != category]
        if tags:
            changes["tags"] = tags
    if not changes:
        return article
    if article.kind == "page" and "published_at" in changes:
        changes["kind"], changes["reason"] = "article", None
    return dataclasses.replace(article, **changes)
