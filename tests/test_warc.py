"""`uninews warc` on a real fetch of the demo site: valid WARC 1.1, every capture in it, and
every body byte-identical to what the server sent.

How "what the server sent" is known: the demo pages carry a random token per request, so no
render can be compared after the fact. A recording relay sits between the client and the demo
server (the demo server is told the relay is its public address, so every link points through
it): for each request it keeps the request headers as received and the response status,
headers and body bytes exactly as the demo server wrote them, then passes them on unchanged.
A body found in the WARC must be one the relay saw for that path (sha256, counted per path).

Every test runs on a crawl of the demo server as it is and of the demo server gzipping its
answers as nginx does: the gzip bytes themselves must be in the WARC, and cost the archive no
more room than the plain pages.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.client
import json
import re
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fixtures_servers import FixtureServer
from warcio.archiveiterator import ArchiveIterator

from archive import Archive, Capture
from archive.warc import (
    PROFILE_IDENTICAL,
    PROFILE_NOT_MODIFIED,
    payload_headers,
    warc_date,
    write_warc,
)
from scraper.demo import DemoServer

BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Served:
    method: str
    path: str
    request_headers: list[tuple[str, str]]
    status: int
    body_sha256: str


class RecordingRelay(FixtureServer):
    """A forwarding HTTP server on 127.0.0.1 that logs exactly what passed through it."""

    def __init__(self) -> None:
        super().__init__()
        self.upstream: tuple[str, int] | None = None
        self.served: list[Served] = []
        self._lock = threading.Lock()

    def answer(self, h) -> None:
        assert self.upstream is not None
        conn = http.client.HTTPConnection(*self.upstream, timeout=10)
        conn.putrequest(h.command, h.path, skip_host=True, skip_accept_encoding=True)
        for name, value in h.headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        body = response.read()
        conn.close()
        entry = Served(
            h.command,
            h.path,
            list(h.headers.items()),
            response.status,
            hashlib.sha256(body).hexdigest(),
        )
        with self._lock:
            self.served.append(entry)
        h.send_response_only(response.status, response.reason)
        for name, value in response.getheaders():
            h.send_header(name, value)
        h.end_headers()
        h.wfile.write(body)


class RelayedDemoServer(DemoServer):
    """The demo server, with every absolute link in its pages pointing at the relay."""

    public_url: str = ""

    @property
    def base_url(self) -> str:
        return self.public_url or super().base_url


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


def uninews(*args: str) -> subprocess.CompletedProcess:
    return run(str(BIN / "uninews"), *args)


def warc_records(path: Path) -> list[tuple[dict[str, str], list[tuple[str, str]], bytes]]:
    """(WARC headers, HTTP headers, raw payload) of every record, in file order."""
    out = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            warc = dict(record.rec_headers.headers)
            http = list(record.http_headers.headers) if record.http_headers else []
            if record.http_headers is not None:
                warc["_status"] = record.http_headers.get_statuscode()
                warc["_line"] = record.http_headers.protocol + " " + record.http_headers.statusline
            out.append((warc, http, record.raw_stream.read()))
    return out


def crawl(db: str, base_url: str) -> None:
    result = uninews("crawl", "demo", "--db", db, "--base-url", base_url)
    assert result.returncode == 0, result.stdout + result.stderr


def answered_captures(db: str) -> list[dict]:
    """The answered captures in the order the WARC holds them: by fetch time (concurrent
    fetches are archived in the order they finish, so ids can be out of that order)."""
    with Archive.open(db, create=False) as arc:
        rows = arc.conn.execute(
            "SELECT * FROM captures WHERE http_status IS NOT NULL ORDER BY fetched_at, id"
        ).fetchall()
    return [dict(row) for row in rows]


def export(demo_site, tmp_path_factory, gzip: bool):
    """Two real crawls of the demo site through the relay (the second mostly 304s), exported."""
    tmp = tmp_path_factory.mktemp("warc-gzip" if gzip else "warc")
    db = str(tmp / "archive.db")
    with RecordingRelay() as relay:
        server = RelayedDemoServer(demo_site, state=1, gzip=gzip)
        server.public_url = relay.base_url
        with server:
            relay.upstream = ("127.0.0.1", server.port)
            crawl(db, relay.base_url)
            crawl(db, relay.base_url)
    out = tmp / "demo.warc.gz"
    result = uninews("warc", "--db", db, "--out", str(out))
    assert result.returncode == 0, result.stderr
    return relay, answered_captures(db), out, result, db


@pytest.fixture(scope="module")
def exported_plain(demo_site, tmp_path_factory):
    return export(demo_site, tmp_path_factory, gzip=False)


@pytest.fixture(scope="module")
def exported_gzip(demo_site, tmp_path_factory):
    return export(demo_site, tmp_path_factory, gzip=True)


@pytest.fixture(scope="module", params=["plain", "gzip"])
def exported(request):
    return request.getfixturevalue(f"exported_{request.param}")


def target(uri: str) -> str:
    parts = urlsplit(uri)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_warc_passes_warcio_check_and_lists_every_capture(exported):
    relay, captures, out, result, _ = exported
    check = run(str(BIN / "warcio"), "check", "-v", str(out))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "digest pass" in check.stdout

    lines = run(str(BIN / "warcio"), "index", str(out)).stdout.splitlines()
    index = [json.loads(line) for line in lines]
    assert index[0]["warc-type"] == "warcinfo"
    responses = [r for r in index if r["warc-type"] in ("response", "revisit")]
    requests = [r for r in index if r["warc-type"] == "request"]
    urls = sorted(c["requested_url"] for c in captures)
    assert len(captures) > 100  # two crawls of the whole demo site
    assert sorted(r["warc-target-uri"] for r in responses) == urls
    assert sorted(r["warc-target-uri"] for r in requests) == urls
    assert f"Wrote {len(captures)} captures to {out}" in result.stdout
    assert f"{len(captures)}/{len(captures)} captures" in result.stderr


def test_every_body_in_the_warc_is_the_one_the_server_sent(exported):
    relay, captures, out, _, _ = exported
    # What the crawler fetched through the relay, with a body (robots.txt is not archived).
    archived_paths = {target(c["requested_url"]) for c in captures}
    served = Counter(
        (s.path, s.body_sha256)
        for s in relay.served
        if s.status not in (304,) and s.path in archived_paths
    )
    records = warc_records(out)
    by_id = {w["WARC-Record-ID"]: (w, p) for w, _, p in records}
    seen: Counter = Counter()
    for warc, _http, payload in records:
        if warc["WARC-Type"] == "response":
            body = payload
        elif warc.get("WARC-Profile") == PROFILE_IDENTICAL:
            original_warc, body = by_id[warc["WARC-Refers-To"]]
            assert original_warc["WARC-Payload-Digest"] == warc["WARC-Payload-Digest"]
        else:
            continue
        seen[(target(warc["WARC-Target-URI"]), hashlib.sha256(body).hexdigest())] += 1
    assert sum(seen.values()) > 50
    assert seen == served  # every body served is in the WARC once per fetch, byte for byte


def test_requests_are_the_headers_the_server_received(exported):
    relay, captures, out, _, _ = exported
    received = Counter((s.path, tuple(s.request_headers)) for s in relay.served)
    records = warc_records(out)
    sent = Counter(
        (target(w["WARC-Target-URI"]), tuple(h))
        for w, h, _ in records
        if w["WARC-Type"] == "request"
    )
    assert sent - received == Counter()


def not_modified_fields(payload: bytes) -> tuple[str, list[tuple[str, str]]]:
    """(status line, headers) of a 304 from the warc-fields metadata record that keeps it."""
    line, headers = "", []
    for field in payload.decode("utf-8").splitlines():
        name, value = field.split(": ", 1)
        if name == "http-response":
            line = value
        else:
            assert name == "http-header"
            headers.append(tuple(value.split(": ", 1)))
    return line, headers


def test_revisits_link_to_their_originals_and_requests_to_responses(exported):
    relay, captures, out, _, _ = exported
    records = warc_records(out)
    by_id = {w["WARC-Record-ID"]: w for w, _, _ in records}
    not_modified = [w for w, _, _ in records if w.get("WARC-Profile") == PROFILE_NOT_MODIFIED]
    assert len(not_modified) == sum(1 for c in captures if c["http_status"] == 304) > 50
    kept_304 = {
        w["WARC-Concurrent-To"]: not_modified_fields(p)
        for w, _, p in records
        if w["WARC-Type"] == "metadata"
    }
    for revisit in not_modified:
        # no HTTP block (pywb replays a revisit holding a 3xx as an empty page) ...
        assert "_status" not in revisit and revisit["Content-Length"] == "0"
        # ... but the revalidated capture, by id, URI, date and payload digest
        original = by_id[revisit["WARC-Refers-To"]]
        assert original["WARC-Type"] == "response"
        assert original["WARC-Target-URI"] == revisit["WARC-Target-URI"]
        assert original["WARC-Target-URI"] == revisit["WARC-Refers-To-Target-URI"]
        assert original["WARC-Date"] == revisit["WARC-Refers-To-Date"]
        assert original["WARC-Payload-Digest"] == revisit["WARC-Payload-Digest"]
        assert original["WARC-Date"] < revisit["WARC-Date"]
        # and the 304 as received beside it
        assert kept_304[revisit["WARC-Record-ID"]][0] == "HTTP/1.1 304 Not Modified"
    assert len(kept_304) == len(not_modified)
    for index, (warc, _, _) in enumerate(records):
        if warc["WARC-Type"] == "request":
            # Heritrix's order: each request right after the response it points at
            response = records[index - 1][0]
            assert response["WARC-Record-ID"] == warc["WARC-Concurrent-To"]
            assert response["WARC-Type"] in ("response", "revisit")
            assert response["WARC-Target-URI"] == warc["WARC-Target-URI"]
            assert response["WARC-Date"] == warc["WARC-Date"]


def test_status_lines_and_headers_are_kept_in_order(exported):
    relay, captures, out, _, _ = exported
    records = warc_records(out)
    kept_304 = {
        w["WARC-Concurrent-To"]: not_modified_fields(p)
        for w, _, p in records
        if w["WARC-Type"] == "metadata"
    }
    responses = [(w, h) for w, h, _ in records if w["WARC-Type"] in ("response", "revisit")]
    for capture, (warc, headers) in zip(captures, responses, strict=True):
        assert warc["WARC-Target-URI"] == capture["requested_url"]
        assert warc["WARC-Date"] == capture["fetched_at"]
        line = f"{capture['protocol']} {capture['http_status']} {capture['reason']}"
        if capture["http_status"] == 304:
            line_304, headers = kept_304[warc["WARC-Record-ID"]]
            assert line_304 == line
        else:
            assert warc["_line"] == line
        stored = [tuple(pair) for pair in json.loads(capture["headers"])]
        assert headers == stored
    statuses = Counter(w.get("_status") for w, _ in responses)
    assert statuses["200"] > 50 and statuses["302"] >= 1


def test_fetch_times_have_sub_second_resolution(exported):
    _, captures, out, _, _ = exported
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", c["fetched_at"]) for c in captures
    )
    dates = [w["WARC-Date"] for w, _, _ in warc_records(out) if w["WARC-Type"] == "response"]
    assert dates and all(re.fullmatch(r".*T\d\d:\d\d:\d\d\.\d{6}Z", d) for d in dates)
    assert warc_date("2026-11-27T21:40:00Z") == "2026-11-27T21:40:00Z"  # older archives
    assert warc_date("2026-11-27T21:40:00.000000Z") == "2026-11-27T21:40:00.000000Z"


def test_a_304_whose_original_is_left_out_still_names_it(exported, tmp_path):
    _, captures, _, _, db = exported
    first_304 = min(c["fetched_at"] for c in captures if c["http_status"] == 304)
    out = tmp_path / "second-crawl.warc.gz"
    result = uninews("warc", "--db", db, "--out", str(out), "--since", first_304)
    assert result.returncode == 0, result.stderr
    with Archive.open(db, create=False) as arc:
        checked = 0
        for warc, _, _ in warc_records(out):
            if warc.get("WARC-Profile") != PROFILE_NOT_MODIFIED:
                continue
            assert "WARC-Refers-To" not in warc  # that record is in another file
            earlier = [
                c
                for c in captures
                if c["requested_url"] == warc["WARC-Target-URI"]
                and c["http_status"] == 200
                and c["fetched_at"] < first_304
            ][-1]
            body = arc.body(earlier["body_sha256"])
            digest = "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()
            assert warc["WARC-Refers-To-Target-URI"] == earlier["requested_url"]
            assert warc["WARC-Refers-To-Date"] == earlier["fetched_at"]
            assert warc["WARC-Payload-Digest"] == digest
            checked += 1
    assert checked > 50


def test_since_and_site_select_captures_and_bad_input_is_one_line(exported, tmp_path):
    _, _, _, _, db = exported
    later = tmp_path / "later.warc.gz"
    result = uninews("warc", "--db", db, "--out", str(later), "--since", "2999-01-01")
    assert result.returncode == 0
    assert "Wrote 0 captures" in result.stdout
    assert [w["WARC-Type"] for w, _, _ in warc_records(later)] == ["warcinfo"]

    for args, words in (
        (("--since", "yesterday"), "bad --since 'yesterday'"),
        (("--site", "nosuch"), "no captures of site 'nosuch'"),
        (("--out", str(tmp_path / "no" / "x.warc.gz")), "does not exist"),
    ):
        cmd = ["warc", "--db", db, "--out", str(tmp_path / "x.warc.gz"), *args]
        result = uninews(*cmd)
        assert result.returncode == 2, result.stderr
        assert words in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert not (tmp_path / "x.warc.gz").exists()


def test_payload_headers_describe_the_stored_body():
    body = b"<html>decoded</html>"
    stored = [
        ["Content-Type", "text/html"],
        ["Transfer-Encoding", "chunked"],
        ["Content-Encoding", "gzip"],
    ]
    assert payload_headers(stored, body) == [
        ("Content-Type", "text/html"),
        ("X-Archive-Orig-Transfer-Encoding", "chunked"),
        ("X-Archive-Orig-Content-Encoding", "gzip"),
        ("Content-Length", str(len(body))),
    ]
    gzipped = gzip.compress(body)
    kept = [["Content-Encoding", "gzip"], ["Content-Length", str(len(gzipped))]]
    assert payload_headers(kept, gzipped) == [tuple(p) for p in kept]
    brotli = [["Content-Encoding", "br"], ["Content-Length", "9"]]
    assert payload_headers(brotli, body, decoded_from="br") == [
        ("X-Archive-Orig-Content-Encoding", "br"),
        ("X-Archive-Orig-Content-Length", "9"),
        ("Content-Length", str(len(body))),
    ]


def test_write_warc_streams_to_any_binary_file(archive, make_capture, tmp_path):
    archive.record(make_capture(body=b"same"), None, run_id=None, site="s")
    archive.record(make_capture(body=b"same"), None, run_id=None, site="s")
    archive.record(
        make_capture(status=None, body=None, error="timeout"), None, run_id=None, site="s"
    )
    out = tmp_path / "x.warc.gz"
    with out.open("wb") as handle:
        summary = write_warc(archive, handle)
    assert (summary.captures, summary.responses, summary.revisits, summary.skipped) == (2, 1, 1, 1)
    types = [w["WARC-Type"] for w, _, _ in warc_records(out)]
    assert types == ["warcinfo", "response", "request", "revisit", "request"]


def test_gzip_bodies_are_in_the_warc_as_the_server_gzipped_them(exported_gzip):
    relay, captures, out, _, _ = exported_gzip
    sent = {s.body_sha256 for s in relay.served}
    gzipped = 0
    for warc, fields, payload in warc_records(out):
        if warc["WARC-Type"] != "response" or warc["_status"] != "200":
            continue
        headers = dict(fields)
        if not headers.get("Content-Type", "").startswith("text/html"):
            continue
        assert headers["Content-Encoding"] == "gzip"
        assert headers["Content-Length"] == str(len(payload))
        assert hashlib.sha256(payload).hexdigest() in sent
        assert gzip.decompress(payload).lstrip().lower().startswith(b"<!doctype html")
        gzipped += 1
    assert gzipped > 50


def stored(db: str) -> dict:
    with Archive.open(db, create=False) as arc:
        row = arc.conn.execute(
            "SELECT count(*) AS blobs, sum(stored_size) AS stored, sum(size) AS received,"
            " sum(content_encoding IS NOT NULL) AS encoded, sum(recipe_id IS NOT NULL) AS rebuilt"
            " FROM blobs"
        ).fetchone()
        return dict(row)


def replay(db: str, into: str, *, as_received: bool) -> dict:
    """Record the bodies of an archive's captures again, in the same order, into a new archive:
    as received (gzip, with its header), or as if the server had sent them plain."""
    with Archive.open(db, create=False) as arc, Archive.open(into) as out:
        rows = arc.conn.execute(
            "SELECT * FROM captures WHERE body_sha256 IS NOT NULL ORDER BY id"
        ).fetchall()
        for row in rows:
            headers = tuple(tuple(pair) for pair in json.loads(row["headers"]))
            if not as_received:
                headers = tuple(h for h in headers if h[0].lower() != "content-encoding")
            wire, decoded = arc.body(row["body_sha256"]), arc.decoded_body(row["body_sha256"])
            capture = Capture(
                url=row["requested_url"],
                fetched_at=row["fetched_at"],
                http_status=row["http_status"],
                response_headers=headers,
                body=decoded,
                wire_body=wire if as_received and wire != decoded else None,
            )
            out.record(capture, None, run_id=None, site=row["site"], kind=row["kind"])
    return stored(into)


def test_gzip_on_the_wire_costs_the_archive_no_more_room(exported_plain, exported_gzip, tmp_path):
    plain, gzipped = stored(exported_plain[4]), stored(exported_gzip[4])
    assert plain["encoded"] == 0
    assert gzipped["encoded"] == gzipped["rebuilt"] > 50  # every gzip body found its recipe
    assert gzipped["received"] < plain["received"] / 2  # the wire bytes were gzip
    # Kept as received (no recipes), gzip bytes would be stored at about their own size.
    # Compared with the plain crawl instead, the check would depend on page order: two crawls
    # store pages in different orders, which moves what the site's dictionary learns, and
    # their sizes were seen 0.83-1.26 times apart.
    assert gzipped["stored"] < 0.75 * gzipped["received"]
    # The same bodies in the same order, plain or gzip on the wire: the same room.
    as_plain = replay(exported_gzip[4], str(tmp_path / "plain.db"), as_received=False)
    as_gzip = replay(exported_gzip[4], str(tmp_path / "gzip.db"), as_received=True)
    assert as_gzip["encoded"] == as_gzip["rebuilt"] == gzipped["rebuilt"]
    assert abs(as_gzip["stored"] - as_plain["stored"]) <= 0.02 * as_plain["stored"]


def test_show_and_decoded_bodies_of_gzip_captures(exported_gzip):
    _, captures, _, _, db = exported_gzip
    with Archive.open(db, create=False) as arc:
        row = arc.conn.execute(
            "SELECT v.url, v.title, c.body_sha256 FROM versions v"
            " JOIN captures c ON c.id = v.capture_id ORDER BY v.id LIMIT 1"
        ).fetchone()
        received, decoded = arc.body(row["body_sha256"]), arc.decoded_body(row["body_sha256"])
    assert hashlib.sha256(received).hexdigest() == row["body_sha256"]
    assert gzip.decompress(received) == decoded
    html = uninews("show", row["url"], "--db", db, "--format", "html")
    assert html.returncode == 0, html.stderr
    assert html.stdout.lstrip().lower().startswith("<!doctype html")
    assert row["title"].split()[0] in html.stdout
    raw = subprocess.run(
        [str(BIN / "uninews"), "show", row["url"], "--db", db, "--format", "raw"],
        capture_output=True,
        timeout=60,
    )
    assert raw.stdout == decoded


def test_since_and_until_compare_to_the_microsecond_old_stamps_included(
    archive, make_capture, tmp_path
):
    stamps = [
        "2026-01-01T00:00:05Z",  # stamped to the second, by an earlier uninews
        "2026-01-01T00:00:05.000400Z",
        "2026-01-01T00:00:05.000900Z",  # the same millisecond as the bound below
        "2026-01-01T00:00:06Z",
    ]
    for n, stamp in enumerate(stamps):
        archive.record(make_capture(body=b"x%d" % n, fetched_at=stamp), None, run_id=None, site="s")

    def written(**bounds: str) -> list[str]:
        out = tmp_path / "x.warc.gz"
        with out.open("wb") as handle:
            write_warc(archive, handle, **bounds)
        return [w["WARC-Date"] for w, _, _ in warc_records(out) if w["WARC-Type"] == "response"]

    assert written(until="2026-01-01T00:00:05.000500Z") == stamps[:2]
    assert written(since="2026-01-01T00:00:05.000500") == stamps[2:]
    assert written(since="2026-01-01T00:00:05", until="2026-01-01T00:00:05.000900") == stamps[:3]
    assert written(until="2026-01-01") == stamps  # a date: the whole day
