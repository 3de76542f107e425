"""Evidence of a page's kind beyond its running text: what its metadata declare (an article,
a list of pages, a product). core._classify weighs it with the text's own evidence (linked
headlines, prose).

A listing's date and byline are often its content system's defaults (og:type article and a
published time on every page): a page whose JSON-LD calls it a collection is a listing
whatever they say. Types and patterns are data in vocabulary.
"""

from __future__ import annotations

from typing import Any

from . import vocabulary
from .metadata import ARTICLE_TYPES, types


def declared(ld_types: set[str], og_type: str | None) -> str | None:
    """What the page's metadata say it is: "article" (a JSON-LD article type, else og:type
    article), "listing" (a JSON-LD collection without an article type, or a shop's
    category og:type), "product", or None when they say nothing of the kind."""
    if ld_types & ARTICLE_TYPES:
        return "article"
    og_type = (og_type or "").strip().lower()
    if ld_types & vocabulary.COLLECTION_LD_TYPES or og_type in vocabulary.OG_COLLECTION_TYPES:
        return "listing"
    if vocabulary.OG_PRODUCT_TYPE.search(og_type):
        return "product"
    return "article" if og_type == "article" else None


def ld_types(objects: list[dict[str, Any]]) -> set[str]:
    """Every JSON-LD @type on the page, lower-cased."""
    return {kind for obj in objects for kind in types(obj)}
