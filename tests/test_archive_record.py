"""Versioning rules of Archive.record(): one test per rule a user would notice."""

from __future__ import annotations

import json
import random

from fixtures_archive import build_content

from archive import Archive, Validators

URL = "https://www.umu.se/nyheter/partnerskapsdag_9829332/"


def rows(arc: Archive, sql: str, *params) -> list[dict]:
    return [dict(r) for r in arc.conn.execute(sql, params)]


def page(arc: Archive, url: str = URL) -> dict:
    return rows(arc, "SELECT * FROM pages WHERE url = ?", url)[0]


def test_first_200_with_content_is_new_version_1(archive, make_capture, article_content):
    rec = archive.record(make_capture(URL), article_content(), run_id=None, site="umu")
    assert (rec.outcome, rec.version, rec.url) == ("new", 1, URL)
    version = rows(archive, "SELECT * FROM versions")[0]
    assert version["title"].startswith("Partnerskapsdag")
    assert json.loads(version["authors"]) == ["Alekzandra Granath"]
    assert version["capture_id"] == rec.capture_id
    assert page(archive)["current_version"] == 1
    assert page(archive)["status"] == "live"


def test_same_content_different_html_is_unchanged(archive, make_capture, article_content):
    first = make_capture(URL, body=b"<html>token=111</html>")
    again = make_capture(URL, body=b"<html>token=222 rotating teaser</html>")
    archive.record(first, article_content(), run_id=None, site="umu")
    rec = archive.record(again, article_content(), run_id=None, site="umu")
    assert (rec.outcome, rec.version) == ("unchanged", None)
    assert rows(archive, "SELECT count(*) n FROM versions")[0]["n"] == 1
    assert rows(archive, "SELECT count(*) n FROM captures")[0]["n"] == 2
    assert page(archive)["last_seen"] == again.fetched_at
    assert page(archive)["last_changed"] == first.fetched_at


def test_whitespace_and_unicode_form_do_not_make_a_version(archive, make_capture):
    archive.record(
        make_capture(URL), build_content(title="Umeå  universitet"), run_id=None, site="umu"
    )
    decomposed = "Ume\u0061\u030a universitet\n"  # å as a + combining ring
    rec = archive.record(
        make_capture(URL), build_content(title=decomposed), run_id=None, site="umu"
    )
    assert rec.outcome == "unchanged"


def test_changed_content_writes_next_version_with_changed_fields(archive, make_capture):
    archive.record(make_capture(URL), build_content(), run_id=None, site="umu")
    rec = archive.record(
        make_capture(URL),
        build_content(title="Ny rubrik", authors=["Alekzandra Granath", "Per Persson"]),
        run_id=None,
        site="umu",
    )
    assert (rec.outcome, rec.version) == ("changed", 2)
    v2 = rows(archive, "SELECT * FROM versions WHERE version = 2")[0]
    assert json.loads(v2["changed_fields"]) == ["title", "authors"]
    assert page(archive)["current_version"] == 2
    assert page(archive)["last_changed"] is not None


def test_list_order_is_content(archive, make_capture):
    archive.record(make_capture(URL), build_content(authors=["A", "B"]), run_id=None, site="umu")
    rec = archive.record(
        make_capture(URL), build_content(authors=["B", "A"]), run_id=None, site="umu"
    )
    assert rec.outcome == "changed"


def test_304_only_moves_last_seen(archive, make_capture, article_content):
    archive.record(make_capture(URL), article_content(), run_id=None, site="umu")
    cap = make_capture(URL, status=304)
    rec = archive.record(cap, None, run_id=None, site="umu")
    assert (rec.outcome, rec.version) == ("not_modified", None)
    capture = rows(archive, "SELECT * FROM captures WHERE id = ?", rec.capture_id)[0]
    assert capture["body_sha256"] is None and capture["outcome"] == "not_modified"
    assert page(archive)["last_seen"] == cap.fetched_at
    assert page(archive)["current_version"] == 1


def test_404_marks_gone_and_keeps_versions_then_200_revives(archive, make_capture):
    archive.record(make_capture(URL), build_content(), run_id=None, site="umu")
    rec = archive.record(make_capture(URL, status=404, body=b"nope"), None, run_id=None, site="umu")
    assert rec.outcome == "gone"
    assert page(archive)["status"] == "gone"
    assert rows(archive, "SELECT count(*) n FROM versions")[0]["n"] == 1
    assert rows(archive, "SELECT count(*) n FROM articles")[0]["n"] == 0

    rec = archive.record(make_capture(URL), build_content(), run_id=None, site="umu")
    assert rec.outcome == "unchanged"  # same content as before it went away: no new version
    assert page(archive)["status"] == "live"
    assert rows(archive, "SELECT count(*) n FROM articles")[0]["n"] == 1

    archive.record(make_capture(URL, status=410), None, run_id=None, site="umu")
    rec = archive.record(
        make_capture(URL), build_content(lead="Ny ingress"), run_id=None, site="umu"
    )
    assert (rec.outcome, rec.version) == ("changed", 2)


