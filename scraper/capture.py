"""Turn what a spider fetched (a response, or the failure to get one) into a Capture.

The capture step of the data flow: everything the archive keeps of a fetch (the bytes and
headers as received, timings, the address) is taken from Scrapy's objects here, once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import urljoin

from scrapy import Request
from scrapy.http import Headers, Response
from twisted.python.failure import Failure

from archive.capture import Capture
from scraper.middlewares.wire import WIRE_BODY, WIRE_HEADERS


def utc_stamp(ts: float | None = None) -> str:
    """ISO 8601 UTC with microseconds: two fetches of a URL within a second stay apart (in
    WARC-Date too), and the fixed width keeps the strings in time order."""
    moment = datetime.fromtimestamp(ts, UTC) if ts else datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def header_pairs(headers: Headers) -> tuple[tuple[str, str], ...]:
    """Headers in the order they were sent or received, one pair per value."""
    pairs = []
    for name, values in headers.items():
        key = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        for value in values:
            text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
            pairs.append((key, text))
    return tuple(pairs)


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def describe_failure(failure: Failure) -> str:
    exc = failure.value
    text = str(exc).strip() or exc.__class__.__doc__ or ""
    return f"{exc.__class__.__name__}: {text.splitlines()[0] if text else ''}".strip()


def capture_from_response(response: Response, **fields: Any) -> Capture:
    request = response.request
    latency = request.meta.get("download_latency") if request is not None else None
    location = response.headers.get(b"Location")
    redirect_to = None
    if location and 300 <= response.status < 400:
        redirect_to = urljoin(response.url, location.decode("latin-1"))
    wire = request.meta.get(WIRE_HEADERS) if request is not None else None
    encoding = wire.get(b"Content-Encoding") if wire is not None else None
    if encoding and not response.headers.get(b"Content-Encoding"):
        # the headers are as served, the body is decoded: say so for WARC writers
        fields["extra"] = {
            **fields.get("extra", {}),
            "body_decoded_from": encoding.decode("latin-1"),
        }
    received = request.meta.get(WIRE_BODY) if request is not None else None
    if received is not None and received is not response.body and received != response.body:
        fields["wire_body"] = received  # what the archive keeps: the bytes as received
    return Capture(
        url=response.url,
        fetched_at=utc_stamp(),
        http_status=response.status,
        method=request.method if request is not None else "GET",
        request_headers=header_pairs(request.headers) if request is not None else (),
        response_headers=header_pairs(wire if wire is not None else response.headers),
        protocol=response.protocol or "HTTP/1.1",
        reason=reason_phrase(response.status),
        body=response.body,
        redirect_to=redirect_to,
        elapsed_ms=round(latency * 1000) if latency is not None else None,
        ip_address=str(response.ip_address) if response.ip_address else None,
        **fields,
    )


def capture_from_failure(request: Request, error: str, **fields: Any) -> Capture:
    return Capture(
        url=request.url,
        fetched_at=utc_stamp(),
        method=request.method,
        request_headers=header_pairs(request.headers),
        error=error,
        **fields,
    )
