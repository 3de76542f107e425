"""Captures as narrow rows: what repeats from fetch to fetch is stored once and referenced.

A recapture of an unchanged page sends and receives nearly the same headers as the last
fetch, so a capture row keeps references instead of copies (schema migration 6):

- `urls`: every URL a capture was made of, once; `capture_rows.url_id` points there
  (`requested_url` is NULL when it is the same URL).
- `header_sets`: a request head (method and headers) or a response head (status line,
  headers, the body hash and the server's address), shared by every capture that had it.
  The headers are kept as the pieces of their JSON text around the values that change
  between fetches (Date, Age, Expires, Set-Cookie, ..., and any value that differs from the
  page's previous fetch); those values stay with the capture, in
  `capture_rows.header_values`: an HTTP date as its distance in seconds from the fetch time,
  anything else as text.
- `outcome` and `kind` are kept as their index in WORDS when they are one of its words.
- instants written as the archive writes them (times.STAMP) are kept as integers:
  `fetched_at` in microseconds since 1970, `archived_at` in microseconds after `fetched_at`;
  any other spelling is kept as text.

The `captures` view (CAPTURES_VIEW) puts a row together again, with every column spelled
exactly as the wide table of schema 5 held it: SQL, sqlite-utils and Datasette read it as
before, and the WARC export writes the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from email.utils import formatdate
from json.encoder import encode_basestring
from typing import Any

from .times import STAMP

# Headers whose values change on every fetch whatever the page does: kept with the capture.
VOLATILE = frozenset(
    {
        "date", "age", "expires", "set-cookie", "cookie", "x-request-id", "request-id",
        "x-correlation-id", "x-trace-id", "traceparent", "x-varnish", "x-cache-hits",
        "x-timer", "cf-ray", "x-amz-cf-id", "x-amz-request-id", "x-served-by", "x-runtime",
        "server-timing", "x-response-time", "report-to", "nel",
    }
)  # fmt: skip

# Words capture_rows keeps as their index here (any other as text); never reorder, only append.
WORDS = {
    "outcome": (
        "new", "changed", "unchanged", "not_modified", "gone", "redirected", "restricted",
        "error",
    ),
    "kind": ("article", "page", "listing", "feed", "robots", "requisite", "sitemap"),
}  # fmt: skip

Pairs = Sequence[Sequence[str]]

_HTTP_DATE = re.compile(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")

TABLES = """
CREATE TABLE urls (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE
);

CREATE TABLE header_sets (
    id INTEGER PRIMARY KEY,
    digest INTEGER NOT NULL,
    slots INTEGER NOT NULL,
    pieces TEXT NOT NULL CHECK (json_valid(pieces)),
    method TEXT,
    protocol TEXT,
    http_status INTEGER,
    reason TEXT,
    body_sha256 TEXT,
    ip_address TEXT
);
CREATE INDEX header_sets_digest ON header_sets (digest);

