"""Benchmark the web view: every page of it over HTTP from Datasette, as `uninews serve` runs it.

Serves an archive of N versions (built with bench/export.py's builder, through Archive.record())
through the
same command line `uninews serve` starts, then times sequential GETs of each view: a page's
history (2 versions, diffs), search (plain words, and with site/lang/date/current filters),
what changed (all sites, one site), a capture as served and as a WARC record, and a table
page with URL links. Before serving, a few hundred pages are recorded gone (404) or moved
(301) through the library, so the what-changed lists have every kind.

    python bench/web.py                          # 100,000 versions, built in a temporary file
    python bench/web.py --db big.db              # build once into big.db, reuse it next time
    python bench/web.py --versions 5000          # quick run

Prints a Markdown table per view: requests, p50, p95 and max milliseconds [target < 200 ms].

2026-12-02, 100,000 versions (1.6 GB), load 0.9: page view p95 7.6 ms, search 69.2 ms,
filtered search 125.8 ms (max 190.7), what changed 53.4 ms, raw capture 4.9 ms, WARC record
4.8 ms, Datasette's own versions table page 127.5 ms. Before the versions_filters index
(schema v5) and with facet suggestions on, at load 1.0: filtered search p95 448.6 ms (max 855)
and the versions table page 3.3 s. README has the table.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and bench/archive.py would
# shadow the `archive` package it measures.
HERE = Path(__file__).parent.resolve()
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

from archive import Archive, Capture  # noqa: E402
from archive.serve import (  # noqa: E402
    database_name,
    datasette_command,
    prepare,
    start,
    write_metadata,
)

TARGET_MS = 200.0
GONE_AND_MOVED = 200  # pages of each kind recorded before serving


def bench_export_module():
    """bench/export.py, whose builder writes N versions through Archive.record() with realistic
    text (3-6 KB bodies, half of them edits) and small raw pages: the views read versions and
    the full-text index, and one raw body at a time."""
    spec = importlib.util.spec_from_file_location("bench_export", HERE / "export.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def add_gone_and_moved(path: str, rng: random.Random) -> None:
    """Record 404s and 301s for some pages (once per archive), through Archive.record()."""
    with Archive.open(path) as arc:
        have = arc.conn.execute(
            "SELECT count(*) FROM pages WHERE status IN ('gone', 'redirected')"
        ).fetchone()[0]
        if have:
            return
        urls = [r[0] for r in arc.conn.execute("SELECT url FROM pages WHERE status = 'live'")]
        chosen = rng.sample(urls, min(len(urls), 2 * GONE_AND_MOVED))
        run_id = arc.start_run("bench", "bench")
        for n, url in enumerate(chosen):
            moved = n % 2 == 1
            capture = Capture(
                url=url,
                fetched_at=f"2026-11-28T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z",
                http_status=301 if moved else 404,
                reason="Moved Permanently" if moved else "Not Found",
                request_headers=(("User-Agent", "uninews-bench"),),
                response_headers=(("Content-Type", "text/html; charset=utf-8"),),
                body=b"<html><body>moved</body></html>" if moved else b"<html>404</html>",
                redirect_to=url.rstrip("/") + "-moved/" if moved else None,
            )
            arc.record(capture, None, run_id=run_id, site="bench", kind="article")
        arc.finish_run(run_id, "finished", {"gone_and_moved": len(chosen)})


def sample(path: str, rng: random.Random, n: int) -> dict[str, list]:
    """What to ask for: pages with two versions, search words from titles, captures."""
    with Archive.open(path, create=False) as arc:
        conn = arc.conn
        top = conn.execute("SELECT max(id) FROM versions").fetchone()[0]
        edited, words, captures = [], [], []
        while len(edited) < n:
            row = conn.execute(
                "SELECT v.url, v.title, v.capture_id, p.current_version FROM versions v"
                " JOIN pages p ON p.url = v.url WHERE v.id >= ? ORDER BY v.id LIMIT 1",
                (rng.randrange(1, top + 1),),
            ).fetchone()
            if row is None:
                continue
            captures.append(row["capture_id"])
            words += [w for w in (row["title"] or "").lower().split() if len(w) > 4]
            if (row["current_version"] or 0) > 1:
                edited.append(row["url"])
        langs = [r[0] for r in conn.execute("SELECT DISTINCT lang FROM pages WHERE lang > ''")]
        sites = [r[0] for r in conn.execute("SELECT DISTINCT site FROM pages")]
    return {"edited": edited, "words": words, "captures": captures, "langs": langs, "sites": sites}


def timed_get(url: str) -> float:
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise SystemExit(f"{url} answered {exc.code}: {exc.read()[-300:]!r}") from exc
    return (time.perf_counter() - t0) * 1000


def requests(
    base: str, db: str, s: dict[str, list], rng: random.Random, n: int
) -> dict[str, list[str]]:
    q = urllib.parse.urlencode

    def search(**extra: str) -> str:
        words = " ".join(rng.sample(s["words"], rng.choice((1, 1, 2))))
        return f"{base}/-/search?{q({'q': words, **extra})}"

    return {
        "page view (/-/page, 2 versions)": [
            f"{base}/-/page?{q({'url': u})}" for u in s["edited"][:n]
        ],
        "search (/-/search)": [search() for _ in range(n)],
        "search with filters": [
            search(
                site=rng.choice(s["sites"]),
                lang=rng.choice(s["langs"]),
                since="2026-01-01",
                until="2026-12-31",
                current="1",
            )
            for _ in range(n)
        ],
        "what changed (/-/changes)": [f"{base}/-/changes"] * max(5, n // 4),
        "what changed, one site": [
            f"{base}/-/changes?{q({'site': rng.choice(s['sites'])})}" for _ in range(max(5, n // 4))
        ],
        "capture as served (/-/capture/ID/raw)": [
            f"{base}/-/capture/{c}/raw" for c in s["captures"][:n]
        ],
        "WARC record (/-/capture/ID.warc.gz)": [
            f"{base}/-/capture/{c}.warc.gz" for c in s["captures"][:n]
        ],
        "versions table page (URL links)": [f"{base}/{db}/versions?_size=50"] * max(5, n // 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an archive to serve (built first if it does not exist)")
    parser.add_argument("--versions", type=int, default=100_000, help="versions to build")
    parser.add_argument("--requests", type=int, default=100, help="requests per view")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or os.path.join(tmp, "archive.db")
        if not Path(path).exists():
            seconds = bench_export_module().build(path, args.versions, args.seed)
            print(f"built {args.versions:,} versions in {seconds:.0f} s", file=sys.stderr)
        add_gone_and_moved(path, rng)
        prepare(path)
        with Archive.open(path, create=False) as arc:
            versions = arc.conn.execute("SELECT count(*) FROM versions").fetchone()[0]
        asked = sample(path, rng, args.requests)
        running = start(
            datasette_command(path, write_metadata(path, tmp), port=0, live=False), timeout=300
        )
        try:
            plan = requests(running.url, database_name(path), asked, rng, args.requests)
            results = {}
            for name, urls in plan.items():
                first = timed_get(urls[0])  # cold: the first request of its kind
                times = sorted(timed_get(u) for u in urls)
                results[name] = (first, times)
        finally:
            running.stop()
    size = Path(path).stat().st_size if args.db else 0
    gb = f", {size / 1e9:.1f} GB" if size else ""
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}")
    print(f"{versions:,} versions{gb}, load {os.getloadavg()[0]:.1f}\n")
    print(f"| view | requests | first ms | p50 ms | p95 ms | max ms [< {TARGET_MS:.0f}] |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, (first, times) in results.items():
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        worst = times[-1]
        mark = "" if worst < TARGET_MS else " **missed**"
        print(
            f"| {name} | {len(times)} | {first:.1f} | {statistics.median(times):.1f} | "
            f"{p95:.1f} | {worst:.1f}{mark} |"
        )


if __name__ == "__main__":
    main()
