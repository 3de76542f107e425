"""The archive writer: in a process of its own (the default) or in a thread of the crawler."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures_crawl import FAST, ArchiveView, crawl

pytestmark = pytest.mark.crawl


def finished_with_every_article_once(db: Path, base_url: str, demo_site) -> dict:
    """The run's stats, once its run finished with a version for every article, exactly one."""
    archive = ArchiveView(db)
    articles = {base_url + a.path for a in demo_site.articles(1)}
    versioned = archive.rows("SELECT url, count(*) AS n FROM versions GROUP BY url")
    assert {r["url"]: r["n"] for r in versioned if r["url"] in articles} == dict.fromkeys(
        articles, 1
    )
    (run,) = archive.rows("SELECT status, stats FROM runs")
    assert run["status"] == "finished"
    return json.loads(run["stats"])


@pytest.mark.parametrize("writer", ["process", "thread"])
def test_either_writer_archives_every_article_once(writer, demo_server, demo_site, tmp_path):
    db = tmp_path / f"{writer}.db"
    result = crawl("demo", "--base-url", demo_server.base_url, "--spider", "news",
                   "-s", f"UNINEWS_ARCHIVE_WRITER={writer}", db=db)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    stats = finished_with_every_article_once(db, demo_server.base_url, demo_site)
    assert stats["uninews/archive_writer"] == writer


def holders_of(path: Path) -> set[int]:
    """Pids of the processes that have `path` open (Linux /proc)."""
    pids = set()
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            links = [os.readlink(fd) for fd in fd_dir.iterdir()]
        except OSError:  # gone, or not ours to read
            continue
        if str(path) in links:
            pids.add(int(fd_dir.parent.name))
    return pids


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_a_killed_archive_process_loses_no_capture(demo_server, demo_site, tmp_path):
    db = tmp_path / "killed.db"
    crawl_cmd = [sys.executable, "-m", "scraper.cli", "crawl", "demo", "-v", "--base-url",
                 demo_server.base_url, "--spider", "news", "--db", str(db), *FAST]  # fmt: skip
    proc = subprocess.Popen(crawl_cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    written = 0
    for line in proc.stderr:  # the pipeline logs every recorded page at DEBUG
        written += " new http" in line
        if written == 10:
            break
    else:
        raise AssertionError(f"the crawl ended ({proc.wait()}) before 10 pages were written")
    (writer,) = holders_of(db) - {proc.pid}  # the archive process: the crawler's child
    os.kill(writer, signal.SIGKILL)
    rest = proc.stderr.read()
    assert proc.wait(timeout=120) == 0, rest[-2000:]
    assert "The archive process died; writing in this process from now on" in rest

    stats = finished_with_every_article_once(db, demo_server.base_url, demo_site)
    assert stats["uninews/archive_writer"] == "thread"
    assert stats["uninews/archive_process_broken"] == 1
