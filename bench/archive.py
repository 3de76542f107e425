"""Benchmark the archive write path and full-text search.

Writes N versions of realistic size through the library (body text 3-6 KB of Swedish and
English words; raw HTML 40-80 KB sharing one site's boilerplate), half of them first versions
of new pages and half changed second versions, then times full-text queries.

    python bench/archive.py                  # 100,000 versions (a few minutes)
    python bench/archive.py --versions 5000  # quick run
    python bench/archive.py --bulk --versions 1000000 --out big.db   # build only, for search

Prints a Markdown table: captures per second (waited, and per second of the recording
thread's CPU), archive bytes per version, query p50/p95.

--bulk builds a large archive for bench/search.py, still through Archive.record() (the real
schema, triggers and index), but BULK_BATCH records to a transaction (each record()'s own
transaction a savepoint inside it), with small raw pages (the search reads versions and the
full-text index, never bodies), four sites, and fetch times a year long. Every page's edit
follows its first version within a batch, so the generator holds one batch of texts.
--copies N then copies every page N times under new URLs, in SQL (see add_copies).

--dates says how publication dates relate to the order versions are archived in:
`uniform` (the default, and the archives measured before it existed) draws every page's
date from the year at random, so a date range's versions are spread over the whole archive,
each page archived up to a year before it was published; `crawled` dates each page up to a
week before its first fetch, with the first tenth of pages a site's back catalogue of the
five years before (what a first crawl finds), and --copies then moves each copy's dates and
fetch times a year on per copy: an archive of years of daily crawls, in time order.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name would shadow the
# `archive` package it measures.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

from archive import Archive, Capture  # noqa: E402
from archive.store import transaction  # noqa: E402

# Frequent words first; Vocabulary adds thousands of rarer made-up words behind them and draws
# with Zipf's law (weight 1/rank), as word frequencies in real text run.
SWEDISH_COMMON = (
    "och i att det som en på är av för med till den har de inte om ett universitet forskning "
    "studenter samarbete region västerbotten umeå nyhet projekt utbildning lärare miljö klimat "
    "hälsa medicin teknik samhälle framtid kunskap partnerskap innovation arktis skog älv hav "
    "fjäll doktorand professor institution fakultet bidrag vetenskap resultat studie analys "
    "data digital hållbar utveckling energi vatten människor barn skola vård sjukhus kommun"
).split()
ENGLISH_COMMON = (
    "the of and to in a is that for on with as by university research students collaboration "
    "region news project education teacher environment climate health medicine technology "
    "society future knowledge partnership innovation arctic forest river sea mountain doctoral "
    "professor department faculty grant science results study analysis data digital energy"
).split()
SYLLABLES = "ka la ma na sa ta ri ro mu ne vi gö bå äl ör sk st tr pe lo fi da un er an".split()
RARE_WORDS = 20_000


class Vocabulary:
    def __init__(self, rng: random.Random, common: list[str]) -> None:
        made_up = {"".join(rng.choices(SYLLABLES, k=rng.randint(2, 5))) for _ in range(RARE_WORDS)}
        self.words = common + sorted(made_up - set(common))
        self.cum_weights = list(
            itertools.accumulate(1 / rank for rank in range(1, len(self.words) + 1))
        )

    def draw(self, rng: random.Random, n: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum_weights, k=n)


def words(rng: random.Random, vocab: Vocabulary, n: int) -> str:
    return " ".join(vocab.draw(rng, n))


def paragraphs(rng: random.Random, vocab: Vocabulary, size: int) -> list[str]:
    out, total = [], 0
    while total < size:
        p = words(rng, vocab, rng.randrange(25, 70)).capitalize() + "."
        out.append(p)
        total += len(p) + 2
    return out


def boilerplate(rng: random.Random, sv: Vocabulary) -> tuple[str, str]:
    """One site's page furniture (menus, footer, scripts): shared by every page, ~40 KB."""
    nav = "".join(
        f'<li class="menu-item"><a href="/{w}/{i}/">{w.capitalize()} {words(rng, sv, 2)}</a></li>\n'
        for i, w in enumerate(sv.draw(rng, 420))
    )
    script = "var config = {" + ",".join(f'"k{i}": {rng.random():.6f}' for i in range(700)) + "};"
    head = (
        "<!DOCTYPE html><html lang='sv'><head><meta charset='utf-8'><title>Umeå universitet"
        f"</title><script>{script}</script></head><body><a href='#content'>Hoppa direkt till "
        f"innehållet</a><nav><ul>{nav}</ul></nav><main id='content'>"
    )
    foot = "</main><footer>" + words(rng, sv, 600) + "</footer></body></html>"
    return head, foot


