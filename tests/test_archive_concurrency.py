"""Readers beside a crawl: searching, exporting and browsing an archive while a crawl writes it
never damages it, and the crawl's summary says what it committed.

The torture test crawls the demo site (1,000 articles) while other processes loop over the
same file with uninews's read commands, sqlite-utils and Datasette (`uninews serve --live`).
Afterwards the archive must pass `PRAGMA integrity_check`, hold a capture of every URL, and
have the same counts as the same crawl made with nobody reading. bench/soak.py repeats it with
kills at random points.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fixtures_crawl import FAST, crawl, summary_of

from archive.serve import start
from scraper.demo import DemoServer, DemoSite

READERS = Path(__file__).with_name("archive_readers.py")


def archive_counts(db: Path) -> dict:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        (check,) = conn.execute("PRAGMA integrity_check").fetchone()
        return {
            "integrity": check,
            "captures": conn.execute("SELECT count(*) FROM captures").fetchone()[0],
            "urls": conn.execute("SELECT count(DISTINCT url) FROM captures").fetchone()[0],
            "versions": conn.execute("SELECT count(*) FROM versions").fetchone()[0],
            "pages": conn.execute("SELECT count(*) FROM pages").fetchone()[0],
            "outcomes": dict(
                conn.execute("SELECT outcome, count(*) FROM captures GROUP BY outcome").fetchall()
            ),
            "runs": [tuple(r) for r in conn.execute("SELECT id, status FROM runs ORDER BY id")],
        }
    finally:
        conn.close()


def start_readers(
    db: Path, folder: Path, kinds: tuple[str, ...], http_url: str = ""
) -> list[tuple[subprocess.Popen, Path]]:
    readers = []
    for kind in kinds:
        report = folder / f"reader-{len(list(folder.glob('reader-*')))}.json"
        report.touch()
        cmd = [sys.executable, str(READERS), kind, "--db", str(db), "--stop",
               str(folder / "stop"), "--report", str(report), "--url", http_url]  # fmt: skip
        readers.append((subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True), report))
    return readers


def wait_for_run(db: Path, crawl: subprocess.Popen) -> None:
    """Until the crawl has created the archive and its run row (or ended)."""
    while crawl.poll() is None:
        if db.exists():
            try:
                conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
                try:
                    if conn.execute("SELECT count(*) FROM runs").fetchone()[0]:
                        return
                finally:
                    conn.close()
            except sqlite3.OperationalError:
                pass  # no tables yet
        time.sleep(0.05)


@pytest.mark.crawl
def test_readers_beside_a_crawl_leave_the_archive_whole(tmp_path: Path) -> None:
    site = DemoSite(article_pairs=500)
    quiet, busy = tmp_path / "quiet.db", tmp_path / "busy.db"
    with DemoServer(site) as server:
        reference = summary_of(crawl("demo", "--base-url", server.base_url, db=quiet))
        expected = archive_counts(quiet)
        assert expected["versions"] >= 1000, expected

        # Into a new archive, as a first scheduled crawl: readers start before it exists.
        readers = start_readers(busy, tmp_path, ("cli", "cli-process", "cli-process",
                                                 "sqlite-utils"))  # fmt: skip
        serve = None
        command = [sys.executable, "-m", "scraper.cli", "crawl", *FAST, "demo",
                   "--base-url", server.base_url, "--db", str(busy), "--json"]  # fmt: skip
        running = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)  # fmt: skip
        try:
            wait_for_run(busy, running)
            serve = start(
                [
                    sys.executable,
                    "-m",
                    "scraper.cli",
                    "serve",
                    "--live",
                    "--port",
                    "0",
                    "--db",
                    str(busy),
                ],  # fmt: skip
                timeout=120,
            )
            readers += start_readers(busy, tmp_path, ("http",), serve.url)
            stdout, stderr = running.communicate(timeout=600)
        finally:
            running.kill()
            (tmp_path / "stop").touch()
            reports = []
            for process, report in readers:
                _, err = process.communicate(timeout=300)
                assert process.returncode == 0, err[-3000:]
                reports.append(json.loads(report.read_text()))
            if serve is not None:
                serve.stop()

    found = archive_counts(busy)
    assert found["integrity"] == "ok"
    assert running.returncode == 0, stderr[-3000:]
    summary = json.loads(stdout)
    assert summary["ok"] is True
    # Every URL the quiet crawl archived has its capture, and nothing was counted twice.
    for key in ("captures", "urls", "versions", "pages", "outcomes"):
        assert found[key] == expected[key], (key, found[key], expected[key])
    assert summary["totals"] == reference["totals"]
    assert found["runs"] == expected["runs"]
    failures = [(r["kind"], f) for r in reports for f in r["failures"]]
    assert not failures, failures[:5]
    assert all(r["reads"] > 0 for r in reports), [(r["kind"], r["reads"]) for r in reports]
