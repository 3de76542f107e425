"""pytest fixtures for the archive area (usable by every test: see conftest.py).

- `archive_path`: path of a fresh archive file in tmp_path (not yet created).
- `archive`: an open Archive on `archive_path`, closed after the test.
- `make_capture(url, status=200, body=..., **fields)`: a Capture with sensible defaults.
- `article_content(**overrides)`: versioned fields of a realistic Swedish news article.
- `run_cli(*args)`: run the `uninews` click group in-process, returning a click Result.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from archive import Archive, Capture
from scraper.cli import cli

_clock = itertools.count(1)


def next_timestamp() -> str:
    """Strictly increasing ISO 8601 UTC timestamps, one second apart."""
    n = next(_clock)
    return f"2026-01-01T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z"


def build_capture(
    url: str = "https://www.umu.se/nyheter/partnerskapsdag_9829332/",
    status: int | None = 200,
    body: bytes | None = b"<html><body><h1>Nyhet</h1></body></html>",
    **fields: Any,
) -> Capture:
    """A Capture as the crawler would hand it over; any Capture field can be overridden."""
    defaults: dict[str, Any] = {
        "fetched_at": next_timestamp(),
        "reason": {200: "OK", 304: "Not Modified", 404: "Not Found"}.get(status or 0, ""),
        "request_headers": (("User-Agent", "uninews-test"), ("Accept", "text/html")),
        "response_headers": (("Content-Type", "text/html; charset=utf-8"),),
        "elapsed_ms": 12,
        "ip_address": "127.0.0.1",
    }
    if status == 304:
        body = None
    defaults.update(fields)
    return Capture(url=url, http_status=status, body=body, **defaults)


def build_content(**overrides: Any) -> dict[str, Any]:
    content: dict[str, Any] = {
        "title": "Partnerskapsdag mellan Umeå universitet och Region Västerbotten",
        "lead": "En första partnerskapsdag hölls i november.",
        "body_text": "Första stycket om samarbetet.\n\nAndra stycket med citat.",
        "body_markdown": "Första stycket om samarbetet.\n\n## Rubrik\n\nAndra stycket med citat.",
        "published_at": "2020-11-23",
        "updated_at": None,
        "authors": ["Alekzandra Granath"],
        "category": "NYHET",
        "tags": [],
        "lang": "sv",
        "images": [{"src": "https://www.umu.se/bild.jpg", "alt": "Bild", "caption": None}],
        "contacts": [{"name": "Anna Andersson", "email": "anna@umu.se", "phone": None}],
        "links": [{"url": "https://www.aurora.umu.se/", "text": "Aurora"}],
    }
    content.update(overrides)
    return content


@pytest.fixture
def archive_path(tmp_path) -> str:
    return str(tmp_path / "archive.db")


@pytest.fixture
def archive(archive_path) -> Iterator[Archive]:
    with Archive.open(archive_path) as arc:
        yield arc


@pytest.fixture
def make_capture() -> Callable[..., Capture]:
    return build_capture


@pytest.fixture
def article_content() -> Callable[..., dict[str, Any]]:
    return build_content


@pytest.fixture
def run_cli() -> Callable[..., Any]:
    def run(*args: str) -> Any:
        return CliRunner().invoke(cli, list(args), prog_name="uninews")

    return run
