"""The archive schema and its forward-only migrations.

Each migration is a function registered in MIGRATIONS; migration N brings an archive from
`PRAGMA user_version` N-1 to N. They run on open, inside one write transaction, so an archive
made today opens with any later uninews. An archive whose user_version is higher than
len(MIGRATIONS) was written by a newer uninews and is refused (see Archive.open).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable

from . import facets, headsets

# PRAGMA application_id of every uninews archive ("unws"): tells our files from other databases.
APPLICATION_ID = 0x756E7773

_V1 = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    spider TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    stats TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(stats))
);

CREATE TABLE pages (
    url TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    kind TEXT NOT NULL,
    lang TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT,
    last_changed TEXT,
    status TEXT NOT NULL,
    current_version INTEGER,
    etag TEXT,
    last_modified TEXT,
    content_sha256 TEXT,
    body_sha256 TEXT,
    redirect_to TEXT,
    last_capture_id INTEGER
);
CREATE INDEX pages_site ON pages (site, status);

CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    content BLOB NOT NULL,
    compression TEXT NOT NULL DEFAULT 'zstd',
    size INTEGER NOT NULL,
    stored_size INTEGER NOT NULL
);

CREATE TABLE captures (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES runs (id),
    url TEXT NOT NULL REFERENCES pages (url),
    requested_url TEXT NOT NULL,
    site TEXT NOT NULL,
    kind TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    method TEXT NOT NULL DEFAULT 'GET',
    request_headers TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(request_headers)),
    protocol TEXT,
    http_status INTEGER,
    reason TEXT,
    headers TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(headers)),
    body_sha256 TEXT REFERENCES blobs (sha256),
    redirect_to TEXT,
    outcome TEXT NOT NULL,
    error TEXT,
    elapsed_ms INTEGER,
    ip_address TEXT,
    extractor_version TEXT,
    extra TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(extra)),
    archived_at TEXT NOT NULL
);
CREATE INDEX captures_url ON captures (url, id);
CREATE INDEX captures_run ON captures (run_id);

CREATE TABLE versions (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL REFERENCES pages (url),
    version INTEGER NOT NULL,
    capture_id INTEGER NOT NULL REFERENCES captures (id),
    content_sha256 TEXT NOT NULL,
    archived_at TEXT NOT NULL,
    title TEXT,
    lead TEXT,
    body_text TEXT,
    body_markdown TEXT,
    published_at TEXT,
    updated_at TEXT,
    authors TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(authors)),
    category TEXT,
    tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
    lang TEXT,
    images TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(images)),
    contacts TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(contacts)),
    links TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(links)),
    extractor_version TEXT,
    changed_fields TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(changed_fields)),
    UNIQUE (url, version)
);
CREATE INDEX versions_capture ON versions (capture_id);

-- The same statements sqlite-utils' enable_fts(create_triggers=True) writes, so that
-- `sqlite-utils search archive.db versions WORD` and Datasette's ?_search= find it.
CREATE VIRTUAL TABLE [versions_fts] USING FTS5 (
    [title], [lead], [body_text],
    content=[versions]
);
CREATE TRIGGER [versions_ai] AFTER INSERT ON [versions] BEGIN
  INSERT INTO [versions_fts] (rowid, [title], [lead], [body_text])
  VALUES (new.rowid, new.[title], new.[lead], new.[body_text]);
END;
CREATE TRIGGER [versions_ad] AFTER DELETE ON [versions] BEGIN
  INSERT INTO [versions_fts] ([versions_fts], rowid, [title], [lead], [body_text])
  VALUES ('delete', old.rowid, old.[title], old.[lead], old.[body_text]);
END;
CREATE TRIGGER [versions_au] AFTER UPDATE ON [versions] BEGIN
  INSERT INTO [versions_fts] ([versions_fts], rowid, [title], [lead], [body_text])
  VALUES ('delete', old.rowid, old.[title], old.[lead], old.[body_text]);
  INSERT INTO [versions_fts] (rowid, [title], [lead], [body_text])
  VALUES (new.rowid, new.[title], new.[lead], new.[body_text]);
END;

-- The current version of each live page, with its page row.
CREATE VIEW articles AS
SELECT
    p.url, p.site, p.kind, p.status, p.first_seen, p.last_seen, p.last_changed,
    v.version, v.id AS version_id, v.capture_id, v.archived_at,
    v.title, v.lead, v.body_text, v.body_markdown, v.published_at, v.updated_at,
    v.authors, v.category, v.tags, coalesce(v.lang, p.lang) AS lang,
    v.images, v.contacts, v.links, v.extractor_version, v.changed_fields
FROM pages p
JOIN versions v ON v.url = p.url AND v.version = p.current_version
WHERE p.status = 'live';
"""


def _v1_initial(conn: sqlite3.Connection) -> None:
    for statement in _split(_V1):
        conn.execute(statement)


def _v2_dictionaries(conn: sqlite3.Connection) -> None:
    """Trained zstd dictionaries per site; blobs say which one compressed them."""
    conn.execute(
        "CREATE TABLE dictionaries (id INTEGER PRIMARY KEY, site TEXT NOT NULL,"
        " created_at TEXT NOT NULL, samples INTEGER NOT NULL, size INTEGER NOT NULL,"
        " data BLOB NOT NULL)"
    )
    conn.execute("CREATE INDEX dictionaries_site ON dictionaries (site, id)")
    conn.execute("CREATE INDEX captures_site ON captures (site, id)")
    conn.execute("ALTER TABLE blobs ADD COLUMN dictionary_id INTEGER REFERENCES dictionaries (id)")


