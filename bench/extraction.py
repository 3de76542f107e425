"""Score and time the extractor on both development corpora, beside trafilatura, in one run.

Usage: python bench/extraction.py [--corpus extraction-dev|wcxb-dev] [--only ours|trafilatura]
       [--json OUT] [--refresh]

Corpora (../shared/bench/ relative to the repository root; each README defines its score):

- extraction-dev: `with` snippets (main content) and `without` snippets (boilerplate); a
  snippet counts when it is a whitespace-normalized substring of the extracted text;
  precision, recall and F1 over all snippets.
- wcxb-dev: word-level F1 per page (lower-cased \\w+ tokens, bag-of-words overlap with
  `main_content`), averaged over articles and over all pages; fields against the ground
  truth: title (equal after the same tokenisation), publication date (first 10 characters),
  author (either contains the other, case-insensitively), on the pages whose truth has the
  field; page kind (does uninews call the WCXB articles articles, and the listings and
  collections not).

uninews runs the production path: the page's bytes and the charset Scrapy reads from them,
through scraper.workers.extraction.extract_body, as the crawler calls it; the scored text
is title + lead + body_text joined by blank lines. trafilatura 2.3.1 runs
`bare_extraction(html, url=url, with_metadata=True)`, its text as the body and its metadata
(htmldate for dates) as the fields. trafilatura's outputs and times are cached per corpus in
bench/out/ (they cost a minute of CPU per corpus); --refresh measures them again.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench"
DEFAULT_DEV = SHARED / "extraction-dev"
DEFAULT_WCXB = SHARED / "wcxb-dev"
OUT = ROOT / "bench" / "out"

_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def normalize(text: str) -> str:
    return _WS.sub(" ", text).strip()


def words(text: str | None) -> list[str]:
    return _WORD.findall((text or "").lower())


@dataclass
class Page:
    """One annotated page of either corpus."""

    url: str
    raw: bytes
    with_: list[str]
    without: list[str]
    page_type: str = ""
    main_content: str = ""
    title: str | None = None
    author: str | None = None
    date: str | None = None
    encoding: str | None = field(default=None, repr=False)


def load_dev(dev: Path) -> list[tuple[str, bytes, list[str], list[str]]]:
    """(url, raw html, with, without) for every page of extraction-dev."""
    annotations = json.loads((dev / "annotations.json").read_text(encoding="utf-8"))
    pages = []
    for url, item in sorted(annotations.items()):
        raw = gzip.decompress((dev / "html" / item["file"]).read_bytes())
        pages.append((url, raw, item.get("with", []), item.get("without", [])))
    return pages


def load_corpus(path: Path) -> list[Page]:
    """Every page of extraction-dev or wcxb-dev, with the charset the crawler would use."""
    if (path / "annotations.json.gz").exists():
        annotations = json.loads(gzip.decompress((path / "annotations.json.gz").read_bytes()))
        pages = [
            Page(
                url=item.get("url") or f"https://wcxb.invalid/{_id}",
                raw=gzip.decompress((path / "html" / item["file"]).read_bytes()),
                with_=item.get("with") or [],
                without=item.get("without") or [],
                page_type=item.get("page_type") or "",
                main_content=item.get("main_content") or "",
                title=item.get("title"),
                author=item.get("author"),
                date=item.get("publish_date"),
            )
            for _id, item in sorted(annotations.items())
        ]
    else:
        pages = [Page(url, raw, w, wo) for url, raw, w, wo in load_dev(path)]
    for page in pages:
        # The crawler's hint is the charset its Content-Type header names
        # (scraper.mediatypes.http_charset); the corpora keep no headers.
        page.encoding = None
    return pages


@dataclass
class Output:
    """What an extractor gave for one page, and how long it took."""

    text: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    updated: str | None = None
    kind: str | None = None
    ms: float = 0.0
    cpu_ms: float = 0.0


def ours(page: Page) -> Output:
    """The production path: bytes and charset hint, as the crawler's pipeline calls it."""
    from scraper.extract import extract
    from scraper.workers.extraction import extract_body

    art = extract_body(extract, page.raw, page.encoding, page.url)
    text = "\n\n".join(p for p in (art.title, art.lead, art.body_text) if p)
    return Output(text, art.title, list(art.authors), art.published_at, art.updated_at, art.kind)