CREATE TABLE capture_rows (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES runs (id),
    url_id INTEGER NOT NULL REFERENCES urls (id),
    requested_url TEXT,
    site TEXT NOT NULL,
    kind NOT NULL,
    fetched_at NOT NULL,
    request_set INTEGER NOT NULL REFERENCES header_sets (id),
    response_set INTEGER NOT NULL REFERENCES header_sets (id),
    header_values TEXT CHECK (header_values IS NULL OR json_valid(header_values)),
    redirect_to TEXT,
    outcome NOT NULL,
    error TEXT,
    elapsed_ms INTEGER,
    extractor_version TEXT,
    extra TEXT CHECK (extra IS NULL OR json_valid(extra)),
    archived_at NOT NULL
);
"""

INDEXES = """
CREATE INDEX captures_url ON capture_rows (url_id, id);
CREATE INDEX captures_run ON capture_rows (run_id);
CREATE INDEX captures_site ON capture_rows (site, id);
"""


def _stamp_sql(micros: str) -> str:
    return (
        f"strftime('%Y-%m-%dT%H:%M:%S', ({micros}) / 1000000, 'unixepoch')"
        f" || printf('.%06dZ', ({micros}) % 1000000)"
    )


def _http_date_sql(seconds: str) -> str:
    """The IMF-fixdate (RFC 9110) of a Unix time, as email.utils.formatdate(usegmt=True)."""
    return (
        f"substr('SunMonTueWedThuFriSat', 1 + 3 * strftime('%w', {seconds}, 'unixepoch'), 3)"
        f" || strftime(', %d ', {seconds}, 'unixepoch')"
        f" || substr('JanFebMarAprMayJunJulAugSepOctNovDec',"
        f" 3 * strftime('%m', {seconds}, 'unixepoch') - 2, 3)"
        f" || strftime(' %Y %H:%M:%S GMT', {seconds}, 'unixepoch')"
    )


def _word_sql(column: str) -> str:
    whens = " ".join(f"WHEN {i} THEN '{word}'" for i, word in enumerate(WORDS[column]))
    return f"CASE c.{column} {whens} ELSE c.{column} END"


def _word(column: str, value: str) -> int | str:
    words = WORDS[column]
    return words.index(value) if value in words else value


def _headers_sql(alias: str, offset: str) -> str:
    """The JSON text of a header set's headers with the capture's own values put back."""
    path = f"'$[' || ({offset} + p.key) || ']'"
    value = (
        f"CASE json_type(c.header_values, {path})"
        " WHEN 'integer' THEN '\"' || "
        + _http_date_sql(f"c.fetched_at / 1000000 + json_extract(c.header_values, {path})")
        + " || '\"'"
        f" ELSE json_quote(json_extract(c.header_values, {path})) END"
    )
    return (
        f"CASE WHEN {alias}.slots = 0 THEN json_extract({alias}.pieces, '$[0]') ELSE"
        f" (SELECT group_concat(p.value || CASE WHEN p.key < {alias}.slots THEN {value}"
        f" ELSE '' END, '') FROM json_each({alias}.pieces) p) END"
    )


CAPTURES_VIEW = f"""
CREATE VIEW captures AS
SELECT
    c.id, c.run_id, u.url, coalesce(c.requested_url, u.url) AS requested_url, c.site,
    {_word_sql("kind")} AS kind,
    CASE WHEN typeof(c.fetched_at) = 'integer' THEN {_stamp_sql("c.fetched_at")}
        ELSE c.fetched_at END AS fetched_at,
    rq.method,
    {_headers_sql("rq", "0")} AS request_headers,
    rs.protocol, rs.http_status, rs.reason,
    {_headers_sql("rs", "rq.slots")} AS headers,
    rs.body_sha256, c.redirect_to, {_word_sql("outcome")} AS outcome, c.error, c.elapsed_ms,
    rs.ip_address,
    c.extractor_version, coalesce(c.extra, '{{}}') AS extra,
    CASE WHEN typeof(c.archived_at) = 'integer' THEN {_stamp_sql("c.fetched_at + c.archived_at")}
        ELSE c.archived_at END AS archived_at
