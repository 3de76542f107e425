"""What a fetch means for a page, decided from the capture alone (pure, no database)."""

from __future__ import annotations

from .capture import Capture

# Outcomes written to captures.outcome.
OUTCOMES = (
    "new",
    "changed",
    "unchanged",
    "not_modified",
    "gone",
    "redirected",
    "restricted",
    "error",
)

# Kinds of captures that are no pages (discovery files, and what pages need to render):
# they have no versions, and a run's page counts, the changes view and revisits leave them out.
NOT_PAGES = ("feed", "robots", "requisite")
NOT_PAGES_SQL = "(" + ", ".join(f"'{kind}'" for kind in NOT_PAGES) + ")"

# Page status each response class leaves behind. A fetch error leaves a page that was once
# seen as it was (one timeout does not make a live page an error page); see page_status_after.
STATUS_AFTER = {
    "ok": "live",
    "not_modified": "live",
    "gone": "gone",
    "redirected": "redirected",
    "restricted": "restricted",
}

GONE_STATUSES = frozenset({404, 410})
RESTRICTED_STATUSES = frozenset({401, 403})


def response_class(capture: Capture) -> str:
    """One of ok, not_modified, gone, redirected, restricted, error."""
    status = capture.http_status
    if capture.restricted or status in RESTRICTED_STATUSES:
        return "restricted"
    if status is None or capture.error:
        # no response, or one the crawler could not use (a redirect loop, a page over the
        # extraction time budget): the body, if any, is kept all the same
        return "error"
    if 200 <= status < 300:
        return "ok"
    if status == 304:
        return "not_modified"
    if status in GONE_STATUSES:
        return "gone"
    if 300 <= status < 400:
        return "redirected"
    return "error"


def page_status_after(response: str, previous: str | None) -> str:
    """Page status after a fetch: `error` only for a page never seen any other way."""
    if response == "error":
        return previous or "error"
    return STATUS_AFTER[response]


def header(headers: tuple[tuple[str, str], ...] | list, name: str) -> str | None:
    """The last value of a response header, matched case-insensitively."""
    found = None
    for key, value in headers:
        if key.lower() == name:
            found = value
    return found
