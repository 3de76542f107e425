"""Benchmark `uninews merge`: two workers' archives of one site, folded together.

Two archives are written through the library as two `--redis` workers would write them: a
generated site of P pages crawled daily for D days, each page's fetch going to one worker or
the other at random, about 5% of pages edited a day (bodies of bench/archive.py's generator:
3-6 KB of text in 40-80 KB of HTML). Then times, through archive.merge:

- B merged into a copy of A (every page both hold: histories replayed in time order);
- the same merge again (nothing to add: what an idempotent re-run costs);
- A merged into an empty archive (a plain copy).

    python bench/merge.py                         # 1,000 pages x 5 days (a few minutes)
    python bench/merge.py --pages 200 --days 5    # quick run
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Run as a script, this folder comes first on sys.path and bench/archive.py would shadow the
# `archive` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

from archive import Archive, Capture  # noqa: E402
from archive.merge import merge, open_other  # noqa: E402

EDITED_A_DAY = 0.05


def _generator():
    spec = importlib.util.spec_from_file_location("bench_archive_generator", HERE / "archive.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(folder: Path, pages: int, days: int, seed: int) -> tuple[Path, Path, float]:
    """Worker archives a.db and b.db; the seconds their record() calls took."""
    gen = _generator()
    rng = random.Random(seed)
    sv, en = gen.Vocabulary(rng, gen.SWEDISH_COMMON), gen.Vocabulary(rng, gen.ENGLISH_COMMON)
    head, foot = gen.boilerplate(rng, sv)
    contents = {page: gen.article(rng, page, sv, en) for page in range(pages)}
    paths = folder / "a.db", folder / "b.db"
    workers = [Archive.open(p) for p in paths]
    recording = 0.0
    try:
        for day in range(days):
            runs = [w.start_run("bench", "news") for w in workers]
            for page in range(pages):
                if day and rng.random() < EDITED_A_DAY:
                    contents[page] = dict(contents[page])
                    contents[page]["body_text"] += "\n\n" + gen.words(rng, sv, 40) + "."
                content = contents[page]
                body = gen.html(rng, sv, head, foot, content, rng.randrange(800, 5000))
                fetched = f"2026-11-{day + 1:02d}T{page // 3600:02d}:{page // 60 % 60:02d}:"
                capture = Capture(
                    url=gen.page_url(page),
                    fetched_at=f"{fetched}{page % 60:02d}.{rng.randrange(10**6):06d}Z",
                    http_status=200,
                    reason="OK",
                    request_headers=(("User-Agent", "uninews-bench"),),
                    response_headers=(("Content-Type", "text/html; charset=utf-8"),),
                    body=body,
                )
                worker = rng.randrange(2)
                t0 = time.perf_counter()
                workers[worker].record(capture, content, run_id=runs[worker], site="bench")
                recording += time.perf_counter() - t0
            for worker, run_id in zip(workers, runs, strict=True):
                worker.finish_run(run_id, "finished", {})
    finally:
        for worker in workers:
            worker.close()
    return *paths, recording


def copy(source: Path, dest: Path) -> None:
    """A consistent copy through SQLite (what `uninews backup` does)."""
    src, out = sqlite3.connect(source), sqlite3.connect(dest)
    try:
        src.backup(out)
    finally:
        src.close()
        out.close()


def timed_merge(target: Path, other: Path) -> tuple[float, dict]:
    with Archive.open(target) as arc, open_other(other) as source:
        t0 = time.perf_counter()
        result = merge(arc, source)
        return time.perf_counter() - t0, result.to_dict()


def count(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        a, b, recording = build(folder, args.pages, args.days, args.seed)
        captures = count(a, "captures") + count(b, "captures")
        copy(a, folder / "ab.db")
        both, result = timed_merge(folder / "ab.db", b)
        again, _ = timed_merge(folder / "ab.db", b)
        fresh, _ = timed_merge(folder / "copy.db", a)
        print(f"uninews merge on {platform.processor() or platform.machine()}, "
              f"{os.cpu_count()} cores, Python {platform.python_version()}, "
              f"SQLite {sqlite3.sqlite_version}")  # fmt: skip
        rate = captures / recording
        print(f"{args.pages:,} pages x {args.days} days: A {count(a, 'captures'):,} captures, "
              f"B {count(b, 'captures'):,}; record() {rate:,.0f} captures/s")  # fmt: skip
        print()
        print("| merge | seconds | captures/s | versions after |")
        print("| --- | ---: | ---: | ---: |")
        rows = (
            ("B into a copy of A", both, result["captures_added"], folder / "ab.db"),
            ("the same again (adds nothing)", again, count(b, "captures"), folder / "ab.db"),
            ("A into an empty archive", fresh, count(a, "captures"), folder / "copy.db"),
        )
        for name, seconds, n, path in rows:
            print(f"| {name} | {seconds:.1f} | {n / seconds:,.0f} | {count(path, 'versions'):,} |")


if __name__ == "__main__":
    main()
