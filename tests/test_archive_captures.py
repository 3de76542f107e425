"""Captures as narrow rows (schema 6): a recapture costs little, every column of `captures`
reads back exactly as written (SQL, sqlite-utils, Datasette), and archives of schema 5 are
converted with their rows unchanged."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from email.utils import formatdate
from pathlib import Path

import pytest

from archive import Archive, Capture
from archive.schema import APPLICATION_ID, MIGRATIONS
from archive.serve import database_name, datasette_command, prepare, start, write_metadata
from scraper.capture import utc_stamp

BIN = Path(sys.executable).parent
PAGES = 200


def page_url(n: int) -> str:
    return f"https://www.umu.se/nyheter/artikel-{n}_{9_000_000 + n}/"


def fetch(n: int, day: int, *, status: int = 200, at: float | None = None) -> Capture:
    """Day `day`'s fetch of page n, with the headers a university web server sends."""
    ts = (at or time.time()) + n / 1000
    etag = f'"{n:x}-5f3a9c{day if status == 200 and n % 7 == 0 else 0}"'
    request = (
        ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
        ("Accept-Language", "sv,en;q=0.8"),
        ("User-Agent", "uninews/1.0 (+https://github.com/uninews)"),
        ("Accept-Encoding", "gzip, deflate, br"),
    )
    if day:
        request += (("If-None-Match", f'"{n:x}-5f3a9c0"'),)
    response = (
        ("Date", formatdate(int(ts), usegmt=True)),
        ("Server", "Apache"),
        ("Content-Type", "text/html; charset=utf-8"),
        ("ETag", etag),
        ("Last-Modified", formatdate(1_700_000_000 + n * 3600, usegmt=True)),
        ("Cache-Control", "max-age=300, public"),
        ("Expires", formatdate(int(ts) + 300, usegmt=True)),
        ("Vary", "Accept-Encoding"),
        ("X-Frame-Options", "SAMEORIGIN"),
        ("Strict-Transport-Security", "max-age=31536000"),
    )
    if status == 200:
        response += (("Content-Length", "48211"),)
    return Capture(
        url=page_url(n),
        fetched_at=utc_stamp(ts),
        http_status=status,
        reason="OK" if status == 200 else "Not Modified",
        request_headers=request,
        response_headers=response,
        body=f"<html><body><h1>Artikel {n}</h1></body></html>".encode() if status == 200 else None,
        elapsed_ms=40 + n % 50,
        ip_address="130.239.18.173",
    )


def database_bytes(arc: Archive) -> int:
    return arc.conn.execute("SELECT sum(pgsize) FROM dbstat").fetchone()[0]


def as_json(pairs) -> str:
    return json.dumps([list(p) for p in pairs], ensure_ascii=False)


def test_an_unchanged_or_not_modified_recapture_adds_at_most_150_bytes(archive):
    for n in range(PAGES):
        archive.record(fetch(n, 0), None, run_id=None, site="umu", kind="article")
    # the first recapture of each page shares a new request head (If-None-Match); after it:
    for n in range(PAGES):
        archive.record(fetch(n, 1, status=304 if n % 2 else 200), None, run_id=None, site="umu")
    before, recaptures = database_bytes(archive), 0
    for day in (2, 3, 4):
        for n in range(PAGES):
            if n % 7 == 0:
                continue  # pages that change (a new ETag) are not the recaptures measured
            last = fetch(n, day, status=304 if n % 2 else 200)
            rec = archive.record(last, None, run_id=None, site="umu")
            assert rec.outcome in ("unchanged", "not_modified")
            recaptures += 1
    added = (database_bytes(archive) - before) / recaptures
    assert added <= 150, f"{added:.0f} bytes per recapture"
    # and the last of them reads back as it was fetched
    row = archive.conn.execute(
        "SELECT * FROM captures WHERE url = ? ORDER BY id DESC LIMIT 1", (last.url,)
    ).fetchone()
    assert row["headers"] == as_json(last.response_headers)
    assert row["request_headers"] == as_json(last.request_headers)
    assert (row["fetched_at"], row["http_status"], row["reason"]) == (
        last.fetched_at, last.http_status, last.reason,
    )  # fmt: skip


ODD = [
    (("Date", "Thu, 03 Dec 2026 05:34:33 GMT"), ("Date", "Thu, 03 Dec 2026 05:34:34 GMT")),
    (("Date", "Thursday, 03-Dec-26 05:34:33 GMT"), ("Expires", "0"), ("Expires", "-1")),
    (("Set-Cookie", 'a="quoted\\value"; Path=/'), ("Set-Cookie", "b=två; Path=/å")),
    (("Set-Cookie", "tab\there"), ("X-Request-Id", "✓ 𝄞 \u2028"), ("set-cookie", "")),
    (("Age", "12"), ("AGE", "13"), ("Expires", "Thu, 01 Jan 1970 00:00:00 GMT")),
    (),
]


