"""Search at scale: hits are those of ranking every match (the obvious SQL) while a query
matches no more versions than the search ranks; beyond that, the best of the newest, said so."""

from __future__ import annotations

import json

import pytest
from fixtures_archive import build_capture, build_content

from archive import Archive
from archive.merge import merge, open_other
from archive.queries import RANK_WEIGHTS, SearchFilter, search, search_sql
from archive.schema import SCHEMA_VERSION

SITES = ("umu", "lnu")


@pytest.fixture
def varied(archive):
    """Twelve pages over two sites, two languages and two years, most edited once; the word
    "forskning" in titles, leads or bodies, once or many times, so that ranks differ."""
    return record_varied(archive)


def record_varied(archive, pages: range = range(12)):
    for n in pages:
        url = f"https://www.{SITES[n % 2]}.se/nyheter/artikel_{n}/"
        title = "Forskning om skog" if n % 3 == 0 else f"Nyhet {n}"
        lead = "Ny forskning." if n % 4 == 1 else "En nyhet."
        body = " ".join(["forskning"] * (n % 5) + ["text"] * (3 + n))
        content = build_content(
            title=title,
            lead=lead,
            body_text=body,
            lang="en" if n % 3 == 2 else "sv",
            published_at=None if n % 6 == 5 else f"20{20 + n % 2}-0{1 + n % 9}-15",
        )
        archive.record(build_capture(url), content, run_id=None, site=SITES[n % 2])
        if n % 4 != 3:
            edited = {**content, "body_text": body + " forskning igen"}
            archive.record(build_capture(url), edited, run_id=None, site=SITES[n % 2])
    return archive


def reference(conn, query: str, limit: int = 20, **flt) -> list[tuple[int, float]]:
    """Every match ranked, filtered through plain joins: what search means."""
    where = ["versions_fts MATCH :query"]
    if flt.get("current_only"):
        where.append("p.status = 'live' AND v.version = p.current_version")
    if flt.get("site"):
        where.append("p.site = :site")
    if flt.get("lang"):
        where.append("coalesce(v.lang, p.lang) = :lang")
    day = "substr(coalesce(v.published_at, c.fetched_at), 1, 10)"
    if flt.get("since"):
        where.append(f"{day} >= :since")
    if flt.get("until"):
        where.append(f"{day} <= :until")
    weights = ", ".join(map(str, RANK_WEIGHTS))
    sql = (
        f"SELECT v.id, bm25(versions_fts, {weights}) AS rank FROM versions_fts"
        " JOIN versions v ON v.id = versions_fts.rowid JOIN pages p ON p.url = v.url"
        f" JOIN captures c ON c.id = v.capture_id WHERE {' AND '.join(where)}"
        f" ORDER BY rank LIMIT {limit}"
    )
    params = {"query": query, "site": None, "lang": None, "since": None, "until": None, **flt}
    params.pop("current_only", None)
    return [(row[0], row[1]) for row in conn.execute(sql, params)]


FILTERS = [
    {},
    {"lang": "sv"},
    {"site": "lnu"},
    {"since": "2021-01-01"},
    {"until": "2020-12-31"},
    {"current_only": True},
    {"current_only": True, "site": "umu", "lang": "sv", "since": "2020-01-01"},
]


@pytest.mark.parametrize("flt", FILTERS, ids=lambda f: ",".join(f) or "plain")
def test_hits_are_every_match_ranked_while_the_matches_fit_the_window(varied, flt):
    hits = varied.search("forskning", **flt)
    expected = reference(varied.conn, '"forskning"', **flt)
    assert len(expected) > 2
    assert [(h.version_id, h.rank) for h in hits] == expected
    assert [h.to_dict() for h in varied.search("forskning", window=0, **flt)] == [
        h.to_dict() for h in hits
    ]
    assert all("[forskning]" in h.snippet.lower() for h in hits)
    assert not varied.search_result("forskning", **flt).beyond_window


def test_beyond_the_window_the_best_of_the_newest_matches_are_ranked(varied):
    everything = reference(varied.conn, '"forskning"')
    newest = sorted(everything, key=lambda hit: -hit[0])[:5]
    best_of_newest = sorted(newest, key=lambda hit: hit[1])[:3]
    hits = varied.search("forskning", window=5, limit=3)
    assert [(h.version_id, h.rank) for h in hits] == best_of_newest
    assert [(h.version_id, h.rank) for h in hits] != everything[:3]  # an older one ranks first
    assert varied.search_result("forskning", window=5, limit=3).beyond_window
    assert not varied.search_result("forskning", window=len(everything), limit=3).beyond_window
    assert not varied.search_result("forskning", window=0, limit=3).beyond_window
    # A window never holds fewer versions than the hits asked for.
    assert not varied.search_result("forskning", window=5, limit=len(everything)).beyond_window


