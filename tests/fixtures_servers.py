"""The test suite's HTTP servers: real HTTP/1.1 on 127.0.0.1, each on a free port.

`FixtureServer` is the one way a test serves HTTP: a subclass answers each GET in `answer`,
and every path asked for is in `requests`. `BadServer` misbehaves on purpose (errors, loops,
resets, bombs) for the crawl, WARC and hostile-input tests; test files that need a site of
their own (an encoding server, a stand-in for umu.se, a recording relay) subclass
FixtureServer beside their tests. Mocks stop at the network edge: these are real sockets.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class FixtureServer:
    """HTTP/1.1 on 127.0.0.1: start()/stop() or `with`; subclasses answer each GET."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.httpd: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self):
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
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def send(
        self,
        h: BaseHTTPRequestHandler,
        status: int,
        body: bytes = b"",
        ctype: str = "text/html; charset=utf-8",
        headers: dict | None = None,
    ) -> None:
        """One whole answer: status, Content-Type, Content-Length, `headers`, the body."""
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.end_headers()
        h.wfile.write(body)

    def answer(self, h: BaseHTTPRequestHandler) -> None:
        raise NotImplementedError


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


class BadServer(FixtureServer):
    """HTTP on 127.0.0.1 whose /news/ paths misbehave; see answer() below."""

    def __init__(self, huge_size: int = 3 * 1024 * 1024, robots_status: int = 404) -> None:
        super().__init__()
        self.huge_size = huge_size
        self.slow_release = threading.Event()
        # 4xx: no rules, crawl on (a 5xx disallows the whole host, RFC 9309: test_hostile.py)
        self.robots_status = robots_status

    def stop(self) -> None:
        self.slow_release.set()
        super().stop()

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
    with BadServer() as server:
        yield server
