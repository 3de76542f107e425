"""What the crawler hands the archive: one fetch, as sent and as received."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Capture:
    """One request and its response (or the failure to get one).

    Everything a WARC request/response record needs is here, so nothing about
    a capture is lost: method, URL, headers in the order they were sent and
    received, the status line and the body exactly as served.

    `body` is what parsers want: with any Content-Encoding undone. When the crawler undid one,
    `wire_body` holds the bytes as received (what the archive keeps and a WARC holds).
    """

    url: str  # the URL requested (not normalized)
    fetched_at: str  # ISO 8601 UTC, e.g. "2026-11-27T21:40:00Z"
    http_status: int | None = None  # None: no response (timeout, reset, DNS)
    method: str = "GET"
    request_headers: tuple[tuple[str, str], ...] = ()
    response_headers: tuple[tuple[str, str], ...] = ()
    protocol: str = "HTTP/1.1"
    reason: str = ""  # reason phrase of the status line ("OK", "Not Modified")
    body: bytes | None = None  # as served, Content-Encoding undone (transfer decoding too)
    redirect_to: str | None = None  # absolute Location of a 3xx
    restricted: bool = False  # the crawler saw a login wall (redirect to a login page)
    error: str | None = None  # why there is no usable response
    elapsed_ms: int | None = None
    ip_address: str | None = None
    extra: dict = field(default_factory=dict)  # anything else worth keeping (JSON-able)
    # The body as received when it differs from `body` (a Content-Encoding the crawler undid);
    # None when `body` is the body as received.
    wire_body: bytes | None = field(default=None, repr=False)