def test_the_window_counts_versions_that_pass_the_filters(varied):
    swedish = reference(varied.conn, '"forskning"', lang="sv")
    newest = sorted(sorted(swedish, key=lambda hit: -hit[0])[:3], key=lambda hit: hit[1])[:2]
    hits = varied.search("forskning", lang="sv", window=3, limit=2)
    assert [(h.version_id, h.rank) for h in hits] == newest
    assert {h.lang for h in hits} == {"sv"}


def test_cli_says_when_it_ranked_only_the_newest(varied, archive_path, run_cli, monkeypatch):
    varied.close()
    monkeypatch.setattr("scraper.cli.read.RANK_WINDOW", 5)
    asked = ("search", "forskning", "--db", archive_path, "--json", "--limit", "2")
    result = run_cli(*asked)
    assert result.exit_code == 0
    windowed = [h["version_id"] for h in json.loads(result.stdout)]
    assert len(windowed) == 2
    assert "More than 5 versions match: these hits are the best of the newest 5" in result.stderr
    every = run_cli(*asked, "--rank-all")
    assert every.exit_code == 0 and every.stderr == ""
    assert [h["version_id"] for h in json.loads(every.stdout)] != windowed
    narrow = run_cli("search", "skog", "--db", archive_path)
    assert narrow.exit_code == 0 and "More than" not in narrow.stderr


def test_web_search_says_when_it_ranked_only_the_newest(varied, monkeypatch):
    from archive.web.views import search_choices, search_data

    form = {"q": "forskning", "site": None, "lang": None, "since": None, "until": None,
            "current": False, "limit": 2}  # fmt: skip
    assert search_data(varied, form, search_choices(varied))["window"] is None
    monkeypatch.setattr("archive.queries.RANK_WINDOW", 5)
    found = search_data(varied, form, search_choices(varied))
    assert found["window"] == 5 and len(found["hits"]) == 2
    few = search_data(varied, {**form, "q": "Nyhet 7"}, search_choices(varied))
    assert few["hits"] and few["window"] is None


# Every filter, and ranges of days the filtered index (archive.facets) spells with tokens of
# several widths, an empty range, and the pairs of site, language and current.
COMPARED = [
    *FILTERS,
    {"since": "2020-03-10", "until": "2021-02-28"},
    {"since": "2021-06-01", "until": "2020-06-01"},
    {"current_only": True, "lang": "en"},
    {"current_only": True, "site": "lnu"},
    {"site": "lnu", "lang": "en"},
]


def assert_filtered_as_plain_sql(arc: Archive, query: str = "forskning") -> None:
    """Every filter finds what plain SQL finds, and so within a window of the newest matches,
    which counts only versions that match (the window of every match is not exceeded)."""
    for flt in COMPARED:
        hits = [(h.version_id, h.rank) for h in arc.search(query, **flt)]
        assert hits == reference(arc.conn, f'"{query}"', **flt), flt
        every = reference(arc.conn, f'"{query}"', limit=-1, **flt)
        for window in (4, 8):
            newest = sorted(every, key=lambda hit: -hit[0])[:window]
            best = sorted(newest, key=lambda hit: hit[1])[:2]
            found = [
                (h.version_id, h.rank) for h in arc.search(query, window=window, limit=2, **flt)
            ]
            # Versions of equal rank (the same text) may come in either order.
            assert [rank for _, rank in found] == [rank for _, rank in best], (flt, window)
            assert set(found) <= set(newest), (flt, window)
        fits = arc.search_result(query, window=max(len(every), 1), limit=1, **flt)
        assert not fits.beyond_window, flt


def test_ranges_of_days_find_what_plain_sql_finds(varied):
    assert reference(varied.conn, '"forskning"', since="2020-03-10", until="2021-02-28")
    assert_filtered_as_plain_sql(varied)


def test_a_version_that_stops_being_current_is_no_longer_found_as_current(varied):
    edited, gone = "https://www.umu.se/nyheter/artikel_0/", "https://www.lnu.se/nyheter/artikel_1/"
    was_current = {h.url: h.version_id for h in varied.search("forskning", current_only=True)}
    assert {edited, gone} <= set(was_current)
    content = build_content(title="Forskning om skog", body_text="Ny text.", published_at=None)
    varied.record(build_capture(edited), content, run_id=None, site="umu")
    varied.record(build_capture(gone, status=404, body=b"gone"), None, run_id=None, site="lnu")
    current = {h.url: h.version_id for h in varied.search("forskning", current_only=True)}
    assert gone not in current and current[edited] != was_current[edited]
    assert_filtered_as_plain_sql(varied)


