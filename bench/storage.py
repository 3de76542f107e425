"""Benchmark raw-body storage and reprocess speed on real pages.

Two corpora:
- demo: a real crawl (`uninews crawl demo --base-url`) of the bundled demo site, one site
  whose pages share umu.se's markup;
- dev: the 298 pages of ../shared/bench/extraction-dev (283 different sites), recorded through
  Archive.record with the installed extractor's content, as one collection.

For each corpus it prints
1. codecs on the raw bodies alone: plain zstd at several levels against zstd with a dictionary
   trained on the first N bodies (dictionary bytes counted), stored/raw and ms per page; for
   extraction-dev also reference codecs that bound what any per-body codec reaches there;
2. the archive as uninews writes it: total file size after VACUUM / raw bytes served (every
   capture's body counted, as fetched), and the same per captured page; then that size split
   into the raw captures (blobs, dictionaries, capture rows) and the data derived from them
   (versions, full-text index, pages), which reprocess could rebuild;
3. reprocess speed: pages per second re-extracting every page with the installed extractor.

    python bench/storage.py                 # demo site (30 pairs) and extraction-dev
    python bench/storage.py --pairs 300     # a bigger demo site (600 articles)
    python bench/storage.py --skip-dev
"""

from __future__ import annotations

import argparse
import gzip
import json
import lzma
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and would shadow `archive`.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import brotli  # noqa: E402  (a Scrapy dependency: it decodes br responses)
import zstandard  # noqa: E402

from archive import Archive, Capture  # noqa: E402
from archive.compression import (  # noqa: E402
    COMPRESSION_LEVEL,
    DICTIONARY_SIZE,
    TRAIN_AT,
    TRAIN_SAMPLES,
    dictionary_size,
)
from archive.reprocess import reprocess  # noqa: E402
from scraper.demo import DemoServer, DemoSite  # noqa: E402
from scraper.extract import EXTRACTOR_VERSION, extract  # noqa: E402
from scraper.reprocess import page_content  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "bench" / "extraction-dev"
UNINEWS = Path(sys.executable).parent / "uninews"


# -- corpora -------------------------------------------------------------------------------


def crawl_demo(db: str, pairs: int) -> None:
    """Two crawls: the site as first seen, then after a round of edits, fetched in full again
    (no conditional GET), as from a server that ignores validators."""
    with DemoServer(DemoSite(article_pairs=pairs)) as server:
        base = [str(UNINEWS), "crawl", "demo", "--db", db, "--base-url", server.base_url]
        subprocess.run(base, check=True, capture_output=True)
        server.set_state(2)
        again = [*base, "-s", "UNINEWS_CONDITIONAL_GET_ENABLED=False"]
        subprocess.run(again, check=True, capture_output=True)


def record_dev(db: str, dev: Path) -> None:
    """The dev pages as captures of one collection, with the installed extractor's content."""
    annotations = json.loads((dev / "annotations.json").read_text(encoding="utf-8"))
    with Archive.open(db) as arc:
        run = arc.start_run("extraction-dev", "bench")
        for n, (url, entry) in enumerate(annotations.items()):
            body = gzip.decompress((dev / "html" / entry["file"]).read_bytes())
            if not url.startswith(("http://", "https://")):
                url = f"https://extraction-dev.invalid/{entry['file']}"
            article = extract(body, url)
            capture = Capture(
                url=url,
                fetched_at=f"2026-01-01T00:{n // 60:02d}:{n % 60:02d}Z",
                http_status=200,
                reason="OK",
                request_headers=(("User-Agent", "uninews-bench"),),
                response_headers=(("Content-Type", "text/html"),),
                body=body,
            )
            content = article.content() if article.has_content else None
            arc.record(
                capture,
                content,
                run_id=run,
                site="extraction-dev",
                extractor_version=EXTRACTOR_VERSION,
            )
        arc.finish_run(run, "finished", {})


def served_bodies(db: str) -> list[tuple[str, bytes]]:
    """(URL, body) of every capture with a body, in capture order (served twice: twice)."""
    with Archive.open(db, create=False) as arc:
        rows = arc.conn.execute(
            "SELECT url, body_sha256 FROM captures WHERE body_sha256 IS NOT NULL ORDER BY id"
        ).fetchall()
        return [(row[0], arc.body(row[1])) for row in rows]