def trafilatura_output(page: Page) -> Output:
    import trafilatura

    doc = trafilatura.bare_extraction(page.raw, url=page.url, with_metadata=True)
    if doc is None:
        return Output("")
    author = doc.author
    return Output(doc.text or "", doc.title, [author] if author else [], doc.date)


def count_second_opinions() -> Counter:
    """Count how often the extractor asks trafilatura for the body (reported per corpus)."""
    from scraper.extract import fallback

    calls: Counter = Counter()
    if getattr(fallback.second_opinion, "counted", None) is None:
        original = fallback.second_opinion

        def counted(html, url):
            calls["body"] += 1
            return original(html, url)

        counted.counted = calls
        fallback.second_opinion = counted
    return fallback.second_opinion.counted


def run(pages: list[Page], func: Callable[[Page], Output]) -> list[Output]:
    outputs = []
    for page in pages:
        start, start_cpu = time.perf_counter(), time.process_time()
        out = func(page)
        out.ms = (time.perf_counter() - start) * 1000
        out.cpu_ms = (time.process_time() - start_cpu) * 1000
        outputs.append(out)
    return outputs


def trafilatura_cached(corpus: str, pages: list[Page], refresh: bool) -> list[Output]:
    """trafilatura's outputs for a corpus, measured once and kept in bench/out/."""
    import trafilatura

    cache = OUT / f"trafilatura-{trafilatura.__version__}-{corpus}.json"
    if cache.exists() and not refresh:
        rows = json.loads(cache.read_text(encoding="utf-8"))
        if [r["url"] for r in rows] == [p.url for p in pages]:
            return [Output(**{k: v for k, v in r.items() if k != "url"}) for r in rows]
    trafilatura_output(pages[0])  # warm-up
    outputs = run(pages, trafilatura_output)
    OUT.mkdir(parents=True, exist_ok=True)
    rows = [{"url": p.url, **o.__dict__} for p, o in zip(pages, outputs, strict=True)]
    cache.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return outputs


def snippet_scores(pages: list[Page], outputs: list[Output]) -> dict:
    """extraction-dev's score: precision, recall and F1 over all snippets."""
    tp = fn = fp = 0
    misses: dict[str, dict[str, list[str]]] = {}
    for page, out in zip(pages, outputs, strict=True):
        text = normalize(out.text)
        missing = [s for s in page.with_ if normalize(s) not in text]
        leaked = [s for s in page.without if normalize(s) in text]
        tp += len(page.with_) - len(missing)
        fn += len(missing)
        fp += len(leaked)
        if missing or leaked:
            misses[page.url] = {"missing": missing, "leaked": leaked}
    return {
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "f1": 2 * tp / (2 * tp + fp + fn) if tp else 0.0,
        "misses": misses,
    }


