"""A WARC of an archive made by `uninews merge`: its capture ids are not in fetch order (the
other archive's older fetches get the newest ids), yet the file is in fetch order and each 304
is a revisit of the body its own request named, in the file or left out of it by --since."""

from __future__ import annotations

import base64
import hashlib
import io
from pathlib import Path

from fixtures_archive import build_capture, build_content
from warcio.archiveiterator import ArchiveIterator

from archive import Archive
from archive.merge import merge, open_other
from archive.wacz import iter_pages
from archive.warc import PROFILE_NOT_MODIFIED, write_warc

URL = "https://www.umu.se/nyheter/partnerskapsdag_9829332/"


def at(n: int) -> str:
    return f"2026-02-01T10:00:{n:02d}.000000Z"


def recorded(path: Path, *fetches: tuple[int, int, str]) -> Path:
    """An archive of URL's fetches (second, status, ETag); a 304 sent that ETag back."""
    with Archive.open(path) as arc:
        for second, status, etag in fetches:
            sent = (("User-Agent", "uninews-test"),)
            if status == 304:
                sent += (("If-None-Match", f'"{etag}"'),)
            body = f"<html>body {etag}</html>".encode()
            capture = build_capture(URL, status, body, fetched_at=at(second),
                                    request_headers=sent,
                                    response_headers=(("Content-Type", "text/html"),
                                                      ("ETag", f'"{etag}"')))  # fmt: skip
            arc.record(capture, build_content(body_text=f"Text {etag}."), run_id=None, site="umu")
    return path


def digest(body: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()


def exported(db: Path, since: str | None = None) -> list[dict]:
    out = io.BytesIO()
    with Archive.open(db, create=False, readonly=True) as arc:
        write_warc(arc, out, since=since)
    out.seek(0)
    return [
        dict(r.rec_headers.headers)
        for r in ArchiveIterator(out)
        if r.rec_type in ("response", "revisit")
    ]


def merged_archive(tmp_path: Path) -> Path:
    """A (a body at 1, a 304 at 5 naming it) takes in B (another body at 3): B's fetch gets
    the newest id, and is the page's latest 2xx before the 304 by time, but not the one the
    304's request named."""
    a = recorded(tmp_path / "a.db", (1, 200, "x"), (5, 304, "x"))
    b = recorded(tmp_path / "b.db", (3, 200, "y"))
    with Archive.open(a) as arc, open_other(b) as other:
        merge(arc, other)
    return a


def test_the_file_is_in_fetch_order_though_ids_are_not(tmp_path):
    db = merged_archive(tmp_path)
    with Archive.open(db, create=False, readonly=True) as arc:
        by_id = [r[0] for r in arc.conn.execute("SELECT fetched_at FROM captures ORDER BY id")]
    assert by_id != sorted(by_id)  # the premise: merge gave the older fetch a newer id
    dates = [r["WARC-Date"] for r in exported(db)]
    assert dates == sorted(dates) and len(dates) == 3


def test_a_304_revisits_the_body_its_etag_named_not_the_latest(tmp_path):
    db = merged_archive(tmp_path)
    records = exported(db)
    revisit = next(r for r in records if r.get("WARC-Profile") == PROFILE_NOT_MODIFIED)
    first = next(r for r in records if r["WARC-Date"] == at(1))
    assert revisit["WARC-Payload-Digest"] == digest(b"<html>body x</html>")
    assert revisit["WARC-Refers-To"] == first["WARC-Record-ID"]
    assert revisit["WARC-Refers-To-Date"] == at(1)


def test_a_304_whose_original_is_left_out_still_names_the_body_its_etag_named(tmp_path):
    db = merged_archive(tmp_path)
    (revisit,) = exported(db, since=at(5))
    assert revisit.get("WARC-Profile") == PROFILE_NOT_MODIFIED
    assert "WARC-Refers-To" not in revisit  # that record is in another file
    assert revisit["WARC-Payload-Digest"] == digest(b"<html>body x</html>")
    assert revisit["WARC-Refers-To-Date"] == at(1)


def test_without_validators_a_304_stands_for_the_latest_body_by_time(tmp_path):
    a = recorded(tmp_path / "a.db", (1, 200, "x"), (5, 304, "z"))  # names no body it has
    b = recorded(tmp_path / "b.db", (3, 200, "y"))
    with Archive.open(a) as arc, open_other(b) as other:
        merge(arc, other)
    for since in (None, at(5)):
        revisit = next(
            r for r in exported(a, since) if r.get("WARC-Profile") == PROFILE_NOT_MODIFIED
        )
        assert revisit["WARC-Payload-Digest"] == digest(b"<html>body y</html>")


def test_wacz_pages_list_each_version_at_the_fetch_that_made_it(tmp_path):
    """A (x at 1, z at 5) takes in B (y at 3): y's fetch has the newest id, yet the pages list
    shows x, y and z each at its own fetch, not z at 3 and y nowhere."""
    a = recorded(tmp_path / "a.db", (1, 200, "x"), (5, 200, "z"))
    b = recorded(tmp_path / "b.db", (3, 200, "y"))
    with Archive.open(a) as arc, open_other(b) as other:
        merge(arc, other)
    with Archive.open(a, create=False, readonly=True) as arc:
        shown = [(p["ts"], p["text"].split()[-1]) for p in iter_pages(arc, None, None, None)]
        later = [(p["ts"], p["text"].split()[-1]) for p in iter_pages(arc, None, at(4), None)]
    assert shown == [(at(1), "x."), (at(3), "y."), (at(5), "z.")]
    assert later == [(at(5), "z.")]
