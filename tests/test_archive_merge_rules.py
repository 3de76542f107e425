"""The rules archive.merge follows on one page both archives captured, shown on archives
recorded by hand: versions in fetch order, one for content both saw, outcomes and the page row
as one archive doing every fetch in that order would have them."""

from __future__ import annotations

import json
from pathlib import Path

from fixtures_archive import build_capture, build_content

from archive import Archive
from archive.merge import MergeResult, merge, open_other
from archive.reprocess import StoredPage, reprocess

URL = "https://www.umu.se/nyheter/partnerskapsdag_9829332/"
X = build_content()
Y = build_content(body_text="Första stycket, nu ändrat.\n\nAndra stycket med citat.")


def at(n: int) -> str:
    return f"2026-02-01T10:00:{n:02d}.000000Z"


def recorded(path: Path, *fetches: tuple[int, int, dict | None, str]) -> Path:
    """An archive of URL's fetches: (second, status, content, etag)."""
    with Archive.open(path) as arc:
        for second, status, content, etag in fetches:
            headers = (("Content-Type", "text/html"), ("ETag", etag))
            body = f"<html>{etag} {second}</html>".encode()
            capture = build_capture(URL, status, body, fetched_at=at(second),
                                    response_headers=headers)  # fmt: skip
            arc.record(capture, content, run_id=None, site="umu")
    return path


def merged(target: Path, other: Path) -> MergeResult:
    with Archive.open(target) as arc, open_other(other) as source:
        return merge(arc, source)


def history(path: Path) -> tuple[list[tuple], list[tuple], dict]:
    with Archive.open(path, create=False, readonly=True) as arc:
        captures = [tuple(r) for r in arc.conn.execute(
            "SELECT fetched_at, outcome, v.version FROM captures c"
            " LEFT JOIN versions v ON v.capture_id = c.id ORDER BY fetched_at")]  # fmt: skip
        sql = "SELECT version, body_text, changed_fields FROM versions ORDER BY version"
        versions = [(r[0], r[1], json.loads(r[2])) for r in arc.conn.execute(sql)]
        page = dict(arc.conn.execute("SELECT * FROM pages").fetchone())
    page.pop("last_capture_id")  # an id of this file
    return captures, versions, page


def test_content_both_saw_is_one_version_and_a_change_between_is_the_next(tmp_path):
    a = recorded(tmp_path / "a.db", (1, 200, X, "x"), (3, 200, Y, "y"))
    b = recorded(tmp_path / "b.db", (2, 200, X, "x"), (4, 200, Y, "y"))
    result = merged(b, a)  # the older archive into the newer one: B's versions move
    assert (result.captures_added, result.versions_added, result.pages_updated) == (2, 0, 1)
    captures, versions, page = history(b)
    assert captures == [(at(1), "new", 1), (at(2), "unchanged", None),
                        (at(3), "changed", 2), (at(4), "unchanged", None)]  # fmt: skip
    assert versions == [(1, X["body_text"], [f for f in X if X[f] not in (None, [])]),
                        (2, Y["body_text"], ["body_text"])]  # fmt: skip
    assert (page["first_seen"], page["last_seen"], page["last_changed"]) == (at(1), at(4), at(3))
    assert (page["current_version"], page["etag"]) == (2, "y")
    merged(a, recorded(tmp_path / "b2.db", (2, 200, X, "x"), (4, 200, Y, "y")))
    assert history(a) == history(b)  # the newer into the older: the same archive


def test_an_unchanged_fetch_after_the_others_change_writes_no_version(tmp_path):
    """A's unchanged fetch at 3 showed X again, after B's Y at 2; two machines that read a page
    a little differently would otherwise make a version at every fetch, turn by turn."""
    a = recorded(tmp_path / "a.db", (1, 200, X, "x"), (3, 200, X, "x2"))
    b = recorded(tmp_path / "b.db", (2, 200, Y, "y"))
    merged(a, b)
    captures, versions, page = history(a)
    assert captures == [(at(1), "new", 1), (at(2), "changed", 2), (at(3), "unchanged", None)]
    assert [v[0] for v in versions] == [1, 2] and page["current_version"] == 2
    assert page["etag"] == "x2"  # the validators of the latest answer


def test_a_304_keeps_the_latest_answers_validators_and_a_gone_page_is_gone(tmp_path):
    a = recorded(tmp_path / "a.db", (1, 200, X, "x"), (3, 304, None, "x"))
    b = recorded(tmp_path / "b.db", (2, 200, X, "b"))
    merged(a, b)
    captures, _, page = history(a)
    assert [c[1] for c in captures] == ["new", "unchanged", "not_modified"]
    assert (page["etag"], page["last_seen"], page["status"]) == ("b", at(3), "live")
    gone = recorded(tmp_path / "gone.db", (4, 410, None, "-"))
    merged(a, gone)
    assert history(a)[2]["status"] == "gone" and history(a)[2]["etag"] is None


def test_reprocess_after_a_merge_reads_the_body_fetched_last(tmp_path):
    """B's older fetch is copied into A after A's newer one: reprocess still re-reads A's."""
    a = recorded(tmp_path / "a.db", (3, 200, X, "new"))
    merged(a, recorded(tmp_path / "b.db", (1, 200, Y, "old")))

    def extract(page: StoredPage) -> dict:
        return X if b"new" in page.body else Y

    with Archive.open(a) as arc:
        assert b"new" in arc.latest_body(URL)[0]
        result = reprocess(arc, extract, "test-2")
    assert (result.stats.processed, result.stats.changed) == (1, 0)
    assert [v[1] for v in history(a)[1]] == [Y["body_text"], X["body_text"]]