def test_redirect_is_recorded_with_target(archive, make_capture):
    target = "https://www.umu.se/nyheter/ny-adress_9829332/"
    cap = make_capture(
        URL, status=301, body=b"", redirect_to=target, response_headers=(("Location", target),)
    )
    rec = archive.record(cap, None, run_id=None, site="umu")
    assert rec.outcome == "redirected"
    assert page(archive)["status"] == "redirected"
    assert page(archive)["redirect_to"] == target
    assert rows(archive, "SELECT redirect_to FROM captures")[0]["redirect_to"] == target
    assert rows(archive, "SELECT count(*) n FROM versions")[0]["n"] == 0


def test_restricted_is_never_archived_as_content(archive, make_capture, article_content):
    login = make_capture(
        "https://www.aurora.umu.se/partner/", body=b"<form>secret</form>", restricted=True
    )
    rec = archive.record(login, article_content(), run_id=None, site="umu")
    assert (rec.outcome, rec.version) == ("restricted", None)
    forbidden = make_capture("https://www.aurora.umu.se/intern/", status=403, body=b"secret")
    assert archive.record(forbidden, article_content(), run_id=None, site="umu").outcome == (
        "restricted"
    )
    assert rows(archive, "SELECT count(*) n FROM versions")[0]["n"] == 0
    assert rows(archive, "SELECT count(*) n FROM blobs")[0]["n"] == 0
    captures = rows(archive, "SELECT * FROM captures")
    assert all(c["body_sha256"] is None for c in captures)
    assert json.loads(captures[0]["headers"])[0][0] == "Content-Type"
    assert {p.status for p in archive.pages()} == {"restricted"}


def test_fetch_error_is_recorded_and_does_not_demote_a_live_page(archive, make_capture):
    archive.record(make_capture(URL), build_content(), run_id=None, site="umu")
    timeout = make_capture(URL, status=None, body=None, error="TimeoutError: took too long")
    rec = archive.record(timeout, None, run_id=None, site="umu")
    assert rec.outcome == "error"
    assert rows(archive, "SELECT error FROM captures WHERE id = ?", rec.capture_id)[0][
        "error"
    ].startswith("TimeoutError")
    assert page(archive)["status"] == "live"

    never = "https://www.umu.se/trasig/"
    archive.record(make_capture(never, status=500, body=b"oops"), None, run_id=None, site="umu")
    assert page(archive, never)["status"] == "error"


def test_listing_changes_are_judged_by_raw_body_without_versions(archive, make_capture):
    listing = "https://www.umu.se/nyheter/"
    outcomes = [
        archive.record(
            make_capture(listing, body=body), None, run_id=None, site="umu", kind="listing"
        ).outcome
        for body in (b"<ul>a</ul>", b"<ul>a</ul>", b"<ul>a b</ul>")
    ]
    assert outcomes == ["new", "unchanged", "changed"]
    assert rows(archive, "SELECT count(*) n FROM versions")[0]["n"] == 0
    assert page(archive, listing)["current_version"] is None


def test_identical_bodies_are_stored_once(archive, make_capture, article_content):
    body = "<html>" + "Umeå universitet " * 2000 + "</html>"
    for n in range(5):
        url = f"https://www.umu.se/nyheter/n{n}/"
        archive.record(
            make_capture(url, body=body.encode()), article_content(), run_id=None, site="umu"
        )
    blobs = rows(archive, "SELECT * FROM blobs")
    assert len(blobs) == 1
    assert blobs[0]["size"] == len(body.encode())
    assert blobs[0]["stored_size"] < blobs[0]["size"] / 10
    shas = {r["body_sha256"] for r in rows(archive, "SELECT body_sha256 FROM captures")}
    assert shas == {blobs[0]["sha256"]}
    assert archive.body(blobs[0]["sha256"]) == body.encode()


def test_validators_follow_200_responses(archive, make_capture, article_content):
    assert archive.validators(URL) == Validators(None, None)
    headers = (("ETag", '"v1"'), ("Last-Modified", "Mon, 23 Nov 2020 10:00:00 GMT"))
    archive.record(
        make_capture(URL, response_headers=headers), article_content(), run_id=None, site="umu"
    )
    assert archive.validators(URL + "#top") == Validators('"v1"', "Mon, 23 Nov 2020 10:00:00 GMT")
    archive.record(make_capture(URL, status=304), None, run_id=None, site="umu")
    assert archive.validators(URL).etag == '"v1"'
    archive.record(make_capture(URL, status=404, body=b""), None, run_id=None, site="umu")
    assert archive.validators(URL) == Validators(None, None)


