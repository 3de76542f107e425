"""pytest fixtures for the crawl area: run `uninews` as a real subprocess, a small HTTP
server that answers badly on purpose, and read-only views of the archive a crawl wrote."""

from __future__ import annotations

import gzip
import json
import os
import socket
import sqlite3
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

# Settings that make local crawls fast: no politeness delays against our own servers.
FAST = (
    "-s", "AUTOTHROTTLE_ENABLED=0",
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "-s", "UNINEWS_PROGRESS_INTERVAL=0",
)  # fmt: skip


def run_uninews(
    *args: str, cwd: Path | str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    """`uninews ARGS` in a fresh interpreter, as an operator would run it."""
    return subprocess.run(
        [sys.executable, "-m", "scraper.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def crawl(*args: str, db: Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`uninews crawl ARGS --db DB --json` with the fast settings; asserts nothing."""
    return run_uninews("crawl", *FAST, *args, "--db", str(db), "--json", cwd=cwd)


def write_warc(db: Path, out: Path) -> subprocess.CompletedProcess:
    """`uninews warc --db DB --out OUT`, which must succeed."""
    result = run_uninews("warc", "--db", str(db), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return result


def summary_of(result: subprocess.CompletedProcess) -> dict:
    assert result.stdout.strip(), f"no summary; stderr:\n{result.stderr[-3000:]}"
    return json.loads(result.stdout)


class ArchiveView:
    """Plain SQL over an archive file, read-only, for assertions."""

    def __init__(self, path: Path):
        self.path = path

    def rows(self, sql: str, *params: object) -> list[dict]:
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in conn.execute(sql, params)]
        finally:
            conn.close()

    def scalar(self, sql: str, *params: object) -> object:
        rows = self.rows(sql, *params)
        return next(iter(rows[0].values())) if rows else None

    def snapshot(self, dest: Path) -> ArchiveView:
        """A copy as it is now (WAL included), for comparing stages of a crawl."""
        src = sqlite3.connect(self.path)
        out = sqlite3.connect(dest)
        try:
            src.backup(out)
        finally:
            src.close()
            out.close()
        return ArchiveView(dest)


@pytest.fixture
def archive_view() -> Callable[[Path], ArchiveView]:
    return ArchiveView


# -- a server that answers badly on purpose -------------------------------------------------

LINKS = [
    "/news/ok-article/",
    "/news/server-error/",
    "/news/slow/",
    "/news/reset/",
    "/news/loop-a/",
    "/news/self-loop/",
    "/news/huge/",
    "/news/annual-report/",
    "/news/malformed/",
    "/news/gone/",
    "/news/forbidden/",
    "/news/members/",
    "/news/away/",
    "/news/moved/",
    "/news/no-location/",
    "/news/compressed/",
    "/news/tag/research/",
    "/news/2024/05/",
]


FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
<item><title>Only in the feed</title><link>/news/from-feed-only/</link></item>
</channel></rss>"""


def article_html(title: str, links: list[str] = (), head: str = "") -> bytes:
    items = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    paragraphs = "".join(
        f"<p>Paragraph {n} of {title}: the research group reports new results this week, "
        "and the university explains what they mean for the region and its people.</p>"
        for n in range(1, 6)
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'{head}</head><body><main><article><h1>{title}</h1><p class="lead">Lead of {title}.</p>'
        f"{paragraphs}</article><ul>{items}</ul></main></body></html>"
    ).encode()


@dataclass
class BadServer:
    """HTTP on 127.0.0.1 whose /news/ paths misbehave; see ROUTES below."""

    huge_size: int = 3 * 1024 * 1024
    slow_release: threading.Event = field(default_factory=threading.Event)
    requests: list[str] = field(default_factory=list)
    # 4xx: no rules, crawl on (a 5xx disallows the whole host, RFC 9309: tests/test_hostile.py)
    robots_status: int = 404
    httpd: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> BadServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                server.requests.append(self.path)
                server.answer(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.slow_release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def send(
        self,
        h: BaseHTTPRequestHandler,
        status: int,
        body: bytes = b"",
        ctype: str = "text/html; charset=utf-8",
        headers: dict | None = None,
    ) -> None:
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.end_headers()
        h.wfile.write(body)

    def answer(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path
        redirects = {
            "/news/loop-a/": "/news/loop-b/",
            "/news/loop-b/": "/news/loop-a/",
            "/news/self-loop/": "/news/self-loop/",
            "/news/members/": "/account/login?ReturnUrl=%2Fnews%2Fmembers%2F",
            "/news/away/": "http://localhost:9/elsewhere/",
            "/news/moved/": "/news/moved-here/",
        }
        if path == "/robots.txt":
            self.send(h, self.robots_status, b"oops", "text/plain")
        elif path == "/news/":
            feed = '<link rel="alternate" type="application/rss+xml" href="/news/feed.xml">'
            self.send(h, 200, article_html("News", LINKS, feed))
        elif path == "/news/feed.xml":
            self.send(h, 200, FEED, "application/rss+xml")
        elif path in ("/news/ok-article/", "/news/moved-here/", "/news/from-feed-only/"):
            self.send(h, 200, article_html(f"Article at {path}"))
        elif path == "/news/server-error/":
            self.send(h, 500, b"<html><body>Internal error</body></html>")
        elif path == "/news/slow/":
            self.slow_release.wait(10)  # answers only after the crawler gave up
            self.send(h, 200, article_html("Too late"))
        elif path == "/news/reset/":
            linger_zero = struct.pack("ii", 1, 0)  # close with a TCP reset
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger_zero)
            h.connection.close()
            h.close_connection = True
        elif path in redirects:
            self.send(h, 302 if path == "/news/members/" else 301, b"",
                      headers={"Location": redirects[path]})  # fmt: skip
        elif path in ("/news/tag/research/", "/news/2024/05/"):
            # looks like an article to an extractor (one long text), but lists others
            self.send(h, 200, article_html(f"Stories at {path}", ["/news/ok-article/"]))
        elif path == "/news/compressed/":
            body = gzip.compress(article_html("Compressed article"))
            self.send(h, 200, body, headers={"Content-Encoding": "gzip"})
        elif path == "/news/no-location/":
            self.send(h, 302, b"")
        elif path == "/news/huge/":
            self.send(h, 200, b"<html><body>" + b"x" * self.huge_size + b"</body></html>")
        elif path == "/news/annual-report/":
            self.send(h, 200, b"%PDF-1.4 not really", "application/pdf")
        elif path == "/news/malformed/":
            self.send(h, 200, b"<html><body><h1>Broken <p>unclosed <div><table><tr><td>cell"
                      b"<p>Text \xff\xfe with bad bytes</b></i></html></html><<<")  # fmt: skip
        elif path == "/news/gone/":
            self.send(h, 404, b"<html><body>Not found</body></html>")
        elif path == "/news/forbidden/":
            self.send(h, 403, b"<html><body>Forbidden</body></html>")
        else:
            self.send(h, 404, b"<html><body>Not found</body></html>")


@pytest.fixture
def bad_server() -> Iterator[BadServer]:
    server = BadServer().start()
    try:
        yield server
    finally:
        server.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- redis for distributed crawls ----------------------------------------------------------

REDIS_SERVER = "/usr/bin/redis-server"


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A throwaway redis-server on a free port (no persistence), stopped after the test."""
    if not Path(REDIS_SERVER).exists() and not os.environ.get("CI"):
        # CI installs it (.ci/run); there a missing server must fail, not skip.
        pytest.skip("redis-server is not installed here (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        for line in proc.stdout:  # wait for the server to say it is ready
            if "Ready to accept connections" in line:
                break
        else:
            pytest.fail("redis-server did not start")
        # keep reading its log so a full pipe never stalls it
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        import redis

        assert redis.Redis(port=port).ping()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
