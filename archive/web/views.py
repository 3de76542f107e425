"""The web view's pages: a page's history, search, what changed, and a capture as served.

Each handler reads its parameters, runs archive library functions on Datasette's own read
connection (immutable or read-only as Datasette opened the file; nothing here writes), and
renders a template that extends Datasette's base page. Archive errors become the CLI's
one-line message with a 4xx status.
"""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from datasette.utils.asgi import Response

from .. import queries, recent
from ..diff import diff_fields
from ..errors import ArchiveError, InvalidQuery, NotFound
from ..outcomes import header
from ..schema import APPLICATION_ID
from ..store import Archive
from ..times import BadDate, day_range
from ..warc import WarcExport, WarcSummary
from .html import Renderer, change_html, snippet_html, timeline_svg

T = TypeVar("T")
SEARCH_LIMITS = (20, 50, 100, 200)
CHANGES_LIMIT = 20
# An archived page is shown as served but inert: no script runs, nothing is fetched from its
# site or anywhere else (sandbox also gives it an origin of its own).
RAW_POLICY = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"


class WebError(Exception):
    """A request the view cannot answer: the status to send and one line saying why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


# Where each Datasette app keeps which of its databases are archives: a file's application_id
# does not change while it is served, and render_cell asks once per URL cell.
_KNOWN = "_uninews_archives"


async def is_archive(datasette: Any, name: str) -> bool:
    """Whether the served database `name` is a uninews archive (by its application_id)."""
    known: dict[str, bool] = datasette.__dict__.setdefault(_KNOWN, {})
    if name not in known:
        known[name] = await _has_archive_id(datasette.databases.get(name))
    return known[name]


async def _has_archive_id(db: Any) -> bool:
    if db is None or db.is_memory:
        return False
    try:
        row = (await db.execute("PRAGMA application_id")).first()
    except Exception:  # a broken or locked file is simply not offered
        return False
    return row is not None and row[0] == APPLICATION_ID


async def archive_databases(datasette: Any) -> list[str]:
    """Names of the served databases that are uninews archives."""
    return [name for name in list(datasette.databases) if await is_archive(datasette, name)]


async def _database(datasette: Any, request: Any) -> Any:
    """The archive database a request is about (?db=NAME, else the first archive served),
    after Datasette's own permission checks for viewing it."""
    names = await archive_databases(datasette)
    wanted = request.args.get("db")
    if wanted is not None and wanted not in names:
        raise WebError(404, f"no uninews archive named {wanted!r} is served here")
    if not names:
        raise WebError(404, "no uninews archive is served here")
    name = wanted or names[0]
    await datasette.ensure_permissions(request.actor, [("view-database", name), "view-instance"])
    return datasette.get_database(name)


async def _read(db: Any, work: Callable[[Archive], T]) -> T:
    """Run `work` on an Archive over Datasette's read connection for this database."""

    def run(conn: sqlite3.Connection) -> T:
        factory = conn.row_factory
        conn.row_factory = sqlite3.Row
        try:
            return work(Archive(conn, db.path, readonly=True))
        finally:
            conn.row_factory = factory

    return await db.execute_fn(run)


def link(datasette: Any, path: str, fragment: str = "", **params: Any) -> str:
    """A path of this app (honouring Datasette's base_url) with its query string."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "", False)})
    return datasette.urls.path(path) + (f"?{query}" if query else "") + fragment


async def _render(
    datasette: Any, request: Any, template: str, status: int = 200, **context: Any
) -> Response:
    html = await datasette.render_template(template, context, request=request)
    return Response.html(html, status=status)


async def _error(datasette: Any, request: Any, exc: WebError) -> Response:
    return await _render(
        datasette, request, "uninews_error.html", status=exc.status, message=str(exc)
    )


def _answers(handler: Callable) -> Callable:
    """Answer GET only, and turn WebError and archive errors into a page with the one-line
    message."""

    async def wrapped(datasette: Any, request: Any) -> Response:
        try:
            if request.method not in ("GET", "HEAD"):
                raise WebError(405, f"{request.method} is not answered here: the view is read-only")
            return await handler(datasette, request)
        except WebError as exc:
            return await _error(datasette, request, exc)
        except NotFound as exc:
            return await _error(datasette, request, WebError(404, str(exc)))
        except ArchiveError as exc:
            return await _error(datasette, request, WebError(400, str(exc)))

    wrapped.__name__ = handler.__name__
    wrapped.__doc__ = handler.__doc__
    return wrapped


# -- the page view ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionView:
    row: queries.VersionRow
    body: Any  # rendered body_markdown (Markup)
    changes: list[tuple[str, Any]]  # (field, Markup) against the version before
    previous: int | None


def page_data(arc: Archive, url: str) -> tuple[queries.History, list[queries.VersionRow]]:
    """A page's history and every version of it, oldest first."""
    found = arc.history(url)
    page = arc.page(url)
    rows = [queries.version(arc.conn, page, v["version"]) for v in found.versions]
    return found, rows


