"""`uninews warc` over a crawl of misbehaving pages: a gzip body the crawler decoded, errors,
fetches that got no answer, a forbidden page; the WARC stays valid and says what it holds."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures_crawl import ArchiveView, crawl, write_warc
from fixtures_servers import BadServer, article_html
from warcio.archiveiterator import ArchiveIterator

pytestmark = pytest.mark.crawl

BIN = Path(sys.executable).parent
BAD = ("-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_ENABLED=0", "-s", "DOWNLOAD_MAXSIZE=1000000")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("warc-bad")
    db = tmp / "archive.db"
    server = BadServer().start()
    try:
        result = crawl("--start-url", server.base_url + "/news/", *BAD, db=db)
    finally:
        server.slow_release.set()
        server.stop()
    assert result.returncode == 0, result.stderr[-2000:]
    out = tmp / "bad.warc.gz"
    warc = write_warc(db, out)
    records = {}
    with out.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type in ("response", "revisit"):
                path = "/" + record.rec_headers.get_header("WARC-Target-URI").split("/", 3)[3]
                records[path] = (record.http_headers.headers, record.raw_stream.read())
    captures = ArchiveView(db).rows("SELECT * FROM captures ORDER BY id")
    return out, warc, records, captures


def test_the_warc_is_valid_and_holds_every_answered_fetch(exported):
    out, warc, records, captures = exported
    check = subprocess.run([str(BIN / "warcio"), "check", str(out)], capture_output=True)
    assert check.returncode == 0, check.stdout
    answered = [c for c in captures if c["http_status"] is not None]
    unanswered = [c for c in captures if c["http_status"] is None]
    assert unanswered  # the slow page timed out, the reset one never answered
    assert len(records) == len({c["url"] for c in answered})
    assert f"{len(unanswered)} fetches without a response left out" in warc.stdout


def test_a_compressed_body_is_written_as_received(exported):
    """The crawler decoded the gzip body to parse it; the WARC holds the bytes it received."""
    _, _, records, _ = exported
    headers, payload = records["/news/compressed/"]
    assert payload.startswith(b"\x1f\x8b")
    assert gzip.decompress(payload) == article_html("Compressed article")
    assert ("Content-Encoding", "gzip") in headers
    assert not any(name.startswith("X-Archive-Orig-") for name, _ in headers)


def test_error_pages_keep_status_and_body(exported):
    _, _, records, _ = exported
    headers, payload = records["/news/server-error/"]
    assert payload == b"<html><body>Internal error</body></html>"
    headers, payload = records["/news/gone/"]
    assert payload == b"<html><body>Not found</body></html>"


def test_a_forbidden_page_has_headers_but_no_kept_body(exported):
    """The archive never keeps restricted bodies; the WARC says how long the answer was."""
    _, _, records, _ = exported
    headers, payload = records["/news/forbidden/"]
    assert payload == b""
    assert ("Content-Length", "0") in headers
    original = dict(headers)["X-Archive-Orig-Content-Length"]
    assert int(original) == len(b"<html><body>Forbidden</body></html>")