FROM capture_rows c
LEFT JOIN urls u ON u.id = c.url_id
LEFT JOIN header_sets rq ON rq.id = c.request_set
LEFT JOIN header_sets rs ON rs.id = c.response_set
"""


# As content.json_text writes a JSON column (what the schema 5 table held), and compact.
_WIDE = json.JSONEncoder(ensure_ascii=False, default=str)
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _dumps(value: Any) -> str:
    return _WIDE.encode(value)


def _compact(value: Any) -> str:
    return _COMPACT.encode(value)


def micros(stamp: str) -> int | None:
    """A STAMP instant as microseconds since 1970; None for any other spelling."""
    if not isinstance(stamp, str) or not _STAMP.fullmatch(stamp):
        return None
    try:
        moment = datetime.fromisoformat(stamp[:-1]).replace(tzinfo=UTC)
    except ValueError:
        return None
    if moment.year < 1970 or moment.strftime(STAMP) != stamp:
        return None
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _plain(value: str) -> bool:
    """Whether JSON writes the value as it is, in quotes (so SQLite's json_quote agrees)."""
    return all(ch >= " " and ch not in '"\\' and not "\ud800" <= ch <= "\udfff" for ch in value)


def _date_offset(value: str, fetched_s: int | None) -> int | None:
    """An HTTP date as seconds after the fetch time, when that spells it again exactly."""
    if fetched_s is None or not _HTTP_DATE.fullmatch(value):
        return None
    try:
        month = _MONTHS.index(value[8:11]) + 1
        day, year = int(value[5:7]), int(value[12:16])
        clock = int(value[17:19]), int(value[20:22]), int(value[23:25])
        moment = datetime(year, month, day, *clock, tzinfo=UTC)
    except ValueError:
        return None
    seconds = int(moment.timestamp())
    if not 0 <= seconds < 253_402_300_800 or formatdate(seconds, usegmt=True) != value:
        return None
    return seconds - fetched_s


def split(
    pairs: Pairs, previous: Pairs | None, fetched_s: int | None, text: str | None = None
) -> tuple[list[str], list[int | str]]:
    """The pieces of a header list's JSON text around its own values, and those values.

    A value is the capture's own when its header is VOLATILE or when the page's previous
    fetch had the header with another value. `text` is the JSON as stored, when there is one:
    a spelling the pieces would not give again is kept whole.
    """
    whole = _dumps([list(pair) for pair in pairs])
    if text is not None and text != whole:
        return [text], []
    if not all(len(pair) == 2 and all(isinstance(x, str) for x in pair) for pair in pairs):
        return [whole], []
    before: dict[str, set[str]] = {}
    for name, value in previous or ():
        before.setdefault(name.lower(), set()).add(value)
    pieces, values, current = [], [], "["
    for i, (name, value) in enumerate(pairs):
        current += ("" if i == 0 else ", ") + "[" + encode_basestring(name) + ", "
        changed = name.lower() in before and value not in before[name.lower()]
        if (name.lower() in VOLATILE or changed) and _plain(value):
            offset = _date_offset(value, fetched_s)
            pieces.append(current)
            values.append(value if offset is None else offset)
            current = ""
        else:
            current += encode_basestring(value)
        current += "]"
    pieces.append(current + "]")
    return pieces, values


def _url_id(conn: sqlite3.Connection, url: str) -> int:
    row = conn.execute("SELECT id FROM urls WHERE url = ?", (url,)).fetchone()
    if row is not None:
        return int(row[0])
    return int(conn.execute("INSERT INTO urls (url) VALUES (?)", (url,)).lastrowid)


def _set_id(conn: sqlite3.Connection, pieces: list[str], head: Mapping[str, Any]) -> int:
    """The id of the header set with these pieces and head columns, added when new."""
    row = {"slots": len(pieces) - 1, "pieces": _compact(pieces), **head}
    key = _compact(list(row.values())).encode("utf-8", "surrogatepass")
    digest = int.from_bytes(hashlib.sha256(key).digest()[:8], "big", signed=True)
    where = " AND ".join(f"{name} IS ?" for name in row)
    found = conn.execute(
        f"SELECT id FROM header_sets WHERE digest = ? AND {where}", (digest, *row.values())
    ).fetchone()
    if found is not None:
        return int(found[0])
    names = ["digest", *row]
    cur = conn.execute(
        f"INSERT INTO header_sets ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        (digest, *row.values()),
    )
    return int(cur.lastrowid)


def previous_headers(conn: sqlite3.Connection, capture_id: int | None) -> tuple[Pairs, Pairs]:
    """The request and response headers of a capture (the page's previous fetch), or none."""
    if capture_id is None:
        return (), ()
    row = conn.execute(
        "SELECT request_headers, headers FROM captures WHERE id = ?", (capture_id,)
    ).fetchone()
    return (json.loads(row[0]), json.loads(row[1])) if row is not None else ((), ())


def insert(
    conn: sqlite3.Connection,
    row: Mapping[str, Any],
    previous: tuple[Pairs, Pairs] = ((), ()),
    texts: tuple[str | None, str | None] = (None, None),
) -> int:
    """Write one capture, given as the `captures` view spells its columns (the headers as
    lists of pairs; `texts`: their JSON as stored, when migrating), and return its id."""
    fetched = micros(row["fetched_at"])
    archived = micros(row["archived_at"]) if fetched is not None else None
    fetched_s = fetched // 1_000_000 if fetched is not None else None
    req_pieces, req_values = split(row["request_headers"], previous[0], fetched_s, texts[0])
    resp_pieces, resp_values = split(row["headers"], previous[1], fetched_s, texts[1])
    request_set = _set_id(conn, req_pieces, {"method": row["method"]})
    response_set = _set_id(
        conn,
        resp_pieces,
        {
            "protocol": row["protocol"],
            "http_status": row["http_status"],
            "reason": row["reason"],
            "body_sha256": row["body_sha256"],
            "ip_address": row["ip_address"],
        },
    )
    values = req_values + resp_values
    extra = row["extra"]
    narrow = {
        "run_id": row["run_id"],
        "url_id": _url_id(conn, row["url"]),
        "requested_url": None if row["requested_url"] == row["url"] else row["requested_url"],
        "site": row["site"],
        "kind": _word("kind", row["kind"]),
        "fetched_at": row["fetched_at"] if fetched is None else fetched,
        "request_set": request_set,
        "response_set": response_set,
        "header_values": _compact(values) if values else None,
        "redirect_to": row["redirect_to"],
        "outcome": _word("outcome", row["outcome"]),
        "error": row["error"],
        "elapsed_ms": row["elapsed_ms"],
        "extractor_version": row["extractor_version"],
        "extra": None if extra == "{}" else extra,
        "archived_at": row["archived_at"] if archived is None else archived - fetched,
    }
    if row.get("id") is not None:
        narrow = {"id": row["id"], **narrow}
    cur = conn.execute(
        f"INSERT INTO capture_rows ({', '.join(narrow)}) VALUES ({', '.join('?' * len(narrow))})",
        tuple(narrow.values()),
    )
    return int(cur.lastrowid)


def set_outcome(conn: sqlite3.Connection, capture_id: int, outcome: str) -> None:
    """Change a capture's outcome (a merge replaying a page's fetches in time order)."""
    conn.execute(
        "UPDATE capture_rows SET outcome = ? WHERE id = ?", (_word("outcome", outcome), capture_id)
    )