def test_a_page_whose_site_or_language_changes_is_found_under_the_new_one(varied):
    moved = "https://www.umu.se/nyheter/artikel_0/"
    varied.record(build_capture(moved), build_content(title="Forskning"), run_id=None, site="lnu")
    untold = "https://www.umu.se/nyheter/utan_sprak/"
    content = build_content(title="Forskning utan språk", lang=None)
    varied.record(build_capture(untold), content, run_id=None, site="umu", lang="sv")
    varied.record(build_capture(untold), content, run_id=None, site="umu", lang="en")
    assert {h.url for h in varied.search("forskning", site="lnu")} >= {moved}
    assert untold in {h.url for h in varied.search("forskning", lang="en")}
    assert untold not in {h.url for h in varied.search("forskning", lang="sv")}
    assert_filtered_as_plain_sql(varied)


def test_a_version_whose_date_is_not_a_day_is_filtered_as_plain_sql_does(varied):
    odd = "https://www.umu.se/nyheter/bara_manad/"
    content = build_content(title="Forskning i juni", published_at="2021-06")
    varied.record(build_capture(odd), content, run_id=None, site="umu")
    assert odd in {h.url for h in varied.search("forskning", since="2021-01-01")}
    assert_filtered_as_plain_sql(varied)


def test_words_are_searched_in_the_text_never_in_the_filters(archive):
    for n in range(3):
        content = build_content(title="Current research", body_text="current " * n, lang="en")
        archive.record(build_capture(f"https://www.umu.se/en/news/current_{n}/"), content,
                       run_id=None, site="umu")  # fmt: skip
    record_varied(archive)  # newer current versions, none with the word
    found = archive.search_result("current", current_only=True, window=3, limit=3)
    assert [(h.version_id, h.rank) for h in found.hits] == reference(
        archive.conn, '"current"', current_only=True
    )
    assert len(found.hits) == 3 and not found.beyond_window


def test_a_merged_archive_filters_as_plain_sql(tmp_path):
    with Archive.open(tmp_path / "a.db") as a, Archive.open(tmp_path / "b.db") as b:
        record_varied(b, range(4, 12))  # pages 4-7 in both, fetched first in B:
        record_varied(a, range(0, 8))  # their versions in A are written again
    with Archive.open(tmp_path / "a.db") as a, open_other(tmp_path / "b.db") as b:
        assert merge(a, b).versions_added > 0
        assert_filtered_as_plain_sql(a)


def test_an_archive_from_before_the_filtered_index_searches_as_it_did(varied, archive_path):
    """Schema 6: the search SQL of then, over an archive without migration 7's tables."""
    conn = varied.conn
    triggers = (
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'versions_search%'"
    )
    for (name,) in conn.execute(triggers).fetchall():
        conn.execute(f"DROP TRIGGER [{name}]")
    conn.execute("DROP TABLE versions_search")
    conn.execute("DROP TABLE versions_facets")
    conn.execute("PRAGMA user_version = 6")
    before = []
    for flt in COMPARED:
        options = SearchFilter(**flt)
        rows = conn.execute(search_sql(options), {"query": '"forskning"', **options.params()})
        before.append([(r["version_id"], r["rank"]) for r in rows])
    # Read as it is (a Datasette serving it unmigrated): filters tested row by row.
    as_it_is = [[(h.version_id, h.rank) for h in search(conn, "forskning", **f)] for f in COMPARED]
    assert as_it_is == before
    varied.close()
    with Archive.open(archive_path, create=False) as arc:
        assert arc.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert arc.conn.execute("SELECT count(*) FROM versions_facets").fetchone()[0] == 21
        after = [[(h.version_id, h.rank) for h in arc.search("forskning", **f)] for f in COMPARED]
        assert after == before
        assert_filtered_as_plain_sql(arc)


def test_a_version_corrected_by_hand_is_found_as_corrected(varied):
    """As `sqlite-utils` or any SQLite client would correct a version's language and date."""
    (first,) = varied.conn.execute(
        "SELECT id FROM versions WHERE lang = 'sv' AND title LIKE 'Forskning%' LIMIT 1"
    ).fetchone()
    varied.conn.execute(
        "UPDATE versions SET lang = 'en', published_at = '2019-05-05' WHERE id = ?", (first,)
    )
    assert first in {h.version_id for h in varied.search("forskning", lang="en")}
    assert first in {h.version_id for h in varied.search("forskning", until="2019-12-31")}
    assert_filtered_as_plain_sql(varied)