def article(rng: random.Random, n: int, sv: Vocabulary, en: Vocabulary) -> dict:
    vocab = sv if n % 3 else en
    body = paragraphs(rng, vocab, rng.randrange(3000, 6000))
    return {
        "title": words(rng, vocab, 8).capitalize(),
        "lead": words(rng, vocab, 30).capitalize() + ".",
        "body_text": "\n\n".join(body),
        "body_markdown": "\n\n".join(body),
        "published_at": f"2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
        "authors": [words(rng, vocab, 2).title()],
        "category": "NYHET",
        "lang": "sv" if vocab is sv else "en",
        "links": [
            {"url": f"https://www.umu.se/{w}/", "text": w} for w in words(rng, vocab, 5).split()
        ],
    }


def html(
    rng: random.Random, sv: Vocabulary, head: str, foot: str, content: dict, filler: int
) -> bytes:
    paras = "".join(f"<p>{p}</p>" for p in content["body_text"].split("\n\n"))
    teaser = words(rng, sv, filler)  # rotating teasers and tokens: differ on every fetch
    token = f"<input type='hidden' name='csrf' value='{rng.getrandbits(128):032x}'>"
    return (
        f"{head}<h1>{content['title']}</h1><p class='lead'>{content['lead']}</p>{paras}"
        f"<aside>{teaser}</aside>{token}{foot}"
    ).encode()


def page_url(page: int) -> str:
    return f"https://www.umu.se/nyheter/artikel-{page}_{9_000_000 + page}/"