@pytest.mark.parametrize("headers", ODD)
@pytest.mark.parametrize("fetched_at", ["2026-12-03T05:34:33.250000Z", "2026-12-03T05:34:33Z"])
def test_every_header_list_reads_back_exactly(archive, headers, fetched_at):
    for day, value in enumerate(["first", "second", "second"]):
        capture = Capture(
            url="https://x.se/a", fetched_at=fetched_at, http_status=200, reason="OK",
            request_headers=(("X-Changing", f"{value}"), ("Cookie", f"s={day}")),
            response_headers=(*headers, ("X-Changing", value)), body=b"<html></html>",
        )  # fmt: skip
        archive.record(capture, None, run_id=None, site="x", kind="page")
        row = archive.conn.execute("SELECT * FROM captures ORDER BY id DESC LIMIT 1").fetchone()
        assert row["headers"] == as_json(capture.response_headers)
        assert row["request_headers"] == as_json(capture.request_headers)
        assert row["fetched_at"] == fetched_at
        assert row["archived_at"].endswith("Z") and len(row["archived_at"]) == 27


def wide_archive(path: Path, rows: list[dict]) -> None:
    """An archive as schema 5 wrote it, holding these capture rows (and a version of each)."""
    conn = sqlite3.connect(path, isolation_level=None)
    for number, migration in enumerate(MIGRATIONS[:5], start=1):
        migration(conn)
        conn.execute(f"PRAGMA user_version = {number}")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    for row in rows:
        conn.execute(
            "INSERT OR IGNORE INTO pages (url, site, kind, first_seen, status)"
            " VALUES (?, ?, ?, ?, 'live')",
            (row["url"], row["site"], row["kind"], row["fetched_at"]),
        )
        conn.execute(
            f"INSERT INTO captures ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            tuple(row.values()),
        )
    conn.execute(
        "INSERT INTO versions (url, version, capture_id, content_sha256, archived_at, title)"
        " VALUES (?, 1, ?, 'x', ?, 'T')",
        (rows[0]["url"], rows[0]["id"], rows[0]["archived_at"]),
    )
    conn.close()


def test_a_schema_5_archive_is_converted_with_every_row_as_it_was(tmp_path, archive_path):
    # rows as today's writer makes them, and some no writer makes but SQL users may have
    with Archive.open(archive_path) as arc:
        for day in range(3):
            for n in range(5):
                arc.record(fetch(n, day, status=304 if day and n % 2 else 200), None,
                           run_id=None, site="umu", kind="article")  # fmt: skip
        written = [dict(r) for r in arc.conn.execute("SELECT * FROM captures ORDER BY id")]
    odd = dict(written[0], id=99, url="https://x.se/b", requested_url="https://X.se/b#top",
               fetched_at="2026-01-01T00:00:00+00:00", method="HEAD", extra='{"a": 1}',
               headers='[["A","b"]]', request_headers="[]", archived_at="yesterday",
               protocol=None, http_status=None, reason=None, body_sha256=None,
               error="timeout", outcome="error", kind="api")  # fmt: skip
    rows = [*written, odd]
    old = tmp_path / "old.db"
    wide_archive(old, rows)

    with Archive.open(old, create=False) as arc:
        assert arc.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        after = [dict(r) for r in arc.conn.execute("SELECT * FROM captures ORDER BY id")]
        assert after == rows
        references = arc.conn.execute("PRAGMA foreign_key_list(versions)").fetchall()
        assert {(r["table"], r["from"]) for r in references} == {
            ("capture_rows", "capture_id"), ("pages", "url"),
        }  # fmt: skip
        assert arc.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert arc.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert arc.history(page_url(0)).captures[-1]["outcome"] == "unchanged"
        # the converted archive goes on recording
        rec = arc.record(fetch(1, 3, status=304), None, run_id=None, site="umu")
        assert rec.outcome == "not_modified" and rec.capture_id == 100


def test_sqlite_utils_and_datasette_read_captures_headers(archive_path, tmp_path):
    capture = fetch(1, 0)
    with Archive.open(archive_path) as arc:
        arc.record(capture, None, run_id=None, site="umu", kind="article")
    out = subprocess.run(
        [str(BIN / "sqlite-utils"), "rows", archive_path, "captures", "-c", "headers", "-c",
         "request_headers", "-c", "fetched_at"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert json.loads(out.stdout) == [
        {
            "headers": as_json(capture.response_headers),
            "request_headers": as_json(capture.request_headers),
            "fetched_at": capture.fetched_at,
        }
    ]
    prepare(archive_path)
    running = start(datasette_command(archive_path, write_metadata(archive_path, tmp_path), port=0))
    try:
        query = urllib.parse.urlencode({"_shape": "array"})
        name = database_name(archive_path)
        with urllib.request.urlopen(f"{running.url}/{name}/captures.json?{query}") as response:
            rows = json.load(response)
    finally:
        running.stop()
    assert [r["headers"] for r in rows] == [as_json(capture.response_headers)]
