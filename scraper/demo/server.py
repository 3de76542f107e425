"""A small threaded HTTP server for the demo site: conditional GET, request log, state switch.

Pages are rendered once per (state, path) and cached with their ETag; per request only the
volatile parts (a token, a rotating teaser) are filled in, so serving stays cheap.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
import socket
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from .model import Resource
from .render import MARKERS, ROTATOR, TOKEN
from .site import SAVED, STATES, DemoSite

HOSTS = ("https://www.aurora.umu.se", "https://www.umu.se")  # rewritten to the server's base URL

# With gzip on, answers are compressed as nginx's gzip filter does by default: level 1, its
# fixed header (no mtime, OS 3), for 200/403/404 answers of these types.
GZIP_LEVEL = 1
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
GZIP_STATUSES = frozenset({200, 403, 404})
GZIP_TYPES = ("text/", "application/xml", "application/rss+xml", "application/json", "image/svg")


@dataclass(frozen=True)
class RequestLog:
    method: str
    path: str  # with the query
    status: int
    headers: dict[str, str]  # request headers as sent
    time: float  # time.time() when answered


@dataclass(frozen=True)
class Prepared:
    """A resource ready to serve: stable byte segments, volatile slots, validators."""

    status: int
    content_type: str
    segments: tuple[bytes | str, ...]  # bytes as is; str is a marker filled per request
    etag: str | None
    last_modified: datetime | None
    location: str | None
    lang: str
    stable_sha: str = field(default="")


class DemoServer:
    """Serve a DemoSite on 127.0.0.1 in a background thread (also a context manager)."""

    def __init__(
        self,
        site: DemoSite | None = None,
        state: int = 1,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        gzip: bool = False,
        public_url: str | None = None,
    ) -> None:
        """`gzip`: compress answers for clients that accept it (see GZIP_LEVEL); off by default,
        so bodies on the wire are the pages' own bytes. `public_url`: the address the pages'
        links name (default: this server's own), so a crawl routed here from a stable address
        (scraper.middlewares.route) archives the same URLs whatever port serves them."""
        self.site = site or DemoSite()
        self.gzip = gzip
        self._public_url = public_url.rstrip("/") if public_url else None
        self._state = _valid(state)
        self._host, self._port = host, port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._log: list[RequestLog] = []
        self._cache: dict[tuple[int, str], Prepared] = {}
        self._teasers: dict[tuple[int, str], list[bytes]] = {}
        self._counter = itertools.count()
        self._connections: set[socket.socket] = set()

    # ---- lifecycle ------------------------------------------------------------------

    def start(self) -> DemoServer:
        if self._httpd is not None:
            return self
        self._cache.clear()  # bodies carry the base URL, which a restart may change
        self._teasers.clear()
        handler = type("Handler", (_Handler,), {"demo": self})
        httpd = _HTTPServer((self._host, self._port), handler)
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            open_connections = list(self._connections)
        for conn in open_connections:  # end idle keep-alive connections too
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join()

    def serve_forever(self) -> None:
        """Block until interrupted (for `python -m scraper.demo`)."""
        self.start()
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(timeout=1.0)
        finally:
            self.stop()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the demo server is not running: call start() first")
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self.port}"

    @property
    def public_url(self) -> str:
        """The address links in the served pages name."""
        return self._public_url or self.base_url

    def url(self, path: str) -> str:
        return self.base_url + path

    # ---- state and log --------------------------------------------------------------

    @property
    def state(self) -> int:
        return self._state

    def set_state(self, state: int) -> None:
        self._state = _valid(state)

    @property
    def requests(self) -> list[RequestLog]:
        """A snapshot of every request answered so far, oldest first."""
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    def _record(self, entry: RequestLog) -> None:
        with self._lock:
            self._log.append(entry)

    # ---- resources ------------------------------------------------------------------

    def prepared(self, state: int, path: str) -> Prepared | None:
        """The cached, host-rewritten answer for `path` in `state` (None: 404)."""
        key = (state, path)
        found = self._cache.get(key)
        if found is None:
            resource = self.site.resource(state, path)
            if resource is None:
                return None  # not cached: unknown paths must not grow the cache
            found = self._cache[key] = self._prepare(state, path, resource)
        return found

    def _prepare(self, state: int, path: str, res: Resource) -> Prepared:
        lang = "en" if path.startswith("/en/") else "sv"
        location = self._rewrite(res.location) if res.location else None
        if isinstance(res.body, bytes):
            segments: tuple[bytes | str, ...] = (res.body,)
        else:
            segments = _split(self._rewrite(res.body))
        stable = b"".join(s for s in segments if isinstance(s, bytes))
        sha = hashlib.sha256(stable).hexdigest()
        etag = modified = None
        if res.status == 200:
            etag = f'"{sha[:20]}"'
            modified = res.modified or datetime(2020, 1, 1, tzinfo=UTC)
            if state != 1:
                # A CMS bumps the save time of anything whose content changed.
                before = self.prepared(state - 1, path)
                if before is None or before.stable_sha != sha:
                    modified = max(modified, SAVED[state])
        return Prepared(res.status, res.content_type, segments, etag, modified, location, lang, sha)

    def _rewrite(self, text: str) -> str:
        for host in HOSTS:
            text = text.replace(host, self.public_url)
        return text

    def render(self, prepared: Prepared, state: int) -> bytes:
        """The bytes of one answer, volatile parts filled in for this request."""
        if len(prepared.segments) == 1 and isinstance(prepared.segments[0], bytes):
            return prepared.segments[0]
        token = secrets.token_hex(16).encode()
        teaser = self._teaser(state, prepared.lang, next(self._counter))
        fill = {TOKEN: token, ROTATOR: teaser}
        return b"".join(s if isinstance(s, bytes) else fill[s] for s in prepared.segments)

    def _teaser(self, state: int, lang: str, n: int) -> bytes:
        key = (state, lang)
        variants = self._teasers.get(key)
        if variants is None:
            variants = [self._rewrite(v).encode() for v in self.site.teaser_variants(state, lang)]
            self._teasers[key] = variants
        return variants[n % len(variants)]

    def not_found(self, state: int) -> Prepared:
        key = (state, "\x00404")
        if key not in self._cache:
            self._cache[key] = self._prepare(state, "/404", self.site.not_found())
        return self._cache[key]


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a crawler opens many connections at once


class _Handler(BaseHTTPRequestHandler):
    demo: DemoServer
    protocol_version = "HTTP/1.1"
    server_version = "uninews-demo/1"
    timeout = 30  # seconds an idle keep-alive connection is kept
    disable_nagle_algorithm = True  # headers and body leave at once, no 40 ms delayed-ACK stall

    def setup(self) -> None:
        super().setup()
        with self.demo._lock:
            self.demo._connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.demo._lock:
                self.demo._connections.discard(self.connection)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # the request log is srv.requests

    @property
    def target(self) -> str:
        """The path and query asked for, also from a request line naming the whole URL (as a
        client sends it to a proxy: the route middleware's requests)."""
        path = self.path
        if path.startswith(("http://", "https://")):
            parts = urlsplit(path)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
        return path

    def do_GET(self) -> None:  # noqa: N802
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def _not_allowed(self) -> None:
        self._finish(
            405,
            {"Allow": "GET, HEAD", "Content-Type": "text/plain; charset=utf-8"},
            b"Method not allowed\n",
            True,
        )

    do_POST = do_PUT = do_DELETE = _not_allowed  # noqa: N815

    def _answer(self, send_body: bool) -> None:
        demo = self.demo
        state = demo.state
        path = self.target
        prepared = demo.prepared(state, path) or demo.not_found(state)
        status = prepared.status
        headers = {"Content-Type": prepared.content_type}
        if prepared.location:
            headers["Location"] = prepared.location
        if prepared.etag:
            headers["ETag"] = prepared.etag
            headers["Cache-Control"] = "no-cache"
        if prepared.last_modified:
            headers["Last-Modified"] = format_datetime(prepared.last_modified, usegmt=True)
        if status == 200 and self._not_modified(prepared):
            headers.pop("Content-Type")
            self._finish(304, headers, b"", False)
            return
        self._finish(status, headers, demo.render(prepared, state), send_body)

    def _gzip_wanted(self, status: int, headers: dict[str, str]) -> bool:
        accepted = self.headers.get("Accept-Encoding", "")
        codings = {c.split(";")[0].strip().lower() for c in accepted.split(",")}
        content_type = headers.get("Content-Type", "")
        return "gzip" in codings and status in GZIP_STATUSES and content_type.startswith(GZIP_TYPES)

    def _not_modified(self, prepared: Prepared) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
            return "*" in tags or prepared.etag in tags
        ims = self.headers.get("If-Modified-Since")
        if ims and prepared.last_modified:
            try:
                since = parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            return prepared.last_modified <= since
        return False

    def _finish(self, status: int, headers: dict[str, str], body: bytes, send_body: bool) -> None:
        self.demo._record(
            RequestLog(self.command, self.target, status, dict(self.headers.items()), time.time())
        )
        if self.demo.gzip and self._gzip_wanted(status, headers):
            body = nginx_gzip(body)
            headers = {**headers, "Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and status != 304:
            self.wfile.write(body)


def nginx_gzip(body: bytes, level: int = GZIP_LEVEL) -> bytes:
    """gzip as nginx writes it for a body of known length: its fixed header, and a smaller
    deflate window and memory level for small bodies (ngx_http_gzip_filter_memory)."""
    wbits, memlevel = 15, 8
    while len(body) < (1 << (wbits - 1)) - 262:
        wbits, memlevel = wbits - 1, memlevel - 1
    compressor = zlib.compressobj(level, zlib.DEFLATED, -wbits, max(memlevel, 1))
    stream = compressor.compress(body) + compressor.flush()
    return GZIP_HEADER + stream + struct.pack("<LL", zlib.crc32(body), len(body) & 0xFFFFFFFF)


def _split(text: str) -> tuple[bytes | str, ...]:
    """Cut a body at the volatile markers: bytes segments and marker strings."""
    segments: list[bytes | str] = []
    rest = text
    while True:
        hits = [(rest.find(m), m) for m in MARKERS if m in rest]
        if not hits:
            segments.append(rest.encode("utf-8"))
            return tuple(segments)
        at, marker = min(hits)
        segments.append(rest[:at].encode("utf-8"))
        segments.append(marker)
        rest = rest[at + len(marker) :]


def _valid(state: int) -> int:
    if state not in STATES:
        raise ValueError(f"unknown demo state {state!r}: use 1, 2 or 3")
    return state
