"""A crawl reports what it committed: a capture the archive refused fails the run with the
archive's own words, and a run whose process was killed is marked interrupted, never left
`running`."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fixtures_crawl import FAST, crawl, run_uninews, summary_of

from archive import Archive
from scraper.demo import DemoServer, DemoSite


def refuse_english_pages(db: Path) -> None:
    """A real SQLite failure in the real write path: inserts of English pages abort."""
    Archive.open(db).close()
    conn = sqlite3.connect(db)
    conn.execute(  # captures is a view over capture_rows since schema 6
        "CREATE TRIGGER refuse BEFORE INSERT ON capture_rows"
        " WHEN (SELECT url FROM urls WHERE id = new.url_id) LIKE '%/en/%'"
        " BEGIN SELECT RAISE(ABORT, 'no space left on device (test)'); END"
    )
    conn.commit()
    conn.close()


@pytest.mark.crawl
@pytest.mark.parametrize("writer", ["process", "thread"])
def test_a_capture_the_archive_refuses_fails_the_run(
    tmp_path: Path, demo_server: DemoServer, archive_view, writer: str
) -> None:
    db = tmp_path / "archive.db"
    refuse_english_pages(db)
    result = crawl(
        "demo", "--base-url", demo_server.base_url, "-s", f"UNINEWS_ARCHIVE_WRITER={writer}", db=db
    )
    assert result.returncode == 1
    failed = [line for line in result.stderr.splitlines() if line.startswith("Crawl failed")]
    assert failed == [
        "Crawl failed: captures could not be written to the archive: "
        "IntegrityError: no space left on device (test)"
    ]
    summary = summary_of(result)
    assert summary["ok"] is False
    view = archive_view(db)
    committed = {
        r["outcome"]: r["n"]
        for r in view.rows(
            "SELECT outcome, count(*) AS n FROM captures"
            " WHERE kind NOT IN ('feed', 'robots') GROUP BY outcome"  # pages, as the totals
        )
    }
    reported = {k: v for k, v in summary["totals"].items() if v}
    assert reported == committed and committed.get("new", 0) > 0
    statuses = {r["status"] for r in view.rows("SELECT status FROM runs")}
    assert "failed" in statuses and "running" not in statuses
    errors = [r["error"] for r in summary["runs"] if r["status"] == "failed"]
    assert errors and all("no space left on device" in e for e in errors)


def wait_for_captures(db: Path, crawl: subprocess.Popen, at_least: int) -> None:
    while crawl.poll() is None:
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            try:
                if conn.execute("SELECT count(*) FROM captures").fetchone()[0] >= at_least:
                    return
            finally:
                conn.close()
        except sqlite3.OperationalError:
            pass  # not created yet
        time.sleep(0.05)
    pytest.fail(f"the crawl ended before it had {at_least} captures")


@pytest.mark.crawl
def test_a_killed_crawl_is_marked_interrupted_by_the_next(tmp_path: Path, archive_view) -> None:
    db = tmp_path / "archive.db"
    with DemoServer(DemoSite(article_pairs=400)) as server:
        command = [sys.executable, "-m", "scraper.cli", "crawl", *FAST, "demo", "--spider",
                   "news", "--base-url", server.base_url, "--db", str(db)]  # fmt: skip
        running = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        try:
            wait_for_captures(db, running, 50)
        finally:
            os.killpg(running.pid, signal.SIGKILL)
            running.wait()
        view = archive_view(db)
        assert view.rows("SELECT id, status FROM runs") == [{"id": 1, "status": "running"}]
        url = view.scalar("SELECT url FROM captures WHERE run_id = 1 LIMIT 1")

        again = crawl("demo", "--spider", "news", "--base-url", server.base_url, db=db)
    assert again.returncode == 0, again.stderr[-2000:]
    assert view.rows("SELECT id, status FROM runs ORDER BY id") == [
        {"id": 1, "status": "interrupted"},
        {"id": 2, "status": "finished"},
    ]
    history = run_uninews("history", url, "--db", str(db))
    assert "(run 1 interrupted)" in history.stdout
    as_json = json.loads(run_uninews("history", url, "--db", str(db), "--json").stdout)
    assert as_json["captures"][0]["run_status"] == "interrupted"


def test_a_run_of_a_live_process_is_left_running(tmp_path: Path) -> None:
    """Another crawl still going on (this very process) is not taken for a dead one."""
    with Archive.open(tmp_path / "a.db") as arc:
        first = arc.start_run("demo", "news")
        second = arc.start_run("demo", "pages")
        statuses = dict(arc.conn.execute("SELECT id, status FROM runs").fetchall())
    assert statuses == {first: "running", second: "running"}
