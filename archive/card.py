"""The dataset card written beside every export: what the data is, where from, how it was made.

Two files with the same facts: `<out>.card.json` for programs and `<out>.card.md` for people
(source sites, crawl period, counts, the exact command, the uninews version, field
descriptions, and the sha256 of the data file so a copy can be checked).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .export import COLUMNS, ROW_ID_DOC, ExportResult, column_type

FORMAT_NOTES = {
    "jsonl": "JSON Lines, UTF-8: one JSON object per line; lists and objects as JSON values.",
    "csv": (
        "CSV (RFC 4180), UTF-8, header row, CRLF row ends; text cells always quoted (newlines "
        "stay inside them), empty cell for no value; lists and objects are JSON text."
    ),
    "parquet": (
        "Apache Parquet (zstd), declared schema: lists as list<string>, images, contacts and "
        "links as list<struct<...>>, fetched_at and archived_at as timestamp[us, UTC]."
    ),
}


def uninews_version() -> str:
    try:
        return package_version("uninews")
    except PackageNotFoundError:
        return "unknown"


def card_paths(out: Path) -> tuple[Path, Path]:
    """Where the card of the data file `out` goes: `<out>.card.md` and `<out>.card.json`."""
    return out.with_name(out.name + ".card.md"), out.with_name(out.name + ".card.json")


def _crawl_runs(conn: sqlite3.Connection, sites: list[str]) -> dict[str, Any]:
    if not sites:
        return {"runs": 0, "first_started": None, "last_finished": None}
    marks = ", ".join("?" * len(sites))
    row = conn.execute(
        f"SELECT count(*), min(started_at), max(coalesce(finished_at, started_at))"
        f" FROM runs WHERE site IN ({marks})",
        sites,
    ).fetchone()
    return {"runs": row[0], "first_started": row[1], "last_finished": row[2]}


def build_card(
    conn: sqlite3.Connection, result: ExportResult, *, archive: str, command: str | None
) -> dict[str, Any]:
    """The card's facts as a JSON-able dict."""
    stats = result.stats
    sites = sorted(stats.sites)
    hosts = sorted({urlsplit(url).netloc for url in stats.urls})
    return {
        "title": f"uninews export: {', '.join(sites) or 'no rows'}",
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "uninews_version": uninews_version(),
        "command": command,
        "archive": Path(archive).name,
        "file": {
            "name": result.path.name,
            "format": result.fmt,
            "format_notes": FORMAT_NOTES[result.fmt],
            "bytes": result.size,
            "sha256": result.sha256,
        },
        "selection": {
            "filters": result.filter.describe(),
            "rows_are": (
                "each page as it stood at as_of (one row per page not gone by then)"
                if result.filter.as_of
                else "the current version of each page (one row per page)"
                if result.filter.latest
                else "every archived version of every page (one row per version)"
            ),
        },
        "sources": {"sites": sites, "hosts": hosts},
        "crawl_period": {
            **_crawl_runs(conn, sites),
            "first_fetched": stats.first_fetched,
            "last_fetched": stats.last_fetched,
        },
        "counts": {
            "rows": stats.rows,
            "pages": len(stats.urls),
            "by_site": dict(sorted(stats.sites.items())),
            "by_lang": dict(sorted(stats.langs.items())),
            "by_kind": dict(sorted(stats.kinds.items())),
            "published_from": stats.first_published,
            "published_to": stats.last_published,
        },
        "row_id": ROW_ID_DOC,
        "fields": [
            {"name": name, "type": column_type(name, result.fmt), "description": text}
            for name, text in COLUMNS
        ],
    }


def render_markdown(card: dict[str, Any]) -> str:
    file, counts, period = card["file"], card["counts"], card["crawl_period"]
    filters = card["selection"]["filters"]
    lines = [
        f"# {card['title']}",
        "",
        f"Exported {card['created_at']} by uninews {card['uninews_version']} from the archive "
        f"`{card['archive']}`.",
        "",
        "## File",
        "",
        f"- name: `{file['name']}` ({file['bytes']:,} bytes)",
        f"- format: {file['format']}. {file['format_notes']}",
        f"- sha256: `{file['sha256']}` (check with `sha256sum {file['name']}`)",
        "",
        "## How it was made",
        "",
        "```",
        card["command"] or "(library call, no command line)",
        "```",
        "",
        f"Rows are {card['selection']['rows_are']}.",
        "Filters: "
        + (", ".join(f"{k} = {v}" for k, v in filters.items()) if filters else "none")
        + ".",
        "",
        "## Sources",
        "",
        f"- sites: {', '.join(card['sources']['sites']) or 'none'}",
        f"- hosts: {', '.join(card['sources']['hosts']) or 'none'}",
        f"- crawl runs: {period['runs']}, from {period['first_started']} to "
        f"{period['last_finished']}",
        f"- pages fetched between {period['first_fetched']} and {period['last_fetched']}",
        "",
        "## Counts",
        "",
        f"- rows: {counts['rows']:,}; distinct pages: {counts['pages']:,}",
        "- by site: " + _counts(counts["by_site"]),
        "- by language: " + _counts(counts["by_lang"]),
        "- by kind: " + _counts(counts["by_kind"]),
        f"- published dates from {counts['published_from']} to {counts['published_to']}",
        "",
        "## Fields",
        "",
        f"Row id: {card['row_id']}",
        "",
        "| field | type | description |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {f['name']} | {f['type']} | {f['description']} |" for f in card["fields"]]
    return "\n".join(lines) + "\n"


def _counts(counter: dict[str, int]) -> str:
    return ", ".join(f"{name} {n:,}" for name, n in counter.items()) or "none"


def write_card(
    conn: sqlite3.Connection, result: ExportResult, *, archive: str, command: str | None
) -> tuple[Path, Path]:
    """Write `<out>.card.md` and `<out>.card.json` beside the data file; return their paths."""
    card = build_card(conn, result, archive=archive, command=command)
    md_path, json_path = card_paths(result.path)
    json_path.write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    md_path.write_text(render_markdown(card), encoding="utf-8")
    return md_path, json_path
