"""The dataset card written beside every export: what the data is, where from, how it was made.

Files beside the data file `<out>`, with the same facts:
- `<out>.card.md` for people, in Hugging Face's dataset card format (YAML front matter:
  license, language, size_categories, task_categories, pretty_name, source_datasets, tags),
- `<out>.card.json` for programs,
- `<out>.datapackage.json` (Frictionless) and `<out>.croissant.json` (Croissant 1.1): see
  archive.standards.

The card gives the source sites, crawl period, counts, the exact command, the uninews version,
field types and descriptions, the sha256 of the data file, the licence and citation (or says
plainly that none was given), and which fields may hold personal data.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .columns import Column
from .export import COLUMNS, DESCRIPTION, ROW_ID_DOC, ExportResult
from .personal import PERSONAL_FIELDS, POLICY_TEXT
from .standards import croissant, datapackage
from .version import VERSION

FORMAT_NOTES = {
    "jsonl": "JSON Lines, UTF-8: one JSON object per line; lists and objects as JSON values.",
    "csv": (
        "CSV (RFC 4180), UTF-8, header row, CRLF row ends; text cells always quoted (newlines "
        "stay inside them), empty cell for no value; lists and objects are JSON text."
    ),
    "parquet": (
        "Apache Parquet (zstd), declared schema: dates as date32, timestamps as "
        "timestamp[us, UTC], lists as list<string>, lists of objects as list<struct<...>>; "
        "every column's description in the schema metadata."
    ),
}

# SPDX id -> (Hugging Face license id, URL), for the licences open datasets mostly use.
LICENSES: dict[str, tuple[str, str]] = {
    "cc-by-4.0": ("cc-by-4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "cc-by-sa-4.0": ("cc-by-sa-4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    "cc-by-nc-4.0": ("cc-by-nc-4.0", "https://creativecommons.org/licenses/by-nc/4.0/"),
    "cc-by-nc-sa-4.0": ("cc-by-nc-sa-4.0", "https://creativecommons.org/licenses/by-nc-sa/4.0/"),
    "cc0-1.0": ("cc0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "odc-by-1.0": ("odc-by", "https://opendatacommons.org/licenses/by/1-0/"),
    "odbl-1.0": ("odbl", "https://opendatacommons.org/licenses/odbl/1-0/"),
    "pddl-1.0": ("pddl", "https://opendatacommons.org/licenses/pddl/1-0/"),
}
NO_LICENSE = (
    "No licence was given for this export (give one with --license, or `license` in the "
    "site profile's [dataset] table). The texts remain their publishers' work: check the "
    "sites' terms of use before sharing this dataset."
)
NO_CITATION = (
    "No citation was given for this export (give one with --citation, or `citation` in the "
    "site profile's [dataset] table); a suggested one follows."
)


@dataclass(frozen=True)
class DatasetInfo:
    """What the archive cannot know: licence, terms, citation and creator, from the command's
    options and the site profiles' [dataset] tables; publishers are the profiles' titles."""

    license: str | None = None
    terms: str | None = None
    citation: str | None = None
    creator: str | None = None
    publishers: tuple[str, ...] = field(default_factory=tuple)


def card_paths(out: Path) -> tuple[Path, Path]:
    """Where the card of the data file `out` goes: `<out>.card.md` and `<out>.card.json`."""
    return out.with_name(out.name + ".card.md"), out.with_name(out.name + ".card.json")


def metadata_paths(out: Path) -> tuple[Path, Path]:
    """Where the standard metadata of `out` goes: `<out>.datapackage.json`, `.croissant.json`."""
    return (
        out.with_name(out.name + ".datapackage.json"),
        out.with_name(out.name + ".croissant.json"),
    )


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


def size_category(rows: int) -> str:
    """Hugging Face's size_categories bucket for a row count."""
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if rows < limit:
            return name
    return "100K<n<1M" if rows < 1_000_000 else "1M<n<10M"


def dataset_columns(dataset: str) -> tuple[Column, ...]:
    if dataset == "changes":
        from .edits import CHANGE_COLUMNS

        return CHANGE_COLUMNS
    return COLUMNS