def test_capture_keeps_everything_a_warc_record_needs(archive, make_capture, article_content):
    cap = make_capture(
        URL + "?utm_source=nyhetsbrev",
        request_headers=(("Host", "www.umu.se"), ("User-Agent", "uninews"), ("Accept", "*/*")),
        response_headers=(
            ("Set-Cookie", "a=1"),
            ("Content-Type", "text/html"),
            ("Set-Cookie", "b=2"),
        ),
        protocol="HTTP/1.1",
        reason="OK",
        ip_address="130.239.18.1",
        extra={"depth": 2},
    )
    rec = archive.record(cap, article_content(), run_id=None, site="umu", extractor_version="x1")
    row = rows(archive, "SELECT * FROM captures")[0]
    assert row["url"] == URL and row["requested_url"] == cap.url and rec.url == URL
    assert json.loads(row["request_headers"])[0] == ["Host", "www.umu.se"]
    assert [h[1] for h in json.loads(row["headers"])] == ["a=1", "text/html", "b=2"]
    assert (row["method"], row["protocol"], row["reason"]) == ("GET", "HTTP/1.1", "OK")
    assert (row["ip_address"], row["site"], row["extractor_version"]) == (
        "130.239.18.1",
        "umu",
        "x1",
    )
    assert json.loads(row["extra"]) == {"depth": 2}


def test_runs_are_started_and_finished(archive, make_capture, article_content):
    run_id = archive.start_run("umu", "news")
    archive.record(make_capture(URL), article_content(), run_id=run_id, site="umu")
    archive.finish_run(run_id, "finished", {"uninews/new": 1, "start_time": object()})
    run = rows(archive, "SELECT * FROM runs")[0]
    assert run["status"] == "finished" and run["finished_at"] >= run["started_at"]
    assert json.loads(run["stats"])["uninews/new"] == 1
    assert rows(archive, "SELECT run_id FROM captures")[0]["run_id"] == run_id


def test_pages_iterates_by_site(archive, make_capture, article_content):
    archive.record(make_capture("https://a.se/x"), article_content(), run_id=None, site="a")
    archive.record(make_capture("https://b.se/y"), article_content(), run_id=None, site="b")
    assert [p.url for p in archive.pages("b")] == ["https://b.se/y"]
    assert len(list(archive.pages())) == 2


def test_every_json_column_holds_valid_json(archive, make_capture, article_content):
    run = archive.start_run("umu", "news")
    archive.record(make_capture(URL), article_content(), run_id=run, site="umu")
    archive.record(make_capture(URL), article_content(tags=["å", "ö"]), run_id=run, site="umu")
    archive.record(
        make_capture(URL, status=None, body=None, error="x"), None, run_id=run, site="umu"
    )
    archive.finish_run(run, "finished", {"a": [1, 2]})
    json_columns = {
        "runs": ["stats"],
        "captures": ["request_headers", "headers", "extra"],
        "versions": ["authors", "tags", "images", "contacts", "links", "changed_fields"],
    }
    for table, columns in json_columns.items():
        for column in columns:
            bad = rows(archive, f"SELECT count(*) n FROM {table} WHERE NOT json_valid({column})")
            total = rows(archive, f"SELECT count(*) n FROM {table}")
            assert total[0]["n"] > 0 and bad[0]["n"] == 0, (table, column)
    tags = rows(archive, "SELECT tags FROM versions WHERE version = 2")[0]["tags"]
    assert tags == '["å", "ö"]'


def test_site_bodies_share_a_trained_dictionary_and_read_back(archive, make_capture):
    from archive.bodies import TRAIN_CHECK_EVERY
    from archive.compression import TRAIN_SAMPLES

    rng = random.Random(7)  # page furniture as varied as a real site's menus and scripts
    furniture = "".join(
        f"<li><a href='/{rng.getrandbits(64):x}/'>Meny {n}</a></li>" for n in range(800)
    )
    bodies = [
        f"<html><nav>{furniture}</nav><main>Nyhet nummer {n}</main></html>".encode()
        for n in range(TRAIN_SAMPLES + TRAIN_CHECK_EVERY + 2)
    ]
    for n, body in enumerate(bodies):
        cap = make_capture(f"https://www.umu.se/nyheter/{n}/", body=body)
        archive.record(cap, None, run_id=None, site="umu", kind="listing")
    # Trained when the site had TRAIN_AT[0] bodies, retrained on the latest TRAIN_SAMPLES.
    dictionaries = rows(archive, "SELECT site, samples FROM dictionaries ORDER BY id")
    assert [d["site"] for d in dictionaries] == ["umu", "umu"]
    assert dictionaries[-1]["samples"] == TRAIN_SAMPLES
    blobs = rows(archive, "SELECT sha256, dictionary_id, stored_size FROM blobs ORDER BY rowid")
    plain, trained = blobs[0], blobs[-1]
    assert plain["dictionary_id"] is None and trained["dictionary_id"] == 2
    assert trained["stored_size"] < plain["stored_size"] / 3
    assert archive.body(plain["sha256"]) == bodies[0]
    assert archive.body(trained["sha256"]) == bodies[-1]
