"""Hostile and messy input through real crawls: every fetch gets a recorded outcome, the
crawl finishes, and text is never garbled (real bytes on the wire, a local server)."""

from __future__ import annotations

import codecs
import gzip
import json
from http.server import BaseHTTPRequestHandler

import pytest
from fixtures_crawl import ArchiveView, crawl, run_uninews, summary_of
from fixtures_servers import FixtureServer

from archive import Archive
from archive.capture import Capture
from archive.reprocess import reprocess
from scraper.extract import EXTRACTOR_VERSION, extract
from scraper.reprocess import page_content

pytestmark = pytest.mark.crawl

TITLE = "Forskare i Umeå får anslag – “nya” rön"
TEXT = (
    "Forskarna vid Umeå universitet får ett anslag för sitt arbete med älvar och sjöar i "
    "norra Sverige. ”Det är första gången”, säger projektledaren – och det märks."
)


def page(title: str = TITLE, head: str = "", text: str = TEXT) -> str:
    return (
        f"<html><head>{head}<title>{title}</title></head><body><article><h1>{title}</h1>"
        f"<p>Publicerad: 2024-05-03</p><p>{text}</p><p>{text}</p></article></body></html>"
    )


# path: (Content-Type as served, body bytes as sent)
CHARSET_PAGES = {
    "/news/utf8-labelled-latin1/": ("text/html; charset=iso-8859-1", page().encode()),
    "/news/cp1252-labelled-utf8/": ("text/html; charset=utf-8", page().encode("cp1252")),
    "/news/cp1252-punctuation/": ("text/html; charset=ISO-8859-1", page().encode("cp1252")),
    "/news/latin1-no-charset/": (
        "text/html",
        page("Forskare i Umeå får anslag", text=TEXT.split(" ”")[0]).encode("latin-1"),
    ),
    "/news/bom/": ("text/html; charset=iso-8859-1", codecs.BOM_UTF8 + page().encode()),
    "/news/meta-utf8-header-cp1252/": (
        "text/html; charset=windows-1252",
        page(head='<meta charset="utf-8">').encode(),
    ),
    "/news/meta-latin1-header-utf8/": (
        "text/html; charset=utf-8",
        page(head='<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">')
        .encode("cp1252"),
    ),
}  # fmt: skip
# Seconds of CPU to extract, not a few milliseconds (a CPU timer ticks every few ms).
LONG = "/news/long-article/"
LONG_PAGE = page(text=TEXT * 40).replace("</article>", f"<p>{TEXT}</p>" * 2000 + "</article>")


# Links that cannot be fetched, each before good ones on the same listing.
MALFORMED_LINKS = [
    "http://127.0.0.1:18105.127.0.0.2:18103/x",  # a port that is no number
    "http://127.0.0.1:99999/x",  # out of range
    "http://xn--a.example/x",  # bad IDNA
    "http://" + "a" * 70 + ".example/x",  # a label IDNA cannot encode
    "/news/with space/",
    "/news/" + "x" * 10_000 + "/",
]
SITEMAP = (
    '<?xml version="1.0" encoding="UTF-8"?><urlset '
    'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    "<url><loc>http://127.0.0.1:1x/news/bad-port/</loc></url>"
    "<url><loc>{base}/news/from-sitemap/</loc></url></urlset>"
)


# A redirect chain longer than REDIRECT_MAX_TIMES (20), with no loop in it.
HOPS = 30
# Divs nested far deeper than any parser keeps (libxml2 stops at 256 levels).
NESTED = "/news/nested-divs/"
NESTED_PAGE = page(text="<div>" * 100_000 + TEXT + "</div>" * 100_000)

BOMB = gzip.compress(b"<html><body>" + b" " * 30_000_000 + b"</body></html>", 9)  # 30 MB
HUGE = b"<html><body>" + b"x" * 50_000_000 + b"</body></html>"  # 50 MB