def word_f1(predicted: str, truth: str) -> float:
    """WCXB's page score: F1 of the bags of lower-cased words."""
    pred, gold = Counter(words(predicted)), Counter(words(truth))
    if not pred or not gold:
        return float(not pred and not gold)
    overlap = sum((pred & gold).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(pred.values()), overlap / sum(gold.values())
    return 2 * precision * recall / (precision + recall)


def author_match(found: list[str], truth: str) -> bool:
    """WCXB's rule: the true author is in the extracted byline, or the reverse."""
    byline = normalize(", ".join(found)).lower()
    truth = normalize(truth).lower()
    return bool(byline) and (truth in byline or byline in truth)


# What uninews's kind should be for each WCXB page type: articles are articles; listings and
# collections must not be archived as articles (listing, or a plain page); the rest are pages.
EXPECTED_KIND = {"article": {"article"}, "listing": {"listing"}, "collection": {"listing"}}


def wcxb_scores(pages: list[Page], outputs: list[Output]) -> dict:
    """Body word F1 (articles, all) and field agreement, as the WCXB README defines them."""
    per_page = [word_f1(o.text, p.main_content) for p, o in zip(pages, outputs, strict=True)]
    res: dict = {}
    for group, keep in (("articles", lambda p: p.page_type == "article"), ("all", lambda p: 1)):
        idx = [i for i, p in enumerate(pages) if keep(p)]
        row = {"pages": len(idx), "f1": statistics.fmean(per_page[i] for i in idx)}
        titled = [i for i in idx if pages[i].title]
        row["title"] = statistics.fmean(
            words(outputs[i].title) == words(pages[i].title) for i in titled
        )
        dated = [i for i in idx if pages[i].date]
        row["date"] = statistics.fmean(
            (outputs[i].date or "")[:10] == pages[i].date[:10] for i in dated
        )
        authored = [i for i in idx if pages[i].author]
        row["author"] = statistics.fmean(
            author_match(outputs[i].authors, pages[i].author) for i in authored
        )
        res[group] = row
    res["per_page_f1"] = per_page
    return res


def kind_agreement(pages: list[Page], outputs: list[Output]) -> dict:
    """How often uninews's article/page/listing decision agrees with WCXB's page type."""
    table: dict[str, Counter] = {}
    for page, out in zip(pages, outputs, strict=True):
        table.setdefault(page.page_type, Counter())[out.kind or "?"] += 1
    agree = {}
    for ptype, counts in table.items():
        total = sum(counts.values())
        if ptype in EXPECTED_KIND:
            ok = sum(counts[k] for k in EXPECTED_KIND[ptype])
        else:
            ok = total - counts["article"] - counts["listing"]
        agree[ptype] = {
            "pages": total,
            "agree": ok / total,
            "as_article": counts["article"] / total,
            "kinds": dict(counts),
        }
    return agree


def timing(outputs: list[Output]) -> dict:
    times = sorted(o.ms for o in outputs)
    cpu = sorted(o.cpu_ms for o in outputs)
    return {
        "median_ms": statistics.median(times),
        "p95_ms": times[int(0.95 * (len(times) - 1))],
        "p99_ms": times[int(0.99 * (len(times) - 1))],
        "max_ms": times[-1],
        # CPU time of this process: steadier than wall time when other work shares the cores
        "median_cpu_ms": statistics.median(cpu),
        "p99_cpu_ms": cpu[int(0.99 * (len(cpu) - 1))],
        "max_cpu_ms": cpu[-1],
    }


def evaluate(corpus: str, pages: list[Page], outputs: list[Output]) -> dict:
    """Every figure of one extractor on one corpus."""
    res = {**timing(outputs)}
    by_cpu = sorted(zip(pages, outputs, strict=True), key=lambda po: -po[1].cpu_ms)
    res["over_100_cpu_ms"] = sum(o.cpu_ms > 100 for o in outputs)
    res["slowest_cpu"] = [[p.url, round(o.cpu_ms, 1)] for p, o in by_cpu[:5]]
    if corpus == "wcxb-dev":
        res.update(wcxb_scores(pages, outputs))
        res["kinds"] = kind_agreement(pages, outputs) if outputs[0].kind is not None else None
    else:
        res.update(snippet_scores(pages, outputs))
    return res


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["extraction-dev", "wcxb-dev"], action="append")
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV, help="extraction-dev folder")
    parser.add_argument("--wcxb", type=Path, default=DEFAULT_WCXB, help="wcxb-dev folder")
    parser.add_argument("--only", choices=["ours", "trafilatura"])
    parser.add_argument("--refresh", action="store_true", help="measure trafilatura again")
    parser.add_argument("--json", type=Path, help="write scores and per-page results here")
    args = parser.parse_args(argv)
    folders = {"extraction-dev": args.dev, "wcxb-dev": args.wcxb}
    corpora = args.corpus or list(folders)
    for name in corpora:
        if not folders[name].is_dir():
            print(f"no {name} corpus at {folders[name]}: pass --dev/--wcxb PATH", file=sys.stderr)
            return 2
    sys.path.insert(0, str(ROOT))
    results: dict = {}
    for name in corpora:
        pages = load_corpus(folders[name])
        # Warm-up as an extraction process has it before its first page: imports (the
        # second opinions' too), dateparser's language data, compiled expressions.
        import scraper.workers.preload  # noqa: F401

        ours(pages[0])
        outs = {}
        if args.only != "trafilatura":
            calls = count_second_opinions()
            calls.clear()
            outs["uninews"] = run(pages, ours)
            asked = calls["body"]
        if args.only != "ours":
            outs["trafilatura 2.3.1"] = trafilatura_cached(name, pages, args.refresh)
        results[name] = {who: evaluate(name, pages, o) for who, o in outs.items()}
        print(report(name, len(pages), results[name]))
        if "uninews" in outs:
            results[name]["uninews"]["second_opinions"] = asked
            print(f"uninews asked trafilatura for the body on {asked} of {len(pages)} pages.")
            r = results[name]["uninews"]
            print(f"uninews over 100 ms of CPU on {r['over_100_cpu_ms']} pages; slowest:")
            for url, cpu in r["slowest_cpu"]:
                print(f"  {cpu:8.1f} ms  {url}")
    print("uninews: title + lead + body_text through the crawler's extract_body (bytes, charset);")
    print("trafilatura: bare_extraction text and metadata, times cached in bench/out/.")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


