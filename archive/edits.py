"""The dataset of edits (`uninews export --changes`): one row per edit of an article.

An edit is a pair of consecutive versions of one page. Each row says when the two versions were
fetched, which fields changed, how many words were added and removed, whether the edit was
silent (the text changed but the update date the page shows did not), and how the text changed
sentence by sentence, in the style of the NewsEdits corpus (Spangher et al., NAACL 2022): each
sentence of the old version's lead and body is aligned with one of the new version's, and every
sentence that is not kept as it was is listed as added, deleted or modified.
"""

from __future__ import annotations

import difflib
import json
import re
import sqlite3
from collections.abc import Iterator
from typing import Any

from .columns import Column
from .export import BATCH_ROWS, ExportFilter, filter_clauses

# Two sentences are one sentence modified when this share of their words match
# (difflib ratio over word lists); below it, the old one is deleted and the new one added.
# 0.5 keeps a reworded sentence together while two sentences sharing a few words stay apart.
MODIFIED_MIN_RATIO = 0.5
TEXT_FIELDS = ("title", "lead", "body_text")

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# A sentence ends at . ! ? (or an ellipsis, a closing quote) followed by a space and a capital,
# a digit or an opening quote: "prof. Smith" stays whole, "år 2020. Nu" splits.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+(?=[\"'“‘(]?[A-ZÅÄÖÆØÜ0-9])")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)

CHANGES_DESCRIPTION = (
    "Edits of articles on university news sites: one row per pair of consecutive archived "
    "versions of a page, with the words added and removed and the sentence-level changes."
)
ID_DOC = "`<normalized url>#v<from>-v<to>`: the page and the two versions the edit lies between."

CHANGE_COLUMNS: tuple[Column, ...] = (
    Column("id", "string", "Stable row id: " + ID_DOC),
    Column("url", "string", "Normalized page URL."),
    Column("site", "string", "Site profile name the page was crawled under."),
    Column("kind", "string", "article or page."),
    Column("lang", "string", "Language code of the newer version (sv, en, ...)."),
    Column("from_version", "integer", "The version before the edit."),
    Column("to_version", "integer", "The version after the edit (from_version + 1)."),
    Column("from_fetched_at", "timestamp", "When the version before the edit was fetched (UTC)."),
    Column(
        "to_fetched_at",
        "timestamp",
        "When the edit was first seen: the fetch of the version after it (UTC). The edit was "
        "made between from_fetched_at's last unchanged revisit and this time.",
    ),
    Column("published_at", "date", "Publication date the newer version gives."),
    Column("from_updated_at", "date", "Update date the page showed before the edit, if any."),
    Column("to_updated_at", "date", "Update date the page shows after the edit, if any."),
    Column("changed_fields", "strings", "Fields that differ between the two versions."),
    Column(
        "words_added",
        "integer",
        "Words of the new title, lead and body not in the old (word-level diff of the changed "
        "sentences).",
    ),
    Column(
        "words_removed",
        "integer",
        "Words of the old title, lead and body not in the new (word-level diff of the changed "
        "sentences).",
    ),
    Column(
        "silent_edit",
        "boolean",
        "True when the title, lead or body changed but the update date the page shows did not.",
    ),
    Column("sentences_added", "integer", "Sentences of the new lead and body with no old match."),
    Column("sentences_deleted", "integer", "Sentences of the old lead and body with no new match."),
    Column("sentences_modified", "integer", "Sentences reworded (old and new aligned)."),
    Column(
        "sentence_changes",
        "records",
        "Every sentence not kept as it was: change (added, deleted or modified), old_index and "
        "new_index (0-based position among the version's lead and body sentences, null for the "
        "side it is missing from), old and new text.",
        keys=(
            ("change", "string"),
            ("old_index", "integer"),
            ("new_index", "integer"),
            ("old", "string"),
            ("new", "string"),
        ),
    ),
)


def sentences(*texts: str | None) -> list[str]:
    """The sentences of texts (lead, body): paragraphs split at blank lines, then at ends."""
    out = []
    for text in texts:
        for paragraph in _PARAGRAPH_BREAK.split(text or ""):
            paragraph = " ".join(paragraph.split())
            out += [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]
    return out


def words(*texts: str | None) -> list[str]:
    return [w for text in texts for w in _WORD.findall(text or "")]


def word_counts(old: list[str], new: list[str]) -> tuple[int, int]:
    """Words added and removed between two word lists (difflib's longest matching blocks)."""
    added = removed = 0
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            removed += i2 - i1
            added += j2 - j1
    return added, removed


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, words(a), words(b), autojunk=False).ratio()