class HostileServer(FixtureServer):
    """Answers each path as the tables above say; records every request path."""

    def answer(self, h: BaseHTTPRequestHandler) -> None:
        if h.path == "/robots.txt":
            self.send(h, 200, f"Sitemap: {self.base_url}/sitemap.xml\n".encode(), "text/plain")
        elif h.path == "/sitemap.xml":
            body = SITEMAP.format(base=self.base_url).encode()
            self.send(h, 200, body, "application/xml")
        elif h.path == "/news/bad-redirect/":
            h.send_response(301)
            h.send_header("Location", "http://127.0.0.1:99999999/moved/")
            h.send_header("Content-Length", "0")
            h.end_headers()
        elif h.path == "/news/bomb/":
            h.send_response(200)
            h.send_header("Content-Type", "text/html; charset=utf-8")
            h.send_header("Content-Encoding", "gzip")
            h.send_header("Content-Length", str(len(BOMB)))
            h.end_headers()
            h.wfile.write(BOMB)
        elif h.path == "/news/huge/":
            self.send(h, 200, HUGE)
        elif h.path.startswith("/news/hop-"):
            n = int(h.path.removeprefix("/news/hop-").strip("/"))
            if n < HOPS:
                self.send(h, 301, b"", headers={"Location": f"/news/hop-{n + 1}/"})
            else:
                self.send(h, 200, page("Efter trettio omdirigeringar").encode())
        elif h.path == NESTED:
            self.send(h, 200, NESTED_PAGE.encode())
        elif h.path == "/news/from-sitemap/":
            self.send(h, 200, page("Från kartan").encode())
        elif h.path == "/news/":
            paths = [*MALFORMED_LINKS, *CHARSET_PAGES, LONG, "/news/bad-redirect/", *OVERSIZE,
                     "/news/hop-0/", NESTED]  # fmt: skip
            links = "".join(f'<li><a href="{p}">{p[:40]}</a></li>' for p in paths)
            body = f"<html><body><h1>News</h1><ul>{links}</ul></body></html>"
            self.send(h, 200, body.encode())
        elif h.path == LONG:
            self.send(h, 200, LONG_PAGE.encode())
        elif h.path in CHARSET_PAGES:
            ctype, body = CHARSET_PAGES[h.path]
            self.send(h, 200, body, ctype)
        else:
            self.send(h, 404, b"<html><body>Not found</body></html>")


def _crawl(tmp_path_factory, name: str, *args: str):
    server = HostileServer().start()
    db = tmp_path_factory.mktemp(name) / "archive.db"
    try:
        result = crawl(
            "--start-url", server.base_url + "/news/", "-s", "DOWNLOAD_MAXSIZE=10000000", *args,
            db=db,
        )  # fmt: skip
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr[-3000:]
    return result, db, server


def _latest(db, path: str) -> dict:
    rows = ArchiveView(db).rows(
        "SELECT c.outcome, c.error, c.body_sha256, c.http_status, v.title, v.body_text,"
        " v.extractor_version FROM captures c LEFT JOIN versions v ON v.url = c.url"
        " WHERE c.url LIKE ? ORDER BY c.id DESC, v.version DESC LIMIT 1",
        "%" + path,
    )
    assert rows, f"{path} was not recorded"
    return rows[0]


@pytest.fixture(scope="module")
def charset_crawl(tmp_path_factory):
    return _crawl(tmp_path_factory, "charsets")


@pytest.mark.parametrize("path", sorted(CHARSET_PAGES))
def test_mislabelled_charsets_are_archived_as_written(charset_crawl, path):
    _, db, _ = charset_crawl
    row = _latest(db, path)
    assert row["outcome"] == "new"
    expected = "Forskare i Umeå får anslag" if "no-charset" in path else TITLE
    assert row["title"] == expected
    assert "älvar och sjöar" in row["body_text"]
    assert "\ufffd" not in row["body_text"] and "Ã" not in row["body_text"]
    if "no-charset" not in path:
        assert "”Det är första gången”, säger projektledaren – och" in row["body_text"]


# -- malformed URLs -------------------------------------------------------------------------


