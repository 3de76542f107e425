"""The archive as the workers need it, kept in Redis by the ingest process.

Workers of a crawl fed to `uninews ingest` have no archive of their own: the validators that
make their requests conditional, the known pages they revisit and what feeds said of each
article are read here instead. The ingest process publishes every site's page rows when it
starts, and each page again once a capture of it is committed; and when each site's latest
finished run started, so that a worker crawling a sites file knows which sites are due.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from archive import Archive, PageRow, normalize_url
from archive.feeds import feed_entries

from .keys import LAST_FINISHED, feeds_key, pages_key

BATCH = 500  # page rows per round trip when publishing a whole site


def page_json(page: PageRow) -> str:
    return json.dumps(dataclasses.asdict(page), ensure_ascii=False)


def publish_all(client: Any, archive: Archive) -> int:
    """Every site's page rows and feed entries, each site's hash replaced at once (RENAME), so
    a worker never reads a half-written one. Returns how many pages were published."""
    sites = [row[0] for row in archive.conn.execute("SELECT DISTINCT site FROM pages")]
    published = 0
    for site in sites:
        staging = pages_key(site) + ":new"
        client.delete(staging)
        batch: dict[str, str] = {}
        for page in archive.pages(site):
            batch[page.url] = page_json(page)
            if len(batch) >= BATCH:
                client.hset(staging, mapping=batch)
                published, batch = published + len(batch), {}
        if batch:
            client.hset(staging, mapping=batch)
            published += len(batch)
        client.rename(staging, pages_key(site))
        publish_feeds(client, archive, site)
    for (site,) in archive.conn.execute("SELECT DISTINCT site FROM runs"):
        publish_last_finished(client, archive, site)
    return published


def publish_page(client: Any, archive: Archive, url: str) -> None:
    """The page row of `url` as the archive now holds it."""
    page = archive.page(url)
    client.hset(pages_key(page.site), page.url, page_json(page))


def publish_feeds(client: Any, archive: Archive, site: str) -> None:
    client.set(feeds_key(site), json.dumps(feed_entries(archive, site), ensure_ascii=False))


def publish_last_finished(client: Any, archive: Archive, site: str) -> None:
    """When the site's latest finished run started, if one has finished."""
    started = archive.last_finished_run(site)
    if started is not None:
        client.hset(LAST_FINISHED, site, started)


def last_finished(client: Any, site: str) -> str | None:
    """When the site's latest finished run started, as ingest last published it."""
    raw = client.hget(LAST_FINISHED, site)
    return raw.decode() if raw is not None else None


def known_pages(client: Any, site: str) -> dict[str, PageRow]:
    """The site's pages as last published, by normalized URL."""
    rows = client.hgetall(pages_key(site))
    return {url.decode(): PageRow(**json.loads(row)) for url, row in rows.items()}


def known_feed_entries(client: Any, site: str) -> dict[str, dict[str, Any]]:
    raw = client.get(feeds_key(site))
    return json.loads(raw) if raw else {}


def validators(client: Any, site: str, url: str) -> tuple[str | None, str | None]:
    """(etag, last_modified) of the page of `url` as last published; (None, None) if unknown."""
    raw = client.hget(pages_key(site), normalize_url(url))
    if raw is None:
        return None, None
    row = json.loads(raw)
    return row.get("etag"), row.get("last_modified")
