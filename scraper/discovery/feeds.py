"""RSS 2.0 and Atom feeds: the article URLs they list, with their dates."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.etree

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
)


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str | None = None
    published: str | None = None  # as the feed wrote it


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


class Feed:
    """Parse a feed body once; iterate its entries. Broken XML yields what can be read."""

    def __init__(self, body: bytes, base_url: str = ""):
        self.base_url = base_url
        parser = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
        try:
            self.root = lxml.etree.fromstring(body, parser=parser)
        except lxml.etree.XMLSyntaxError:
            self.root = None

    @property
    def is_feed(self) -> bool:
        return self.root is not None and _local(self.root.tag) in ("rss", "feed", "rdf")

    def __iter__(self) -> Iterator[FeedEntry]:
        if not self.is_feed:
            return
        for item in self.root.iter():
            if _local(item.tag) not in ("item", "entry"):
                continue
            url = title = published = None
            for child in item:
                name = _local(child.tag)
                if name == "link":
                    href = child.get("href")
                    rel = child.get("rel", "alternate")
                    if href and rel == "alternate":
                        url = url or href.strip()
                    elif child.text and child.text.strip():
                        url = url or child.text.strip()
                elif name == "guid" and child.get("isPermaLink", "true") == "true" and not url:
                    if child.text and child.text.strip().startswith("http"):
                        url = child.text.strip()
                elif name == "title":
                    title = (child.text or "").strip() or None
                elif name in ("pubdate", "published", "updated", "date") and not published:
                    published = (child.text or "").strip() or None
            if url:
                yield FeedEntry(urljoin(self.base_url, url), title, published)
