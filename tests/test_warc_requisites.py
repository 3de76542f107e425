"""Replays that look as the pages did: the demo site crawled with its requisites (and crawled
again after an edit) is written to WARC and WACZ, replayed in pywb, and a headless Chromium
opens a replayed article: its stylesheet applies, the image its stylesheet names is served,
and its pictures load, all from the archive (the demo server is stopped by then).

The browser is driven over the DevTools protocol (tests/fixtures_browser.py): what it received
comes from its network log, what it shows from the page's DOM and computed styles.
"""

from __future__ import annotations

import gzip
import json
import os
import zipfile
from collections.abc import Iterator

import pytest
from fixtures_browser import CHROMIUM, Browser
from fixtures_crawl import ArchiveView, crawl, run_uninews
from fixtures_replay import Wayback
from test_warc_replay import stamp14, tool
from warcio.archiveiterator import ArchiveIterator

from scraper.demo import DemoServer

pytestmark = pytest.mark.crawl

needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
    reason="chromium is not installed here (CI installs it: apt-get install chromium)",
)


@pytest.fixture(scope="module")
def files(demo_site, tmp_path_factory) -> dict:
    """Two crawls with requisites, an edit between them, as WARC and WACZ."""
    tmp = tmp_path_factory.mktemp("replay-requisites")
    db = tmp / "archive.db"
    with DemoServer(demo_site, state=1) as server:
        for state in (1, 2):
            server.set_state(state)
            result = crawl("demo", "--base-url", server.base_url, "--requisites", db=db)
            assert result.returncode == 0, result.stderr[-2000:]
        base = server.base_url
    warc, wacz = tmp / "demo.warc.gz", tmp / "demo.wacz"
    for command, out in (("warc", warc), ("wacz", wacz)):
        result = run_uninews(command, "--db", str(db), "--out", str(out))
        assert result.returncode == 0, result.stderr
    archive = ArchiveView(db)
    requisites = archive.rows("SELECT * FROM captures WHERE kind = 'requisite' ORDER BY id")
    # an article of the first crawl with a picture, whose stylesheet and picture were
    # captured with it (not every demo article has one, and crawl order varies)
    article = archive.rows(
        "SELECT c.requested_url, c.fetched_at FROM captures c JOIN versions v"
        " ON v.capture_id = c.id WHERE c.kind = 'article' AND c.http_status = 200"
        " AND json_array_length(v.images) > 0 ORDER BY c.id LIMIT 1"
    )[0]
    return {
        "base": base, "db": db, "warc": warc, "wacz": wacz, "tmp": tmp,
        "requisites": requisites, "article": article,
    }  # fmt: skip


def records(path) -> list:
    with open(path, "rb") as stream:
        return [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"))
            for r in ArchiveIterator(stream)
        ]


def test_the_warc_and_the_wacz_hold_every_requisite_capture_and_list_only_pages(files):
    requisites = files["requisites"]
    assert sum(c["http_status"] == 304 for c in requisites) > 0  # revalidated by the recrawl
    in_warc = [(t, u) for t, u in records(files["warc"]) if t in ("response", "revisit")]
    with zipfile.ZipFile(files["wacz"]) as package:
        package.extract("archive/data.warc.gz", files["tmp"] / "unpacked")
        lines = package.read("pages/pages.jsonl").decode("utf-8").splitlines()[1:]
        index = gzip.decompress(package.read("indexes/index.cdx.gz")).decode("utf-8")
    in_wacz = [
        (t, u)
        for t, u in records(files["tmp"] / "unpacked" / "archive" / "data.warc.gz")
        if t in ("response", "revisit")
    ]
    for listing in (in_warc, in_wacz):
        for capture in requisites:
            assert sum(u == capture["requested_url"] for _, u in listing) == sum(
                c["requested_url"] == capture["requested_url"] for c in requisites
            ), capture["requested_url"]
    assert f"{files['base']}/static/site.css" in index
    listed = {json.loads(line)["url"] for line in lines}
    assert listed and not listed & {c["requested_url"] for c in requisites}
    assert tool("wacz", "validate", "-f", str(files["wacz"])).returncode == 0


@pytest.fixture(scope="module", params=["warc", "wacz"])
def replay(request, files, pywb) -> Iterator[Wayback]:
    # unframed: the browser loads the archived page itself, not pywb's frame around it
    root = files["tmp"] / f"pywb-{request.param}"
    server = Wayback(pywb, root, files[request.param], config="framed_replay: false\n")
    try:
        yield server
    finally:
        server.close()


def test_pywb_replays_every_requisite_with_its_status_and_body(files, replay):
    for capture in files["requisites"]:
        url = capture["requested_url"]
        status, headers, body = replay.get(f"/c/{stamp14(capture['fetched_at'])}id_/{url}")
        assert status == 200, f"{capture['http_status']} capture of {url}"  # a 304: its body
        assert body, url


@needs_chromium
def test_chromium_shows_a_replayed_article_styled_and_with_its_image(files, replay, tmp_path):
    article = files["article"]
    base = f"http://127.0.0.1:{replay.port}/c/{stamp14(article['fetched_at'])}"
    browser = Browser(tmp_path / "profile")
    try:
        loaded = browser.load(f"{base}/{article['requested_url']}")
        served = {url.split("_/", 1)[-1]: status for url, status in loaded.statuses.items()}
        site = files["base"]
        assert served[f"{site}/static/site.css"] == 200  # by pywb, from the archive
        assert served[f"{site}/static/header.svg"] == 200  # named by the stylesheet
        assert served[f"{site}/static/logo.svg"] == 200
        assert not [u for u, s in loaded.statuses.items() if s >= 400]
        # the stylesheet applied (a browser's own styles say "none" and transparent)
        assert browser.evaluate("getComputedStyle(document.body).maxWidth") == "960px"
        banner = "getComputedStyle(document.querySelector('.cookie-banner')).backgroundColor"
        assert browser.evaluate(banner) == "rgb(238, 238, 238)"
        # the article's picture (lazy: scrolled to, then its load or error event awaited)
        width = browser.evaluate(
            "new Promise(done => {"
            " const img = document.querySelector('.mediaflowwrapper img');"
            " img.addEventListener('load', () => done(img.naturalWidth));"
            " img.addEventListener('error', () => done(-1));"
            " img.scrollIntoView();"
            " if (img.complete) done(img.naturalWidth); })"
        )
        assert width > 0
        assert browser.evaluate("document.querySelector('.logo img').naturalWidth") > 0
        assert browser.evaluate("document.querySelector('h1').textContent.trim()")
    finally:
        browser.close()