def test_malformed_urls_are_skipped_one_at_a_time_and_counted(charset_crawl):
    _, db, server = charset_crawl
    # every good link after the bad ones on the listing was followed, and the sitemap's
    # good entry after its bad one
    assert all(path in server.requests for path in CHARSET_PAGES)
    assert _latest(db, "/news/from-sitemap/")["outcome"] == "new"
    assert not any("with space" in p or "xxxxxxxxxx" in p for p in server.requests)
    stats = json.loads(ArchiveView(db).scalar("SELECT stats FROM runs"))
    # 4 hosts or ports on the listing, a space, a 10 KB URL, a sitemap entry, a Location
    assert stats["uninews/malformed_urls"] == 8


def test_a_redirect_to_a_malformed_url_is_an_error_capture(charset_crawl):
    _, db, _ = charset_crawl
    row = _latest(db, "/news/bad-redirect/")
    assert row["outcome"] == "error" and row["http_status"] == 301
    assert "redirect to a malformed URL" in row["error"]


def test_a_redirect_chain_over_the_limit_says_too_many_redirects(charset_crawl):
    _, db, server = charset_crawl
    assert "/news/hop-20/" in server.requests and "/news/hop-21/" not in server.requests
    row = _latest(db, "/news/hop-20/")
    assert row["outcome"] == "error" and row["http_status"] == 301
    assert row["error"].startswith("too many redirects: 21 hops, over REDIRECT_MAX_TIMES (20)")
    assert "loop" not in row["error"]
    hops = ArchiveView(db).rows("SELECT outcome FROM captures WHERE url LIKE '%/news/hop-%'")
    assert [r["outcome"] for r in hops].count("redirected") == 20


def test_a_page_of_divs_nested_100000_deep_is_archived_and_the_crawl_finishes(charset_crawl):
    result, db, server = charset_crawl
    row = _latest(db, NESTED)
    assert row["outcome"] == "new" and row["http_status"] == 200
    assert row["body_sha256"] is not None  # the body as received is kept, whatever its depth
    assert row["error"] is None  # extracted within its time budget, not cut short
    assert summary_of(result)["ok"] is True


# -- bodies too big to keep -----------------------------------------------------------------

OVERSIZE = ["/news/bomb/", "/news/huge/"]


@pytest.mark.parametrize("path", OVERSIZE)
def test_oversize_bodies_and_decompression_bombs_are_error_captures(charset_crawl, path):
    result, db, server = charset_crawl
    assert path in server.requests
    row = _latest(db, path)
    assert row["outcome"] == "error"
    assert "over DOWNLOAD_MAXSIZE" in row["error"]
    assert row["body_sha256"] is None and row["title"] is None
    assert summary_of(result)["ok"] is True


# -- the time budget of an extraction process -----------------------------------------------


@pytest.fixture(scope="module")
def over_budget_crawl(tmp_path_factory):
    return _crawl(tmp_path_factory, "budget", "-s", "UNINEWS_EXTRACT_BUDGET=0.001")


def test_a_page_over_the_time_budget_keeps_its_body_and_names_the_budget(over_budget_crawl):
    result, db, server = over_budget_crawl
    summary = summary_of(result)
    assert summary["ok"] is True  # the crawl went on and finished
    assert all(path in server.requests for path in CHARSET_PAGES)
    row = _latest(db, LONG)
    assert row["outcome"] == "error"
    assert row["http_status"] == 200 and row["body_sha256"]  # the body is kept
    assert "time budget of 0.001 s of CPU (UNINEWS_EXTRACT_BUDGET)" in row["error"]
    assert row["title"] is None  # no version


def test_reprocess_extracts_the_pages_that_went_over_budget(over_budget_crawl, tmp_path):
    _, crawled, _ = over_budget_crawl
    db = tmp_path / "archive.db"
    ArchiveView(crawled).snapshot(db)
    result = run_uninews("reprocess", "--db", str(db), timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    row = _latest(db, LONG)
    assert row["title"] == TITLE
    assert row["extractor_version"] == EXTRACTOR_VERSION


# -- archives made before the one decode path are repaired -----------------------------------


def test_reprocess_repairs_versions_decoded_with_a_lying_header(tmp_path):
    """Before, the crawler decoded with Scrapy's response.encoding (the header's utf-8)."""
    url = "https://www.example.edu/news/cp1252-labelled-utf8/"
    ctype, body = CHARSET_PAGES["/news/cp1252-labelled-utf8/"]
    garbled = extract(body.decode("utf-8", "replace"), url)
    assert "\ufffd" in garbled.title
    capture = Capture(
        url=url,
        fetched_at="2026-01-01T00:00:00Z",
        http_status=200,
        response_headers=(("Content-Type", ctype),),
        body=body,
    )
    db = tmp_path / "old.db"
    with Archive.open(db) as arc:
        arc.record(capture, garbled.content(), run_id=None, site="example", kind="article",
                   extractor_version="1.0.1")  # fmt: skip
        result = reprocess(arc, page_content(extract), EXTRACTOR_VERSION)
        rows = arc.conn.execute(
            "SELECT version, title, extractor_version FROM versions ORDER BY version"
        ).fetchall()
    assert result.stats.changed == 1
    assert [tuple(r) for r in rows] == [
        (1, garbled.title, "1.0.1"),
        (2, TITLE, EXTRACTOR_VERSION),
    ]


# -- robots.txt as RFC 9309 says -------------------------------------------------------------


class RobotsServer(HostileServer):
    """robots.txt answers `robots_status` (or resets the connection); two articles."""

    def __init__(self, robots_status: int | None) -> None:
        super().__init__()
        self.robots_status = robots_status

    def answer(self, h: BaseHTTPRequestHandler) -> None:
        if h.path == "/robots.txt" and self.robots_status is None:
            h.close_connection = True
            h.connection.close()  # no answer at all
        elif h.path == "/robots.txt" and self.robots_status in (301, 302):
            h.send_response(self.robots_status)
            h.send_header("Location", "/robots-2.txt")
            h.send_header("Content-Length", "0")
            h.end_headers()
        elif h.path == "/robots.txt":
            self.send(h, self.robots_status, b"User-agent: *\nDisallow: /\n", "text/plain")
        elif h.path == "/robots-2.txt":
            self.send(h, 200, b"User-agent: *\nDisallow: /news/private/\n", "text/plain")
        elif h.path == "/news/":
            links = '<a href="/news/one/">1</a><a href="/news/private/two/">2</a>'
            self.send(h, 200, f"<html><body>{links}</body></html>".encode())
        else:
            self.send(h, 200, page().encode())


def _robots_crawl(tmp_path, status):
    server = RobotsServer(status).start()
    db = tmp_path / "archive.db"
    try:
        result = crawl("--start-url", server.base_url + "/news/", "-s", "RETRY_ENABLED=0", db=db)
    finally:
        server.stop()
    robots = ArchiveView(db).rows(
        "SELECT url, kind, http_status, outcome, error FROM captures WHERE kind = 'robots'"
    )
    return result, server, robots


@pytest.mark.parametrize("status", [503, None])
def test_robots_txt_unreachable_disallows_the_host_and_says_so(tmp_path, status):
    result, server, robots = _robots_crawl(tmp_path, status)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    assert "/news/" not in server.requests and "/news/one/" not in server.requests
    summary = summary_of(result)
    [run] = summary["runs"]
    assert run["robots_unreachable"] and "robots.txt" in run["robots_unreachable"][0]
    assert len(robots) == 1 and robots[0]["url"].endswith("/robots.txt")
    assert robots[0]["http_status"] == status
    if status is None:
        assert robots[0]["outcome"] == "error" and "unreachable" in robots[0]["error"]


def test_robots_txt_4xx_allows_everything_and_is_kept(tmp_path):
    result, server, robots = _robots_crawl(tmp_path, 404)
    assert result.returncode == 0, result.stderr[-2000:]
    # the 404's body says "Disallow: /", and must not count
    assert {"/news/one/", "/news/private/two/"} <= set(server.requests)
    assert [(r["http_status"], r["kind"]) for r in robots] == [(404, "robots")]
    assert summary_of(result)["runs"][0]["robots_unreachable"] == []


def test_robots_txt_redirect_is_followed(tmp_path):
    result, server, robots = _robots_crawl(tmp_path, 301)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "/robots-2.txt" in server.requests
    assert "/news/one/" in server.requests
    assert "/news/private/two/" not in server.requests  # the rules found after the redirect
    assert [r["http_status"] for r in robots] == [301, 200]  # each hop a capture
