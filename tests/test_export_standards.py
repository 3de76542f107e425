"""Research-grade exports read back with the tools researchers use: typed Parquet (pyarrow,
duckdb), the Frictionless Data Package (`frictionless validate`), Croissant 1.1 (`mlcroissant`),
the Hugging Face card (huggingface_hub), plus personal data, moved articles and the dataset of
edits, on an archive of two real crawls of the demo site."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from fixtures_research import DemoArchive
from huggingface_hub import DatasetCard

from archive.card import DatasetInfo, write_card
from archive.edits import CHANGE_COLUMNS, sentence_changes, sentences
from archive.export import COLUMNS, export
from scraper.cli import cli

FORMATS = ("jsonl", "csv", "parquet")
BIN = Path(sys.executable).parent


def uninews(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="uninews")


def run_export(arc: DemoArchive, out: Path, *options: str) -> Path:
    fmt = out.suffix[1:]
    result = uninews("export", "--db", str(arc.path), "--format", fmt, "--out", str(out), *options)
    assert result.exit_code == 0, result.output
    return out


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def tool(name: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / name), *args], capture_output=True, text=True, timeout=240)


@pytest.fixture(scope="module")
def exports(demo_archive, tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Every format of both datasets, exported once for the module: (dataset, fmt) -> file."""
    folder = tmp_path_factory.mktemp("exports")
    out = {}
    for fmt in FORMATS:
        out["versions", fmt] = run_export(demo_archive, folder / f"versions.{fmt}")
        out["changes", fmt] = run_export(demo_archive, folder / f"changes.{fmt}", "--changes")
    return out


