"""`uninews pages` lists what is archived; `history`, `diff` and `show` take a URL as typed
(scheme, trailing slash, tracking parameters) and suggest near matches when it is not archived."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fixtures_archive import build_capture, build_content

from archive import Archive

ARTICLE = "https://www.umu.se/nyheter/partnerskapsdag_9829332/"
OTHER = "https://www.umu.se/nyheter/forskardag_9830001/"
LISTING = "https://www.umu.se/nyheter/"
GONE = "http://www.example.edu/news/old-story/"


@pytest.fixture
def db(archive_path) -> str:
    with Archive.open(archive_path) as arc:
        arc.record(build_capture(ARTICLE), build_content(), run_id=None, site="umu")
        changed = build_content(title="Ny rubrik")
        arc.record(build_capture(ARTICLE), changed, run_id=None, site="umu")
        arc.record(build_capture(OTHER), build_content(title="Forskardag"), run_id=None,
                   site="umu")  # fmt: skip
        arc.record(build_capture(LISTING), None, run_id=None, site="umu", kind="listing")
        first = build_capture(GONE, fetched_at="2025-06-01T10:00:00Z")
        arc.record(first, build_content(title="Old"), run_id=None, site="www.example.edu")
        arc.record(build_capture(GONE, status=404, fetched_at="2025-06-02T10:00:00Z"), None,
                   run_id=None, site="www.example.edu")  # fmt: skip
    return archive_path


def test_pages_lists_one_line_per_page_with_versions(db, run_cli):
    result = run_cli("pages", "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == sorted([ARTICLE, OTHER, LISTING, GONE])
    article = next(line for line in lines if line.startswith(ARTICLE))
    assert article.split()[1:5] == ["umu", "article", "live", "2"]
    gone = next(line for line in lines if line.startswith(GONE))
    assert "www.example.edu  article  gone  1 version  last seen 2025-06-02" in gone


def test_pages_filters_and_limit(db, run_cli):
    def urls(*args: str) -> list[str]:
        result = run_cli("pages", "--db", db, "--json", *args)
        assert result.exit_code == 0, result.output
        return [row["url"] for row in json.loads(result.stdout)]

    assert urls("--site", "www.example.edu") == [GONE]
    assert urls("--kind", "listing") == [LISTING]
    assert urls("--status", "gone") == [GONE]
    assert urls("--site", "umu", "--kind", "article") == [OTHER, ARTICLE]
    assert urls("--since", "2026-01-01") == sorted([ARTICLE, OTHER, LISTING])  # not GONE: 2025
    assert urls("--limit", "2") == sorted([ARTICLE, OTHER, LISTING, GONE])[:2]
    assert urls("--site", "nosuch") == []


def test_pages_json_and_csv_carry_the_same_fields(db, run_cli):
    rows = json.loads(run_cli("pages", "--db", db, "--json", "--status", "gone").stdout)
    assert rows == [{"url": GONE, "site": "www.example.edu", "kind": "article", "status": "gone",
                     "versions": 1, "last_seen": "2025-06-02T10:00:00Z"}]  # fmt: skip
    text = run_cli("pages", "--db", db, "--csv", "--status", "gone").stdout
    assert list(csv.DictReader(io.StringIO(text))) == [{k: str(v) for k, v in rows[0].items()}]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday"], "bad --since 'yesterday'"),
        (["--json", "--csv"], "give --json or --csv, not both"),
    ],
)
def test_pages_bad_input_is_one_line_and_exit_2(db, run_cli, args, message):
    result = run_cli("pages", "--db", db, *args)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr


def test_pages_of_a_missing_archive_is_one_line_and_creates_nothing(tmp_path, run_cli):
    result = run_cli("pages", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 2 and "no archive at" in result.stderr
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize(
    "typed",
    [
        ARTICLE,
        "http://www.umu.se/nyheter/partnerskapsdag_9829332/",  # the other scheme
        "https://www.umu.se/nyheter/partnerskapsdag_9829332",  # no trailing slash
        "HTTPS://WWW.UMU.SE:443/nyheter/partnerskapsdag_9829332?utm_source=mail#top",
        "www.umu.se/nyheter/partnerskapsdag_9829332",  # no scheme at all
    ],
)
def test_history_diff_and_show_take_the_url_as_typed(db, run_cli, typed):
    history = run_cli("history", typed, "--db", db, "--json")
    assert history.exit_code == 0, history.output
    assert json.loads(history.stdout)["page"]["url"] == ARTICLE
    diff = run_cli("diff", typed, "--db", db, "--json")
    assert diff.exit_code == 0 and json.loads(diff.stdout)["url"] == ARTICLE
    show = run_cli("show", typed, "--db", db, "--format", "json")
    assert show.exit_code == 0 and json.loads(show.stdout)["title"] == "Ny rubrik"


def test_a_url_without_a_trailing_slash_finds_the_page_archived_without_one(db, run_cli):
    result = run_cli("history", "https://www.example.edu/news/old-story", "--db", db)
    assert result.exit_code == 0 and result.stdout.startswith(GONE)


@pytest.mark.parametrize("command", ["history", "diff", "show"])
def test_a_url_not_archived_suggests_up_to_three_near_ones(db, run_cli, command):
    result = run_cli(command, "https://www.umu.se/nyheter/partnerskapsdag_982933/", "--db", db)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: URL is not archived: https://www.umu.se/nyheter/")
    assert f"did you mean {ARTICLE}" in lines[0]
    assert GONE not in lines[0]  # another host is never suggested


def test_a_url_of_a_host_not_archived_points_to_pages(db, run_cli):
    result = run_cli("history", "https://www.nowhere.example/news/", "--db", db)
    assert result.exit_code == 2
    assert "did you mean" not in result.stderr and "`uninews pages`" in result.stderr