# -- measurements --------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    """How blobs are compressed: level, dictionary training, delta to the page's last body."""

    level: int
    train_at: tuple[int, ...] = ()  # site body counts at which a dictionary is (re)trained
    delta: bool = False

    def name(self) -> str:
        text = f"zstd -{self.level}"
        if self.train_at:
            text += f" + dict at {', '.join(map(str, self.train_at))} bodies"
        if self.delta:
            text += " + delta to last body"
        return text


def simulate(policy: Policy, served: list[tuple[str, bytes]]) -> tuple[int, float]:
    """(stored bytes incl. dictionaries, ms per stored body) of distinct bodies under a policy."""
    plain = zstandard.ZstdCompressor(level=policy.level)
    with_dict = None
    seen: set[bytes] = set()
    last: dict[str, bytes] = {}  # URL -> last body stored whole (a delta's base)
    samples: list[bytes] = []
    stored = 0
    started = time.perf_counter()
    for url, body in served:
        if body in seen:
            continue
        seen.add(body)
        samples.append(body)
        if len(samples) in policy.train_at:
            latest = samples[-TRAIN_SAMPLES:]
            trained = zstandard.train_dictionary(dictionary_size(latest), latest)
            with_dict = zstandard.ZstdCompressor(level=policy.level, dict_data=trained)
            stored += len(trained.as_bytes())
        packed = (with_dict or plain).compress(body)
        base = last.get(url) if policy.delta else None
        if base is not None:
            raw = zstandard.ZstdCompressionDict(base, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
            delta = zstandard.ZstdCompressor(level=policy.level, dict_data=raw).compress(body)
            if len(delta) < len(packed):
                packed = delta
                body = base  # the base stays the page's keyframe
        last[url] = body
        stored += len(packed)
    return stored, (time.perf_counter() - started) * 1000 / max(1, len(seen))


POLICIES = (
    Policy(3),
    Policy(9),
    Policy(19),
    *(Policy(level, at) for level in (3, 6, 9) for at in ((16,), (32,), (128,), (16, 128))),
    *(Policy(level, (16, 128), delta=True) for level in (3, 6, 9)),
)


def reference_rows(served: list[tuple[str, bytes]]) -> list[tuple[str, float, float]]:
    """Lower bounds a per-body codec could reach here, too slow or too late for the crawl:
    zstd 19 with a dictionary trained on every body (known only after the crawl), xz -9e,
    brotli 11 (its built-in dictionary knows common HTML)."""
    distinct = list(dict.fromkeys(body for _, body in served))
    raw = sum(map(len, distinct))
    trained = zstandard.train_dictionary(DICTIONARY_SIZE, distinct)
    codecs = (
        ("zstd -19 + dict trained on all bodies", len(trained.as_bytes()),
         zstandard.ZstdCompressor(level=19, dict_data=trained).compress),
        ("xz -9e", 0, lambda b: lzma.compress(b, preset=9 | lzma.PRESET_EXTREME)),
        ("brotli -q 11", 0, lambda b: brotli.compress(b, quality=11)),
    )  # fmt: skip
    rows = []
    for name, extra, compress in codecs:
        started = time.perf_counter()
        stored = extra + sum(len(compress(body)) for body in distinct)
        ms = (time.perf_counter() - started) * 1000 / len(distinct)
        rows.append((f"{name} (reference)", stored / raw, ms))
    return rows


def codec_rows(served: list[tuple[str, bytes]]) -> list[tuple[str, float, float]]:
    """(policy, stored/raw of distinct bodies, ms per body) for each policy."""
    distinct = {body for _, body in served}
    raw = sum(map(len, distinct))
    rows = []
    for policy in POLICIES:
        if policy.train_at and policy.train_at[-1] > len(distinct):
            continue
        if policy.level == 19 and raw > 10_000_000:
            continue  # 0.2 s a page: not a candidate for a crawler's write path
        stored, ms = simulate(policy, served)
        rows.append((policy.name(), stored / raw, ms))
    return rows


def archive_row(db: str, served: list[tuple[str, bytes]]) -> dict:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    blobs = conn.execute("SELECT count(*), sum(size), sum(stored_size) FROM blobs").fetchone()
    deltas = conn.execute("SELECT count(*) FROM blobs WHERE base_sha256 IS NOT NULL").fetchone()
    dicts = conn.execute("SELECT count(*), coalesce(sum(size), 0) FROM dictionaries").fetchone()
    versions = conn.execute("SELECT count(*) FROM versions").fetchone()[0]
    tables = conn.execute(
        "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"
    ).fetchall()
    owners = dict(conn.execute("SELECT name, tbl_name FROM sqlite_schema").fetchall())
    conn.close()
    size = os.path.getsize(db)
    raw = sum(len(body) for _, body in served)
    # What keeps the responses (bodies, dictionaries, capture rows with headers) against what
    # is derived from them and could be rebuilt by `uninews reprocess` (versions, FTS, pages).
    captured = sum(
        pages for name, pages in tables
        if owners.get(name, name) in ("blobs", "dictionaries", "captures")
    )  # fmt: skip
    return {
        "captures": len(served),
        "raw_bytes": raw,
        "archive_bytes": size,
        "ratio": size / raw,
        "per_page": size / len(served),
        "raw_per_page": raw / len(served),
        "blobs": blobs[0],
        "blob_ratio": (blobs[2] or 0) / (blobs[1] or 1),
        "blob_dict_ratio": ((blobs[2] or 0) + dicts[1]) / (blobs[1] or 1),
        "deltas": deltas[0],
        "dictionaries": dicts[0],
        "dictionary_bytes": dicts[1],
        "versions": versions,
        "tables": tables[:6],
        "captured_bytes": captured,
        "captured_ratio": captured / raw,
        "derived_bytes": size - captured,
    }


def reprocess_speed(db: str) -> tuple[int, float]:
    with Archive.open(db) as arc:
        started = time.perf_counter()
        result = reprocess(arc, page_content(extract), EXTRACTOR_VERSION)
        seconds = time.perf_counter() - started
    return result.stats.processed, result.stats.processed / seconds


def report(name: str, db: str, reference: bool = False) -> None:
    served = served_bodies(db)
    print(f"\n## {name}\n")
    print("| codec policy (distinct bodies) | stored / raw | ms per body |")
    print("| --- | ---: | ---: |")
    rows = codec_rows(served)
    if reference:
        rows += reference_rows(served)
    for codec, ratio, ms in rows:
        print(f"| {codec} | {ratio:.1%} | {ms:.1f} |")
    row = archive_row(db, served)
    largest = ", ".join(f"{name} {size / 1024:,.0f} KB" for name, size in row["tables"])
    pages, speed = reprocess_speed(db)
    print(
        f"\nArchive after VACUUM: {row['archive_bytes']:,} bytes for {row['captures']} captures "
        f"({row['raw_bytes']:,} raw bytes served): **{row['ratio']:.1%} of raw**, "
        f"{row['per_page'] / 1024:.1f} KB per captured page "
        f"(raw {row['raw_per_page'] / 1024:.1f} KB). Blobs alone {row['blob_ratio']:.1%}, "
        f"{row['blob_dict_ratio']:.1%} with the dictionaries "
        f"({row['blobs']} distinct bodies, {row['deltas']} as deltas, {row['dictionaries']} "
        f"dictionaries of "
        f"{row['dictionary_bytes']:,} bytes); {row['versions']} versions with full-text index."
    )
    print(
        f"Raw captures (blobs, dictionaries, capture rows and their indexes): "
        f"{row['captured_bytes']:,} bytes, **{row['captured_ratio']:.1%} of raw**; derived data "
        f"(versions with body_text and body_markdown, full-text index, pages): "
        f"{row['derived_bytes']:,} bytes."
    )
    print(f"Largest tables and indexes: {largest}.")
    print(f"Reprocess: {pages} pages at {speed:.1f} pages/s (installed extractor, unchanged).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=30, help="demo site article pairs")
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--skip-dev", action="store_true")
    parser.add_argument("--dev", type=Path, default=DEV, help="the extraction-dev folder")
    args = parser.parse_args()
    print(
        f"uninews storage bench: {platform.python_version()}, {os.cpu_count()} cores; "
        f"archive codec: zstd -{COMPRESSION_LEVEL}, dictionaries of up to "
        f"{DICTIONARY_SIZE // 1024} KB trained at {', '.join(map(str, TRAIN_AT))} bodies of a "
        f"site (latest {TRAIN_SAMPLES}), deltas to a page's last body"
    )
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_demo:
            db = str(Path(tmp) / "demo.db")
            crawl_demo(db, args.pairs)
            report(f"demo site ({args.pairs * 2} articles), two real crawls", db)
        if not args.skip_dev:
            db = str(Path(tmp) / "dev.db")
            record_dev(db, args.dev)
            report("extraction-dev (298 pages, 283 sites) as one collection", db, reference=True)


if __name__ == "__main__":
    main()