def test_parquet_has_dates_utc_timestamps_and_column_descriptions(exports):
    path = exports["versions", "parquet"]
    schema = pq.read_schema(path)
    assert schema.field("published_at").type == pa.date32()
    assert schema.field("updated_at").type == pa.date32()
    assert schema.field("fetched_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("contacts").type.value_type.field("email").type == pa.string()
    for column in COLUMNS:
        assert schema.field(column.name).metadata[b"description"].decode() == column.description
    # duckdb reads the same types, and the descriptions from the file's key-value metadata
    described = {
        row[0]: row[1] for row in duckdb.sql(f"DESCRIBE SELECT * FROM '{path}'").fetchall()
    }
    assert described["published_at"] == "DATE"
    assert described["fetched_at"] == "TIMESTAMP WITH TIME ZONE"
    assert described["moved_from"] == "VARCHAR[]"
    kv = dict(
        (key.decode(), value.decode())
        for key, value in duckdb.sql(
            f"SELECT key, value FROM parquet_kv_metadata('{path}')"
        ).fetchall()
    )
    assert json.loads(kv["column_descriptions"])["body_text"].startswith("Article body")
    # the JSON Lines file gives duckdb the same date, row for row
    from_parquet = duckdb.sql(f"SELECT id, published_at FROM '{path}' ORDER BY id").fetchall()
    from_jsonl = duckdb.sql(
        f"SELECT id, published_at FROM read_json_auto('{exports['versions', 'jsonl']}') ORDER BY id"
    ).fetchall()
    assert from_parquet == from_jsonl and any(day for _, day in from_parquet)


def test_the_card_states_the_types_the_files_have(exports):
    card = json.loads(Path(str(exports["versions", "parquet"]) + ".card.json").read_text())
    types = {f["name"]: (f["type"], f["type_in_file"]) for f in card["fields"]}
    assert types["published_at"] == ("date", "date32[day]")
    assert types["fetched_at"] == ("datetime", "timestamp[us, tz=UTC]")
    assert types["version"][0] == "integer" and types["is_current"][0] == "boolean"


@pytest.mark.parametrize("dataset", ["versions", "changes"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_frictionless_validates_every_export(exports, dataset, fmt):
    package = Path(str(exports[dataset, fmt]) + ".datapackage.json")
    done = tool("frictionless", "validate", "--json", str(package))
    report = json.loads(done.stdout)
    assert report["valid"], json.dumps(report["tasks"], indent=1)[:3000]
    assert report["tasks"][0]["stats"]["rows"] == len(
        pq.read_table(exports[dataset, "parquet"], columns=["id"])
    )


def test_frictionless_catches_a_changed_data_file(exports, tmp_path):
    for name in ("versions.csv", "versions.csv.datapackage.json"):
        shutil.copy(exports["versions", "csv"].with_name(name), tmp_path / name)
    data = tmp_path / "versions.csv"
    data.write_bytes(data.read_bytes().replace(b"Ume", b"Uma", 1))
    report = json.loads(
        tool("frictionless", "validate", "--json", str(data) + ".datapackage.json").stdout
    )
    assert not report["valid"]


@pytest.mark.parametrize("dataset", ["versions", "changes"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_mlcroissant_validates_and_loads_every_export(exports, dataset, fmt):
    import mlcroissant as mlc

    path = exports[dataset, fmt]
    jsonld = Path(str(path) + ".croissant.json")
    done = tool("mlcroissant", "validate", "--jsonld", str(jsonld))
    assert done.returncode == 0 and "error" not in (done.stdout + done.stderr).lower(), done.stderr[
        -3000:
    ]
    doc = json.loads(jsonld.read_text())
    assert doc["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    for key in ("rai:dataCollection", "rai:personalSensitiveInformation", "license"):
        assert doc[key], key
    assert doc["distribution"][0]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    records = list(mlc.Dataset(str(jsonld)).records(dataset))
    ids = pq.read_table(exports[dataset, "parquet"], columns=["id"]).column("id").to_pylist()
    assert sorted(r[f"{dataset}/id"].decode() for r in records) == sorted(ids)


def test_hugging_face_reads_the_card_metadata(exports, demo_archive, tmp_path):
    card = DatasetCard.load(str(exports["versions", "jsonl"]) + ".card.md")
    data = card.data.to_dict()
    assert data["license"] == "cc0-1.0"  # the demo profile's [dataset] license
    assert set(data["language"]) == {"sv", "en"}
    assert data["size_categories"] == ["n<1K"] and data["source_datasets"] == ["original"]
    assert data["pretty_name"] and data["task_categories"] and "news" in data["tags"]
    assert "## Personal data" in card.text and "--contacts hash" in card.text
    # an option wins over the profile, and the licence goes into every metadata file
    out = run_export(demo_archive, tmp_path / "by.parquet", "--license", "CC-BY-4.0",
                     "--citation", "Demo news (2026).", "--creator", "A. Researcher")  # fmt: skip
    card = DatasetCard.load(str(out) + ".card.md")
    assert card.data.license == "cc-by-4.0" and "Demo news (2026)." in card.text
    package = json.loads(Path(str(out) + ".datapackage.json").read_text())
    assert package["licenses"][0]["path"] == "https://creativecommons.org/licenses/by/4.0/"
    croissant = json.loads(Path(str(out) + ".croissant.json").read_text())
    assert croissant["citeAs"] == "Demo news (2026)."
    assert croissant["creator"]["name"] == "A. Researcher"


def test_the_card_says_plainly_when_no_licence_or_citation_was_given(demo_archive, tmp_path):
    import sqlite3

    conn = sqlite3.connect(demo_archive.path)
    result = export(conn, tmp_path / "x.jsonl", "jsonl")
    md, _, package, croissant = write_card(conn, result, archive="a.db", command=None,
                                           info=DatasetInfo())  # fmt: skip
    conn.close()
    card = DatasetCard.load(str(md))
    assert card.data.license == "unknown"
    assert "No licence was given for this export" in card.text
    assert "No citation was given for this export" in card.text
    assert "licenses" not in json.loads(package.read_text())
    assert "No licence was given" in json.loads(croissant.read_text())["usageInfo"]


def test_contacts_are_kept_dropped_or_hashed(demo_archive, exports, tmp_path):
    archived = {
        (r["url"], r["version"]): json.loads(r["contacts"])
        for r in demo_archive.rows("SELECT url, version, contacts FROM versions")
    }
    keep = jsonl(run_export(demo_archive, tmp_path / "keep.jsonl", "--contacts", "keep"))
    drop = jsonl(run_export(demo_archive, tmp_path / "drop.jsonl", "--contacts", "drop"))
    hashed = jsonl(exports["versions", "jsonl"])  # the default
    assert all(r["contacts"] == archived[r["url"], r["version"]] for r in keep)
    assert any("@" in (c["email"] or "") for r in keep for c in r["contacts"])
    assert all(r["contacts"] == [] for r in drop)
    for mine, kept in zip(hashed, keep, strict=True):
        for pseudo, plain in zip(mine["contacts"], kept["contacts"], strict=True):
            digest = hashlib.sha256(plain["email"].strip().lower().encode()).hexdigest()
            assert pseudo["email"] == "sha256:" + digest[:16]
            assert pseudo["unit"] == plain["unit"]
            assert plain["name"] not in json.dumps(mine["contacts"], ensure_ascii=False)
    card = json.loads(Path(str(exports["versions", "jsonl"]) + ".card.json").read_text())
    assert card["personal_data"]["contacts"] == "hash"
    assert "contacts" in card["personal_data"]["fields"]
    assert "pseudonymised" in card["personal_data"]["contacts_policy"]


def test_a_moved_article_is_linked_and_counted_once(demo_archive, exports, tmp_path):
    old, new = (demo_archive.url(path) for path in demo_archive.changes.moved)
    rows = jsonl(exports["versions", "jsonl"])
    assert {r["moved_to"] for r in rows if r["url"] == old} == {new}
    assert all(r["moved_from"] == [old] for r in rows if r["url"] == new)
    assert all(r["moved_to"] is None and r["moved_from"] == [] for r in rows
               if r["url"] not in (old, new))  # fmt: skip
    for option in (["--latest"], ["--as-of", "2999-01-01"]):
        latest = jsonl(run_export(demo_archive, tmp_path / "l.jsonl", *option))
        urls = [r["url"] for r in latest]
        assert old not in urls and urls.count(new) == 1, option
    card = json.loads(Path(str(exports["versions", "jsonl"]) + ".card.json").read_text())
    pages = {r["url"] for r in rows}
    assert card["counts"]["pages"] == len(pages)
    assert card["counts"]["articles"] == len(pages) - 1  # the moved one counted once
    assert sum(card["counts"]["by_lang"].values()) == card["counts"]["articles"]
    assert sum(card["counts"]["rows_by_lang"].values()) == len(rows)


def test_the_dataset_of_edits_has_one_row_per_edit(demo_archive, exports):
    edits = jsonl(exports["changes", "jsonl"])
    pairs = demo_archive.rows("SELECT url, version FROM versions WHERE version > 1")
    assert sorted((e["url"], e["to_version"]) for e in edits) == sorted(
        (p["url"], p["version"]) for p in pairs
    )
    assert list(edits[0]) == [c.name for c in CHANGE_COLUMNS]
    edited = {demo_archive.url(path) for path in demo_archive.changes.edited}
    assert edited <= {e["url"] for e in edits}
    for edit in edits:
        old, new = (
            demo_archive.rows(
                "SELECT lead, body_text, updated_at FROM versions WHERE url = ? AND version = ?",
                edit["url"],
                n,
            )[0]
            for n in (edit["from_version"], edit["to_version"])
        )
        assert edit["id"] == f"{edit['url']}#v{edit['from_version']}-v{edit['to_version']}"
        assert edit["from_fetched_at"] < edit["to_fetched_at"]
        assert edit["words_added"] + edit["words_removed"] > 0
        assert edit["silent_edit"] == (old["updated_at"] == new["updated_at"])
        # every added sentence is in the new text and not the old, every deleted one the reverse
        old_s = sentences(old["lead"], old["body_text"])
        new_s = sentences(new["lead"], new["body_text"])
        for change in edit["sentence_changes"]:
            if change["change"] in ("added", "modified"):
                assert new_s[change["new_index"]] == change["new"]
            if change["change"] in ("deleted", "modified"):
                assert old_s[change["old_index"]] == change["old"]
        counts = [c["change"] for c in edit["sentence_changes"]]
        assert edit["sentences_added"] == counts.count("added") and counts
    # the same rows in CSV and Parquet
    table = pq.read_table(exports["changes", "parquet"]).to_pylist()
    assert [t["sentence_changes"] for t in table] == [e["sentence_changes"] for e in edits]
    card = json.loads(Path(str(exports["changes", "jsonl"]) + ".card.json").read_text())
    assert card["dataset"] == "changes" and card["counts"]["rows"] == len(edits)
    assert [f["name"] for f in card["fields"]] == [c.name for c in CHANGE_COLUMNS]


def test_sentence_changes_are_added_deleted_or_modified():
    old = sentences(None, "Forskarna i Umeå har studerat bakterier. Resultaten publiceras i dag.")
    new = sentences(
        None,
        "Forskarna i Umeå har länge studerat bakterier. Studien fick stöd av Kempestiftelserna.",
    )
    changes, added, removed = sentence_changes(old, new)
    assert [(c["change"], c["old_index"], c["new_index"]) for c in changes] == [
        ("modified", 0, 0),
        ("deleted", 1, None),
        ("added", None, 1),
    ]
    assert (added, removed) == (1 + 5, 4)  # "länge" and the new sentence; the old sentence


def test_changes_take_no_latest_or_as_of(demo_archive, tmp_path):
    result = uninews("export", "--db", str(demo_archive.path), "--format", "jsonl",
                     "--out", str(tmp_path / "c.jsonl"), "--changes", "--latest")  # fmt: skip
    assert result.exit_code == 2 and "takes no --latest" in result.output
    assert len(result.output.strip().splitlines()) == 1
