"""Benchmark the recipe finder (archive.recipes): how often a gzip body is rebuilt exactly from
its decoded bytes, and what finding (and checking) the recipe costs per body.

Corpora:
- demo: every route of the bundled demo site (state 1) fetched from the demo server with gzip
  on (nginx's default: level 1, smaller windows for small bodies);
- dev: the 298 pages of ../shared/bench/extraction-dev, each gzipped as nginx does at levels 1
  and 6 and as Python's gzip.compress at level 9 (its header carries the time and XFL 2).

Per corpus and variant it prints bodies, hits and ms per body (mean, median, 95th percentile) for
- cold: find_recipe alone, no memory of earlier bodies (the first body of a site);
- warm: RecipeFinder with one memory for the corpus, as the archive searches a site's bodies;
- check: recipes.checked_recipe, the rebuild and hash every recipe passes before it is stored;
and the cost of a miss (a stream flushed mid-way, which no recipe rebuilds), full and quick.

    python bench/recipes.py
    python bench/recipes.py --skip-dev
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import struct
import sys
import time
import urllib.request
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.bodies import body_sha256  # noqa: E402
from archive.recipes import RecipeFinder, checked_recipe, find_recipe  # noqa: E402
from scraper.demo import DemoServer, DemoSite  # noqa: E402
from scraper.demo.server import nginx_gzip  # noqa: E402

DEV = ROOT.parent / "shared" / "bench" / "extraction-dev"

Pair = tuple[bytes, bytes]  # (bytes as received, decoded)


def demo_pairs() -> list[Pair]:
    site = DemoSite()
    pairs = []
    with DemoServer(site, state=1, gzip=True) as server:
        for path in sorted(site.routes(1)):
            request = urllib.request.Request(server.url(path), headers={"Accept-Encoding": "gzip"})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    wire, coding = response.read(), response.headers.get("Content-Encoding")
            except urllib.error.HTTPError as err:
                wire, coding = err.read(), err.headers.get("Content-Encoding")
            if coding == "gzip":
                pairs.append((wire, gzip.decompress(wire)))
    return pairs


def dev_pages(folder: Path) -> list[bytes]:
    return [gzip.decompress(p.read_bytes()) for p in sorted((folder / "html").glob("*.html.gz"))]


VARIANTS: dict[str, Callable[[bytes], bytes]] = {
    "nginx level 1": lambda b: nginx_gzip(b, 1),
    "nginx level 6": lambda b: nginx_gzip(b, 6),
    "gzip.compress 9": lambda b: gzip.compress(b, 9),
}


def flushed(body: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    cut = len(body) // 3
    stream = compressor.compress(body[:cut]) + compressor.flush(zlib.Z_SYNC_FLUSH)
    stream += compressor.compress(body[cut:]) + compressor.flush()
    head = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
    return head + stream + struct.pack("<LL", zlib.crc32(body), len(body) & 0xFFFFFFFF)


def ms(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (
        f"{1000 * statistics.mean(times):6.2f} mean {1000 * statistics.median(times):6.2f} "
        f"median {1000 * p95:6.2f} p95"
    )


def measure(label: str, pairs: Iterable[Pair]) -> None:
    pairs = list(pairs)
    size = sum(len(d) for _, d in pairs) / max(len(pairs), 1)
    cold, warm, check, hits, warm_hits = [], [], [], 0, 0
    finder = RecipeFinder()
    for wire, decoded in pairs:
        start = time.perf_counter()
        recipe = find_recipe(wire, decoded, "gzip")
        cold.append(time.perf_counter() - start)
        start = time.perf_counter()
        warm_hits += finder.find("site", wire, decoded, "gzip") is not None
        warm.append(time.perf_counter() - start)
        if recipe is not None:
            start = time.perf_counter()
            assert checked_recipe(recipe, decoded, body_sha256(wire)) is not None
            check.append(time.perf_counter() - start)
            hits += 1
    print(f"{label}: {len(pairs)} bodies, {size / 1024:.0f} KB decoded on average")
    print(f"  hits {hits}/{len(pairs)} ({100 * hits / len(pairs):.1f}%), warm {warm_hits}")
    print(f"  cold  ms/body {ms(cold)}")
    print(f"  warm  ms/body {ms(warm)}")
    if check:
        print(f"  check ms/body {ms(check)}")


def measure_misses(label: str, bodies: list[bytes]) -> None:
    full, quick = [], []
    for body in bodies:
        wire = flushed(body)
        for times, fast in ((full, False), (quick, True)):
            start = time.perf_counter()
            assert find_recipe(wire, body, "gzip", quick=fast) is None
            times.append(time.perf_counter() - start)
    print(f"{label} misses (stream flushed mid-way), {len(bodies)} bodies")
    print(f"  full  ms/body {ms(full)}")
    print(f"  quick ms/body {ms(quick)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEV, help="the extraction-dev folder")
    parser.add_argument("--skip-dev", action="store_true")
    args = parser.parse_args()
    pairs = demo_pairs()
    measure("demo site, gzip on (nginx level 1)", pairs)
    measure_misses("demo site", [d for _, d in pairs])
    if args.skip_dev:
        return
    pages = dev_pages(args.dev)
    for name, make in VARIANTS.items():
        measure(f"extraction-dev, {name}", ((make(p), p) for p in pages))
    measure_misses("extraction-dev", pages)


if __name__ == "__main__":
    main()
