"""What the demo site is made of: frozen records shared by generator, renderer and tests."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

# A block of an article body: ("p", text), ("h2", text), ("link", href, text), ("img", index).
Block = tuple[str, ...]


@dataclass(frozen=True)
class DemoImage:
    src: str  # absolute, on https://www.umu.se
    alt: str
    caption: str
    credit: str
    credit_label: str = ""  # as printed before the name: "Bild:" (most pages), "Foto:", ...

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class DemoContact:
    name: str
    unit: str
    email: str
    phone: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class DemoArticle:
    """One news article in one language, as an editor wrote it (no page furniture)."""

    id: int
    lang: str
    path: str
    title: str
    lead: str
    published: str  # YYYY-MM-DD
    authors: tuple[str, ...]
    category: str
    blocks: tuple[Block, ...]
    contacts: tuple[DemoContact, ...]
    contact_lines: tuple[str, ...]  # the contact box as the page prints it, one paragraph each
    images: tuple[DemoImage, ...] = ()
    translation: str | None = None  # path of the other language version
    related: tuple[str, ...] = ()  # paths in the fixed "more news" block
    has_jsonld: bool = False
    has_og: bool = False
    theme: str = "research"
    modified: datetime | None = None  # when the CMS last saved it (Last-Modified)

    @property
    def body(self) -> tuple[str, ...]:
        """Body paragraphs in order (subheadings and images left out; links by their text)."""
        return tuple(b[-1] for b in self.blocks if b[0] in ("p", "link"))

    @property
    def subheadings(self) -> tuple[str, ...]:
        return tuple(b[1] for b in self.blocks if b[0] == "h2")

    @property
    def slug(self) -> str:
        return self.path.rstrip("/").rsplit("/", 1)[-1].rsplit("_", 1)[0]


@dataclass(frozen=True)
class DemoPage:
    """A section page (kind "page"): heading and text, no byline."""

    path: str
    title: str
    lang: str
    paragraphs: tuple[str, ...]
    links: tuple[tuple[str, str], ...] = ()  # (absolute href, text)
    modified: datetime | None = None


@dataclass(frozen=True)
class Changes:
    """What switching from state 1 to state 2 does, by path."""

    edited: list[str] = field(default_factory=list)
    teaser_only: str = ""
    deleted: str = ""
    moved: tuple[str, str] = ("", "")
    new: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Resource:
    """One answer of the site: what a path serves in a given state, before host rewriting.

    The body may hold the volatile markers of `render`; the server fills them per request.
    """

    status: int
    content_type: str = "text/html; charset=utf-8"
    body: str | bytes = ""  # bytes: a static file, served as is
    modified: datetime | None = None
    location: str | None = None  # absolute URL on https://www.umu.se for redirects