def _about(result: ExportResult, info: DatasetInfo, hosts: list[str]) -> dict[str, Any]:
    stats, changes = result.stats, result.dataset == "changes"
    licence = (info.license or "").strip() or None
    hf_id, url = LICENSES.get((licence or "").lower(), ("other" if licence else "unknown", None))
    if licence and licence.startswith(("http://", "https://")):
        url = licence
    languages = sorted(lang for lang in stats.langs if lang != "unknown")
    pretty = f"{', '.join(info.publishers) or ', '.join(hosts) or 'University'} news" + (
        " edits" if changes else ""
    )
    year = datetime.now(UTC).year
    suggested = (
        f"{info.creator or ', '.join(info.publishers) or 'Unknown'} ({year}). {pretty} "
        f"[dataset]. Archived from {', '.join(hosts) or 'no host'} and exported with uninews "
        f"{VERSION}; file sha256 {result.sha256}."
    )
    return {
        "pretty_name": pretty,
        "license": licence,
        "license_hf": hf_id,
        "license_url": url,
        "license_note": NO_LICENSE if not licence else None,
        "terms": info.terms,
        "citation": info.citation,
        "citation_note": None if info.citation else NO_CITATION,
        "suggested_citation": suggested,
        "creator": info.creator,
        "publishers": list(info.publishers),
        "hosts": hosts,
        "languages": languages,
        "size_category": size_category(stats.rows),
        "task_categories": ["text-classification", "summarization"]
        if not changes
        else ["text-classification"],
        "tags": ["news", "university", "web-archive"] + (["news-edits"] if changes else []),
        "data_collection": (
            "Web crawl by uninews: the sites' RSS/Atom feeds, sitemaps, listing and section "
            "pages, revisited on a schedule with conditional requests; robots.txt obeyed, "
            "requests throttled. Every response is archived as received; a new version is "
            "recorded only when the extracted article fields change."
        ),
        "preprocessing": (
            "Page furniture (menus, skip links, cookie banners, share bars, footers) removed; "
            "title, lead, body, dates, authors, category, tags, images, contacts, links and "
            "language extracted by the uninews extractor (its version is in each row)."
        ),
        "limitations": (
            "Only what the crawls reached, when they ran: an edit made and undone between two "
            "visits is not seen, and an edit's time is bounded by the visits around it. "
            "Extraction is automatic (snippet F1 about 0.93 on annotated pages)."
        ),
        "use_cases": (
            "Research on university communication, news over time and how articles are edited."
        ),
    }


