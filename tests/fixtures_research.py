"""pytest fixtures for the research area (export, serve, search/history/diff/show).

`demo_archive`: an archive filled by two real `uninews crawl demo` runs (state 1, then the
edited state 2) against a demo server on 127.0.0.1. It is built once per test session (kept
under pytest's base temp folder) and copied for each test module, so a test that writes (serve
adds its views) never changes what another test reads.

A test asks for `demo_archive` (conftest.py lists this file in pytest_plugins).
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fixtures_crawl import ArchiveView, crawl

from scraper.demo import DemoServer, DemoSite
from scraper.demo.model import Changes


@dataclass(frozen=True)
class DemoArchive:
    """An archive of the demo site crawled in state 1 and again in state 2."""

    path: Path  # this module's own copy of the archive
    base: str  # the demo server's base URL during the crawls (pages.url starts with it)
    between: str  # a UTC time after the first crawl and before the second
    changes: Changes  # what state 2 changed, by path
    site: DemoSite

    def url(self, path: str) -> str:
        return self.base + path

    def rows(self, sql: str, *params: object) -> list[dict]:
        return ArchiveView(self.path).rows(sql, *params)


def _utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _build(folder: Path, site: DemoSite) -> tuple[str, str]:
    db = folder / "archive.db"
    with DemoServer(site, state=1) as server:
        first = crawl("demo", "--base-url", server.base_url, db=db)
        assert first.returncode == 0, first.stderr[-3000:]
        between = _utc_now()
        server.set_state(2)
        second = crawl("demo", "--base-url", server.base_url, db=db)
        assert second.returncode == 0, second.stderr[-3000:]
        base = server.base_url.rstrip("/")
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    (folder / "facts.txt").write_text(f"{base}\n{between}\n")
    return base, between


def demo_archive_for(demo_site: DemoSite, tmp_path_factory, request) -> DemoArchive:
    """A module's own copy of the session's demo archive (crawled on first use)."""
    shared = tmp_path_factory.getbasetemp() / "research-demo-archive"
    if (shared / "facts.txt").exists():
        base, between = (shared / "facts.txt").read_text().split()
    else:
        shutil.rmtree(shared, ignore_errors=True)
        shared.mkdir()
        base, between = _build(shared, demo_site)
    own = tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
    path = own / "archive.db"
    shutil.copyfile(shared / "archive.db", path)
    return DemoArchive(path, base, between, demo_site.expected_changes(), demo_site)


@pytest.fixture(scope="module")
def demo_archive(demo_site: DemoSite, tmp_path_factory, request) -> DemoArchive:
    return demo_archive_for(demo_site, tmp_path_factory, request)
