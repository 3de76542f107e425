"""Compressed bodies are archived as received, whether or not a recipe can rebuild them, and
archives written before bodies were kept as received read back as they always did."""

from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import brotli
import pytest
import zstandard
from fixtures_crawl import ArchiveView, crawl, write_warc
from fixtures_servers import FixtureServer, article_html
from warcio.archiveiterator import ArchiveIterator

from archive import Archive
from archive.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

pytestmark = pytest.mark.crawl

BIN = Path(sys.executable).parent


def flushed_gzip(body: bytes) -> bytes:
    """gzip as a server streaming a page writes it: flushed after its first part."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    stream = compressor.compress(body[:700]) + compressor.flush(zlib.Z_SYNC_FLUSH)
    stream += compressor.compress(body[700:]) + compressor.flush()
    head = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
    return head + stream + struct.pack("<LL", zlib.crc32(body), len(body))


def odd_gzip(body: bytes) -> bytes:
    """gzip with a window and memory level no common server uses, and a stray mtime and XFL."""
    compressor = zlib.compressobj(7, zlib.DEFLATED, -10, 2)
    stream = compressor.compress(body) + compressor.flush()
    head = b"\x1f\x8b\x08\x00" + struct.pack("<L", 987654321) + b"\x04\x0b"
    return head + stream + struct.pack("<LL", zlib.crc32(body), len(body))


# path -> (Content-Encoding, how the page's HTML is encoded, rebuilt by a recipe?)
ENCODED = {
    "/news/flushed/": ("gzip", flushed_gzip, False),
    "/news/odd-gzip/": ("gzip", odd_gzip, False),
    "/news/python-gzip/": ("gzip", lambda b: gzip.compress(b, mtime=1_234_567_890), True),
    "/news/zlib-deflate/": ("deflate", lambda b: zlib.compress(b, 9), True),
    "/news/brotli/": ("br", lambda b: brotli.compress(b, quality=5), True),
    "/news/zstd/": ("zstd", lambda b: zstandard.ZstdCompressor(level=3).compress(b), True),
}


def page_html(path: str) -> bytes:
    return article_html(f"Encoded article at {path}")


class EncodingServer(FixtureServer):
    """127.0.0.1 HTTP: /news/ lists pages each sent with one Content-Encoding (ENCODED);
    every answer's bytes are fixed, so what was sent is known exactly."""

    def __init__(self) -> None:
        super().__init__()
        self.sent = {path: make(page_html(path)) for path, (_, make, _) in ENCODED.items()}

    def answer(self, h) -> None:
        if h.path == "/news/":
            self.send(h, 200, article_html("News", list(ENCODED)))
        elif h.path in self.sent:
            self.send(h, 200, self.sent[h.path],
                      headers={"Content-Encoding": ENCODED[h.path][0]})  # fmt: skip
        else:
            self.send(h, 404, b"<html><body>Not found</body></html>")


@pytest.fixture(scope="module")
def encoded_crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("encoded")
    db = tmp / "archive.db"
    with EncodingServer() as server:
        result = crawl("--start-url", server.base_url + "/news/", db=db)
        sent = server.sent
    assert result.returncode == 0, result.stderr[-2000:]
    out = tmp / "encoded.warc.gz"
    write_warc(db, out)
    return db, sent, out


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_each_body_reads_back_byte_identical_with_or_without_a_recipe(encoded_crawl):
    db, sent, _ = encoded_crawl
    rows = ArchiveView(db).rows(
        "SELECT c.requested_url, c.body_sha256, b.content_encoding, b.recipe_id, v.title"
        " FROM captures c JOIN blobs b ON b.sha256 = c.body_sha256"
        " LEFT JOIN versions v ON v.capture_id = c.id"
    )
    by_path = {path_of(r["requested_url"]): r for r in rows}
    assert set(ENCODED) <= set(by_path)
    with Archive.open(db, create=False) as arc:
        for path, (coding, _, rebuilt) in ENCODED.items():
            row = by_path[path]
            assert row["body_sha256"] == hashlib.sha256(sent[path]).hexdigest(), path
            assert row["content_encoding"] == coding
            assert (row["recipe_id"] is not None) == rebuilt, path
            assert arc.body(row["body_sha256"]) == sent[path]
            assert arc.decoded_body(row["body_sha256"]) == page_html(path)
            assert row["title"] == f"Encoded article at {path}"  # extracted from the decoded


