"""The WARC and WACZ files of a real crawl in the archivists' own tools: pywb replays every
capture, py-wacz validates the package and finds the pages, cdxj-indexer indexes every record.

The demo site is crawled, edited (state 2) and crawled again, so the files hold new pages,
edited pages, not-modified revisits (304), a redirect, a login redirect and a page gone.

pywb pins libraries uninews cannot share a virtualenv with (redis 2, brotlipy), so it runs from
a virtualenv of its own: `.venv-pywb/` in the repository (`.ci/run` makes it; the fixture makes
it when missing, from PyPI, and skips if it cannot, except under CI=true).
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fixtures_crawl import crawl, run_uninews
from fixtures_replay import Wayback

from archive import Archive
from scraper.demo import DemoServer

BIN = Path(sys.executable).parent


def tool(name: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / name), *args], capture_output=True, text=True, timeout=240, cwd=cwd
    )


# -- the files ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def files(demo_site, tmp_path_factory) -> dict:
    """Two crawls of the demo site, with an edit between them, as WARC and WACZ."""
    tmp = tmp_path_factory.mktemp("replay")
    db = tmp / "archive.db"
    with DemoServer(demo_site, state=1) as server:
        first = crawl("demo", "--base-url", server.base_url, db=db)
        assert first.returncode == 0, first.stderr[-2000:]
        server.set_state(2)
        second = crawl("demo", "--base-url", server.base_url, db=db)
        assert second.returncode == 0, second.stderr[-2000:]
    warc, wacz = tmp / "demo.warc.gz", tmp / "demo.wacz"
    for command, out in (("warc", warc), ("wacz", wacz)):
        result = run_uninews(command, "--db", str(db), "--out", str(out))
        assert result.returncode == 0, result.stderr
    with Archive.open(str(db), create=False) as arc:
        captures = [
            dict(row)
            for row in arc.conn.execute(
                "SELECT c.*, (SELECT v.title FROM versions v WHERE v.url = c.url"
                " AND v.capture_id <= c.id ORDER BY v.version DESC LIMIT 1) AS title"
                " FROM captures c WHERE http_status IS NOT NULL ORDER BY id"
            )
        ]
    return {"db": db, "warc": warc, "wacz": wacz, "captures": captures, "tmp": tmp}


def expected_status(capture: dict, captures: list[dict]) -> int:
    """What a replay of a capture must answer: its status, or for a 304 the status of the
    capture it revalidated (the URL's latest 2xx before it)."""
    if capture["http_status"] != 304:
        return capture["http_status"]
    earlier = [
        c
        for c in captures
        if c["requested_url"] == capture["requested_url"]
        and c["id"] < capture["id"]
        and 200 <= c["http_status"] < 300
    ]
    return earlier[-1]["http_status"]


def stamp14(fetched_at: str) -> str:
    """The 14-digit timestamp replay URLs use."""
    return "".join(ch for ch in fetched_at[:19] if ch.isdigit())


def http_date_stamp(value: str) -> str:
    from email.utils import parsedate_to_datetime

    return parsedate_to_datetime(value).strftime("%Y%m%d%H%M%S")


# -- pywb ---------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["warc", "wacz"])
def replay(request, files, pywb) -> Iterator[tuple[str, Wayback]]:
    server = Wayback(pywb, files["tmp"] / f"pywb-{request.param}", files[request.param])
    try:
        yield request.param, server
    finally:
        server.close()


def test_pywb_replays_every_capture_with_its_status_and_content(files, replay):
    kind, server = replay
    captures = files["captures"]
    assert sum(c["http_status"] == 304 for c in captures) > 50
    checked = 0
    for capture in captures:
        url = capture["requested_url"]
        status, headers, body = server.get(f"/c/{stamp14(capture['fetched_at'])}id_/{url}")
        where = f"{kind}: {capture['http_status']} capture of {url} at {capture['fetched_at']}"
        assert status == expected_status(capture, captures), where
        assert http_date_stamp(headers["Memento-Datetime"]) == stamp14(capture["fetched_at"])
        if status == 200:
            # no blank page; robots.txt and feed fetches are captures too, small but not blank
            assert len(body) > (0 if capture["kind"] in ("robots", "feed") else 500), where
            if capture["kind"] in ("article", "page") and capture["title"]:
                assert capture["title"].encode("utf-8") in body, where
                checked += 1
    assert checked > 100  # both crawls' articles, the 304s among them


def test_the_latest_view_of_an_unchanged_page_is_the_page(files, replay):
    kind, server = replay
    unchanged = [c for c in files["captures"] if c["http_status"] == 304 and c["title"]]
    capture = unchanged[0]
    status, _, body = server.get(f"/c/2999id_/{capture['requested_url']}")
    assert status == 200
    assert capture["title"].encode("utf-8") in body


def test_wacz_pages_list_every_version_and_replay_with_their_title(files, pywb):
    assert tool("wacz", "validate", "-f", str(files["wacz"])).returncode == 0
    with zipfile.ZipFile(files["wacz"]) as package:
        lines = package.read("pages/pages.jsonl").decode("utf-8").splitlines()
        datapackage = json.loads(package.read("datapackage.json"))
    header, pages = json.loads(lines[0]), [json.loads(line) for line in lines[1:]]
    assert header["format"] == "json-pages-1.0" and header["hasText"] is True
    with Archive.open(str(files["db"]), create=False) as arc:
        versions = {
            (row["url"], row["version"]): row
            for row in arc.conn.execute("SELECT url, version, title, body_text FROM versions")
        }
        edited = arc.conn.execute("SELECT count(*) FROM versions WHERE version > 1").fetchone()[0]
    assert edited > 0
    assert sorted(p["id"] for p in pages) == sorted(f"{u}#v{n}" for u, n in versions)
    for page in pages:
        url, version = page["id"].rsplit("#v", 1)
        row = versions[(url, int(version))]
        assert page["title"] == row["title"]
        assert row["body_text"] in page["text"]
    assert datapackage["wacz_version"] == "1.1.1"
    assert {r["path"] for r in datapackage["resources"]} == {
        "archive/data.warc.gz",
        "indexes/index.cdx.gz",
        "indexes/index.idx",
        "pages/pages.jsonl",
    }
    # every page at its time, in pywb, from the WACZ
    server = Wayback(pywb, files["tmp"] / "pywb-pages", files["wacz"])
    try:
        for page in pages:
            status, _, body = server.get(f"/c/{stamp14(page['ts'])}id_/{page['url']}")
            assert status == 200, page["id"]
            assert page["title"].encode("utf-8") in body, page["id"]
    finally:
        server.close()


def test_py_wacz_finds_the_pages_of_the_warc(files, tmp_path):
    """py-wacz takes for pages the HTML responses other requests name as Referer, read from
    the request records that point at their responses."""
    out = tmp_path / "detected.wacz"
    made = tool("wacz", "create", "--detect-pages", "-o", str(out), str(files["warc"]))
    assert made.returncode == 0, made.stderr
    with zipfile.ZipFile(out) as package:
        pages = package.read("pages/pages.jsonl").decode("utf-8").splitlines()[1:]
    referers = {
        value
        for c in files["captures"]
        for name, value in json.loads(c["request_headers"])
        if name.lower() == "referer"
    }
    html_200 = {c["requested_url"] for c in files["captures"] if c["http_status"] == 200}
    expected = referers & html_200
    detected = {json.loads(line)["url"] for line in pages}
    assert detected <= expected
    assert len(detected) >= 5  # listings and their pagination (none when requests came first)


def test_cdxj_indexer_indexes_every_record_in_every_mode(files):
    captures = files["captures"]
    cdxj = tool("cdxj-indexer", str(files["warc"]))
    assert cdxj.returncode == 0, cdxj.stderr
    entries = [json.loads(line.split(" ", 2)[2]) for line in cdxj.stdout.splitlines()]
    assert len(entries) == len(captures)  # one per response or revisit; metadata passed over
    digests = {e["url"]: set() for e in entries}
    for entry in entries:
        assert entry.get("digest"), entry  # every record, the 304 revisits included
        if entry["mime"] != "warc/revisit":
            digests[entry["url"]].add(entry["digest"])
    for entry in entries:
        if entry["mime"] == "warc/revisit":
            assert entry["digest"] in digests[entry["url"]]  # a body this file holds
    for mode, columns in (("-9", 9), ("-11", 11)):
        legacy = tool("cdxj-indexer", mode, str(files["warc"]))
        assert legacy.returncode == 0, legacy.stderr
        lines = legacy.stdout.splitlines()
        assert lines[0].startswith(" CDX ")
        assert len(lines) - 1 == len(captures)
        assert all(len(line.split(" ")) == columns for line in lines[1:])
    # the WACZ's own index names each linked page's referrer, from its request record
    with zipfile.ZipFile(files["wacz"]) as package:
        index = gzip.decompress(package.read("indexes/index.cdx.gz")).decode("utf-8")
    lines = [json.loads(line.split(" ", 2)[2]) for line in index.splitlines()]
    assert len(lines) == len(captures)
    referred = [e for e in lines if e.get("referrer")]
    assert len(referred) > len(lines) / 3
    assert all(e["referrer"].startswith("http://127.0.0.1:") for e in referred)


def test_wacz_command_usage_errors_are_one_line(files, tmp_path):
    for args, words in (
        (("--out", str(tmp_path / "x.zip")), "ends in .wacz"),
        (("--out", str(tmp_path / "x.wacz"), "--until", "soon"), "bad --until 'soon'"),
        (("--out", str(tmp_path / "x.wacz"), "--site", "nosuch"), "no captures of site"),
    ):
        result = run_uninews("wacz", "--db", str(files["db"]), *args)
        assert result.returncode == 2, result.stderr
        assert words in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())


def test_wacz_until_keeps_what_was_fetched_by_then(files, tmp_path):
    captures = files["captures"]
    first_304 = next(i for i, c in enumerate(captures) if c["http_status"] == 304)
    bound = captures[first_304 // 2]["fetched_at"]  # in the middle of the first crawl
    kept = [c for c in captures if c["fetched_at"] <= bound]
    out = tmp_path / "first.wacz"
    result = run_uninews("wacz", "--db", str(files["db"]), "--out", str(out), "--until", bound)
    assert result.returncode == 0, result.stderr
    assert f"Wrote {len(kept)} captures" in result.stdout
    assert tool("wacz", "validate", "-f", str(out)).returncode == 0
    with zipfile.ZipFile(out) as package:
        pages = [json.loads(p) for p in package.read("pages/pages.jsonl").splitlines()[1:]]
    assert pages and all(p["id"].endswith("#v1") and p["ts"] <= bound for p in pages)