def sentence_changes(old: list[str], new: list[str]) -> tuple[list[dict[str, Any]], int, int]:
    """Align two sentence lists; list each sentence added, deleted or modified, in order, and
    count the words added and removed.

    Unchanged runs are matched exactly first (difflib opcodes); inside each replaced block
    every old sentence is paired with the most similar new one still free, as a modification
    when at least MODIFIED_MIN_RATIO alike. Words are diffed within the changed blocks only,
    which keeps an edit of a long article cheap (unchanged sentences hold no changed words)."""
    changes: list[dict[str, Any]] = []
    added = removed = 0

    def change(kind: str, i: int | None, j: int | None) -> dict[str, Any]:
        return {
            "change": kind,
            "old_index": i,
            "new_index": j,
            "old": None if i is None else old[i],
            "new": None if j is None else new[j],
        }

    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        more, fewer = word_counts(words(*old[i1:i2]), words(*new[j1:j2]))
        added, removed = added + more, removed + fewer
        free = list(range(j1, j2))
        pairs: dict[int, int] = {}
        for i in range(i1, i2):
            scored = [(_similarity(old[i], new[j]), -j) for j in free]
            if scored:
                ratio, minus_j = max(scored)
                if ratio >= MODIFIED_MIN_RATIO:
                    pairs[i] = -minus_j
                    free.remove(-minus_j)
        block = [change("modified", i, j) for i, j in pairs.items()]
        block += [change("deleted", i, None) for i in range(i1, i2) if i not in pairs]
        block += [change("added", None, j) for j in free]
        block.sort(
            key=lambda c: (
                c["old_index"] if c["old_index"] is not None else _position(c, pairs, i2),
                c["new_index"] if c["new_index"] is not None else -1,
            )
        )
        changes += block
    return changes, added, removed


def _position(change: dict[str, Any], pairs: dict[int, int], end: int) -> float:
    """Where an added sentence sorts among a block's old sentences: just before the first old
    sentence paired with a new one after it, else at the block's end (after its deletions)."""
    j = change["new_index"]
    after = [i for i, paired in pairs.items() if paired > j]
    return min(after) - 0.5 if after else end


def edit_row(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """One edit's row from the two versions' fields."""
    listed, added, removed = sentence_changes(
        sentences(old["lead"], old["body_text"]), sentences(new["lead"], new["body_text"])
    )
    if old["title"] != new["title"]:
        more, fewer = word_counts(words(old["title"]), words(new["title"]))
        added, removed = added + more, removed + fewer
    text_changed = any(old[name] != new[name] for name in TEXT_FIELDS)
    kinds = [c["change"] for c in listed]
    return {
        "id": f"{new['url']}#v{old['version']}-v{new['version']}",
        "url": new["url"],
        "site": new["site"],
        "kind": new["kind"],
        "lang": new["lang"],
        "from_version": old["version"],
        "to_version": new["version"],
        "from_fetched_at": old["fetched_at"],
        "to_fetched_at": new["fetched_at"],
        "published_at": new["published_at"],
        "from_updated_at": old["updated_at"],
        "to_updated_at": new["updated_at"],
        "changed_fields": json.loads(new["changed_fields"] or "[]"),
        "words_added": added,
        "words_removed": removed,
        "silent_edit": text_changed and old["updated_at"] == new["updated_at"],
        "sentences_added": kinds.count("added"),
        "sentences_deleted": kinds.count("deleted"),
        "sentences_modified": kinds.count("modified"),
        "sentence_changes": listed,
    }


_PAIR_FIELDS = ("version", "fetched_at", "title", "lead", "body_text", "updated_at")


def changes_sql(flt: ExportFilter) -> tuple[str, dict[str, Any]]:
    """Every pair of consecutive versions whose newer one matches the filters, in url order."""
    where, params = filter_clauses(flt)
    where.append("v.version > 1")
    old = ", ".join(f"o.{name} AS old_{name}" for name in _PAIR_FIELDS if name != "fetched_at")
    sql = (
        "SELECT v.url, p.site, p.kind, coalesce(v.lang, p.lang) AS lang, v.version,"
        " c.fetched_at, v.title, v.lead, v.body_text, v.published_at, v.updated_at,"
        f" v.changed_fields, {old}, oc.fetched_at AS old_fetched_at"
        " FROM versions v JOIN pages p ON p.url = v.url JOIN captures c ON c.id = v.capture_id"
        " JOIN versions o ON o.url = v.url AND o.version = v.version - 1"
        " JOIN captures oc ON oc.id = o.capture_id"
        f" WHERE {' AND '.join(where)} ORDER BY v.url, v.version"
    )
    return sql, params


def iter_changes(conn: sqlite3.Connection, flt: ExportFilter) -> Iterator[list[dict[str, Any]]]:
    """Batches of edit rows, streamed from one cursor."""
    sql, params = changes_sql(flt)
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    while batch := cursor.fetchmany(BATCH_ROWS):
        rows = []
        for values in batch:
            record = dict(zip(names, values, strict=True))
            old = {name: record[f"old_{name}"] for name in _PAIR_FIELDS}
            rows.append(edit_row(old, record))
        yield rows
