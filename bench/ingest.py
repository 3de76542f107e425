"""Benchmark many machines, one archive: captures handed to the Redis stream, and written
from it by the ingest loop, against record() called directly.

Builds N captures of realistic size (bench/archive.py's generator: 40-80 KB of HTML, half of
them changed second versions), then times three things on this machine: record() into a fresh
archive directly, XADD of each capture to the stream as a worker does (one round trip each),
and `uninews ingest`'s loop (scraper.ingest.consumer) writing them all into another fresh
archive. Runs a throwaway redis-server (it must be on PATH) on a free port.

    python bench/ingest.py                   # 5,000 captures (a minute or two)
    python bench/ingest.py --captures 500    # quick run

Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Run as a script, this folder comes first on sys.path and bench/archive.py would shadow the
# `archive` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

from archive import Archive, Capture  # noqa: E402
from scraper.ingest.codec import capture_fields, finish_fields, run_fields  # noqa: E402
from scraper.ingest.consumer import Ingest  # noqa: E402
from scraper.ingest.keys import STREAM, connect  # noqa: E402


def _generator():
    spec = importlib.util.spec_from_file_location("bench_archive_generator", HERE / "archive.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def captures(n: int, seed: int) -> list[tuple[Capture, dict]]:
    gen = _generator()
    rng = random.Random(seed)
    sv, en = gen.Vocabulary(rng, gen.SWEDISH_COMMON), gen.Vocabulary(rng, gen.ENGLISH_COMMON)
    head, foot = gen.boilerplate(rng, sv)
    out = []
    for i, page, content in gen.version_stream(rng, n, sv, en):
        body = gen.html(rng, sv, head, foot, content, rng.randrange(800, 5000))
        capture = Capture(
            url=gen.page_url(page),
            fetched_at=f"2026-11-27T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z",
            http_status=200,
            reason="OK",
            request_headers=(("User-Agent", "uninews-bench"),),
            response_headers=(("Content-Type", "text/html; charset=utf-8"),),
            body=body,
        )
        out.append((capture, content))
    return out


def redis_server() -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server is not on PATH")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    for line in proc.stdout:
        if "Ready to accept connections" in line:
            break
    return proc, f"redis://127.0.0.1:{port}/0"


def run(n: int, seed: int) -> dict:
    data = captures(n, seed)
    record = {"site": "bench", "kind": "article", "extractor_version": "bench", "lang": None}
    with tempfile.TemporaryDirectory() as tmp:
        with Archive.open(os.path.join(tmp, "direct.db")) as arc:
            run_id = arc.start_run("bench", "bench")
            started = time.perf_counter()
            for capture, content in data:
                arc.record(capture, content, run_id=run_id, **record)
            direct = time.perf_counter() - started

        server, url = redis_server()
        try:
            client = connect(url)
            started = time.perf_counter()
            client.xadd(STREAM, run_fields("bench", "bench", "bench", {}))
            for number, (capture, content) in enumerate(data, 1):
                client.xadd(STREAM, capture_fields("bench", number, capture, content, **record))
            stats = {"uninews/write_attempts": n}
            client.xadd(STREAM, finish_fields("bench", "finished", stats))
            handing = time.perf_counter() - started
            stream_mb = client.info("memory")["used_memory"] / 1e6
            with Archive.open(os.path.join(tmp, "ingested.db")) as arc:
                loop = Ingest(client, arc, until_idle=0.5, progress=0)
                started = time.perf_counter()
                summary = loop.run()
                ingesting = time.perf_counter() - started - 0.5  # less the idle wait at the end
            assert summary.written == n, summary
        finally:
            server.terminate()
            server.wait()
    return {
        "captures": n,
        "direct_per_s": n / direct,
        "xadd_per_s": n / handing,
        "ingest_per_s": n / ingesting,
        "redis_mb": stream_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captures", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    r = run(args.captures, args.seed)
    print(f"{platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} cores, {r['captures']:,} captures\n")  # fmt: skip
    print(
        "| record() directly | XADD (worker) | ingest from the stream | Redis memory, all queued |"
    )
    print("| --- | --- | --- | --- |")
    print(f"| {r['direct_per_s']:,.0f}/s | {r['xadd_per_s']:,.0f}/s | "
          f"{r['ingest_per_s']:,.0f}/s | {r['redis_mb']:,.0f} MB |")  # fmt: skip


if __name__ == "__main__":
    main()
