"""What an operator sees while a crawl runs and when it cannot start: a progress line that
updates in place on a terminal, and a failed start that names its cause."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from fixtures_crawl import FAST, run_uninews, summary_of


def test_a_bad_setting_value_names_the_setting(tmp_path: Path) -> None:
    result = run_uninews("crawl", "demo", "-s", "DOWNLOAD_DELAY=abc", "--db",
                         str(tmp_path / "a.db"), cwd=tmp_path)  # fmt: skip
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DOWNLOAD_DELAY=abc" in lines[0] and "takes a number" in lines[0]
    assert "no page could be fetched" not in result.stderr


@pytest.mark.crawl
def test_redis_unreachable_names_redis_and_its_address(demo_server, tmp_path: Path) -> None:
    result = run_uninews("crawl", *FAST, "demo", "--base-url", demo_server.base_url, "--spider",
                         "news", "--redis", "redis://127.0.0.1:1", "--db", str(tmp_path / "a.db"),
                         "--json", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 1
    failed = [line for line in result.stderr.splitlines() if line.startswith("Crawl failed")]
    assert len(failed) == 1 and "Redis unreachable at redis://127.0.0.1:1" in failed[0]
    assert "no page could be fetched" not in result.stderr
    assert "Redis unreachable" in summary_of(result)["runs"][0]["error"]
    assert demo_server.requests == []


def read_all(fd: int, into: bytearray, done: threading.Event) -> None:
    try:
        while chunk := os.read(fd, 65536):
            into.extend(chunk)
    except OSError:
        pass  # EIO: the crawl closed the terminal
    finally:
        done.set()


@pytest.mark.crawl
def test_on_a_terminal_progress_is_one_line_updated_in_place(demo_server, tmp_path: Path):
    master, slave = pty.openpty()
    command = [sys.executable, "-m", "scraper.cli", "crawl", *FAST,
               "-s", "UNINEWS_PROGRESS_TTY_INTERVAL=0.1", "demo", "--base-url",
               demo_server.base_url, "--db", str(tmp_path / "a.db"), "--json"]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=slave, cwd=tmp_path) as proc:
        os.close(slave)
        seen, done = bytearray(), threading.Event()
        reader = threading.Thread(target=read_all, args=(master, seen, done), daemon=True)
        reader.start()
        out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0
    assert done.wait(10)
    os.close(master)
    text = seen.decode("utf-8", "replace")
    updates = [part for part in text.split("\r") if "pages/min" in part]
    assert len(updates) >= 2, text[-2000:]
    for word in ("pages, ", "queued", "pages/min", " new", " changed", " errors"):
        assert all(word in update for update in updates), word
    assert any("news: " in u for u in updates) and any("pages: " in u for u in updates)
    assert "\n" not in "".join(updates[:-1]), "progress lines must not scroll"
    assert text.endswith("\r\x1b[K"), "the line is cleared before the summary"
    assert summary_of(subprocess.CompletedProcess([], 0, out.decode(), ""))["ok"] is True
