"""Search at scale: hits are those of ranking every match (the obvious SQL) while a query
matches no more versions than the search ranks; beyond that, the best of the newest, said so."""

from __future__ import annotations

import json

import pytest
from fixtures_archive import build_capture, build_content

from archive.queries import RANK_WEIGHTS

SITES = ("umu", "lnu")


@pytest.fixture
def varied(archive):
    """Twelve pages over two sites, two languages and two years, most edited once; the word
    "forskning" in titles, leads or bodies, once or many times, so that ranks differ."""
    for n in range(12):
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


def reference(conn, query: str, **flt) -> list[tuple[int, float]]:
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
        " ORDER BY rank LIMIT 20"
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