@_answers
async def page_view(datasette: Any, request: Any) -> Response:
    """/-/page?url=URL: status, captures on a timeline, versions and the edits between them."""
    url = (request.args.get("url") or "").strip()
    if not url:
        raise WebError(400, "give the page's address: /-/page?url=URL")
    db = await _database(datasette, request)
    found, rows = await _read(db, lambda arc: page_data(arc, url))
    renderer = Renderer()
    views = []
    for n, row in enumerate(rows):
        before = rows[n - 1] if n else None
        fields = diff_fields(before.content, row.content) if before else []
        if any(f.field == "body_text" for f in fields):  # the same edit, seen twice
            fields = [f for f in fields if f.field != "body_markdown"]
        views.append(
            VersionView(
                row=row,
                body=renderer.markdown(row.content.get("body_markdown") or ""),
                changes=[(f.field, change_html(f)) for f in fields],
                previous=before.version if before else None,
            )
        )
    views.reverse()  # newest first
    page = found.page
    return await _render(
        datasette,
        request,
        "uninews_page.html",
        page=page,
        captures=found.captures,
        timeline=timeline_svg(found.captures) if found.captures else "",
        versions=views,
        db=db.name,
        link=lambda path, fragment="", **p: link(datasette, path, fragment, db=db.name, **p),
        table=datasette.urls.table,
    )


# -- search -----------------------------------------------------------------------------------


def _search_form(request: Any) -> dict[str, Any]:
    args = request.args
    limit = args.get("limit") or str(SEARCH_LIMITS[0])
    return {
        "q": (args.get("q") or "").strip(),
        "site": args.get("site") or None,
        "lang": args.get("lang") or None,
        "since": (args.get("since") or "").strip() or None,
        "until": (args.get("until") or "").strip() or None,
        "current": args.get("current") in ("1", "on", "true"),
        "limit": int(limit) if limit.isdigit() and int(limit) in SEARCH_LIMITS else 20,
    }


def search_choices(arc: Archive) -> dict[str, list[str]]:
    """The sites and languages the form offers: every one the archive's pages have."""
    langs = "SELECT DISTINCT lang FROM pages WHERE lang IS NOT NULL ORDER BY 1"
    return {
        "sites": recent.sites(arc.conn),
        "langs": [r[0] for r in arc.conn.execute(langs)],
    }


# Where each Datasette app keeps the search form's choices per immutable database: reading
# the languages scans every page (20-45 ms on 50,000 pages), and such a file never changes.
_CHOICES = "_uninews_search_choices"


async def _search_choices(datasette: Any, db: Any) -> dict[str, list[str]]:
    if db.is_mutable:  # --live: a crawl may add a site or a language at any time
        return await _read(db, search_choices)
    known: dict[str, dict[str, list[str]]] = datasette.__dict__.setdefault(_CHOICES, {})
    if db.name not in known:
        known[db.name] = await _read(db, search_choices)
    return known[db.name]


def search_data(
    arc: Archive, form: dict[str, Any], choices: dict[str, list[str]]
) -> dict[str, Any]:
    """Hits for the form (the CLI's search, filters and error messages) and the choices."""
    out: dict[str, Any] = {**choices, "hits": [], "error": None, "window": None}
    if not form["q"]:
        return out
    try:
        since, until = day_range(form["since"], form["until"], ("since", "until"))
        options = {"current_only": form["current"], "site": form["site"], "lang": form["lang"],
                   "since": since, "until": until, "limit": form["limit"],
                   "window": queries.RANK_WINDOW}  # fmt: skip
        found = arc.search_result(form["q"], **options)
        out["hits"] = found.hits
        if found.beyond_window:
            out["window"] = queries.RANK_WINDOW
    except (InvalidQuery, BadDate) as exc:
        out["error"] = f"Error: {exc}"
    return out


