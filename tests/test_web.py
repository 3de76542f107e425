"""The web view (archive/web, a Datasette plugin) on a real Datasette serving two real demo
crawls: the page view with its word-level edits, search with the CLI's filters and errors,
what changed, captures as served and as WARC records, URL links in the tables, escaping, and
`uninews serve` with Datasette's options; a headless Chromium follows an edit from search."""

from __future__ import annotations

import importlib.metadata
import io
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from fixtures_archive import build_capture, build_content
from fixtures_research import DemoArchive
from warcio.archiveiterator import ArchiveIterator

from archive import Archive
from archive.serve import Running, datasette_command, prepare, start, write_metadata
from scraper.cli import cli

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def served(demo_archive: DemoArchive, tmp_path_factory) -> Iterator[Running]:
    """Datasette started as `uninews serve` starts it, on a free port."""
    prepare(demo_archive.path)
    folder = tmp_path_factory.mktemp("web")
    running = start(
        datasette_command(demo_archive.path, write_metadata(demo_archive.path, folder), port=0),
        timeout=120,
    )
    yield running
    running.stop()


def fetch(running: Running, path: str, **params: str) -> tuple[int, dict[str, str], bytes]:
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    try:
        with urllib.request.urlopen(f"{running.url}{path}{query}", timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def soup(running: Running, path: str, status: int = 200, **params: str) -> BeautifulSoup:
    code, _, body = fetch(running, path, **params)
    assert code == status, body[-2000:]
    return BeautifulSoup(body, "html.parser")


def edited(demo_archive: DemoArchive) -> tuple[str, dict, dict]:
    """An edited article's URL and its two versions as the archive holds them."""
    url = demo_archive.url(demo_archive.changes.edited[0])
    rows = demo_archive.rows(
        "SELECT version, title, body_text, capture_id FROM versions WHERE url = ? ORDER BY 1", url
    )
    assert [r["version"] for r in rows] == [1, 2]
    return url, rows[0], rows[1]


# -- the page view ----------------------------------------------------------------------------


def test_page_view_shows_each_version_and_the_words_that_changed(served, demo_archive):
    url, v1, v2 = edited(demo_archive)
    page = soup(served, "/-/page", url=url)
    assert page.h1.get_text(strip=True) == v2["title"]
    assert [d["id"] for d in page.select("details.article")] == ["v2", "v1"]
    assert len(page.select("table.captures tbody tr")) == 2
    assert page.select_one("svg.timeline") is not None
    diff = page.select_one("#diff-2")
    assert diff is not None and "version 1 to version 2" in diff.h3.get_text()
    inserted = " ".join(i.get_text() for i in diff.select("ins"))
    deleted = " ".join(d.get_text() for d in diff.select("del"))
    new_words = set(v2["body_text"].split()) - set(v1["body_text"].split())
    old_words = set(v1["body_text"].split()) - set(v2["body_text"].split())
    assert new_words and new_words <= set(inserted.split())
    assert old_words <= set(deleted.split())
    assert [h.get_text() for h in diff.select("h4")] == ["body_text"]  # markdown: same edit
    body = page.select_one("#v2 .body")
    assert body.find("p") is not None  # body_markdown rendered, not shown as source
    assert v2["body_text"].split("\n\n")[0][:40] in body.get_text()


def test_page_view_of_a_gone_and_a_moved_page(served, demo_archive):
    gone = soup(served, "/-/page", url=demo_archive.url(demo_archive.changes.deleted))
    assert gone.select_one(".badge.gone").get_text() == "gone"
    outcomes = [td.get_text(strip=True) for td in gone.select("table.captures td:nth-of-type(3)")]
    assert outcomes[-1] == "gone"
    old, new = (demo_archive.url(p) for p in demo_archive.changes.moved)
    moved = soup(served, "/-/page", url=old)
    target = moved.find("a", string=new)
    assert target is not None and "/-/page?" in target["href"]


def test_page_view_of_an_unknown_url_is_a_404_with_the_cli_message(served, demo_archive):
    page = soup(served, "/-/page", status=404, url=demo_archive.url("/nyheter/nothing/"))
    assert "Error: URL is not archived:" in page.select_one(".error-line").get_text()
    assert soup(served, "/-/page", status=400).select_one(".error-line")


def test_raw_capture_is_the_page_as_served_and_inert(served, demo_archive):
    url, _, v2 = edited(demo_archive)
    page = soup(served, "/-/page", url=url)
    href = page.select_one("#v2").find("a", string="as served")["href"]
    assert href.startswith(f"/-/capture/{v2['capture_id']}/raw")
    code, headers, body = fetch(served, href)
    assert code == 200
    with Archive.open(demo_archive.path, create=False) as arc:
        sha = arc.conn.execute(
            "SELECT body_sha256 FROM captures WHERE id = ?", (v2["capture_id"],)
        ).fetchone()[0]
        assert body == arc.decoded_body(sha)
    assert headers["content-type"].startswith("text/html")
    assert "sandbox" in headers["content-security-policy"]


def test_warc_record_of_a_capture(served, demo_archive):
    url, _, v2 = edited(demo_archive)
    code, headers, body = fetch(served, f"/-/capture/{v2['capture_id']}.warc.gz")
    assert code == 200 and headers["content-type"] == "application/warc"
    records = [
        (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
        for r in ArchiveIterator(io.BytesIO(body))
    ]
    assert records[0][0] == "warcinfo"
    assert sorted((kind, uri) for kind, uri, _ in records[1:]) == [
        ("request", url),
        ("response", url),
    ]
    response = next(payload for kind, _, payload in records if kind == "response")
    assert v2["title"].encode() in response


# -- search -----------------------------------------------------------------------------------


def test_search_finds_ranked_hits_with_highlighted_snippets(served, demo_archive):
    url, v1, v2 = edited(demo_archive)
    word = v2["title"].split()[0]
    page = soup(served, "/-/search", q=word)
    hits = page.select(".hit")
    assert hits and len(hits) <= 20
    titles = [h.h3.get_text(strip=True) for h in hits]
    assert v2["title"] in titles
    assert all(h.select_one(".snippet mark") for h in hits)
    marked = {m.get_text().lower() for m in page.select(".snippet mark")}
    assert word.lower() in marked
    link = next(h.h3.a["href"] for h in hits if url in h.get_text())
    assert link.startswith("/-/page?") and urllib.parse.quote(url, safe="") in link


def test_search_filters_are_the_cli_filters(served, demo_archive):
    url, _, _ = edited(demo_archive)
    word = "universitet"

    def urls(**params: str) -> list[tuple[str, str]]:
        page = soup(served, "/-/search", q=word, limit="200", **params)
        return [
            (h.select_one(".url").get_text(), h.select_one(".badge").get_text())
            for h in page.select(".hit")
        ]

    everything = urls()
    result = CliRunner().invoke(
        cli, ["search", word, "--db", str(demo_archive.path), "--json", "--limit", "200"]
    )
    assert [h["url"] for h in json.loads(result.output)] == [u for u, _ in everything]
    current = urls(current="1")
    assert current and all(badge == "current" for _, badge in current)
    assert any(badge == "older version" for _, badge in everything)
    english = soup(served, "/-/search", q=word, lang="en").select(".hit .meta")
    assert all(" · en · " in m.get_text() for m in english)
    assert urls(site="nosuchsite") == []
    assert urls(until="1999-12-31") == []


def choices(page: BeautifulSoup, name: str) -> list[str]:
    return [o.get_text() for o in page.select(f"select[name={name}] option")][1:]


def test_search_form_offers_every_site_and_language_also_while_a_crawl_adds_them(tmp_path):
    db = tmp_path / "archive.db"
    with Archive.open(db) as arc:
        arc.record(
            build_capture("https://www.umu.se/a_1/"), build_content(), run_id=None, site="umu"
        )
    prepare(db)
    running = start(datasette_command(db, write_metadata(db, tmp_path), port=0, live=True))
    try:
        page = soup(running, "/-/search", q="x")
        assert (choices(page, "site"), choices(page, "lang")) == (["umu"], ["sv"])
        with Archive.open(db) as arc:
            content = build_content(lang="en")
            arc.record(build_capture("https://www.ltu.se/b_1/"), content, run_id=None, site="ltu")
        page = soup(running, "/-/search", q="x")
        assert (choices(page, "site"), choices(page, "lang")) == (["ltu", "umu"], ["en", "sv"])
    finally:
        running.stop()


def test_search_syntax_error_is_the_cli_message(served, demo_archive):
    query = "samarbete AND (region"
    cli_run = CliRunner().invoke(cli, ["search", query, "--db", str(demo_archive.path)])
    assert cli_run.exit_code == 2
    page = soup(served, "/-/search", status=400, q=query)
    assert page.select_one(".error-line").get_text() == cli_run.output.strip()
    bad_day = soup(served, "/-/search", status=400, q="x", since="2026-13-01")
    assert bad_day.select_one(".error-line").get_text().startswith("Error: bad since '2026-13-01'")


# -- what changed -----------------------------------------------------------------------------


def test_what_changed_lists_new_edited_silent_gone_and_moved_pages(served, demo_archive):
    page = soup(served, "/-/changes")
    assert page.find("h2", id="site-demo") is not None

    def listed(kind: str) -> dict[str, str]:
        table = page.find("h3", id=f"demo-{kind}").find_next_sibling()
        if table.name != "table":
            return {}
        return {a.get_text(strip=True): a["href"] for a in table.select("tr td:nth-of-type(2) > a")}

    changes = demo_archive.changes
    titles = {
        demo_archive.url(p): demo_archive.rows(
            "SELECT title FROM versions WHERE url = ? ORDER BY version DESC", demo_archive.url(p)
        )[0]["title"]
        for p in changes.edited
    }
    edits = listed("edited")
    assert set(titles.values()) <= set(edits)
    for title in titles.values():
        assert edits[title].endswith("#diff-2")
    # The demo's edits change the body and leave the visible dates alone: silent edits.
    assert set(titles.values()) <= set(listed("silent"))
    gone_title = demo_archive.rows(
        "SELECT title FROM versions WHERE url = ?", demo_archive.url(changes.deleted)
    )[0]["title"]
    assert list(listed("gone")) == [gone_title]
    moved = page.find("h3", id="demo-moved").find_next_sibling("table")
    assert demo_archive.url(changes.moved[1]) in moved.get_text()
    assert listed("new")
    teaser = demo_archive.url(changes.teaser_only)
    assert teaser not in str(page.find("h3", id="demo-edited").find_next_sibling())


def test_what_changed_for_an_unknown_site_is_a_404(served):
    page = soup(served, "/-/changes", status=404, site="nosuchsite")
    assert "no pages of site 'nosuchsite'" in page.get_text()


# -- links, read-only, escaping, no external assets -------------------------------------------


def test_urls_in_the_tables_link_to_the_page_view(served, demo_archive):
    url, _, _ = edited(demo_archive)
    view = f"/-/page?{urllib.parse.urlencode({'db': 'archive', 'url': url})}"
    # pages.url is the table's primary key: Datasette links it to the row page, whose url
    # cell links to the page view like every other.
    for path in (
        "/archive/versions",
        "/archive/captures",
        "/archive/articles",
        "/archive/edited_after_publication",
        "/archive/pages/"
        + soup(served, "/archive/pages", _size="max")
        .find("a", string=url)["href"]
        .rsplit("/", 1)[1],
    ):
        page = soup(served, path, _size="max")
        links = [a["href"] for a in page.select("td a") if a.get_text() == url]
        assert links and set(links) == {view}, path
        assert not [a for a in page.select("td a") if a["href"].startswith("http")], path


def test_views_load_nothing_from_outside(served, demo_archive):
    url, _, _ = edited(demo_archive)
    for path, params in (
        ("/-/page", {"url": url}),
        ("/-/search", {"q": "universitet"}),
        ("/-/changes", {}),
    ):
        page = soup(served, path, **params)
        assets = [t.get("src") for t in page.find_all(["script", "img", "iframe"]) if t.get("src")]
        assets += [t["href"] for t in page.find_all("link") if t.get("href")]
        assert assets and all(a.startswith("/") for a in assets), (path, assets)


def test_views_are_read_only(served, demo_archive):
    before = demo_archive.rows("SELECT count(*) AS n FROM captures")[0]["n"]
    request = urllib.request.Request(f"{served.url}/-/search?q=x", data=b"q=x", method="POST")
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(request, timeout=20)
    assert demo_archive.rows("SELECT count(*) AS n FROM captures")[0]["n"] == before


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Iterator[tuple[Running, str]]:
    """An archive whose page holds markup and script in every text field, served."""
    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "archive.db"
    url = "https://www.umu.se/nyheter/<script>x</script>_1/"
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    with Archive.open(db) as arc:
        for n, text in enumerate(("Första " + evil, "Andra " + evil), start=1):
            content = build_content(
                title=f"{text} {n}",
                lead=evil,
                body_text=f"{text}\n\nStycke {n}.",
                body_markdown=f"{text}\n\n[klicka](javascript:alert(1)) ![bild](https://x.org/a.png)",
                authors=[evil],
            )
            arc.record(build_capture(url), content, run_id=None, site="demo")
    prepare(db)
    running = start(datasette_command(db, write_metadata(db, folder), port=0), timeout=120)
    yield running, url
    running.stop()


def test_archived_text_is_escaped_everywhere(hostile):
    running, url = hostile
    for path, params in (
        ("/-/page", {"url": url}),
        ("/-/search", {"q": "alert"}),
        ("/-/changes", {}),
        ("/archive/pages", {}),
    ):
        code, _, body = fetch(running, path, **params)
        assert code == 200, (path, body[-1000:])
        page = BeautifulSoup(body, "html.parser")
        scripts = [s for s in page.find_all("script") if "alert" in (s.string or "")]
        assert not scripts, path
        assert not page.find_all(attrs={"onerror": True}), path
        assert not [a for a in page.find_all("a") if a.get("href", "").startswith("javascript")]
        assert not [i for i in page.find_all("img") if "x.org" in i.get("src", "")]


# -- uninews serve and plain datasette --------------------------------------------------------


def serve_process(*args: str, env: dict | None = None) -> subprocess.Popen:
    command = [sys.executable, "-m", "scraper.cli", "serve", "-p", "0", *args]
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **(env or {})},
    )


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=30)


