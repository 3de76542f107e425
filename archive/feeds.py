"""What the feeds of a site said of its articles, as kept with the feeds' captures.

A feed's capture (kind "feed") keeps the feed as served, and in its `extra` JSON, under
"feed_entries", the entries that were new or had changed since the archive last saw them:
so the first feed capture that names an article says when it first appeared in the feed,
and the latest entry for a URL is what the feed last said of it (the crawler hands that to
the article as hints for fields its page lacks, revisits included).
"""

from __future__ import annotations

import json
from typing import Any

from .store import Archive
from .urls import normalize_url

ENTRIES_KEY = "feed_entries"


def feed_entries(archive: Archive, site: str) -> dict[str, dict[str, Any]]:
    """The latest entry the site's feeds gave for each article, by normalized URL."""
    rows = archive.conn.execute(
        "SELECT e.value FROM captures c, json_each(c.extra, '$.feed_entries') e"
        " WHERE c.site = ? AND c.kind = 'feed' ORDER BY c.id, e.key",
        (site,),
    )
    found: dict[str, dict[str, Any]] = {}
    for (value,) in rows:
        entry = json.loads(value)
        if isinstance(entry, dict) and isinstance(entry.get("url"), str):
            found[normalize_url(entry["url"])] = entry
    return found