@_answers
async def search_view(datasette: Any, request: Any) -> Response:
    """/-/search?q=...: ranked hits with highlighted snippets, linking to the page view."""
    db = await _database(datasette, request)
    form = _search_form(request)
    choices = await _search_choices(datasette, db)
    found = await _read(db, lambda arc: search_data(arc, form, choices))
    more = next((n for n in SEARCH_LIMITS if n > form["limit"]), None)
    return await _render(
        datasette,
        request,
        "uninews_search.html",
        status=400 if found["error"] else 200,
        form=form,
        snippet=snippet_html,
        more=more if len(found["hits"]) >= form["limit"] else None,
        db=db.name,
        link=lambda path, fragment="", **p: link(datasette, path, fragment, db=db.name, **p),
        **found,
    )


# -- what changed -----------------------------------------------------------------------------


@_answers
async def changes_view(datasette: Any, request: Any) -> Response:
    """/-/changes: the newest new, edited, silently edited, gone and moved pages per site."""
    db = await _database(datasette, request)
    site = request.args.get("site") or None
    found = await _read(
        db, lambda arc: recent.recent_changes(arc.conn, site=site, limit=CHANGES_LIMIT)
    )
    if site is not None and not any(any(s.lists.values()) for s in found):
        raise WebError(404, f"no pages of site {site!r} in this archive")
    return await _render(
        datasette,
        request,
        "uninews_changes.html",
        sites=found,
        site=site,
        kinds=recent.KINDS,
        titles=recent.TITLES,
        limit=CHANGES_LIMIT,
        db=db.name,
        link=lambda path, fragment="", **p: link(datasette, path, fragment, db=db.name, **p),
    )


# -- one capture: as served, and as a WARC record -----------------------------------------------


def _capture(arc: Archive, capture_id: int) -> sqlite3.Row:
    row = arc.conn.execute("SELECT * FROM captures WHERE id = ?", (capture_id,)).fetchone()
    if row is None:
        raise NotFound(f"no capture {capture_id} in this archive")
    return row


def raw_data(arc: Archive, capture_id: int) -> tuple[bytes, str]:
    row = _capture(arc, capture_id)
    if row["body_sha256"] is None:
        raise NotFound(f"capture {capture_id} of {row['url']} has no body stored")
    content_type = header(json.loads(row["headers"]), "content-type") or "text/html"
    return arc.decoded_body(row["body_sha256"]), content_type


@_answers
async def raw_view(datasette: Any, request: Any) -> Response:
    """/-/capture/ID/raw: the page as the server sent it (its Content-Encoding undone), in a
    sandbox: an archived page's scripts never run with this app's origin."""
    db = await _database(datasette, request)
    capture_id = int(request.url_vars["capture_id"])
    body, content_type = await _read(db, lambda arc: raw_data(arc, capture_id))
    return Response(
        body,
        content_type=content_type,
        headers={
            "content-security-policy": RAW_POLICY,
            "x-content-type-options": "nosniff",
        },
    )


def warc_data(arc: Archive, capture_id: int) -> tuple[bytes, str]:
    row = _capture(arc, capture_id)
    if row["http_status"] is None:
        raise NotFound(f"capture {capture_id} got no response: a WARC record has nothing to hold")
    out = io.BytesIO()
    name = f"capture-{capture_id}.warc.gz"
    export = WarcExport(arc, out, name)
    export.write_warcinfo(row["site"], None)
    export.write_capture(row, WarcSummary())
    return out.getvalue(), name


@_answers
async def warc_view(datasette: Any, request: Any) -> Response:
    """/-/capture/ID.warc.gz: that capture as a WARC 1.1 file (warcinfo, request, response)."""
    db = await _database(datasette, request)
    capture_id = int(request.url_vars["capture_id"])
    body, name = await _read(db, lambda arc: warc_data(arc, capture_id))
    return Response(
        body,
        content_type="application/warc",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )
