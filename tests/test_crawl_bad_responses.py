"""Bad answers get a recorded outcome and the crawl goes on (generic mode, fixture server)."""

from __future__ import annotations

import json

import pytest
from fixtures_crawl import ArchiveView, crawl, summary_of

pytestmark = pytest.mark.crawl

BAD = (
    "-s", "DOWNLOAD_TIMEOUT=2",
    "-s", "RETRY_ENABLED=0",
    "-s", "DOWNLOAD_MAXSIZE=1000000",
)  # fmt: skip


@pytest.fixture(scope="module")
def bad_crawl(tmp_path_factory):
    from fixtures_servers import BadServer

    server = BadServer().start()
    db = tmp_path_factory.mktemp("bad") / "archive.db"
    try:
        result = crawl("--start-url", server.base_url + "/news/", *BAD, db=db)
    finally:
        server.stop()
    captures = ArchiveView(db).rows(
        "SELECT c.*, v.title FROM captures c LEFT JOIN versions v ON v.capture_id = c.id "
        "ORDER BY c.id"
    )
    by_path = {}
    for row in captures:
        by_path.setdefault(row["url"].split(server.base_url, 1)[-1], []).append(row)
    return result, by_path, server


def outcome(by_path: dict, path: str) -> str:
    assert path in by_path, f"{path} was not recorded; recorded: {sorted(by_path)}"
    return by_path[path][-1]["outcome"]


def test_crawl_goes_on_and_succeeds(bad_crawl):
    result, by_path, _ = bad_crawl
    assert result.returncode == 0, result.stderr[-2000:]
    assert summary_of(result)["ok"] is True
    assert outcome(by_path, "/news/ok-article/") == "new"
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/news/server-error/", "error"),
        ("/news/slow/", "error"),
        ("/news/reset/", "error"),
        ("/news/huge/", "error"),
        ("/news/gone/", "gone"),
        ("/news/forbidden/", "restricted"),
        ("/news/members/", "restricted"),
        ("/news/away/", "redirected"),
        ("/news/moved/", "redirected"),
    ],
)
def test_bad_answer_is_recorded(bad_crawl, path, expected):
    _, by_path, _ = bad_crawl
    assert outcome(by_path, path) == expected


def test_errors_say_why(bad_crawl):
    _, by_path, _ = bad_crawl
    assert by_path["/news/server-error/"][-1]["http_status"] == 500
    assert "Timeout" in by_path["/news/slow/"][-1]["error"]
    assert by_path["/news/huge/"][-1]["error"]
    assert by_path["/news/reset/"][-1]["error"]


def test_redirect_target_fetched_in_scope_only(bad_crawl):
    _, by_path, server = bad_crawl
    assert outcome(by_path, "/news/moved-here/") == "new"
    assert not any("elsewhere" in p for p in server.requests)
    assert not any(p.startswith("/account/login") for p in server.requests)


def test_redirect_loops_end(bad_crawl):
    _, by_path, server = bad_crawl
    loop = by_path["/news/loop-b/"][-1]
    assert "redirect loop" in (loop["error"] or "")
    assert loop["outcome"] == "error"  # as the README says (it was recorded "redirected")
    assert "redirect loop" in (by_path["/news/self-loop/"][-1]["error"] or "")
    assert server.requests.count("/news/loop-a/") == 1
    assert server.requests.count("/news/self-loop/") == 1


def test_non_html_and_malformed_archived_without_crash(bad_crawl):
    _, by_path, _ = bad_crawl
    assert outcome(by_path, "/news/annual-report/") == "new"
    assert outcome(by_path, "/news/malformed/") == "new"


def test_robots_txt_answering_404_does_not_stop_the_crawl(bad_crawl):
    _, _, server = bad_crawl
    assert "/robots.txt" in server.requests
    assert "/news/ok-article/" in server.requests


def test_compressed_body_archived_decoded_with_headers_as_served(bad_crawl):
    _, by_path, _ = bad_crawl
    capture = by_path["/news/compressed/"][-1]
    assert capture["outcome"] == "new"
    assert ["Content-Encoding", "gzip"] in json.loads(capture["headers"])
    assert json.loads(capture["extra"]) == {"body_decoded_from": "gzip"}
    assert "Compressed article" in (capture["title"] or "")


def test_feed_a_page_advertises_is_read(bad_crawl):
    _, by_path, server = bad_crawl
    assert "/news/feed.xml" in server.requests
    assert outcome(by_path, "/news/from-feed-only/") == "new"
    # the feed is kept as a capture of kind "feed", never as a page with a version
    (feed,) = by_path["/news/feed.xml"]
    assert (feed["kind"], feed["outcome"], feed["title"]) == ("feed", "new", None)
    (entry,) = json.loads(feed["extra"])["feed_entries"]
    assert entry["url"].endswith("/news/from-feed-only/") and entry["title"] == "Only in the feed"


@pytest.mark.parametrize("path", ["/news/tag/research/", "/news/2024/05/"])
def test_tag_and_archive_pages_are_listings_without_versions(bad_crawl, path):
    _, by_path, _ = bad_crawl
    capture = by_path[path][-1]
    assert capture["kind"] == "listing"
    assert capture["title"] is None  # no version written
