"""Glue between the archive's reprocess and the extractor: StoredPage -> versioned content.

Mirrors what the crawl pipeline does with a fresh response (scraper.pipelines), so that the
same extractor gives the same content from a stored body as it gave at crawl time: HTML only,
the body as received with its HTTP charset as a hint (the extractor decodes it: versions
archived before that, decoded by Scrapy's guess, are repaired), the site's profile, login
pages and listings never versioned.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

from archive import normalize_url
from archive.outcomes import header
from archive.reprocess import Extract, StoredPage
from archive.versioning import gets_version
from scraper.discovery.urlkind import archive_kind
from scraper.mediatypes import http_charset, is_html
from scraper.sites import ProfileError, load_profile
from scraper.workers.extraction import extract_body, extractor

ArticleExtract = Callable[[Any, str, Any], Any]  # scraper.extract.extract's signature


class ExtractorNotFound(ValueError):
    """An --extractor that names no importable callable."""


def load_extractor(spec: str | None) -> tuple[ArticleExtract, str]:
    """(extract, version): the installed extractor, or `module:function` (version from the
    module's EXTRACTOR_VERSION, else the spec itself)."""
    if not spec:
        return extractor()
    module_name, _, attr = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
        function = getattr(module, attr or "extract")
    except (ImportError, AttributeError) as exc:
        raise ExtractorNotFound(
            f"cannot load extractor {spec!r}: write MODULE:FUNCTION of an importable module"
        ) from exc
    return function, str(getattr(module, "EXTRACTOR_VERSION", spec))


def page_content(
    extract: ArticleExtract,
    feed_hints: Callable[[str], Mapping[str, Mapping[str, Any]]] | None = None,
) -> Extract:
    """An archive.reprocess extract callable over an article extractor.

    `feed_hints(site)` gives what the site's feeds said of its articles, by normalized URL
    (archive.feeds.feed_entries): applied as at crawl time, so a field the page lacks and
    the feed gave is not lost on reprocessing.
    """
    profiles: dict[str, Any] = {}
    hints_by_site: dict[str, Mapping[str, Mapping[str, Any]]] = {}

    def hints_for(site: str, url: str) -> Mapping[str, Any] | None:
        if feed_hints is None:
            return None
        if site not in hints_by_site:
            hints_by_site[site] = feed_hints(site)
        return hints_by_site[site].get(normalize_url(url))

    def profile_for(site: str) -> Any:
        if site not in profiles:
            try:
                profiles[site] = load_profile(site)
            except ProfileError:
                profiles[site] = None  # generic crawl (site named after its host): no profile
        return profiles[site]

    def content(page: StoredPage) -> Mapping[str, Any] | None:
        ctype = header(page.headers, "content-type") or ""
        if not page.body or not is_html(ctype, page.body):
            return None
        article = extract_body(
            extract,
            page.body,
            http_charset(ctype),
            page.requested_url,
            profile_for(page.site),
            hints_for(page.site, page.requested_url),
        )
        kind = archive_kind(article.kind, "listing" if page.kind == "listing" else None)
        if not gets_version(article.kind, article.has_content, kind):
            return None
        return article.content()

    return content
