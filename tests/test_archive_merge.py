"""`uninews merge`: two archives of the demo site made apart, folded into one either way.

Archive A crawls the site's news (gzipped answers, so its bodies carry recipes), archive B all
of it, section pages too (plain answers), each before and after the site's edits, taking
turns: A, B, A, B.
A page both captured has the same content in both at each state, so the merged history of a
page is both archives' versions in fetch order with repeats left out.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from fixtures_archive import build_capture, build_content
from fixtures_crawl import ArchiveView, crawl, run_uninews

from archive import Archive
from archive.merge import MergeResult, open_other
from archive.merge import merge as merge_archives
from scraper.demo import DemoServer, DemoSite

pytestmark = pytest.mark.crawl


@dataclass(frozen=True)
class Merged:
    a: ArchiveView  # A as crawled
    b: ArchiveView
    ab: ArchiveView  # a copy of A with B merged in
    ba: ArchiveView
    ab_summary: dict
    ba_summary: dict


def merge(other: Path, db: Path, *options: str) -> dict:
    result = run_uninews("merge", str(other), "--db", str(db), "--json", *options)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def merged(demo_site: DemoSite, tmp_path_factory) -> Merged:
    folder = tmp_path_factory.mktemp("merge")
    a, b = folder / "a.db", folder / "b.db"
    with DemoServer(demo_site, state=1) as server:
        part = ("--spider", "news")  # the articles, which the site's edits touch
        for db, state, options, gzip in ((a, 1, part, True), (b, 1, (), False),
                                         (a, 2, part, True), (b, 2, (), False)):  # fmt: skip
            server.set_state(state)
            server.gzip = gzip
            result = crawl("demo", "--base-url", server.base_url, *options, db=db)
            assert result.returncode == 0, result.stderr[-3000:]
    ab = ArchiveView(a).snapshot(folder / "ab.db")
    ba = ArchiveView(b).snapshot(folder / "ba.db")
    ab_summary, ba_summary = merge(b, ab.path), merge(a, ba.path)
    return Merged(ArchiveView(a), ArchiveView(b), ab, ba, ab_summary, ba_summary)


VERSIONS = (
    "SELECT v.url, v.version, v.content_sha256, c.fetched_at FROM versions v"
    " JOIN captures c ON c.id = v.capture_id ORDER BY v.url, v.version"
)
CAPTURES = "SELECT url, fetched_at, body_sha256, http_status, outcome FROM captures"
PAGES = (
    "SELECT url, site, kind, lang, first_seen, last_seen, last_changed, status, current_version,"
    " etag, last_modified, content_sha256, body_sha256, redirect_to FROM pages"
)


BODIES = "SELECT DISTINCT body_sha256 FROM captures WHERE body_sha256 IS NOT NULL"


def histories(view: ArchiveView) -> dict[str, list[tuple[str, str]]]:
    """Per page, its versions as (fetched_at, content hash), in version order."""
    out: dict[str, list[tuple[str, str]]] = {}
    for row in view.rows(VERSIONS):
        out.setdefault(row["url"], []).append((row["fetched_at"], row["content_sha256"]))
    return out


def rows(view: ArchiveView, sql: str) -> list[tuple]:
    return sorted((tuple(r.values()) for r in view.rows(sql)), key=repr)


def test_versions_are_both_histories_in_fetch_order_without_repeats(merged):
    a, b = histories(merged.a), histories(merged.b)
    expected = {}
    for url in a.keys() | b.keys():
        collapsed: list[tuple[str, str]] = []
        for fetched_at, sha in sorted(a.get(url, []) + b.get(url, [])):
            if not collapsed or collapsed[-1][1] != sha:
                collapsed.append((fetched_at, sha))
        expected[url] = collapsed
    for view in (merged.ab, merged.ba):
        assert histories(view) == expected
    # the site's edits made second versions, and A's and B's copies of a text made one version
    assert any(len(h) == 2 for h in expected.values())
    both = a.keys() & b.keys()
    assert len(both) >= 15
    assert sum(len(histories(merged.ab)[u]) for u in both) < sum(
        len(a[u]) + len(b[u]) for u in both
    )


def test_merging_either_way_gives_equal_archives(merged):
    for sql in (VERSIONS, CAPTURES, PAGES):
        assert rows(merged.ab, sql) == rows(merged.ba, sql)
    captures = merged.a.scalar("SELECT count(*) FROM captures") + merged.b.scalar(
        "SELECT count(*) FROM captures"
    )
    assert merged.ab.scalar("SELECT count(*) FROM captures") == captures
    assert merged.ab_summary["captures_added"] == merged.b.scalar("SELECT count(*) FROM captures")
    runs = "SELECT site, spider, started_at, finished_at, status FROM runs"
    assert (
        rows(merged.ab, runs)
        == rows(merged.ba, runs)
        == sorted(rows(merged.a, runs) + rows(merged.b, runs), key=repr)
    )


def test_a_page_only_one_archive_has_keeps_its_versions(merged):
    only_b = {r["url"] for r in merged.b.rows("SELECT url FROM pages")} - {
        r["url"] for r in merged.a.rows("SELECT url FROM pages")
    }
    assert only_b
    sql = "SELECT url, version, content_sha256, changed_fields, title FROM versions ORDER BY 1, 2"
    kept = [r for r in merged.ab.rows(sql) if r["url"] in only_b]
    assert kept == [r for r in merged.b.rows(sql) if r["url"] in only_b]
    assert merged.ab_summary["pages_added"] == len(only_b)


def test_outcomes_and_page_rows_follow_the_merged_history(merged):
    for view in (merged.ab, merged.ba):
        for page in view.rows(PAGES):
            fetched = view.rows(
                "SELECT fetched_at, outcome, http_status, headers FROM captures WHERE url = ?"
                " ORDER BY fetched_at",
                page["url"],
            )
            assert page["first_seen"] == fetched[0]["fetched_at"]
            assert page["last_seen"] == max(
                f["fetched_at"] for f in fetched if f["http_status"] is not None
            )
            assert [f["outcome"] for f in fetched].count("new") <= 1, page["url"]
            versions = view.scalar("SELECT max(version) FROM versions WHERE url = ?", page["url"])
            assert page["current_version"] == versions
            ok = [f for f in fetched if f["http_status"] == 200]
            if page["status"] == "live" and ok:
                headers = {k.lower(): v for k, v in json.loads(ok[-1]["headers"])}
                assert page["etag"] == headers.get("etag")


def test_bodies_read_back_byte_identical(merged):
    sources = [Archive.open(v.path, create=False, readonly=True) for v in (merged.a, merged.b)]
    source_bodies = {s for src in sources for (s,) in src.conn.execute(BODIES)}
    try:
        for view in (merged.ab, merged.ba):
            with Archive.open(view.path, create=False, readonly=True) as arc:
                shas = [s for (s,) in arc.conn.execute(BODIES)]
                gzipped = 0
                for sha in shas:
                    body = arc.body(sha)
                    assert hashlib.sha256(body).hexdigest() == sha
                    source = next(s for s in sources if s.bodies.has(sha))
                    assert body == source.body(sha)
                    assert arc.decoded_body(sha) == source.decoded_body(sha)
                    gzipped += arc.body_encoding(sha) == "gzip"
                assert gzipped >= 10  # A's bodies, kept as gzip received
                assert set(shas) == source_bodies
    finally:
        for source in sources:
            source.close()


def test_full_text_search_indexes_the_merged_versions(merged):
    for view in (merged.ab, merged.ba):
        conn = sqlite3.connect(view.path)
        try:
            # checks the index against the versions table, not only itself
            conn.execute(
                "INSERT INTO versions_fts (versions_fts, rank) VALUES ('integrity-check', 1)"
            )
        finally:
            conn.close()
        title = merged.b.scalar("SELECT title FROM versions ORDER BY id DESC LIMIT 1")
        found = run_uninews("search", f'"{title}"', "--db", str(view.path), "--json")
        assert found.returncode == 0, found.stderr
        assert title in {hit["title"] for hit in json.loads(found.stdout)}


def test_history_shows_the_versions_in_time_order(merged):
    """Pages both archives captured, fetches of A and B taking turns, one of them edited."""
    twice = "SELECT url FROM captures GROUP BY url HAVING count(*) = 2"
    in_both = {r["url"] for r in merged.a.rows(twice)} & {r["url"] for r in merged.b.rows(twice)}
    edited = {r["url"] for r in merged.ab.rows("SELECT url FROM versions WHERE version = 2")}
    versioned = set(histories(merged.ab))
    urls = sorted(in_both & edited)[:2] + sorted(in_both & versioned - edited)[:1]
    assert in_both & edited and in_both & versioned - edited
    for url in urls:
        for view in (merged.ab, merged.ba):
            result = run_uninews("history", url, "--db", str(view.path), "--json")
            assert result.returncode == 0, result.stderr
            shown = json.loads(result.stdout)
            times = [c["fetched_at"] for c in shown["captures"]]
            assert times == sorted(times) and len(times) == 4, shown  # A, B, A, B
            numbered = [c["version"] for c in shown["captures"] if c["version"] is not None]
            expected = list(range(1, len(histories(view)[url]) + 1))
            assert numbered == [v["version"] for v in shown["versions"]] == expected, shown
            assert len(expected) >= (2 if url in edited else 1)


def test_merging_again_adds_nothing(merged, tmp_path):
    again = ArchiveView(merged.ab.path).snapshot(tmp_path / "again.db")
    before = {sql: rows(again, sql) for sql in (VERSIONS, CAPTURES, PAGES)}
    runs = again.scalar("SELECT count(*) FROM runs")
    for other in (merged.b, merged.a, merged.ba):
        summary = merge(other.path, again.path)
        assert summary["captures_added"] == summary["versions_added"] == 0
        assert summary["pages_added"] == summary["runs_added"] == 0
        assert summary["captures_skipped"] == other.scalar("SELECT count(*) FROM captures")
    assert {sql: rows(again, sql) for sql in before} == before
    assert again.scalar("SELECT count(*) FROM runs") == runs


def test_merge_reads_an_archive_a_writer_holds_and_says_what_it_did(merged, tmp_path):
    target = tmp_path / "new.db"
    writer = sqlite3.connect(merged.b.path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # a crawl in the middle of a capture
        writer.execute("UPDATE runs SET status = 'uncommitted'")
        result = run_uninews("merge", str(merged.b.path), "--db", str(target),
                             "--progress-every", "10")  # fmt: skip
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.returncode == 0, result.stderr
    pages = merged.b.scalar("SELECT count(*) FROM pages")
    captures = merged.b.scalar("SELECT count(*) FROM captures")
    versions = merged.b.scalar("SELECT count(*) FROM versions")
    runs = merged.b.scalar("SELECT count(*) FROM runs")
    assert result.stdout == (
        f"Merged {merged.b.path} into {target}: {captures:,} captures added, 0 skipped "
        f"(already here), {versions:,} versions added, {pages:,} pages added (0 updated), "
        f"{runs} runs added\n"
    )
    progress = result.stderr.splitlines()
    assert progress[0] == f"10/{pages:,} pages" and len(progress) == pages // 10
    new = ArchiveView(target)
    assert new.scalar("SELECT count(*) FROM runs WHERE status = 'uncommitted'") == 0
    assert rows(new, VERSIONS) == rows(merged.b, VERSIONS)
    assert rows(new, PAGES) == rows(merged.b, PAGES)


def test_a_crawl_writing_the_archive_between_merged_pages_is_kept(merged, tmp_path):
    """The archive stays writable while it is merged into (one transaction per page), and a
    page the crawl wrote before the merge reached it is merged with what the crawl wrote."""
    target = ArchiveView(merged.a.path).snapshot(tmp_path / "live.db")
    later = max(histories(merged.b))  # the last page the merge reaches, in URL order
    newest = {**build_content(), "title": "Skrivet medan arkiven slogs ihop"}
    fetch = build_capture(later, fetched_at="2099-01-01T00:00:00.000000Z")

    def crawl_meanwhile(progress: MergeResult) -> None:
        if progress.pages_done == 1:
            with Archive.open(target.path) as crawler:
                crawler.record(fetch, newest, run_id=None, site="demo")

    with Archive.open(target.path) as arc, open_other(merged.b.path) as other:
        merge_archives(arc, other, crawl_meanwhile)
    versions = merged.ab.rows("SELECT title FROM versions WHERE url = ? ORDER BY version", later)
    titles = [r["title"] for r in versions] + [newest["title"]]
    assert [r["title"] for r in target.rows(
        "SELECT title FROM versions WHERE url = ? ORDER BY version", later)] == titles  # fmt: skip
    assert target.scalar("SELECT count(*) FROM captures") == (
        merged.ab.scalar("SELECT count(*) FROM captures") + 1
    )
    conn = sqlite3.connect(target.path)
    try:
        conn.execute("INSERT INTO versions_fts (versions_fts, rank) VALUES ('integrity-check', 1)")
    finally:
        conn.close()
