"""Score and time the extractor on the extraction-dev set, beside trafilatura.

Usage: python bench/extraction.py [--dev PATH] [--wcxb PATH] [--only ours|trafilatura] [--json OUT]

The dev set (../shared/bench/extraction-dev relative to the repository root) holds real
pages with `with` snippets (main content) and `without` snippets (boilerplate). A snippet
counts when it is a whitespace-normalized substring of the extracted text. For uninews the
scored text is title + lead + body_text joined by blank lines.

Times: median, p95, p99 and maximum per page; then the same times for uninews alone on
every page of wcxb-dev (../shared/bench/wcxb-dev), where no page may take 1 s.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEV = ROOT.parent / "shared" / "bench" / "extraction-dev"
DEFAULT_WCXB = ROOT.parent / "shared" / "bench" / "wcxb-dev"

_WS = re.compile(r"\s+")


def normalize(text: str) -> str:
    return _WS.sub(" ", text).strip()


def load_dev(dev: Path) -> list[tuple[str, bytes, list[str], list[str]]]:
    """(url, raw html, with, without) for every annotated page."""
    annotations = json.loads((dev / "annotations.json").read_text(encoding="utf-8"))
    pages = []
    for url, item in sorted(annotations.items()):
        raw = gzip.decompress((dev / "html" / item["file"]).read_bytes())
        pages.append((url, raw, item.get("with", []), item.get("without", [])))
    return pages


def ours(html: bytes, url: str) -> str:
    from scraper.extract import extract

    art = extract(html, url)
    return "\n\n".join(p for p in (art.title, art.lead, art.body_text) if p)


def trafilatura_text(html: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url) or ""


EXTRACTORS: dict[str, Callable[[bytes, str], str]] = {
    "uninews": ours,
    "trafilatura 2.3.1": trafilatura_text,
}


def score(pages, func: Callable[[bytes, str], str]) -> dict:
    """Precision, recall, F1 over snippets, and per-page times in ms."""
    tp = fn = fp = 0
    times: list[float] = []
    cpu: list[float] = []
    misses: dict[str, dict[str, list[str]]] = {}
    for url, raw, with_, without in pages:
        start, start_cpu = time.perf_counter(), time.process_time()
        text = func(raw, url)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        text = normalize(text)
        missing = [s for s in with_ if normalize(s) not in text]
        leaked = [s for s in without if normalize(s) in text]
        tp += len(with_) - len(missing)
        fn += len(missing)
        fp += len(leaked)
        if missing or leaked:
            misses[url] = {"missing": missing, "leaked": leaked}
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    times.sort()
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "median_ms": statistics.median(times),
        "p95_ms": times[int(0.95 * (len(times) - 1))],
        "p99_ms": times[int(0.99 * (len(times) - 1))],
        "max_ms": times[-1],
        # CPU time of this process: steadier than wall time when other work shares the cores
        "median_cpu_ms": statistics.median(cpu),
        "misses": misses,
    }


def time_all(corpus: Path) -> dict:
    """Wall and CPU time of extract() on every page of a corpus (html/*.html.gz)."""
    from scraper.extract import extract

    times: list[tuple[float, str]] = []
    cpu: list[float] = []
    for path in sorted((corpus / "html").glob("*.html.gz")):
        raw = gzip.decompress(path.read_bytes())
        start, start_cpu = time.perf_counter(), time.process_time()
        extract(raw, f"https://example.org/{path.name}")
        times.append(((time.perf_counter() - start) * 1000, path.name))
        cpu.append((time.process_time() - start_cpu) * 1000)
    times.sort()
    cpu.sort()
    wall = [t for t, _ in times]
    return {
        "pages": len(wall),
        "median_ms": statistics.median(wall),
        "p95_ms": wall[int(0.95 * (len(wall) - 1))],
        "p99_ms": wall[int(0.99 * (len(wall) - 1))],
        "max_ms": wall[-1],
        "slowest": times[-1][1],
        "cpu_p99_ms": cpu[int(0.99 * (len(cpu) - 1))],
        "cpu_max_ms": cpu[-1],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--wcxb", type=Path, default=DEFAULT_WCXB, help="time uninews on these")
    parser.add_argument("--only", choices=["ours", "trafilatura"])
    parser.add_argument("--json", type=Path, help="write scores and per-page misses here")
    args = parser.parse_args(argv)
    if not (args.dev / "annotations.json").exists():
        print(f"no dev set at {args.dev}: pass --dev PATH", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    pages = load_dev(args.dev)
    names = list(EXTRACTORS)
    if args.only == "ours":
        names = names[:1]
    elif args.only == "trafilatura":
        names = names[1:]
    results = {}
    # Warm-up: imports and compiled expressions should not count against the first page.
    for name in names:
        EXTRACTORS[name](pages[0][1], pages[0][0])
    print(f"{len(pages)} pages from {args.dev.name}\n")
    print(
        "| extractor | precision | recall | F1 | median ms | p95 ms | p99 ms | max ms "
        "| median CPU ms |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in names:
        res = score(pages, EXTRACTORS[name])
        results[name] = res
        print(
            f"| {name} | {res['precision']:.3f} | {res['recall']:.3f} | {res['f1']:.3f} "
            f"| {res['median_ms']:.1f} | {res['p95_ms']:.1f} | {res['p99_ms']:.1f} "
            f"| {res['max_ms']:.1f} | {res['median_cpu_ms']:.1f} |"
        )
    print("\nuninews is scored on title + lead + body_text joined; trafilatura on its text output.")
    if "uninews" in names and args.wcxb.is_dir():
        results["wcxb timing"] = timing = time_all(args.wcxb)
        print(
            f"\nuninews on {timing['pages']} pages of {args.wcxb.name}: median "
            f"{timing['median_ms']:.1f} ms, p95 {timing['p95_ms']:.1f}, p99 "
            f"{timing['p99_ms']:.1f} [< 100], max {timing['max_ms']:.1f} [< 1000] "
            f"({timing['slowest']}); CPU p99 {timing['cpu_p99_ms']:.1f}, max "
            f"{timing['cpu_max_ms']:.1f}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
