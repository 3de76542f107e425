"""uninews' Datasette plugin: an archivist's view of an archive, read-only.

Registered through Datasette's `datasette` entry point (pyproject.toml), so `uninews serve`
and a plain `datasette archive.db` both have it. It adds:

- /-/page?url=URL      a page's status, captures on a timeline, every version readable, and
                       the word-level edits between consecutive versions
- /-/search?q=...      ranked full-text search with highlighted snippets (`uninews search`)
- /-/changes           new, edited, silently edited, gone and moved pages per site
- /-/capture/ID/raw    a capture's page as served; /-/capture/ID.warc.gz its WARC record

and makes every URL cell of an archive's tables a link to that URL's page view. The hooks are
here; the pages in views.py, their HTML pieces in html.py, their templates in templates/.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from markupsafe import Markup

from .views import (
    changes_view,
    is_archive,
    link,
    page_view,
    raw_view,
    search_view,
    warc_view,
)

# Columns holding a page's normalized URL (or one it redirected to) in the archive's tables,
# views and canned queries.
URL_COLUMNS = frozenset({"url", "redirect_to", "requested_url"})


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    return [
        (r"^/-/page$", page_view),
        (r"^/-/search$", search_view),
        (r"^/-/changes$", changes_view),
        (r"^/-/capture/(?P<capture_id>\d+)/raw$", raw_view),
        (r"^/-/capture/(?P<capture_id>\d+)\.warc\.gz$", warc_view),
    ]


@hookimpl
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Any:
    """A URL in an archive's table links to its history in the archive, not to the live site
    (where the page may have changed or gone)."""
    if column not in URL_COLUMNS:
        return None
    if isinstance(value, dict):  # a foreign key to pages, which Datasette would link to
        value = value.get("value")
    if not isinstance(value, str) or "://" not in value:
        return None

    async def linked() -> Markup | None:
        if not await is_archive(datasette, database):
            return None
        href = link(datasette, "/-/page", db=database, url=value)
        return Markup('<a href="{}" title="history of this page in the archive">{}</a>').format(
            href, value
        )

    return linked()


@hookimpl
def menu_links(datasette: Any, actor: Any, request: Any) -> list[dict[str, str]]:
    return [
        {"href": datasette.urls.path("/-/search"), "label": "Search the archive"},
        {"href": datasette.urls.path("/-/changes"), "label": "What changed"},
    ]
