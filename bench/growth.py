"""Benchmark how an archive grows over many daily crawls of one site.

Simulates N days of crawling a generated site through the archive library (Archive.record with
the captures a crawl hands it: request and response headers as a university web server and
uninews send them, bodies and content from bench/archive.py's generator). Each day every live
page is fetched once: about 1% of pages are edited (200, new ETag, a new version), 0.1% are
new and 0.05% gone (404); of the rest, pages whose server validates (ETag) answer the
conditional request with 304 and the others 200 with the same body and content.

    python bench/growth.py                              # 90 days of 2,000 pages
    python bench/growth.py --days 365 --pages 10000     # the full year (hours)

Prints, every 30 simulated days and at the end, a Markdown row: archive size (pages x page
size, from SQLite), bytes the capture tables grew per unchanged recapture that day (dbstat:
capture_rows, its indexes, header_sets and urls; on an uninews before schema 6, the captures
table and its indexes), record() rate over the month, full-text
search p50/p95, JSON Lines export time (archive.export) and peak memory (getrusage).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Run as a script, this folder comes first on sys.path and bench/archive.py would shadow the
# `archive` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

from archive import Archive, Capture  # noqa: E402
from archive.export import export  # noqa: E402

# "captures", its indexes and no other: the wide table of schema 5 (uninews before the
# narrow rows), so that the script measures either.
CAPTURE_OBJECTS = (
    "captures", "capture_rows", "captures_url", "captures_run", "captures_site", "header_sets",
    "header_sets_digest", "urls", "sqlite_autoindex_urls_1",
)  # fmt: skip
EDITED, NEW, GONE = 0.01, 0.001, 0.0005
VALIDATING = 0.7  # share of pages whose server sends an ETag and answers 304
MONTH = 30
START = datetime(2026, 1, 1, 4, tzinfo=UTC).timestamp()  # each day's crawl starts at 04:00
REQUEST = (
    ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
    ("Accept-Language", "sv,en;q=0.8"),
    ("User-Agent", "uninews/1.0 (+https://www.umu.se/en/about-uninews/)"),
    ("Accept-Encoding", "gzip, deflate, br"),
)


def _generator():
    spec = importlib.util.spec_from_file_location("bench_archive_generator", HERE / "archive.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _generator()


@dataclass
class Page:
    n: int
    revision: int = 0
    validating: bool = True
    gone: bool = False
    last_modified: float = START
    seen: int | None = None  # the revision the archive last fetched


class Site:
    """The generated site: a page's content and body follow from its number and revision,
    so an unchanged page is served byte for byte as before without keeping it in memory."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        self.seed = seed
        self.sv, self.en = (
            GEN.Vocabulary(rng, GEN.SWEDISH_COMMON),
            GEN.Vocabulary(rng, GEN.ENGLISH_COMMON),
        )
        self.head, self.foot = GEN.boilerplate(rng, self.sv)

    def content_and_body(self, page: Page) -> tuple[dict, bytes]:
        rng = random.Random(f"{self.seed}/{page.n}/{page.revision}")
        content = GEN.article(rng, page.n, self.sv, self.en)
        return content, GEN.html(rng, self.sv, self.head, self.foot, content, 800)


def etag(page: Page) -> str:
    return f'"{page.n:x}-{page.revision}"'


def capture(page: Page, at: float, status: int, body: bytes | None) -> Capture:
    request = REQUEST  # validators as scraper/middlewares/conditional.py sends them
    if page.seen is not None:
        request += (
            ("If-None-Match", etag(page))
            if page.validating
            else ("If-Modified-Since", formatdate(int(page.last_modified), usegmt=True)),
        )
    response = [("Date", formatdate(int(at), usegmt=True)), ("Server", "Apache")]
    if status == 404:
        response += [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "1024")]
    else:
        response += [("Content-Type", "text/html; charset=utf-8")]
        if page.validating:
            response += [("ETag", etag(page))]
        response += [
            ("Last-Modified", formatdate(int(page.last_modified), usegmt=True)),
            ("Cache-Control", "max-age=300, public"),
            ("Expires", formatdate(int(at) + 300, usegmt=True)),
            ("Vary", "Accept-Encoding"),
            ("X-Frame-Options", "SAMEORIGIN"),
            ("Strict-Transport-Security", "max-age=31536000"),
        ]
        if status == 200:
            response += [("Content-Length", str(len(body or b"")))]
    return Capture(
        url=GEN.page_url(page.n),
        fetched_at=datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        http_status=status,
        reason={200: "OK", 304: "Not Modified", 404: "Not Found"}[status],
        request_headers=request,
        response_headers=tuple(response),
        body=body,
        elapsed_ms=int(30 + 40 * random.random()),
        ip_address="130.239.18.173",
    )


