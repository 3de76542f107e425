"""The result of extraction: one dataclass whose fields are the `versions` columns."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Fields stored in a version and compared to decide whether content changed.
CONTENT_FIELDS: tuple[str, ...] = (
    "title",
    "lead",
    "body_text",
    "body_markdown",
    "published_at",
    "updated_at",
    "authors",
    "category",
    "tags",
    "lang",
    "images",
    "contacts",
    "links",
)

# What a page turned out to be. Only "article" and "page" carry content worth versioning.
KINDS = ("article", "page", "listing", "login", "empty", "not_html")


@dataclass
class Article:
    """Clean fields of one page. Lists and dicts hold plain JSON-able values."""

    url: str
    kind: str = "article"
    reason: str | None = None  # why kind is not "article", in words a person can read
    title: str | None = None
    lead: str | None = None
    body_text: str | None = None
    body_markdown: str | None = None
    published_at: str | None = None  # ISO 8601: a plain date, or a UTC timestamp
    updated_at: str | None = None
    authors: list[str] = field(default_factory=list)
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    lang: str | None = None
    # {"src", "alt", "caption", "credit"}
    images: list[dict[str, Any]] = field(default_factory=list)
    # {"name", "unit", "email", "phone", "role"}
    contacts: list[dict[str, Any]] = field(default_factory=list)
    # {"url", "text"}
    links: list[dict[str, Any]] = field(default_factory=list)
    canonical_url: str | None = None
    translations: dict[str, str] = field(default_factory=dict)  # lang -> absolute URL

    @property
    def has_content(self) -> bool:
        """True when this page carries content to archive as a version."""
        return self.kind in ("article", "page")

    def content(self) -> dict[str, Any]:
        """The versioned fields only, as the archive stores them."""
        return {name: getattr(self, name) for name in CONTENT_FIELDS}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
