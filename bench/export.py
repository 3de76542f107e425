"""Benchmark `uninews export`: seconds and peak memory per format on a large archive.

Builds an archive of N versions through the archive library (half first versions of new pages,
half edited second versions; 3-6 KB bodies from bench/archive.py's generator), then runs
`uninews export --format F` for each format as a child process and reads its peak resident
memory with resource.getrusage(RUSAGE_CHILDREN). Each format is measured from a fresh
intermediate process, so one export's peak never hides another's.

    python bench/export.py                      # 100,000 versions (builds in a few minutes)
    python bench/export.py --versions 5000      # quick run
    python bench/export.py --archive big.db     # build once into big.db, reuse it next time

Prints a Markdown table: rows, seconds, peak memory and file size per format, for the dataset of
versions and for the dataset of edits (`uninews export --changes`; the generated second
versions are edits of their first).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Run as a script, this folder comes first on sys.path and bench/archive.py would shadow the
# `archive` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

from archive import Archive, Capture  # noqa: E402

FORMATS = ("jsonl", "csv", "parquet")
TARGET_MB = 300


def _generator():
    spec = importlib.util.spec_from_file_location("bench_archive_generator", HERE / "archive.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(path: str, n_versions: int, seed: int = 1) -> float:
    """Fill `path` with n_versions versions; return the seconds it took."""
    gen = _generator()
    rng = random.Random(seed)
    sv, en = gen.Vocabulary(rng, gen.SWEDISH_COMMON), gen.Vocabulary(rng, gen.ENGLISH_COMMON)
    started = time.perf_counter()
    with Archive.open(path) as arc:
        run_id = arc.start_run("bench", "bench")
        for n, page, content in gen.version_stream(rng, n_versions, sv, en):
            content["images"] = [{"src": f"https://www.umu.se/bild/{page}.jpg", "alt": "Bild"}]
            content["contacts"] = [{"name": "Åsa Öberg", "email": "asa.oberg@umu.se"}]
            second = n // 60
            capture = Capture(
                url=gen.page_url(page),
                fetched_at=f"2026-11-{1 + second // 86400 % 28:02d}T{second // 3600 % 24:02d}:"
                f"{second // 60 % 60:02d}:{second % 60:02d}Z",
                http_status=200,
                reason="OK",
                response_headers=(("Content-Type", "text/html; charset=utf-8"),),
                body=f"<html><body><h1>{content['title']}</h1>{n}</body></html>".encode(),
            )
            arc.record(capture, content, run_id=run_id, site="bench", kind="article")
        arc.finish_run(run_id, "finished", {})
        arc.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - started


def measure_one(db: str, fmt: str, out: str, changes: bool) -> None:
    """(intermediate process) Run one export as a child; print its seconds and peak RSS."""
    command = [sys.executable, "-m", "scraper.cli", "export", "--db", db, "--format", fmt]
    command += ["--changes"] if changes else []
    started = time.perf_counter()
    result = subprocess.run(command + ["--out", out, "--json"], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(result.stderr)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    summary = json.loads(result.stdout)
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024, **summary}))


def measure(db: str, fmt: str, out: str, changes: bool = False) -> dict:
    command = [sys.executable, __file__, "--measure", fmt, "--archive", db, "--out", out]
    command += ["--changes"] if changes else []
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=100_000)
    parser.add_argument("--archive", help="archive to use; built there first if missing")
    parser.add_argument("--measure", choices=FORMATS, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--changes", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure_one(args.archive, args.measure, args.out, args.changes)
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = args.archive or os.path.join(tmp, "bench.db")
        built = None
        if not Path(db).exists():
            built = build(db, args.versions)
        results = {
            (dataset, fmt): measure(
                db, fmt, os.path.join(tmp, f"{dataset}.{fmt}"), changes=dataset == "edits"
            )
            for dataset in ("versions", "edits")
            for fmt in FORMATS
        }
        db_mb = Path(db).stat().st_size / 1e6
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}")
    print(f"archive: {db_mb:,.0f} MB" + (f", built in {built:.0f} s" if built else " (reused)"))
    print()
    print("| dataset | format | rows | seconds | rows/s | peak memory | file size | under target |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for (dataset, fmt), r in results.items():
        print(
            f"| {dataset} | {fmt} | {r['rows']:,} | {r['seconds']:.1f} | "
            f"{r['rows'] / r['seconds']:,.0f} | "
            f"{r['peak_mb']:.0f} MB | {r['bytes'] / 1e6:,.0f} MB | "
            f"{'yes' if r['peak_mb'] < TARGET_MB else 'NO'} ({TARGET_MB} MB) |"
        )


if __name__ == "__main__":
    main()