def _v3_delta_blobs(conn: sqlite3.Connection) -> None:
    """Bodies stored as a delta to the page's previous body (compression 'zstd-delta')."""
    conn.execute("ALTER TABLE blobs ADD COLUMN base_sha256 TEXT REFERENCES blobs (sha256)")


def _v4_bodies_as_received(conn: sqlite3.Connection) -> None:
    """Bodies kept as received, also when the server compressed them (archive.recipes).

    blobs.sha256 is now the hash of the bytes as received and blobs.size their length.
    blobs.content_encoding: the coding those bytes carry (NULL: none, or a body an uninews
    before this migration kept decoded). blobs.recipe_id: the parameters (JSON, in `recipes`,
    shared by the blobs of a server) that rebuild the bytes as received from the decoded body
    held in content; NULL when content holds the bytes as received themselves.
    """
    conn.execute(
        "CREATE TABLE recipes (id INTEGER PRIMARY KEY,"
        " recipe TEXT NOT NULL UNIQUE CHECK (json_valid(recipe)))"
    )
    conn.execute("ALTER TABLE blobs ADD COLUMN content_encoding TEXT")
    conn.execute("ALTER TABLE blobs ADD COLUMN recipe_id INTEGER REFERENCES recipes (id)")


def _v5_versions_filters(conn: sqlite3.Connection) -> None:
    """The small columns of versions in an index of their own, so that reading them never
    walks a row's bodies (kilobytes in overflow pages): search filters look a hit's language,
    date, page and capture up here (queries.search_sql), and Datasette's facets on language
    and category scan it instead of the table."""
    conn.execute(
        "CREATE INDEX versions_filters ON versions"
        " (id, version, url, capture_id, lang, published_at, category)"
    )


def _v6_narrow_captures(conn: sqlite3.Connection) -> None:
    """Captures as narrow rows referencing the URLs and header sets they share (see
    archive.headsets); `captures` becomes a view that spells every column as before.

    versions.capture_id now references capture_rows: SQLite renames a foreign key's table
    only along with the table itself, so the schema text is edited the way SQLite's ALTER
    TABLE documentation describes for changes that leave the stored rows as they are. The
    rows are rewritten in id order with their ids, and views over `captures` made again.
    An archive whose captures are already narrow (its user_version set back by hand) is left
    as it is.
    """
    kind = conn.execute("SELECT type FROM sqlite_master WHERE name = 'captures'").fetchone()
    if kind is not None and kind[0] == "view":
        return
    views = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'view' AND sql LIKE '%captures%'"
    ).fetchall()
    for name, _ in views:
        conn.execute(f"DROP VIEW [{name}]")
    _refer_versions_to_capture_rows(conn)
    for statement in _split(headsets.TABLES):
        conn.execute(statement)
    old = conn.execute("SELECT * FROM captures ORDER BY id")
    names = [d[0] for d in old.description]
    for values in old:
        row = dict(zip(names, values, strict=True))
        texts = (row["request_headers"], row["headers"])
        row["request_headers"], row["headers"] = json.loads(texts[0]), json.loads(texts[1])
        before = conn.execute(
            "SELECT request_headers, headers FROM captures WHERE url = ? AND id < ?"
            " ORDER BY id DESC LIMIT 1",
            (row["url"], row["id"]),
        ).fetchone()
        previous = (json.loads(before[0]), json.loads(before[1])) if before else ((), ())
        headsets.insert(conn, row, previous, texts)
    conn.execute("DROP TABLE captures")
    for statement in _split(headsets.INDEXES + headsets.CAPTURES_VIEW + ";"):
        conn.execute(statement)
    for _, sql in views:
        conn.execute(sql)


def _v7_filtered_search(conn: sqlite3.Connection) -> None:
    """Search filters inside the full-text index (see archive.facets): `versions_search`
    holds every version's words again with its site, language, day and current tokens,
    `versions_facets` the tokens each version was indexed with; triggers keep both in step
    with versions and pages. An archive that has them already (its user_version set back by
    hand) is left as it is."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'versions_search'").fetchone():
        return
    for statement in _split(facets.TABLES + facets.FILL):
        conn.execute(statement)


def _refer_versions_to_capture_rows(conn: sqlite3.Connection) -> None:
    (sql,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'versions'"
    ).fetchone()
    edited = re.sub(r"REFERENCES\s+[\[\"`]?captures[\]\"`]?\s*\(", "REFERENCES capture_rows (", sql)
    if edited.count("capture_rows") != 1:
        raise sqlite3.DatabaseError("versions.capture_id: no reference to captures found")
    (schema_version,) = conn.execute("PRAGMA schema_version").fetchone()
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.execute(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'versions'",
            (edited,),
        )
        conn.execute(f"PRAGMA schema_version = {schema_version + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")


def _split(script: str) -> list[str]:
    """Split DDL on statement ends (sqlite3.complete_statement knows about trigger bodies)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s]


# Append only; never edit a released migration.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _v1_initial,
    _v2_dictionaries,
    _v3_delta_blobs,
    _v4_bodies_as_received,
    _v5_versions_filters,
    _v6_narrow_captures,
    _v7_filtered_search,
)

SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, from_version: int) -> int:
    """Apply the migrations after `from_version`; the caller holds the write transaction."""
    for number, migration in enumerate(MIGRATIONS[from_version:], start=from_version + 1):
        migration(conn)
        conn.execute(f"PRAGMA user_version = {number}")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    return SCHEMA_VERSION