def report(name: str, count: int, res: dict) -> str:
    lines = [f"\n{name}: {count} pages\n"]
    if name == "wcxb-dev":
        lines.append(
            "| extractor | pages | body F1 | title | published | author "
            "| median ms | p95 ms | p99 ms | max ms | median CPU ms | p99 CPU ms | max CPU ms |"
        )
        lines.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for who, r in res.items():
            for group in ("articles", "all"):
                g = r[group]
                lines.append(
                    f"| {who} | {group} ({g['pages']}) | {g['f1']:.3f} | {g['title']:.2f} "
                    f"| {g['date']:.2f} | {g['author']:.2f} | {r['median_ms']:.1f} "
                    f"| {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.1f} "
                    f"| {r['median_cpu_ms']:.1f} | {r['p99_cpu_ms']:.1f} | {r['max_cpu_ms']:.1f} |"
                )
        kinds = res.get("uninews", {}).get("kinds")
        if kinds:
            lines.append("\nuninews kind against WCXB page type:\n")
            lines.append("| page type | pages | agree | archived as article | kinds |")
            lines.append("| --- | --- | --- | --- | --- |")
            for ptype, k in sorted(kinds.items(), key=lambda kv: -kv[1]["pages"]):
                shown = ", ".join(f"{n} {c}" for n, c in sorted(k["kinds"].items()))
                lines.append(
                    f"| {ptype} | {k['pages']} | {k['agree']:.2f} | {k['as_article']:.2f} "
                    f"| {shown} |"
                )
    else:
        lines.append(
            "| extractor | precision | recall | F1 | median ms | p95 ms | p99 ms | max ms "
            "| median CPU ms | p99 CPU ms | max CPU ms |"
        )
        lines.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for who, r in res.items():
            lines.append(
                f"| {who} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} "
                f"| {r['median_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} "
                f"| {r['max_ms']:.1f} | {r['median_cpu_ms']:.1f} | {r['p99_cpu_ms']:.1f} "
                f"| {r['max_cpu_ms']:.1f} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