def test_serve_prints_the_address_and_passes_datasette_options(demo_archive, tmp_path):
    extra = tmp_path / "mine.yml"
    extra.write_text("title: Our news archive\nlicense: CC-BY 4.0\n")
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "hello.py").write_text(
        "from datasette import hookimpl\nfrom datasette.utils.asgi import Response\n\n"
        "@hookimpl\ndef register_routes():\n"
        "    return [(r'^/-/hello$', lambda: Response.text('hello'))]\n"
    )
    process = serve_process(
        "--db", str(demo_archive.path), "--setting", "default_page_size", "7",
        "--metadata", str(extra), "--plugins-dir", str(plugins), "--cors",
    )  # fmt: skip
    try:
        first = process.stdout.readline()
        assert first.startswith(f"Serving {demo_archive.path} at http://127.0.0.1:")
        address = first.split(" at ", 1)[1].strip()
        assert address.endswith("/archive")
        base = address.rsplit("/", 1)[0]
        assert f"{base}/-/search" in process.stdout.readline()
        with urllib.request.urlopen(base + "/-/settings.json", timeout=20) as response:
            assert json.load(response)["default_page_size"] == 7
        with urllib.request.urlopen(base + "/-/metadata.json", timeout=20) as response:
            metadata = json.load(response)
        assert metadata["title"] == "Our news archive" and metadata["license"] == "CC-BY 4.0"
        assert metadata["databases"]["archive"]["tables"]["versions"]["description"]
        with urllib.request.urlopen(base + "/-/hello", timeout=20) as response:
            assert response.read() == b"hello"
        with urllib.request.urlopen(address + ".json", timeout=20) as response:
            assert response.headers["Access-Control-Allow-Origin"] == "*"
        with urllib.request.urlopen(base + "/-/search?q=universitet", timeout=20) as response:
            assert b'class="hit"' in response.read()
    finally:
        stop(process)


