"""Soak: many crawls into one archive while readers loop over it, with kills at random points.

Each round crawls the demo site (state 1 or 2 in turn, so rounds add new, changed and gone
pages) into the same archive while readers loop over it (tests/archive_readers.py: uninews's
read commands in this process and as fresh processes, sqlite-utils, Datasette through
`uninews serve --live`). In some rounds the crawl is SIGKILLed at a random point, and a random
reader is SIGKILLed and started again. After every round: `PRAGMA integrity_check`, and for a
crawl that was not killed, that every article of the site in that state has a capture from the
round's run and that its summary counted exactly what the archive holds for the run. At the
end, no run may be left `running`, and every killed one must be `interrupted`.

    .venv/bin/python bench/soak.py [--rounds 20] [--pairs 300] [--max-minutes 30] [--seed 1]

Prints one line per round and a summary; exits 1 if any check failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READERS = ROOT / "tests" / "archive_readers.py"
FAST = ["-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "UNINEWS_PROGRESS_INTERVAL=0"]  # fmt: skip
READER_KINDS = ("cli", "cli-process", "sqlite-utils", "http")


def uninews(*args: str) -> list[str]:
    return [sys.executable, "-m", "scraper.cli", *args]


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=60)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def site_urls(base: str, folder: Path, state: int) -> set[str]:
    """Every article of the site in this state (a quiet crawl, nobody reading, finds them):
    a recrawl must capture each of them, whatever else it revisits or skips."""
    db = folder / f"reference-{state}.db"
    if not db.exists():
        subprocess.run(uninews("crawl", "demo", "--base-url", base, "--db", str(db), *FAST),
                       check=True, capture_output=True)  # fmt: skip
    sql = ("SELECT DISTINCT v.url FROM versions v JOIN pages p ON p.url = v.url"
           " WHERE p.kind = 'article'")  # fmt: skip
    return {url for (url,) in query(db, sql)}


class Readers:
    """The reader processes of one archive; kill_one() SIGKILLs one and starts it again."""

    def __init__(self, db: Path, folder: Path, http_url: str) -> None:
        self.db, self.folder, self.http_url = db, folder, http_url
        self.stop = folder / "stop"
        self.stop.unlink(missing_ok=True)
        self.running: list[tuple[str, subprocess.Popen, Path]] = []
        self.reports: list[dict] = []
        self.killed = 0
        for kind in READER_KINDS:
            self._start(kind)

    def _start(self, kind: str) -> None:
        report = self.folder / f"reader-{len(self.reports)}-{len(self.running)}-{kind}.json"
        cmd = [sys.executable, str(READERS), kind, "--db", str(self.db), "--stop",
               str(self.stop), "--report", str(report), "--url", self.http_url]  # fmt: skip
        process = subprocess.Popen(cmd, stderr=subprocess.DEVNULL, start_new_session=True)
        self.running.append((kind, process, report))

    def kill_one(self, rng: random.Random) -> None:
        kind, process, _ = self.running.pop(rng.randrange(len(self.running)))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        self.killed += 1
        self._start(kind)

    def finish(self) -> list[dict]:
        self.stop.touch()
        for _, process, report in self.running:
            process.wait(timeout=600)
            if report.exists():
                self.reports.append(json.loads(report.read_text()))
        self.running = []
        return self.reports


def start_serve(db: Path) -> tuple[subprocess.Popen, str]:
    sys.path.insert(0, str(ROOT))
    from archive.serve import start

    running = start(uninews("serve", "--live", "--port", "0", "--db", str(db)), timeout=120)
    return running, running.url


def kill_at(db: Path, crawl: subprocess.Popen, last_run: int, captures: int) -> None:
    """SIGKILL the crawl (and its extraction and archive processes) once its runs hold
    `captures` captures: a point in the crawl's own progress, not a time."""
    sql = "SELECT count(*) FROM captures WHERE run_id > ?"
    while crawl.poll() is None:
        try:
            if query(db, sql, last_run)[0][0] >= captures:
                os.killpg(crawl.pid, signal.SIGKILL)
                return
        except sqlite3.OperationalError:
            pass  # busy: look again
        time.sleep(0.05)


def run_round(n: int, db: Path, base: str, last_run: int, kill_at_captures: int | None) -> dict:
    cmd = uninews("crawl", "demo", "--base-url", base, "--db", str(db), "--json", *FAST)
    crawl = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)  # fmt: skip
    watcher = None
    if kill_at_captures is not None:
        watcher = threading.Thread(target=kill_at, args=(db, crawl, last_run, kill_at_captures))
        watcher.start()
    stdout, stderr = crawl.communicate(timeout=1800)
    if watcher is not None:
        watcher.join()
    killed = crawl.returncode == -signal.SIGKILL
    return {"round": n, "killed": killed, "code": crawl.returncode, "stdout": stdout,
            "stderr": stderr}  # fmt: skip