def build_card(
    conn: sqlite3.Connection,
    result: ExportResult,
    *,
    archive: str,
    command: str | None,
    info: DatasetInfo | None = None,
) -> dict[str, Any]:
    """The card's facts as a JSON-able dict."""
    info = info or DatasetInfo()
    stats = result.stats
    sites = sorted(stats.sites)
    hosts = sorted({urlsplit(url).netloc for url in stats.pages})
    changes = result.dataset == "changes"
    columns = dataset_columns(result.dataset)
    names = {c.name for c in columns}
    personal = {name: why for name, why in PERSONAL_FIELDS.items() if name in names}
    if changes:
        personal["sentence_changes"] = "sentences of the texts: names, quotations"
    if changes:
        from .edits import CHANGES_DESCRIPTION, ID_DOC

        description, row_id = CHANGES_DESCRIPTION, ID_DOC
        rows_are = "every edit: one row per pair of consecutive versions of a page"
    else:
        description, row_id = DESCRIPTION, ROW_ID_DOC
        rows_are = (
            "each page as it stood at as_of (one row per article not gone or moved by then)"
            if result.filter.as_of
            else "the current version of each page (one row per article: a moved article "
            "once, under its new address)"
            if result.filter.latest
            else "every archived version of every page (one row per version)"
        )
    return {
        "title": f"uninews export: {', '.join(sites) or 'no rows'}"
        + (" (edits)" if changes else ""),
        "description": description,
        "dataset": result.dataset,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "uninews_version": VERSION,
        "command": command,
        "archive": Path(archive).name,
        "file": {
            "name": result.path.name,
            "format": result.fmt,
            "format_notes": FORMAT_NOTES[result.fmt],
            "bytes": result.size,
            "sha256": result.sha256,
        },
        "selection": {"filters": result.filter.describe(), "rows_are": rows_are},
        "about": _about(result, info, hosts),
        "personal_data": {
            "contacts": result.contacts,
            "contacts_policy": POLICY_TEXT[result.contacts] if not changes else None,
            "fields": personal,
            "summary": (
                "Names of staff and of people in the news, in the texts and in the fields "
                + ", ".join(personal)
                + (
                    "; the contacts fields are not in this dataset, but the sentences may "
                    "quote e-mail addresses and phone numbers the texts give."
                    if changes
                    else "; contact e-mail addresses and phone numbers "
                    + {"keep": "are kept", "drop": "were dropped", "hash": "are pseudonymised"}[
                        result.contacts
                    ]
                    + f" (--contacts {result.contacts})."
                )
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
            "pages": len(stats.pages),
            "articles": stats.articles(),
            "by_site": dict(sorted(stats.sites.items())),
            "by_lang": stats.articles_by_lang(),
            "rows_by_lang": dict(sorted(stats.langs.items())),
            "by_kind": dict(sorted(stats.kinds.items())),
            "published_from": stats.first_published,
            "published_to": stats.last_published,
        },
        "row_id": row_id,
        "fields": [
            {
                "name": c.name,
                "type": c.table_schema_type,
                "type_in_file": c.type_in(result.fmt),
                "description": c.description,
            }
            for c in columns
        ],
    }


def _yaml(value: Any) -> str:
    """A YAML scalar: JSON's quoting is valid YAML."""
    return json.dumps(value, ensure_ascii=False)


def front_matter(card: dict[str, Any]) -> list[str]:
    """Hugging Face dataset card metadata (the YAML block huggingface_hub reads)."""
    about = card["about"]
    lines = [
        "---",
        f"pretty_name: {_yaml(about['pretty_name'])}",
        f"license: {about['license_hf']}",
    ]
    if about["license_hf"] == "other" and about["license"]:
        lines.append(f"license_name: {_yaml(about['license'])}")
    lines.append("language:")
    lines += [f"- {_yaml(lang)}" for lang in about["languages"]] or ["- und"]
    lines += ["size_categories:", f"- {_yaml(about['size_category'])}"]
    lines += ["task_categories:"] + [f"- {t}" for t in about["task_categories"]]
    lines += ["source_datasets:", "- original", "tags:"] + [f"- {t}" for t in about["tags"]]
    lines += [
        "configs:",
        "- config_name: default",
        "  data_files:",
        f"  - {_yaml(card['file']['name'])}",
        "---",
        "",
    ]
    return lines


def render_markdown(card: dict[str, Any]) -> str:
    file, counts, period = card["file"], card["counts"], card["crawl_period"]
    about, personal = card["about"], card["personal_data"]
    filters = card["selection"]["filters"]
    lines = front_matter(card) + [
        f"# {card['title']}",
        "",
        card["description"],
        "",
        f"Exported {card['created_at']} by uninews {card['uninews_version']} from the archive "
        f"`{card['archive']}`.",
        "",
        "## File",
        "",
        f"- name: `{file['name']}` ({file['bytes']:,} bytes)",
        f"- format: {file['format']}. {file['format_notes']}",
        f"- sha256: `{file['sha256']}` (check with `sha256sum {file['name']}`)",
        f"- beside it: `{file['name']}.datapackage.json` (Frictionless Data Package) and "
        f"`{file['name']}.croissant.json` (Croissant 1.1)",
        "",
        "## Licence and terms of use",
        "",
        (
            f"Licence: {about['license']}"
            + (f" ({about['license_url']})" if about["license_url"] else "")
            + "."
            if about["license"]
            else about["license_note"]
        ),
    ]
    if about["terms"]:
        lines += ["", f"Terms of use: {about['terms']}"]
    lines += [
        "",
        "## Citation",
        "",
        about["citation"] if about["citation"] else about["citation_note"],
    ]
    if not about["citation"]:
        lines += ["", "```", about["suggested_citation"], "```"]
    lines += [
        "",
        "## Creator",
        "",
        f"- creator: {about['creator'] or 'not given (--creator, or [dataset] creator)'}",
        f"- publishers of the texts: {', '.join(about['publishers']) or ', '.join(about['hosts'])}",
        "",
        "## Personal data",
        "",
        personal["summary"],
        "",
    ]
    if personal["contacts_policy"]:
        lines += [
            f"Contacts policy (`--contacts {personal['contacts']}`; the default is hash): "
            f"{personal['contacts_policy']}.",
            "",
        ]
    lines += ["Fields that may hold personal data:", ""]
    lines += [f"- `{name}`: {why}" for name, why in personal["fields"].items()]
    lines += [
        "",
        "Under the GDPR the names of staff in public news are still personal data: use the "
        "dataset for research, do not profile people with it, and honour removal requests.",
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
        about["data_collection"],
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
        f"- rows: {counts['rows']:,}; distinct pages: {counts['pages']:,}; articles (a moved "
        f"article once): {counts['articles']:,}",
        "- by site (rows): " + _counts(counts["by_site"]),
        "- by language (articles): " + _counts(counts["by_lang"]),
        "- by language (rows): " + _counts(counts["rows_by_lang"]),
        "- by kind (rows): " + _counts(counts["by_kind"]),
        f"- published dates from {counts['published_from']} to {counts['published_to']}",
        "",
        "## Limitations",
        "",
        about["limitations"],
        "",
        "## Fields",
        "",
        f"Row id: {card['row_id']}",
        "",
        "| field | type | in this file | description |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| {f['name']} | {f['type']} | {f['type_in_file']} | {f['description']} |"
        for f in card["fields"]
    ]
    return "\n".join(lines) + "\n"


def _counts(counter: dict[str, int]) -> str:
    return ", ".join(f"{name} {n:,}" for name, n in counter.items()) or "none"


def write_card(
    conn: sqlite3.Connection,
    result: ExportResult,
    *,
    archive: str,
    command: str | None,
    info: DatasetInfo | None = None,
) -> tuple[Path, ...]:
    """Write the card (`.card.md`, `.card.json`) and the standard metadata
    (`.datapackage.json`, `.croissant.json`) beside the data file; return their paths."""
    card = build_card(conn, result, archive=archive, command=command, info=info)
    md_path, json_path = card_paths(result.path)
    package_path, croissant_path = metadata_paths(result.path)
    columns = dataset_columns(result.dataset)

    def dump(path: Path, data: dict[str, Any]) -> None:
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    dump(json_path, card)
    md_path.write_text(render_markdown(card), encoding="utf-8")
    dump(package_path, datapackage(card, columns))
    dump(croissant_path, croissant(card, columns))
    return md_path, json_path, package_path, croissant_path