def test_serve_open_starts_a_browser_on_the_web_view(demo_archive, tmp_path):
    fifo = tmp_path / "opened"
    os.mkfifo(fifo)
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" > {fifo}\n')
    browser.chmod(0o755)
    process = serve_process("--db", str(demo_archive.path), "--open", env={"BROWSER": str(browser)})
    try:
        with fifo.open() as opened:  # blocks until the browser writes
            url = opened.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/-/search")
    finally:
        stop(process)


def test_serve_bad_metadata_is_one_line_and_exit_2(demo_archive, tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("- just\n- a list\n")
    result = CliRunner().invoke(
        cli, ["serve", "--db", str(demo_archive.path), "--metadata", str(bad)]
    )
    assert result.exit_code == 2
    assert result.output.startswith("Error: --metadata") and result.output.count("\n") == 1


def entry_point_installed() -> bool:
    return any(
        ep.value == "archive.web" for ep in importlib.metadata.entry_points(group="datasette")
    )


@pytest.mark.skipif(
    not entry_point_installed() and not os.environ.get("CI"),
    reason="this install of uninews predates its datasette entry point (pip install -e . again)",
)
def test_plain_datasette_has_the_web_view(demo_archive):
    running = start(
        [sys.executable, "-m", "datasette", "serve", "-i", str(demo_archive.path), "-p", "0"],
        timeout=120,
    )
    try:
        url, _, _ = edited(demo_archive)
        page = soup(running, "/-/page", url=url)
        assert page.select_one("#diff-2 ins") is not None
        with urllib.request.urlopen(running.url + "/-/plugins.json", timeout=20) as response:
            assert "uninews" in {p["name"] for p in json.load(response)}
    finally:
        running.stop()


# -- a real browser ---------------------------------------------------------------------------


def chromium(*args: str, profile: Path) -> str:
    result = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
    reason="chromium is not installed here (CI installs it: apt-get install chromium)",
)
def test_chromium_follows_an_edit_from_search_to_its_diff(served, demo_archive, tmp_path):
    # An edit that both removed and added words: the diff must show both marks.
    for path in demo_archive.changes.edited:
        url = demo_archive.url(path)
        v1, v2 = demo_archive.rows(
            "SELECT title, body_text FROM versions WHERE url = ? ORDER BY version", url
        )
        added = set(v2["body_text"].split()) - set(v1["body_text"].split())
        removed = set(v1["body_text"].split()) - set(v2["body_text"].split())
        if added and removed:
            break
    else:
        pytest.fail("no demo edit both removes and adds words")
    query = urllib.parse.urlencode({"q": " ".join(sorted(added)[:2])})
    results = BeautifulSoup(
        chromium("--dump-dom", f"{served.url}/-/search?{query}", profile=tmp_path / "p1"),
        "html.parser",
    )
    hit = next(h for h in results.select(".hit") if url in h.get_text())
    assert hit.h3.get_text(strip=True) == v2["title"]
    assert {m.get_text().lower() for m in hit.select("mark")} & {w.lower() for w in added}
    href = served.url + hit.h3.a["href"]
    page = BeautifulSoup(chromium("--dump-dom", href, profile=tmp_path / "p2"), "html.parser")
    assert page.h1.get_text(strip=True) == v2["title"]
    diff = page.select_one("#diff-2")
    assert added <= set(" ".join(i.get_text() for i in diff.select("ins")).split())
    assert removed <= set(" ".join(d.get_text() for d in diff.select("del")).split())
    shot = tmp_path / "page.png"
    chromium("--window-size=1000,800", f"--screenshot={shot}", href, profile=tmp_path / "p3")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