def version_stream(
    rng: random.Random, n_versions: int, sv: Vocabulary, en: Vocabulary
) -> Iterator[tuple[int, int, dict]]:
    """(n, page, content): half first versions of new pages, half edited second versions.

    bench/export.py builds its archive from the same stream.
    """
    pages = max(1, n_versions // 2)
    contents: dict[int, dict] = {}
    for n in range(n_versions):
        page = n % pages
        if page in contents:
            content = dict(contents.pop(page))
            content["body_text"] += "\n\n" + words(rng, sv, 40).capitalize() + "."
        else:
            content = contents[page] = article(rng, page, sv, en)
        yield n, page, content


BULK_BATCH = 2_000  # versions per transaction in --bulk
BULK_SITES = ("umu", "lnu", "uu", "gu")
BULK_START = datetime(2026, 1, 1, tzinfo=UTC)


class BatchedArchive(Archive):
    """Archive.record() unchanged, but its transaction is a savepoint inside a batch's."""

    @contextmanager
    def transaction(self) -> Iterator:
        self.conn.execute("SAVEPOINT record")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK TO record")
            raise
        self.conn.execute("RELEASE record")


def bulk_stream(
    rng: random.Random, n_versions: int, sv: Vocabulary, en: Vocabulary
) -> Iterator[tuple[int, int, dict]]:
    """(n, page, content): like version_stream, half first versions and half edits, but each
    batch holds the first versions of its pages and then their edits."""
    for start in range(0, n_versions, BULK_BATCH):
        size = min(BULK_BATCH, n_versions - start)
        firsts, half = {}, (size + 1) // 2
        for i in range(half):
            page = start // 2 + i
            firsts[page] = article(rng, page, sv, en)
            yield start + i, page, firsts[page]
        for i, (page, first) in enumerate(list(firsts.items())[: size // 2]):
            content = dict(first)
            content["body_text"] += "\n\n" + words(rng, sv, 40).capitalize() + "."
            yield start + half + i, page, content


BACK_CATALOGUE = 0.1  # --dates crawled: the share of pages a first crawl finds already old
BACK_YEARS = 5


def crawled_date(rng: random.Random, n: int, n_versions: int, fetched: datetime) -> str:
    """--dates crawled: the publication day of a page first fetched at `fetched`."""
    if n < BACK_CATALOGUE * n_versions:
        return (fetched - timedelta(days=rng.uniform(7, 365 * BACK_YEARS))).strftime("%Y-%m-%d")
    return (fetched - timedelta(days=rng.uniform(0, 7))).strftime("%Y-%m-%d")


def build_bulk(path: str, n_versions: int, seed: int, dates: str = "uniform") -> float:
    """Fill `path` with n_versions versions through record(), BULK_BATCH per transaction;
    return the seconds it took."""
    rng = random.Random(seed)
    sv, en = Vocabulary(rng, SWEDISH_COMMON), Vocabulary(rng, ENGLISH_COMMON)
    started = time.perf_counter()
    step = timedelta(days=365) / max(n_versions, 1)
    date_rng = random.Random(seed + 1)  # apart, so that both layouts hold the same texts
    with BatchedArchive.open(path) as arc:
        arc.conn.execute("PRAGMA cache_size = -1000000")  # this connection only, 1 GB
        run_id = arc.start_run("bench", "bench")
        for n, page, content in bulk_stream(rng, n_versions, sv, en):
            if n % BULK_BATCH == 0:
                arc.conn.execute("BEGIN IMMEDIATE")
            when = BULK_START + step * n
            fetched = when.strftime("%Y-%m-%dT%H:%M:%SZ")
            if dates == "crawled" and "first_fetched" not in content:
                # a first version (its edit is a copy of this dict, so it keeps the date)
                content["published_at"] = crawled_date(date_rng, n, n_versions, when)
                content["first_fetched"] = fetched
            content = {k: v for k, v in content.items() if k != "first_fetched"}
            capture = Capture(
                url=page_url(page),
                fetched_at=fetched,
                http_status=200,
                reason="OK",
                request_headers=(("User-Agent", "uninews-bench"),),
                response_headers=(("Content-Type", "text/html; charset=utf-8"),),
                body=f"<html><body><h1>{content['title']}</h1>{n}</body></html>".encode(),
            )
            site = BULK_SITES[page % len(BULK_SITES)]
            arc.record(capture, content, run_id=run_id, site=site, kind="article")
            if n % BULK_BATCH == BULK_BATCH - 1 or n == n_versions - 1:
                arc.conn.execute("COMMIT")
            if n % 50_000 == 49_999:
                print(f"{n + 1:,} versions, {time.perf_counter() - started:.0f} s", flush=True)
        arc.finish_run(run_id, "finished", {"versions": n_versions})
        arc.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - started


PAGE_COLUMNS = (
    "site, kind, lang, first_seen, last_seen, last_changed, status, current_version, etag,"
    " last_modified, content_sha256, body_sha256, redirect_to"
)
CAPTURE_ROW_COLUMNS = (
    "run_id, requested_url, site, kind, fetched_at, request_set, response_set, header_values,"
    " redirect_to, outcome, error, elapsed_ms, extractor_version, extra, archived_at"
)
VERSION_COLUMNS = (
    "version, content_sha256, archived_at, title, lead, body_text, body_markdown,"
    " published_at, updated_at, authors, category, tags, lang, images, contacts, links,"
    " extractor_version, changed_fields"
)


# The time columns --dates crawled moves a year on per copy, and how each is written.
_DAY_COLUMNS = {"published_at"}
_STAMP_COLUMNS = {"fetched_at", "first_seen", "last_seen", "last_changed"}


def shifted(columns: str, years: int) -> str:
    """A SELECT list of `columns` with their dates and fetch times `years` later."""
    if not years:
        return columns
    out = []
    for name in (c.strip() for c in columns.split(",")):
        if name in _DAY_COLUMNS:
            out.append(f"date({name}, '+{years} years')")
        elif name in _STAMP_COLUMNS:
            out.append(f"strftime('%Y-%m-%dT%H:%M:%SZ', {name}, '+{years} years')")
        else:
            out.append(name)
    return ", ".join(out)


def add_copies(path: str, copies: int, dates: str = "uniform") -> float:
    """Add `copies` copies of every page of a --bulk archive under new URLs, in SQL, with
    rows as record() writes them (the real triggers index every copied version); return the
    seconds it took. Generating text costs as much as writing it: on a shared machine this
    makes 1,000,000 versions of 250,000 generated in a fifth of the time. A query's matches
    grow with the copies as they would with new text of the same vocabulary."""
    started = time.perf_counter()
    with BatchedArchive.open(path) as arc:
        conn = arc.conn
        conn.execute("PRAGMA cache_size = -1000000")
        top = conn.execute("SELECT max(id) FROM capture_rows").fetchone()[0]
        done = conn.execute("SELECT count(*) FROM pages WHERE url LIKE '%/artikel-c%'").fetchone()[
            0
        ]
        if done:
            raise SystemExit(f"{path} has copies already")
        for copy in range(1, copies + 1):
            new_url = f"replace(url, '/artikel-', '/artikel-c{copy}-')"
            offset = top * copy
            years = copy if dates == "crawled" else 0
            for low in range(0, top, BULK_BATCH * 10):
                high = min(low + BULK_BATCH * 10, top)
                with transaction(conn):
                    conn.execute(
                        f"INSERT INTO pages (url, {PAGE_COLUMNS}, last_capture_id)"
                        f" SELECT {new_url}, {shifted(PAGE_COLUMNS, years)},"
                        f" last_capture_id + {offset}"
                        " FROM pages WHERE last_capture_id > ? AND last_capture_id <= ?",
                        (low, high),
                    )
                    # captures is a view since schema 6: copy the narrow rows under new URLs
                    conn.execute(
                        f"INSERT OR IGNORE INTO urls (url) SELECT {new_url} FROM urls"
                        " WHERE id IN (SELECT url_id FROM capture_rows WHERE id > ? AND id <= ?)",
                        (low, high),
                    )
                    conn.execute(
                        f"INSERT INTO capture_rows (id, url_id, {CAPTURE_ROW_COLUMNS})"
                        f" SELECT c.id + {offset}, n.id, {shifted(CAPTURE_ROW_COLUMNS, years)}"
                        f" FROM capture_rows c JOIN urls u ON u.id = c.url_id"
                        f" JOIN urls n ON n.url = replace(u.url, '/artikel-', '/artikel-c{copy}-')"
                        " WHERE c.id > ? AND c.id <= ? ORDER BY c.id",
                        (low, high),
                    )
                    conn.execute(
                        f"INSERT INTO versions (url, capture_id, {VERSION_COLUMNS})"
                        f" SELECT {new_url}, capture_id + {offset},"
                        f" {shifted(VERSION_COLUMNS, years)}"
                        " FROM versions WHERE capture_id > ? AND capture_id <= ? ORDER BY id",
                        (low, high),
                    )
            print(f"copy {copy}: {time.perf_counter() - started:.0f} s", flush=True)
        conn.execute("UPDATE runs SET status = 'finished' WHERE status = 'running'")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - started


def run(n_versions: int, path: str, n_queries: int, seed: int) -> dict:
    rng = random.Random(seed)
    sv, en = Vocabulary(rng, SWEDISH_COMMON), Vocabulary(rng, ENGLISH_COMMON)
    head, foot = boilerplate(rng, sv)
    started = time.perf_counter()
    written, recording, recording_cpu = 0, 0.0, 0.0
    with Archive.open(path) as arc:
        run_id = arc.start_run("bench", "bench")
        for n, page, content in version_stream(rng, n_versions, sv, en):
            body = html(rng, sv, head, foot, content, rng.randrange(800, 5000))
            capture = Capture(
                url=page_url(page),
                fetched_at=f"2026-11-27T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z",
                http_status=200,
                reason="OK",
                request_headers=(("User-Agent", "uninews-bench"),),
                response_headers=(("Content-Type", "text/html; charset=utf-8"),),
                body=body,
            )
            t0, c0 = time.perf_counter(), time.thread_time()
            rec = arc.record(capture, content, run_id=run_id, site="bench", kind="article")
            recording += time.perf_counter() - t0
            recording_cpu += time.thread_time() - c0
            written += rec.version is not None
        elapsed = time.perf_counter() - started
        arc.finish_run(run_id, "finished", {"versions": written})
        arc.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw_bytes, stored_bytes = arc.conn.execute(
            "SELECT sum(size), sum(stored_size) FROM blobs"
        ).fetchone()

        timings = []
        for _ in range(n_queries):
            # What people search: words neither stop words nor one-offs (ranks 20-3000).
            vocab = sv if rng.random() < 0.7 else en
            query = " ".join(rng.sample(vocab.words[20:3000], rng.choice((1, 1, 2))))
            t0 = time.perf_counter()
            arc.search(query, limit=20)
            timings.append((time.perf_counter() - t0) * 1000)
    size = Path(path).stat().st_size
    timings.sort()
    return {
        "versions": written,
        "seconds": elapsed,
        "captures_per_s": n_versions / recording,
        "captures_per_cpu_s": n_versions / recording_cpu,
        "recording_s": recording,
        "bytes_per_version": size / max(written, 1),
        "archive_mb": size / 1e6,
        "raw_html_mb": raw_bytes / 1e6,
        "stored_html_mb": stored_bytes / 1e6,
        "p50_ms": statistics.median(timings),
        "p95_ms": timings[int(len(timings) * 0.95) - 1],
        "queries": n_queries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", help="archive file to write (default: a temporary file)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bulk", action="store_true", help="build --out only (see above)")
    parser.add_argument("--copies", type=int, help="add copies of every page of --out")
    parser.add_argument(
        "--dates",
        choices=["uniform", "crawled"],
        default="uniform",
        help="--bulk and --copies: publication dates at random in the year, or as crawled",
    )
    args = parser.parse_args()
    if args.copies:
        seconds = add_copies(args.out, args.copies, args.dates)
        size = Path(args.out).stat().st_size
        print(f"{args.copies} copies in {seconds:.0f} s, {size / 1e9:.2f} GB")
        return
    if args.bulk:
        if not args.out or Path(args.out).exists():
            parser.error("--bulk needs --out, a file that does not exist yet")
        seconds = build_bulk(args.out, args.versions, args.seed, args.dates)
        size = Path(args.out).stat().st_size
        print(f"{args.versions:,} versions in {seconds:.0f} s, {size / 1e9:.2f} GB")
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = args.out or os.path.join(tmp, "bench.db")
        r = run(args.versions, path, args.queries, args.seed)
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}\n")
    print("| measure | value |\n| --- | --- |")
    print(f"| versions written | {r['versions']:,} in {r['seconds']:.1f} s (with test data) |")
    print(f"| captures per second (time in record() only) | {r['captures_per_s']:,.0f} |")
    # SQLite works in the calling thread: its CPU time moves less with the machine's load.
    print(f"| captures per CPU second (record() only) | {r['captures_per_cpu_s']:,.0f} |")
    print(f"| archive bytes per version | {r['bytes_per_version']:,.0f} |")
    print(f"| archive size | {r['archive_mb']:,.1f} MB |")
    print(
        f"| raw HTML kept, as served / stored | {r['raw_html_mb']:,.0f} MB / "
        f"{r['stored_html_mb']:,.1f} MB |"
    )
    print(
        f"| full-text query p50 / p95 ({r['queries']} queries) | "
        f"{r['p50_ms']:.1f} ms / {r['p95_ms']:.1f} ms |"
    )


if __name__ == "__main__":
    main()
