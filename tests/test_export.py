"""`uninews export` on an archive of two real crawls of the demo site: rows, filters, as-of,
the three formats read back by their usual readers, and the dataset card."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from fixtures_research import DemoArchive

from archive import export as export_module
from archive.export import COLUMN_NAMES, parquet_schema
from archive.times import parse_instant
from scraper.cli import cli


def uninews(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="uninews")


def export_rows(arc: DemoArchive, tmp_path: Path, *options: str, name: str = "out.jsonl"):
    out = tmp_path / name
    result = uninews(
        "export", "--db", str(arc.path), "--format", "jsonl", "--out", str(out), *options
    )
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_one_row_per_version_with_stable_ids(demo_archive, tmp_path):
    rows = export_rows(demo_archive, tmp_path)
    versions = demo_archive.rows("SELECT url, version FROM versions")
    assert sorted((r["url"], r["version"]) for r in rows) == sorted(
        (v["url"], v["version"]) for v in versions
    )
    assert all(r["id"] == f"{r['url']}#v{r['version']}" for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)
    assert list(rows[0]) == list(COLUMN_NAMES)
    edited = demo_archive.url(demo_archive.changes.edited[0])
    mine = [r for r in rows if r["url"] == edited]
    assert [(r["version"], r["is_current"]) for r in mine] == [(1, False), (2, True)]
    assert mine[0]["body_text"] != mine[1]["body_text"]
    assert "body_text" in mine[1]["changed_fields"]
    assert isinstance(mine[1]["authors"], list) and isinstance(mine[1]["images"], list)


def test_latest_gives_the_current_version_of_each_page(demo_archive, tmp_path):
    rows = export_rows(demo_archive, tmp_path, "--latest")
    pages = demo_archive.rows("SELECT url, current_version FROM pages WHERE current_version > 0")
    moved_from = demo_archive.url(demo_archive.changes.moved[0])  # the same article, moved
    assert {(r["url"], r["version"]) for r in rows} == {
        (p["url"], p["current_version"]) for p in pages if p["url"] != moved_from
    }
    assert all(r["is_current"] for r in rows)


def test_as_of_shows_each_page_as_it_stood(demo_archive, tmp_path):
    changes = demo_archive.changes
    before = {
        r["url"]: r for r in export_rows(demo_archive, tmp_path, "--as-of", demo_archive.between)
    }
    now = {r["url"]: r for r in export_rows(demo_archive, tmp_path, "--as-of", "2999-01-01")}
    edited = demo_archive.url(changes.edited[0])
    assert before[edited]["version"] == 1 and now[edited]["version"] == 2
    deleted, (moved_from, moved_to) = demo_archive.url(changes.deleted), changes.moved
    assert deleted in before and deleted not in now  # gone after the second crawl
    assert demo_archive.url(moved_from) in before and demo_archive.url(moved_from) not in now
    assert demo_archive.url(moved_to) in now and demo_archive.url(moved_to) not in before
    for path in changes.new:
        assert demo_archive.url(path) in now and demo_archive.url(path) not in before
    state1 = {demo_archive.url(a.path) for a in demo_archive.site.articles(1)}
    assert {u for u, r in before.items() if r["kind"] == "article"} == state1


def test_filters_by_site_language_and_dates(demo_archive, tmp_path):
    everything = export_rows(demo_archive, tmp_path)
    swedish = export_rows(demo_archive, tmp_path, "--lang", "sv")
    assert swedish and {r["lang"] for r in swedish} == {"sv"}
    assert len(swedish) == sum(r["lang"] == "sv" for r in everything)
    assert export_rows(demo_archive, tmp_path, "--site", "demo") == everything
    assert export_rows(demo_archive, tmp_path, "--site", "umu") == []
    days = sorted({r["published_at"][:10] for r in everything if r["published_at"]})
    since, until = days[len(days) // 3], days[2 * len(days) // 3]
    window = export_rows(demo_archive, tmp_path, "--since", since, "--until", until)
    expected = [
        r for r in everything if r["published_at"] and since <= r["published_at"][:10] <= until
    ]
    assert window and [r["id"] for r in window] == [r["id"] for r in expected]


def test_kind_keeps_articles_or_section_pages(demo_archive, tmp_path):
    articles = export_rows(demo_archive, tmp_path, "--kind", "article", "--latest")
    pages = export_rows(demo_archive, tmp_path, "--kind", "page", "--latest")
    assert {r["kind"] for r in articles} == {"article"} and {r["kind"] for r in pages} == {"page"}
    both = export_rows(demo_archive, tmp_path, "--kind", "article", "--kind", "page", "--latest")
    assert (
        len(both)
        == len(articles) + len(pages)
        == len(export_rows(demo_archive, tmp_path, "--latest"))
    )


def test_as_of_times_are_utc_and_a_date_means_its_end():
    assert parse_instant("2026-11-27") == "2026-11-27T23:59:59.999999Z"
    assert parse_instant("2026-11-27T12:00:00") == "2026-11-27T12:00:00.000000Z"
    assert parse_instant("2026-11-27T12:00:00+02:00") == "2026-11-27T10:00:00.000000Z"
    assert parse_instant("2026-11-27T12:00:00Z") == "2026-11-27T12:00:00.000000Z"


def test_csv_rows_survive_pythons_csv_module(demo_archive, tmp_path):
    rows = export_rows(demo_archive, tmp_path)
    out = tmp_path / "out.csv"
    result = uninews("export", "--db", str(demo_archive.path), "--format", "csv", "--out", str(out))
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert len(read) == len(rows)
    for mine, theirs in zip(rows, read, strict=True):
        assert theirs["id"] == mine["id"]
        assert theirs["body_text"] == mine["body_text"]  # newlines, quotes, å/ä/ö intact
        assert theirs["title"] == mine["title"]
        assert json.loads(theirs["authors"]) == mine["authors"]
        assert json.loads(theirs["contacts"]) == mine["contacts"]
        assert theirs["version"] == str(mine["version"])
    assert any("\n" in r["body_text"] for r in read)
    assert any(ch in "".join(r["title"] for r in read) for ch in "åäö")


def test_parquet_reads_back_with_the_declared_types(demo_archive, tmp_path, monkeypatch):
    rows = export_rows(demo_archive, tmp_path)
    monkeypatch.setattr(export_module, "BATCH_ROWS", 25)  # several row groups from a small archive
    out = tmp_path / "out.parquet"
    result = uninews(
        "export", "--db", str(demo_archive.path), "--format", "parquet", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    file = pq.ParquetFile(out)
    assert file.schema_arrow == parquet_schema()
    assert file.num_row_groups == -(-len(rows) // 25)
    table = file.read().to_pylist()
    assert [r["id"] for r in table] == [r["id"] for r in rows]
    for mine, theirs in zip(rows, table, strict=True):
        assert theirs["body_text"] == mine["body_text"]
        assert theirs["authors"] == mine["authors"]
        assert [i["src"] for i in theirs["images"]] == [i["src"] for i in mine["images"]]
        assert [c["email"] for c in theirs["contacts"]] == [
            c.get("email") for c in mine["contacts"]
        ]
        assert (
            theirs["fetched_at"].isoformat().replace("+00:00", "Z")[:19] == mine["fetched_at"][:19]
        )


def test_every_export_writes_a_dataset_card(demo_archive, tmp_path):
    out = tmp_path / "sv.parquet"
    result = uninews(
        "export", "--db", str(demo_archive.path), "--format", "parquet", "--out", str(out),
        "--lang", "sv", "--latest",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    card = json.loads((tmp_path / "sv.parquet.card.json").read_text(encoding="utf-8"))
    markdown = (tmp_path / "sv.parquet.card.md").read_text(encoding="utf-8")
    assert card["file"]["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert card["file"]["sha256"] in markdown
    assert card["command"].startswith("uninews export --format parquet --out ")
    assert "--lang sv" in card["command"] and card["command"].endswith(" --latest")
    assert card["command"] in markdown
    assert card["uninews_version"] not in ("", "unknown")
    assert card["sources"]["sites"] == ["demo"]
    assert card["crawl_period"]["runs"] == len(demo_archive.rows("SELECT id FROM runs"))
    assert card["counts"]["rows"] == pq.ParquetFile(out).metadata.num_rows
    assert card["counts"]["by_lang"] == {"sv": card["counts"]["rows"]}
    assert [f["name"] for f in card["fields"]] == list(COLUMN_NAMES)
    assert all(f["description"] for f in card["fields"])
    assert "| body_text | string |" in markdown


@pytest.mark.parametrize(
    "args, message",
    [
        (["--since", "last tuesday"], "bad --since 'last tuesday': write a date like"),
        (["--as-of", "yesterday"], "bad --as-of 'yesterday'"),
        (["--since", "2026-02-01", "--until", "2026-01-01"], "is after --until"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(demo_archive, tmp_path, args, message):
    out = tmp_path / "x.jsonl"
    result = uninews(
        "export", "--db", str(demo_archive.path), "--format", "jsonl", "--out", str(out), *args
    )
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_bad_paths_are_one_line_and_exit_2(demo_archive, tmp_path):
    folder = uninews(
        "export", "--db", str(demo_archive.path), "--format", "csv", "--out", str(tmp_path)
    )
    assert folder.exit_code == 2 and "is a folder" in folder.output
    missing = uninews(
        "export",
        "--db",
        str(tmp_path / "none.db"),
        "--format",
        "csv",
        "--out",
        str(tmp_path / "a.csv"),
    )
    assert missing.exit_code == 2 and "no archive at" in missing.output
    assert not (tmp_path / "none.db").exists()
