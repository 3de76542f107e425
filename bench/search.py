"""Benchmark full-text search on a large archive, in the mix of queries users run.

Times, on one archive, each kind of query for the same random words (one or two words of
rank 20-3,000 in bench/archive.py's vocabularies, 70% Swedish; what people search: neither
stop words nor one-offs):

- `uninews search` (archive.queries.search, limit 20): plain, with --lang, --site, --since,
  --current, and all of those together;
- `sqlite-utils search archive.db versions WORDS -c url -c title --limit 20`, its own SQL;
- Datasette's `?_search=` on the versions table (`/DB/versions.json?_search=WORDS`), over HTTP
  from Datasette started as `uninews serve` starts it (unless --no-datasette).

    python bench/archive.py --bulk --versions 1000000 --out big.db   # build once
    python bench/search.py --db big.db                               # 200 queries a kind

Prints a Markdown table: p50 and p95 milliseconds per query kind, after a warm-up of each.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent.resolve()
# Run as a script, this folder comes first on sys.path and bench/archive.py would shadow the
# `archive` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

import sqlite_utils  # noqa: E402

from archive import Archive, queries  # noqa: E402
from archive.serve import database_name, datasette_command, prepare, start, write_metadata  # noqa: E402

WARM_UP = 20


def _generator():
    spec = importlib.util.spec_from_file_location("bench_archive_generator", HERE / "archive.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def query_words(seed: int, n: int) -> list[str]:
    """n queries drawn from the vocabularies the archive of `seed` was written with."""
    gen = _generator()
    rng = random.Random(seed)
    sv, en = gen.Vocabulary(rng, gen.SWEDISH_COMMON), gen.Vocabulary(rng, gen.ENGLISH_COMMON)
    out = []
    for _ in range(n):
        vocab = sv if rng.random() < 0.7 else en
        out.append(" ".join(rng.sample(vocab.words[20:3000], rng.choice((1, 1, 2)))))
    return out


def library_kinds(conn: sqlite3.Connection) -> dict[str, Callable[[str], object]]:
    site = conn.execute("SELECT site FROM pages LIMIT 1").fetchone()[0]
    search = queries.search
    every = {"site": site, "lang": "sv", "since": "2026-10-01", "until": "2026-12-31"}
    table = sqlite_utils.Database(conn)["versions"]
    utils_sql = table.search_sql(columns=["url", "title"], limit=20)
    return {
        "uninews search": lambda q: search(conn, q),
        "--lang sv": lambda q: search(conn, q, lang="sv"),
        f"--site {site}": lambda q: search(conn, q, site=site),
        "--since 2026-10-01": lambda q: search(conn, q, since="2026-10-01"),
        "--current": lambda q: search(conn, q, current_only=True),
        "--site --lang --since --until --current": lambda q: search(
            conn, q, current_only=True, **every
        ),
        "sqlite-utils search --limit 20": lambda q: conn.execute(
            utils_sql, {"query": q}
        ).fetchall(),
    }


def timed(run: Callable[[str], object], words: list[str]) -> list[float]:
    for q in words[:WARM_UP]:
        run(q)
    times = []
    for q in words:
        t0 = time.perf_counter()
        run(q)
        times.append((time.perf_counter() - t0) * 1000)
    return sorted(times)


def datasette_times(path: str, words: list[str]) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        running = start(
            datasette_command(path, write_metadata(path, tmp), port=0, live=False), timeout=600
        )
        try:
            base = f"{running.url}/{database_name(path)}/versions.json?_search="

            def get(q: str) -> None:
                with urllib.request.urlopen(base + urllib.parse.quote(q), timeout=60) as r:
                    r.read()

            return timed(get, words)
        finally:
            running.stop()


def p95(times: list[float]) -> float:
    return times[max(0, int(len(times) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="an archive (bench/archive.py --bulk)")
    parser.add_argument("--queries", type=int, default=200, help="queries per kind")
    parser.add_argument("--seed", type=int, default=1, help="the seed the archive was built with")
    parser.add_argument("--no-datasette", action="store_true", help="skip Datasette's ?_search=")
    parser.add_argument("--only", help="time only the kinds whose name contains this")
    args = parser.parse_args()
    words = query_words(args.seed, args.queries)
    results: dict[str, list[float]] = {}
    with Archive.open(args.db, create=False) as arc:
        versions = arc.conn.execute("SELECT max(id) FROM versions").fetchone()[0]
        for name, run in library_kinds(arc.conn).items():
            if args.only is None or args.only in name:
                results[name] = timed(run, words)
    if not args.no_datasette and (args.only is None or args.only in "datasette"):
        prepare(args.db)
        results["Datasette versions.json?_search="] = datasette_times(args.db, words)
    size = Path(args.db).stat().st_size
    load = os.getloadavg()[0]
    print(f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
          f"{os.cpu_count()} cores, {platform.machine()}, load {load:.1f}")  # fmt: skip
    print(f"{versions:,} versions, {size / 1e9:.1f} GB, {args.queries} queries a kind\n")
    print("| query | p50 ms | p95 ms | max ms |\n| --- | --- | --- | --- |")
    for name, times in results.items():
        print(f"| {name} | {statistics.median(times):.1f} | {p95(times):.1f} | {times[-1]:.1f} |")


if __name__ == "__main__":
    main()
