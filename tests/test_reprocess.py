"""Reprocess: re-extraction of stored bodies after a real crawl of the demo site.

Versions are written only where the new extraction differs, carry the extractor version that
made them, and an interrupted reprocess (SIGKILL or SIGTERM mid-run) resumes without writing
any version twice.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import Archive
from archive.reprocess import reprocess
from scraper.cli import cli as uninews_cli
from scraper.demo import DemoServer
from scraper.extract import EXTRACTOR_VERSION, extract
from scraper.reprocess import page_content

BIN = Path(sys.executable).parent

ALT_EXTRACTOR = """
import dataclasses
from scraper.extract import extract as _extract

EXTRACTOR_VERSION = "alt-1"

def extract(html, url, profile=None):
    article = _extract(html, url, profile)
    return dataclasses.replace(article, title=(article.title or "") + " (alt)")
"""


def uninews(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "uninews"), *args], capture_output=True, text=True, timeout=120, env=env
    )


@pytest.fixture(scope="module")
def crawled(demo_site, tmp_path_factory) -> Path:
    """An archive of one real crawl of the demo site (copied per test)."""
    db = tmp_path_factory.mktemp("crawl") / "archive.db"
    with DemoServer(demo_site, state=1) as server:
        result = uninews("crawl", "demo", "--db", str(db), "--base-url", server.base_url)
    assert result.returncode == 0, result.stdout + result.stderr
    return db


@pytest.fixture(scope="module")
def crawled_gzip(demo_site, tmp_path_factory) -> Path:
    """The same crawl of the demo site gzipping its answers (bodies kept as received)."""
    db = tmp_path_factory.mktemp("crawl-gzip") / "archive.db"
    with DemoServer(demo_site, state=1, gzip=True) as server:
        result = uninews("crawl", "demo", "--db", str(db), "--base-url", server.base_url)
    assert result.returncode == 0, result.stdout + result.stderr
    return db


@pytest.fixture
def db(crawled, tmp_path) -> str:
    copy = tmp_path / "archive.db"
    shutil.copy(crawled, copy)
    return str(copy)


def versions(db: str) -> list[dict]:
    with Archive.open(db, create=False) as arc:
        rows = arc.conn.execute("SELECT * FROM versions ORDER BY id").fetchall()
    return [dict(r) for r in rows]


def reprocess_runs(db: str) -> list[dict]:
    with Archive.open(db, create=False) as arc:
        rows = arc.conn.execute("SELECT * FROM runs WHERE spider = 'reprocess' ORDER BY id")
        return [{**dict(r), "stats": json.loads(r["stats"])} for r in rows]


def english_titles_changed(html, url, profile=None):
    article = extract(html, url, profile)
    if "/en/" in url and article.title:
        return dataclasses.replace(article, title=article.title.upper())
    return article


def test_same_extractor_writes_no_version(db):
    before = versions(db)
    assert len(before) > 50
    with Archive.open(db) as arc:
        result = reprocess(arc, page_content(extract), EXTRACTOR_VERSION)
    assert result.status == "finished"
    assert result.stats.changed == 0
    assert result.stats.unchanged == len(before)
    assert versions(db) == before


def test_changed_extraction_writes_versions_only_where_it_changed(db):
    before = versions(db)
    with Archive.open(db) as arc:
        result = reprocess(arc, page_content(english_titles_changed), "upper-en")
        latest = {
            r["url"]: r["id"]
            for r in arc.conn.execute(
                "SELECT url, max(id) AS id FROM captures WHERE body_sha256 IS NOT NULL GROUP BY url"
            )
        }
    new = versions(db)[len(before) :]
    english = [v for v in before if "/en/" in v["url"]]
    assert len(english) > 10
    assert result.stats.changed == len(new) == len(english)
    assert result.stats.unchanged == len(before) - len(english)
    for version in new:
        assert "/en/" in version["url"]
        assert version["version"] == 2
        assert version["extractor_version"] == "upper-en"
        assert json.loads(version["changed_fields"]) == ["title"]
        assert version["title"] == version["title"].upper()
        assert version["capture_id"] == latest[version["url"]]
    with Archive.open(db) as arc:
        current = arc.version(new[0]["url"])
    assert current.version == 2 and current.content["title"] == new[0]["title"]
    runs = reprocess_runs(db)
    assert [(r["spider"], r["status"], r["site"]) for r in runs] == [("reprocess", "finished", "*")]
    assert runs[0]["stats"]["changed"] == len(english)

    # Run again with the same extractor: nothing more to write.
    with Archive.open(db) as arc:
        again = reprocess(arc, page_content(english_titles_changed), "upper-en")
    assert again.stats.changed == 0
    assert len(versions(db)) == len(before) + len(english)


def test_reprocess_reads_gzip_bodies_decoded(crawled_gzip, tmp_path):
    db = tmp_path / "archive.db"
    shutil.copy(crawled_gzip, db)
    before = versions(str(db))
    with Archive.open(db) as arc:
        gzipped = arc.conn.execute(
            "SELECT count(*) FROM blobs WHERE content_encoding = 'gzip'"
        ).fetchone()[0]
        same = reprocess(arc, page_content(extract), EXTRACTOR_VERSION)
        changed = reprocess(arc, page_content(english_titles_changed), "upper-en")
    assert gzipped > 50 and len(before) > 50
    assert (same.stats.changed, same.stats.unchanged) == (0, len(before))
    english = [v for v in before if "/en/" in v["url"]]
    assert changed.stats.changed == len(english) > 10
    assert all(v["title"] == v["title"].upper() for v in versions(str(db))[len(before) :])


def alt_env(tmp_path: Path) -> dict:
    (tmp_path / "alt_extractor.py").write_text(ALT_EXTRACTOR, encoding="utf-8")
    path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path}


def start_reprocess(db: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "uninews"), "reprocess", "--db", db, "--extractor", "alt_extractor:extract",
         "--progress-every", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )  # fmt: skip


def wait_for_progress(proc: subprocess.Popen, pages: int) -> None:
    """Block until the reprocess says it has processed `pages` pages."""
    seen = []
    for line in proc.stderr:
        if line.startswith(f"{pages}/"):
            return
        seen.append(line)
    raise AssertionError(f"reprocess ended ({proc.wait()}) before {pages} pages: {seen}")


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_interrupted_reprocess_resumes_without_duplicate_versions(db, tmp_path, how):
    before = versions(db)
    env = alt_env(tmp_path)
    proc = start_reprocess(db, env)
    wait_for_progress(proc, 10)
    proc.send_signal(how)
    code = proc.wait(timeout=60)
    assert code == (-signal.SIGKILL if how == signal.SIGKILL else 1)

    [run] = reprocess_runs(db)
    assert run["status"] == ("running" if how == signal.SIGKILL else "interrupted")
    done = run["stats"]["processed"]
    assert 10 <= done < run["stats"]["total"]  # stopped part way
    written = versions(db)[len(before) :]
    assert len(written) == run["stats"]["changed"] <= done

    result = uninews(
        "reprocess", "--db", db, "--extractor", "alt_extractor:extract", "--progress-every", "5",
        env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "resumed 1 time(s)" in result.stdout
    [run] = reprocess_runs(db)
    assert run["status"] == "finished"
    assert run["stats"]["processed"] == run["stats"]["total"]

    new = versions(db)[len(before) :]
    assert len(new) == len(before)  # every versioned page changed title, exactly once
    assert sorted(v["url"] for v in new) == sorted(v["url"] for v in before)
    assert {v["extractor_version"] for v in new} == {"alt-1"}
    assert all(v["title"].endswith(" (alt)") for v in new)


def in_process(*args: str):
    """The `uninews` command in this process (quick, for checks that crawl nothing)."""
    return CliRunner().invoke(uninews_cli, list(args), prog_name="uninews")


def test_a_running_reprocess_is_not_started_twice(db):
    with Archive.open(db) as arc:
        run_id = arc.start_run("*", "reprocess")
        stats = json.dumps({"pid": os.getpid(), "extractor_version": EXTRACTOR_VERSION})
        arc.conn.execute("UPDATE runs SET stats = ? WHERE id = ?", (stats, run_id))
    result = in_process("reprocess", "--db", db)
    assert result.exit_code == 2
    assert f"already running (process {os.getpid()})" in result.stderr


@pytest.mark.parametrize(
    "args, words",
    [
        (("--site", "nosuch"), "no pages of site 'nosuch'"),
        (("--extractor", "no_such_module:extract"), "cannot load extractor"),
        (("--progress-every", "0"), "Invalid value for '--progress-every'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(db, args, words):
    result = in_process("reprocess", "--db", db, *args)
    assert result.exit_code == 2
    assert words in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_missing_archive_is_one_line(tmp_path):
    result = in_process("reprocess", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "none.db").exists()
