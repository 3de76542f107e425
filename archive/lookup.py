"""A URL as a person types it, found in the archive (history, diff, show and the web view).

The archive keeps one spelling per page (urls.normalize_url): the typed URL is normalized
the same way (tracking parameters, default port, case of the host), then tried with the
other scheme and with or without its trailing slash. When none is archived, the error names
up to three archived URLs of the same host that look most like it.
"""

from __future__ import annotations

import difflib
import sqlite3
from urllib.parse import urlsplit, urlunsplit

from .errors import NotFound
from .queries import PageRow
from .urls import normalize_url

# difflib's ratio a suggestion needs: below it, URLs of one host share little but the host.
NEAR_CUTOFF = 0.6
NEAR_COUNT = 3


def spellings(url: str) -> list[str]:
    """The URLs a typed one may mean, most likely first (no scheme: https, then http)."""
    typed = url.strip()
    if "://" not in typed:
        typed = "https://" + typed.lstrip("/")
    first = normalize_url(typed)
    parts = urlsplit(first)
    other = {"https": "http", "http": "https"}.get(parts.scheme, parts.scheme)
    out: list[str] = []
    for scheme in (parts.scheme, other):
        path = parts.path
        toggled = path[:-1] if path.endswith("/") and path != "/" else path + "/"
        for candidate in (path, toggled):
            spelled = urlunsplit((scheme, parts.netloc, candidate, parts.query, ""))
            if spelled not in out:
                out.append(spelled)
    return out


def find_page(conn: sqlite3.Connection, url: str) -> PageRow:
    """The page row a typed URL means; NotFound, with near matches, when none is archived."""
    tried = spellings(url)
    for spelled in tried:
        row = conn.execute("SELECT * FROM pages WHERE url = ?", (spelled,)).fetchone()
        if row is not None:
            return PageRow.from_row(row)
    near = near_matches(conn, tried[0])
    if near:
        hint = "did you mean " + (", ".join(near[:-1]) + " or " if len(near) > 1 else "")
        hint += near[-1] + "?"
    else:
        hint = "find archived URLs with `uninews pages` or `uninews search`"
    raise NotFound(f"URL is not archived: {url} ({hint})")


def near_matches(conn: sqlite3.Connection, url: str, count: int = NEAR_COUNT) -> list[str]:
    """Archived pages of the same host (either scheme) whose path looks most like `url`'s,
    best first (paths, not whole URLs: the host they share would make every one look near)."""
    parts = urlsplit(url)
    if not parts.netloc:
        return []
    by_path: dict[str, str] = {}
    for scheme in ("https", "http"):
        # A range over the primary key: every URL that starts with "scheme://host/".
        start = f"{scheme}://{parts.netloc}/"
        rows = conn.execute(
            "SELECT url FROM pages WHERE url >= ? AND url < ? AND kind != 'robots'",
            (start, start[:-1] + "0"),
        )
        for (found,) in rows:
            by_path.setdefault(found[len(start) - 1 :], found)
    wanted = url[len(f"{parts.scheme}://{parts.netloc}") :]
    near = difflib.get_close_matches(wanted, list(by_path), n=count, cutoff=NEAR_CUTOFF)
    return [by_path[path] for path in near]
