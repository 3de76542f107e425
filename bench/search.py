"""Benchmark full-text search on a large archive, in the mix of queries users run.

Times, on one archive, each kind of query for the same random words (one or two words of
rank 20-3,000 in bench/archive.py's vocabularies, 70% Swedish; what people search: neither
stop words nor one-offs):

- `uninews search` (archive.queries.search, limit 20): plain, with --rank-all (every match
  ranked, as before RANK_WINDOW), with --lang, --site, --since, --current, and all together;
- `sqlite-utils search archive.db versions WORDS -c url -c title --limit 20`, its own SQL;
- Datasette's `?_search=` on the versions table (`/DB/versions.json?_search=WORDS`), over HTTP
  from Datasette started as `uninews serve` starts it (unless --no-datasette): as it comes
  (rows, their count and the facets on lang and category) and with _nocount=1&_nofacet=1.

    python bench/archive.py --bulk --versions 258000 --out big.db   # build once, then
    python bench/archive.py --out big.db --copies 3                  # 1,032,000 versions
    python bench/search.py --db big.db                               # 200 queries a kind

Prints a Markdown table: p50 and p95 milliseconds per query kind (waited, and CPU time of
the querying thread), after a warm-up of each; the kinds take turns on each word.
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


def library_kinds(conn: sqlite3.Connection, window: int) -> dict[str, Callable[[str], object]]:
    site = conn.execute("SELECT site FROM pages LIMIT 1").fetchone()[0]

    def search(conn: sqlite3.Connection, q: str, **options: object) -> object:
        return queries.search(conn, q, **{"window": window, **options})

    every = {"site": site, "lang": "sv", "since": "2026-10-01", "until": "2026-12-31"}
    table = sqlite_utils.Database(conn)["versions"]
    utils_sql = table.search_sql(columns=["url", "title"], limit=20)
    return {
        "uninews search": lambda q: search(conn, q),
        "--rank-all (every match ranked)": lambda q: search(conn, q, window=0),
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


def datasette_kind(url: str) -> Callable[[str], object]:
    def get(q: str) -> None:
        with urllib.request.urlopen(url + urllib.parse.quote(q), timeout=60) as response:
            response.read()

    return get


def timed(
    kinds: dict[str, Callable[[str], object]], words: list[str]
) -> dict[str, tuple[list[float], list[float]]]:
    """Milliseconds per kind, as waited for and as this thread's CPU time (which another
    process's load on the shared cores changes less; Datasette's work is in its own process).
    The kinds take turns on each word, so that a change in the machine's load or in what the
    page cache holds falls on all of them alike."""
    for q in words[:WARM_UP]:
        for run in kinds.values():
            run(q)
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in kinds}
    for q in words:
        for name, run in kinds.items():
            t0, c0 = time.perf_counter(), time.thread_time()
            run(q)
            times[name][0].append((time.perf_counter() - t0) * 1000)
            times[name][1].append((time.thread_time() - c0) * 1000)
    return {name: (sorted(wall), sorted(cpu)) for name, (wall, cpu) in times.items()}


def p95(times: list[float]) -> float:
    return times[max(0, int(len(times) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="an archive (bench/archive.py --bulk)")
    parser.add_argument("--queries", type=int, default=200, help="queries per kind")
    parser.add_argument("--seed", type=int, default=1, help="the seed the archive was built with")
    parser.add_argument("--no-datasette", action="store_true", help="skip Datasette's ?_search=")
    parser.add_argument("--only", help="time only the kinds whose name contains this")
    parser.add_argument("--window", type=int, default=queries.RANK_WINDOW,
                        help="matches uninews search ranks (default: RANK_WINDOW)")  # fmt: skip
    args = parser.parse_args()
    words = query_words(args.seed, args.queries)
    if not args.no_datasette:
        prepare(args.db)
    with tempfile.TemporaryDirectory() as tmp, Archive.open(args.db, create=False) as arc:
        versions = arc.conn.execute("SELECT max(id) FROM versions").fetchone()[0]
        kinds = library_kinds(arc.conn, args.window)
        running = None
        if not args.no_datasette:
            metadata = write_metadata(args.db, tmp)
            running = start(datasette_command(args.db, metadata, port=0), timeout=600)
            url = f"{running.url}/{database_name(args.db)}/versions.json?_search="
            kinds["Datasette versions.json?_search="] = datasette_kind(url)
            bare = url.replace("?_search=", "?_nocount=1&_nofacet=1&_search=")
            kinds["Datasette, with _nocount=1&_nofacet=1"] = datasette_kind(bare)
        kinds = {k: v for k, v in kinds.items() if args.only is None or args.only in k}
        try:
            results = timed(kinds, words)
        finally:
            if running is not None:
                running.stop()
        windowed = sum(
            queries.search_result(arc.conn, q, window=args.window).beyond_window for q in words
        )
    size = Path(args.db).stat().st_size
    load = os.getloadavg()[0]
    print(f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
          f"{os.cpu_count()} cores, {platform.machine()}, load {load:.1f}")  # fmt: skip
    print(f"{versions:,} versions, {size / 1e9:.1f} GB, {args.queries} queries a kind;"
          f" {windowed} of them match more than {args.window:,} versions\n")  # fmt: skip
    print("| query | p50 ms | p95 ms | max ms | CPU p50 ms | CPU p95 ms |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, (wall, cpu) in results.items():
        cpu_cells = f"{statistics.median(cpu):.1f} | {p95(cpu):.1f}"
        if "Datasette" in name:
            cpu_cells = "- | -"
        print(f"| {name} | {statistics.median(wall):.1f} | {p95(wall):.1f} | {wall[-1]:.1f} "
              f"| {cpu_cells} |")  # fmt: skip


if __name__ == "__main__":
    main()
