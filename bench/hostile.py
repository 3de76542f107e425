"""Peak memory of a crawl that meets oversize bodies and decompression bombs.

Usage: python bench/hostile.py [--pages N] [--maxsize BYTES]

Serves N small articles on 127.0.0.1, and beside them (in the second run) a 200 MB body, a
gzip bomb that inflates to 1 GB and a brotli-free deflate bomb of 1 GB, then runs
`uninews crawl` on each site in a fresh process and prints the peak resident set of the
largest of its processes (crawler, extraction, archive writer). Flat memory means the
second figure stays near the first: bodies over DOWNLOAD_MAXSIZE are cancelled or stop
inflating at the limit, and are recorded as error captures.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAST = ["-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_ENABLED=0"]


def article(i: int) -> bytes:
    text = f"<p>Artikel {i} om forskning vid universitetet, med några meningar text.</p>" * 20
    return f"<html><head><title>Artikel {i}</title></head><body><article><h1>Artikel {i}</h1>"\
        f"{text}</article></body></html>".encode()  # fmt: skip


def bombs() -> dict[str, tuple[bytes, str | None]]:
    """path: (body as sent, Content-Encoding)."""
    zeros = b"\0" * (64 << 20)
    gz = gzip.compress(zeros, 9) * 16  # concatenated members: 1 GiB inflated
    deflate = zlib.compressobj(9)
    chunks = [deflate.compress(zeros) for _ in range(16)]
    return {
        "/news/huge/": (b"<html><body>" + b"x" * (200 << 20) + b"</body></html>", None),
        "/news/gzip-bomb/": (gz, "gzip"),
        "/news/deflate-bomb/": (b"".join(chunks) + deflate.flush(), "deflate"),
    }


def serve(pages: int, hostile: dict) -> ThreadingHTTPServer:
    links = [f"/news/a-{i}/" for i in range(pages)] + list(hostile)
    listing = "".join(f'<a href="{p}">{p}</a>' for p in links)
    listing_body = f"<html><body><h1>News</h1>{listing}</body></html>".encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            encoding = None
            if self.path == "/news/":
                body = listing_body
            elif self.path in hostile:
                body, encoding = hostile[self.path]
            elif self.path.startswith("/news/a-"):
                body = article(int(self.path.split("-")[1].strip("/")))
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            if encoding:
                self.send_header("Content-Encoding", encoding)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the crawler gave up on an oversize body, as it should

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def crawl_peak(pages: int, hostile: dict, maxsize: int) -> tuple[int, dict]:
    """(peak RSS in KiB of the crawl and its children, the run's counts)."""
    httpd = serve(pages, hostile)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    with tempfile.TemporaryDirectory() as tmp:
        script = (
            "import resource, subprocess, sys; "
            "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
            "print(r.stdout)"
        )
        args = [
            sys.executable, "-m", "scraper.cli", "crawl", "--start-url", f"{base}/news/", *FAST,
            "-s", f"DOWNLOAD_MAXSIZE={maxsize}", "--db", f"{tmp}/a.db", "--json",
        ]  # fmt: skip
        out = subprocess.run(
            [sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT
        )
    httpd.shutdown()
    peak, _, summary = out.stdout.partition("\n")
    counts = json.loads(summary)["totals"] if summary.strip() else {}
    return int(peak), counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--maxsize", type=int, default=20 * 1024 * 1024)
    args = parser.parse_args(argv)
    hostile = bombs()
    sizes = {p: len(b) for p, (b, _) in hostile.items()}
    print(f"{args.pages} articles; DOWNLOAD_MAXSIZE {args.maxsize:,} B; hostile bodies as sent:")
    for path, size in sizes.items():
        print(f"  {path}: {size:,} B" + (" (inflates to 1 GiB)" if "bomb" in path else ""))
    base_peak, base_counts = crawl_peak(args.pages, {}, args.maxsize)
    peak, counts = crawl_peak(args.pages, hostile, args.maxsize)
    print(f"\ncrawl without them: peak RSS {base_peak / 1024:.0f} MiB, outcomes {base_counts}")
    print(f"crawl with them:    peak RSS {peak / 1024:.0f} MiB, outcomes {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
