"""pytest fixtures for the crawl area: run `uninews` as a real subprocess, read-only views of
the archive a crawl wrote, and a throwaway redis-server (HTTP servers: fixtures_servers.py)."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Settings that make local crawls fast: no politeness delays against our own servers.
FAST = (
    "-s", "AUTOTHROTTLE_ENABLED=0",
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "-s", "UNINEWS_PROGRESS_INTERVAL=0",
)  # fmt: skip


def run_uninews(
    *args: str, cwd: Path | str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    """`uninews ARGS` in a fresh interpreter, as an operator would run it."""
    return subprocess.run(
        [sys.executable, "-m", "scraper.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def crawl(*args: str, db: Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`uninews crawl ARGS --db DB --json` with the fast settings; asserts nothing."""
    return run_uninews("crawl", *FAST, *args, "--db", str(db), "--json", cwd=cwd)


def write_warc(db: Path, out: Path) -> subprocess.CompletedProcess:
    """`uninews warc --db DB --out OUT`, which must succeed."""
    result = run_uninews("warc", "--db", str(db), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return result


def summary_of(result: subprocess.CompletedProcess) -> dict:
    assert result.stdout.strip(), f"no summary; stderr:\n{result.stderr[-3000:]}"
    return json.loads(result.stdout)


class ArchiveView:
    """Plain SQL over an archive file, read-only, for assertions."""

    def __init__(self, path: Path):
        self.path = path

    def rows(self, sql: str, *params: object) -> list[dict]:
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in conn.execute(sql, params)]
        finally:
            conn.close()

    def scalar(self, sql: str, *params: object) -> object:
        rows = self.rows(sql, *params)
        return next(iter(rows[0].values())) if rows else None

    def snapshot(self, dest: Path) -> ArchiveView:
        """A copy as it is now (WAL included), for comparing stages of a crawl."""
        src = sqlite3.connect(self.path)
        out = sqlite3.connect(dest)
        try:
            src.backup(out)
        finally:
            src.close()
            out.close()
        return ArchiveView(dest)


@pytest.fixture
def archive_view() -> Callable[[Path], ArchiveView]:
    return ArchiveView


# -- a server that answers badly on purpose -------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- redis for distributed crawls ----------------------------------------------------------

REDIS_SERVER = "/usr/bin/redis-server"


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A throwaway redis-server on a free port (no persistence), stopped after the test."""
    if not Path(REDIS_SERVER).exists() and not os.environ.get("CI"):
        # CI installs it (.ci/run); there a missing server must fail, not skip.
        pytest.skip("redis-server is not installed here (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        for line in proc.stdout:  # wait for the server to say it is ready
            if "Ready to accept connections" in line:
                break
        else:
            pytest.fail("redis-server did not start")
        # keep reading its log so a full pipe never stalls it
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        import redis

        assert redis.Redis(port=port).ping()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
