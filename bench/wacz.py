"""Benchmark `uninews warc` and `uninews wacz` on a real crawl, against py-wacz.

The demo site (ARTICLE_PAIRS pairs of Swedish/English articles) is crawled, edited and crawled
again (conditional GET on, so the second crawl is mostly 304s). Then, each as the command a
user runs, in its own process:

- `uninews warc` (the WARC alone);
- `uninews wacz` (the WARC, its CDXJ index, pages.jsonl with text, datapackage.json);
- py-wacz's `wacz create --detect-pages` on that WARC, the reference for the packaging step
  (it finds fewer pages and has no extracted text: it cannot know the archive's versions).

Printed: wall and CPU seconds, output size, captures per second.

    python bench/wacz.py                  # 300 pairs (600 articles)
    python bench/wacz.py --pairs 30
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and would shadow `archive`.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

from archive import Archive  # noqa: E402
from scraper.demo import DemoServer, DemoSite  # noqa: E402

BIN = Path(sys.executable).parent


def crawl(db: str, pairs: int) -> None:
    with DemoServer(DemoSite(article_pairs=pairs)) as server:
        base = [str(BIN / "uninews"), "crawl", "demo", "--db", db, "--base-url", server.base_url]
        subprocess.run(base, check=True, capture_output=True)
        server.set_state(2)
        subprocess.run(base, check=True, capture_output=True)


def timed(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one command, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=300, help="demo site article pairs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "archive.db")
        crawl(db, args.pairs)
        with Archive.open(db, create=False) as arc:
            captures = arc.conn.execute(
                "SELECT count(*) FROM captures WHERE http_status IS NOT NULL"
            ).fetchone()[0]
        warc, wacz, reference = (os.path.join(tmp, n) for n in ("a.warc.gz", "a.wacz", "r.wacz"))
        rows = [
            ("uninews warc", [str(BIN / "uninews"), "warc", "--db", db, "--out", warc], warc),
            ("uninews wacz", [str(BIN / "uninews"), "wacz", "--db", db, "--out", wacz], wacz),
            (
                "py-wacz create --detect-pages (on that WARC)",
                [str(BIN / "wacz"), "create", "--detect-pages", "-o", reference, warc],
                reference,
            ),
        ]
        print(f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}, {captures} captures")
        print("| command | wall s | CPU s | size | captures/s (wall) |")
        print("| --- | --- | --- | --- | --- |")
        for name, command, out in rows:
            wall, cpu = timed(command)
            size = Path(out).stat().st_size
            print(f"| {name} | {wall:.2f} | {cpu:.2f} | {size:,} | {captures / wall:.0f} |")
        print(f"load after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