def test_the_warc_holds_each_body_as_sent_under_its_content_encoding(encoded_crawl):
    """Digests checked on the payloads as stored. (`warcio check` also decodes each payload
    by its Content-Encoding, and warcio 1.8's br decoder fails with Google's brotli 1.2,
    which Scrapy installs: the test_warc*.py files run it on gzip records.)"""
    _, sent, out = encoded_crawl
    found = {}
    with out.open("rb") as stream:
        for record in ArchiveIterator(stream, check_digests="raise"):
            payload = record.raw_stream.read()
            if record.rec_type == "response":
                uri = record.rec_headers.get_header("WARC-Target-URI")
                found[path_of(uri)] = (record.http_headers, payload)
    for path, (coding, _, _) in ENCODED.items():
        headers, payload = found[path]
        assert payload == sent[path], path
        assert headers.get_header("Content-Encoding") == coding
        assert headers.get_header("Content-Length") == str(len(sent[path]))


# -- archives from before bodies were kept as received (schema 3) ----------------------------

OLD_HTML = b"<!doctype html><html><body><h1>Kept decoded</h1><p>Old body.</p></body></html>"


def schema_3_archive(path: Path) -> str:
    """An archive as uninews wrote it at schema 3: a gzip page's body kept decoded."""
    conn = sqlite3.connect(path, isolation_level=None)
    for migration in MIGRATIONS[:3]:
        migration(conn)
    conn.execute("PRAGMA user_version = 3")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    sha = hashlib.sha256(OLD_HTML).hexdigest()
    packed = zstandard.ZstdCompressor(level=9).compress(OLD_HTML)
    conn.execute(
        "INSERT INTO blobs (sha256, content, compression, size, stored_size)"
        " VALUES (?, ?, 'zstd', ?, ?)",
        (sha, packed, len(OLD_HTML), len(packed)),
    )
    url = "https://old.example/news/"
    conn.execute(
        "INSERT INTO pages (url, site, kind, first_seen, status, body_sha256)"
        " VALUES (?, 'old', 'listing', '2026-01-01T00:00:00Z', 'live', ?)",
        (url, sha),
    )
    headers = [
        ["Content-Type", "text/html"],
        ["Content-Encoding", "gzip"],
        ["Content-Length", "61"],
    ]
    conn.execute(
        "INSERT INTO captures (url, requested_url, site, kind, fetched_at, protocol, http_status,"
        " reason, headers, body_sha256, outcome, extra, archived_at) VALUES (?, ?, 'old',"
        " 'listing', '2026-01-01T00:00:00Z', 'HTTP/1.1', 200, 'OK', ?, ?, 'new', ?,"
        " '2026-01-01T00:00:01Z')",
        (url, url, json.dumps(headers), sha, json.dumps({"body_decoded_from": "gzip"})),
    )
    conn.close()
    return sha


def test_a_schema_3_archive_migrates_and_reads_its_old_bodies_unchanged(tmp_path, make_capture):
    db = tmp_path / "old.db"
    sha = schema_3_archive(db)
    with Archive.open(db) as arc:
        assert arc.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 7
        assert arc.body(sha) == arc.decoded_body(sha) == OLD_HTML
        assert arc.body_encoding(sha) is None
        # a new gzip capture lands beside the old one, kept as received
        new_html = article_html("New article")
        wire = gzip.compress(new_html, mtime=0)
        capture = make_capture(
            "https://old.example/news/new/",
            body=new_html,
            wire_body=wire,
            response_headers=(("Content-Type", "text/html"), ("Content-Encoding", "gzip")),
        )
        arc.record(capture, None, run_id=None, site="old", kind="page")
        new_sha = hashlib.sha256(wire).hexdigest()
        assert arc.body(new_sha) == wire and arc.decoded_body(new_sha) == new_html

    show = subprocess.run(
        [str(BIN / "uninews"), "show", "https://old.example/news/", "--db", str(db), "--format",
         "html"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert show.returncode == 0, show.stderr
    assert show.stdout == OLD_HTML.decode()

    out = tmp_path / "old.warc.gz"
    with Archive.open(db, create=False) as arc, out.open("wb") as handle:
        from archive.warc import write_warc

        write_warc(arc, handle)
    records = {}
    with out.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                uri = record.rec_headers.get_header("WARC-Target-URI")
                records[uri] = (record.http_headers, record.raw_stream.read())
    old_headers, old_payload = records["https://old.example/news/"]
    assert old_payload == OLD_HTML  # kept decoded then: written decoded, and labelled so
    assert old_headers.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
    assert old_headers.get_header("Content-Encoding") is None
    assert old_headers.get_header("Content-Length") == str(len(OLD_HTML))
    new_headers, new_payload = records["https://old.example/news/new/"]
    assert new_payload == wire
    assert new_headers.get_header("Content-Encoding") == "gzip"