def capture_bytes(arc: Archive) -> int:
    total = 0
    for name in CAPTURE_OBJECTS:
        row = arc.conn.execute(
            "SELECT pgsize FROM dbstat WHERE name = ? AND aggregate = TRUE", (name,)
        ).fetchone()
        total += row[0] if row and row[0] else 0
    return total


def archive_bytes(arc: Archive) -> int:
    arc.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = arc.conn.execute("PRAGMA page_count").fetchone()[0]
    return pages * arc.conn.execute("PRAGMA page_size").fetchone()[0]


def search_times(arc: Archive, site: Site, rng: random.Random, n: int) -> list[float]:
    timings = []
    for _ in range(n):
        vocab = site.sv if rng.random() < 0.7 else site.en
        query = " ".join(rng.sample(vocab.words[20:3000], rng.choice((1, 1, 2))))
        t0 = time.perf_counter()
        arc.search(query, limit=20)
        timings.append((time.perf_counter() - t0) * 1000)
    return sorted(timings)


def run(days: int, n_pages: int, path: str, n_queries: int, seed: int, folder: str) -> None:
    rng = random.Random(seed)
    site = Site(seed)
    pages = [Page(n, validating=rng.random() < VALIDATING) for n in range(n_pages)]
    started = time.perf_counter()
    recording, recorded, captures = 0.0, 0, 0
    print(
        "| day | pages live | captures | versions | archive MB | bytes per recapture |"
        " record()/s | search p50 / p95 ms | export s | peak MB | min so far |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    with Archive.open(path) as arc:
        for day in range(days):
            run_id = arc.start_run("umu", "news")
            day_start = START + day * 86_400
            for _ in range(round(len(pages) * NEW)):
                pages.append(Page(len(pages), validating=rng.random() < VALIDATING))
            live = [p for p in pages if not p.gone]
            last_day = (day + 1) % MONTH == 0 or day == days - 1
            before, recaptures = capture_bytes(arc) if last_day else 0, 0
            for i, page in enumerate(live):
                at = day_start + i * 2.0
                first = page.seen is None
                if not first and rng.random() < GONE:
                    page.gone, status, body, content = True, 404, b"<html>404</html>", None
                else:
                    if not first and rng.random() < EDITED:
                        page.revision += 1
                        page.last_modified = at - 3600
                    same = page.revision == page.seen
                    if same and page.validating:
                        status, body, content = 304, None, None
                    else:
                        status = 200
                        content, body = site.content_and_body(page)
                cap = capture(page, at, status, body)
                page.seen = page.revision
                t0 = time.perf_counter()
                rec = arc.record(cap, content, run_id=run_id, site="umu", kind="article")
                recording += time.perf_counter() - t0
                recorded += 1
                captures += 1
                recaptures += rec.outcome in ("unchanged", "not_modified")
            arc.finish_run(run_id, "finished", {})
            if not last_day:
                continue
            per_recapture = (capture_bytes(arc) - before) / max(recaptures, 1)
            timings = search_times(arc, site, rng, n_queries)
            t0 = time.perf_counter()
            export(arc.conn, os.path.join(folder, "versions.jsonl"), "jsonl")
            export_s = time.perf_counter() - t0
            os.unlink(os.path.join(folder, "versions.jsonl"))
            versions = arc.conn.execute("SELECT max(id) FROM versions").fetchone()[0]
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"| {day + 1} | {len([p for p in pages if not p.gone]):,} | {captures:,} |"
                f" {versions:,} | {archive_bytes(arc) / 1e6:,.1f} | {per_recapture:,.0f} |"
                f" {recorded / recording:,.0f} | {statistics.median(timings):.1f} /"
                f" {timings[int(len(timings) * 0.95) - 1]:.1f} | {export_s:.1f} | {peak:,.0f} |"
                f" {(time.perf_counter() - started) / 60:.1f} |",
                flush=True,
            )
            recording, recorded = 0.0, 0
    print(f"\n{days} days of {n_pages:,} pages in {(time.perf_counter() - started) / 60:.1f} min")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--out", help="archive file to write (default: a temporary file)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}\n")
    with tempfile.TemporaryDirectory() as tmp:
        run(args.days, args.pages, args.out or os.path.join(tmp, "growth.db"), args.queries,
            args.seed, tmp)  # fmt: skip


if __name__ == "__main__":
    main()