def check_round(db: Path, result: dict, urls: set[str], run_ids_before: set[int]) -> dict:
    (integrity,) = query(db, "PRAGMA integrity_check")[0]
    runs = {rid: status for rid, status in query(db, "SELECT id, status FROM runs")}
    new_runs = sorted(set(runs) - run_ids_before)
    marks = ",".join("?" * len(new_runs)) or "NULL"
    found = {u for (u,) in query(db, f"SELECT url FROM captures WHERE run_id IN ({marks})",
                                 *new_runs)}  # fmt: skip
    problems = [] if integrity == "ok" else [f"integrity_check: {integrity}"]
    if not result["killed"]:
        if result["code"] != 0:
            problems.append(f"crawl exit {result['code']}: {result['stderr'][-300:]}")
        missing = urls - found
        if missing:
            problems.append(f"{len(missing)} articles without a capture, e.g. {sorted(missing)[0]}")
        try:
            totals = json.loads(result["stdout"])["totals"]
            sql = f"SELECT count(*) FROM captures WHERE run_id IN ({marks})"
            committed = query(db, sql, *new_runs)[0][0]
            if sum(totals.values()) != committed:
                problems.append(f"summary says {sum(totals.values())}, archive holds {committed}")
        except (ValueError, KeyError):
            problems.append("no summary")
    return {"integrity": integrity, "expected": len(urls), "found": len(found & urls),
            "runs": {r: runs[r] for r in new_runs}, "problems": problems}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--pairs", type=int, default=300, help="article pairs (2 languages)")
    parser.add_argument("--max-minutes", type=float, default=30, help="stop starting rounds")
    parser.add_argument("--kill-every", type=int, default=3, help="SIGKILL the crawl every Nth")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", help="folder for the archive (default: a temporary one)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from scraper.demo import DemoServer, DemoSite

    rng = random.Random(args.seed)
    folder = Path(args.out or tempfile.mkdtemp(prefix="uninews-soak-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "soak.db"
    deadline = time.monotonic() + args.max_minutes * 60
    failures, rows, killed_runs = 0, [], set()
    started = time.monotonic()
    with DemoServer(DemoSite(article_pairs=args.pairs)) as server:
        urls = {state: set() for state in (1, 2)}
        for state in (1, 2):
            server.set_state(state)
            urls[state] = site_urls(server.base_url, folder, state)
        subprocess.run(uninews("crawl", "demo", "--base-url", server.base_url, "--db", str(db),
                               "--max-pages", "5", *FAST), capture_output=True)  # fmt: skip
        serve, http_url = start_serve(db)
        readers = Readers(db, folder, http_url)
        try:
            for n in range(1, args.rounds + 1):
                if time.monotonic() > deadline:
                    print(f"time is up after {n - 1} rounds")
                    break
                state = 1 + n % 2
                server.set_state(state)
                before = {rid for (rid,) in query(db, "SELECT id FROM runs")}
                kill = None
                if n % args.kill_every == 0:
                    kill = rng.randrange(10, max(11, len(urls[state]) * 4 // 5))
                if rng.random() < 0.5:
                    readers.kill_one(rng)
                result = run_round(n, db, server.base_url, max(before), kill)
                check = check_round(db, result, urls[state], before)
                if result["killed"]:  # the runs its process left behind, unfinished
                    killed_runs |= {r for r, st in check["runs"].items() if st == "running"}
                failures += bool(check["problems"])
                rows.append((result, check))
                print(f"round {n:2}: state {state}, "
                      f"{f'killed at {kill} captures' if result['killed'] else 'crawled'}, "
                      f"captures of the site's articles {check['found']}/{check['expected']}, "
                      f"integrity {check['integrity']}, runs {check['runs']}"
                      + (f"  PROBLEMS: {check['problems']}" if check["problems"] else ""),
                      flush=True)  # fmt: skip
            # The run of a crawl killed in the last round is marked by the next crawl's start.
            last = uninews("crawl", "demo", "--base-url", server.base_url, "--db", str(db),
                           "--max-pages", "5", *FAST)  # fmt: skip
            subprocess.run(last, capture_output=True)
        finally:
            reports = readers.finish()
            serve.stop()
    runs = dict(query(db, "SELECT id, status FROM runs"))
    left_running = [r for r, s in runs.items() if s == "running"]
    not_marked = [r for r in killed_runs if runs.get(r) != "interrupted"]
    reads = sum(r["reads"] for r in reports)
    bad_reads = [f for r in reports for f in r["failures"]]
    (integrity,) = query(db, "PRAGMA integrity_check")[0]
    captures = query(db, "SELECT count(*) FROM captures")[0][0]
    print(f"\n{len(rows)} rounds in {(time.monotonic() - started) / 60:.1f} min, "
          f"{sum(r['killed'] for r, _ in rows)} crawls SIGKILLed, {readers.killed} readers "
          f"SIGKILLed; final integrity_check {integrity}; {captures} captures; rounds with "
          f"problems {failures}; runs left running {left_running}; killed runs not marked "
          f"interrupted {not_marked}; {reads} reads, {len(bad_reads)} failed")  # fmt: skip
    for failure in bad_reads[:5]:
        print("  reader:", failure["read"], failure["detail"][:300].replace("\n", " | "))
    ok = not (failures or left_running or not_marked or bad_reads) and integrity == "ok"
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
