"""Raw response bodies in the archive: the `blobs` table, keyed by sha256, stored once however
often served, and read back as received or decoded.

Pages of one site share most of their bytes (menus, footers, scripts), which a per-body
compressor cannot see. When a site has TRAIN_AT[n] bodies, a zstd dictionary is trained on its
latest TRAIN_SAMPLES bodies and kept in the `dictionaries` table; later bodies of that site are
compressed with the newest one (blobs.dictionary_id says which; NULL means no dictionary).
Older dictionaries stay, so every blob stays readable.

A page fetched again mostly repeats its previous body (a token, a teaser, a date differ). Such a
body is also compressed as a delta: zstd with the page's previous whole body as raw-content
dictionary (compression "zstd-delta", blobs.base_sha256 names the base), kept when smaller.
A base is never itself a delta, so reading any blob takes at most two decompressions.

A body the server sent compressed (Content-Encoding gzip, deflate, br, zstd) is kept as received:
its sha256 is that of the bytes as received, and reading it gives those bytes. Compressed bytes
do not compress again, so when archive.recipes finds a recipe that rebuilds them exactly from the
decoded body, the decoded body is what is compressed (with the dictionary, as a delta) and the
recipe is kept beside it (blobs.recipe_id); otherwise the bytes as received are compressed as any.

A body copied from another archive (archive.merge) is read there in its stored form (stored())
and compressed again here (keep()): dictionary and base ids are each file's own.

The bytes themselves are archive.compression's (the zstd codec); this module decides what is
stored, with which dictionary and base, and reads it back.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass

from .capture import Capture
from .compression import DELTA, TRAIN_AT, TRAIN_SAMPLES, BlobCodec, train_dictionary
from .decoding import CannotDecode, decode_content_encoding
from .errors import NotFound
from .outcomes import header
from .queries import PageRow
from .recipes import RecipeFinder, checked_recipe, rebuild
from .times import utc_now

# Until a site has all its dictionaries (compression.TRAIN_AT), look for enough training samples
# every this many new blobs (the lookup reads the site's capture rows; for every blob it would
# cost more).
TRAIN_CHECK_EVERY = 16


def body_sha256(body: bytes) -> str:
    """The key of a blob: the sha256 of the body as received."""
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True)
class StoredBody:
    """A body as a blob holds it, uncompressed: the bytes as received, or the decoded body and
    the recipe (JSON) that rebuilds them; `size` is the length of the bytes as received."""

    sha256: str
    content: bytes
    size: int
    content_encoding: str | None
    recipe: str | None


class Bodies:
    """The bodies of one archive connection, with the codec and the memories that go with it.

    Held by the Archive instance, not the module: zstandard objects are not thread-safe, and
    what a finder remembers is of this connection's servers. `store()` runs inside the caller's
    write transaction.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._codec = BlobCodec()
        self._recipes = RecipeFinder()
        # Per site: plain blobs to store before looking again for enough training samples.
        self._training_wait: dict[str, int] = {}

    # -- storing ---------------------------------------------------------------------------

    def store(
        self, sha: str, received: bytes, site: str, previous: str | None, capture: Capture
    ) -> None:
        """Keep the body as received; a compressed one as its decoded body plus a recipe when
        one rebuilds it exactly (archive.recipes), else as received. `previous` is the page's
        last body, the base a delta is tried against."""
        if self.has(sha):
            return
        content, coding, recipe = received, None, None
        if capture.wire_body is not None and capture.body is not None:
            coding = header(capture.response_headers, "content-encoding") or "unknown"
            found = self._recipes.find((site, coding), received, capture.body, coding)
            recipe = checked_recipe(found, capture.body, sha)
            if recipe is not None:
                content = capture.body
        self.keep(StoredBody(sha, content, len(received), coding, recipe), site, previous)

    def has(self, sha: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (sha,)).fetchone() is not None
        )

    def keep(self, stored: StoredBody, site: str, previous: str | None) -> None:
        """Write a body in its stored form, compressed with this archive's own dictionary for
        the site and as a delta to `previous` where smaller: also a body another archive
        stored (archive.merge), whose dictionary and base ids mean nothing here."""
        # Compressed bytes kept as received gain nothing from a delta: none is tried.
        plain = stored.content_encoding is None or stored.recipe is not None
        base = self._delta_base(previous) if plain else None
        packed = self._codec.pack(stored.content, stored.sha256, self._dictionary_for(site), base)
        self.conn.execute(
            "INSERT INTO blobs (sha256, content, compression, size, stored_size, dictionary_id,"
            " base_sha256, content_encoding, recipe_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (stored.sha256, packed.content, packed.compression, stored.size, packed.stored_size,
             packed.dictionary_id, packed.base_sha256, stored.content_encoding,
             self._recipe_id(stored.recipe) if stored.recipe else None),
        )  # fmt: skip

    def _recipe_id(self, recipe: str) -> int:
        """The row of a recipe in `recipes` (one per distinct recipe: a server's pages share)."""
        row = self.conn.execute("SELECT id FROM recipes WHERE recipe = ?", (recipe,)).fetchone()
        if row is not None:
            return int(row[0])
        return int(
            self.conn.execute("INSERT INTO recipes (recipe) VALUES (?)", (recipe,)).lastrowid
        )

    def _delta_base(self, sha: str | None) -> tuple[str, bytes] | None:
        """The page's previous whole body, as stored (a delta's own base: bases are never
        deltas); None when that is compressed bytes kept as received."""
        row = self._blob_row(sha) if sha is not None else None
        if row is not None and row["base_sha256"] is not None:
            row = self._blob_row(row["base_sha256"])
        if row is None or (row["content_encoding"] is not None and row["recipe"] is None):
            return None
        return row["sha256"], self._unpack(row)

    def _dictionary_for(self, site: str) -> int | None:
        """The site's newest dictionary; (re)trained when it has TRAIN_AT[n] bodies."""
        trained = [
            r["id"]
            for r in self.conn.execute(
                "SELECT id FROM dictionaries WHERE site = ? ORDER BY id DESC", (site,)
            )
        ]
        current = trained[0] if trained else None
        if len(trained) < len(TRAIN_AT) and self._training_due(site):
            current = self._train(site, TRAIN_AT[len(trained)]) or current
        if current is not None:
            self._load_dictionary(current)
        return current

    def _training_due(self, site: str) -> bool:
        wait = self._training_wait.get(site, 0)
        if wait > 0:
            self._training_wait[site] = wait - 1
            return False
        self._training_wait[site] = TRAIN_CHECK_EVERY
        return True

    def _train(self, site: str, needed: int) -> int | None:
        """A new dictionary from the site's latest bodies, once it has `needed` of them."""
        conn = self.conn
        stored = conn.execute(
            "SELECT count(DISTINCT body_sha256) FROM captures WHERE site = ?"
            " AND body_sha256 IS NOT NULL AND http_status BETWEEN 200 AND 299",
            (site,),
        ).fetchone()[0]
        if stored < needed:
            return None
        # Newest first (the dictionary depends on the samples' order: the same pages make the
        # same dictionary, whatever their hashes; oldest first trained 45% worse ones on the
        # demo site). Compressed bytes kept as received would teach it nothing: left out.
        samples = conn.execute(
            "SELECT b.sha256, b.content, b.compression, b.dictionary_id, b.base_sha256,"
            " min(c.id) AS fetched FROM (SELECT id, body_sha256 FROM captures WHERE site = ?"
            " AND body_sha256 IS NOT NULL AND http_status BETWEEN 200 AND 299"
            " ORDER BY id DESC LIMIT ?) c JOIN blobs b ON b.sha256 = c.body_sha256"
            " WHERE b.content_encoding IS NULL OR b.recipe_id IS NOT NULL"
            " GROUP BY b.sha256 ORDER BY fetched DESC",
            (site, TRAIN_SAMPLES),
        ).fetchall()
        data = train_dictionary([self._unpack(r) for r in samples])
        if data is None:  # zstd found nothing to learn: try again on later bodies
            self._training_wait[site] = TRAIN_SAMPLES
            return None
        cur = conn.execute(
            "INSERT INTO dictionaries (site, created_at, samples, size, data)"
            " VALUES (?, ?, ?, ?, ?)",
            (site, utc_now(), len(samples), len(data), data),
        )
        self._codec.add_dictionary(int(cur.lastrowid), data)
        return int(cur.lastrowid)

    def _load_dictionary(self, dictionary_id: int) -> None:
        if not self._codec.knows(dictionary_id):
            data = self.conn.execute(
                "SELECT data FROM dictionaries WHERE id = ?", (dictionary_id,)
            ).fetchone()[0]
            self._codec.add_dictionary(dictionary_id, data)

    # -- reading ---------------------------------------------------------------------------

    def _blob_row(self, sha: str) -> sqlite3.Row | None:
        return self.conn.execute(
            "SELECT b.sha256, b.content, b.compression, b.dictionary_id, b.base_sha256, b.size,"
            " b.content_encoding, r.recipe FROM blobs b LEFT JOIN recipes r ON r.id = b.recipe_id"
            " WHERE b.sha256 = ?",
            (sha,),
        ).fetchone()

    def _unpack(self, row: sqlite3.Row) -> bytes:
        """The blob's content as stored: for a blob with a recipe, the decoded body."""
        if row["compression"] == DELTA:
            base = self._unpack(self._blob_row(row["base_sha256"]))
            return self._codec.unpack(row["content"], DELTA, base=base)
        if row["dictionary_id"] is not None:
            self._load_dictionary(row["dictionary_id"])
        return self._codec.unpack(row["content"], row["compression"], row["dictionary_id"])

    def _stored_blob(self, sha256: str) -> sqlite3.Row:
        row = self._blob_row(sha256)
        if row is None:
            raise NotFound(f"no stored body with sha256 {sha256}")
        return row

    def stored(self, sha256: str) -> StoredBody:
        """A body in its stored form, uncompressed: what keep() writes into another archive."""
        row = self._stored_blob(sha256)
        content = self._unpack(row)
        return StoredBody(sha256, content, row["size"], row["content_encoding"], row["recipe"])

    def body(self, sha256: str) -> bytes:
        """A raw body exactly as received (see Archive.body)."""
        row = self._stored_blob(sha256)
        content = self._unpack(row)
        if row["recipe"] is not None:
            return rebuild(content, row["recipe"], sha256)
        return content

    def decoded_body(self, sha256: str) -> bytes:
        """A raw body with its Content-Encoding undone (see Archive.decoded_body)."""
        row = self._stored_blob(sha256)
        content = self._unpack(row)
        if row["content_encoding"] is None or row["recipe"] is not None:
            return content  # not compressed, or stored decoded
        try:
            return decode_content_encoding(content, row["content_encoding"])
        except CannotDecode:
            return content

    def body_encoding(self, sha256: str) -> str | None:
        """The Content-Encoding the blob's body as received has, or None."""
        return self._stored_blob(sha256)["content_encoding"]

    def latest_body(self, page: PageRow, *, decoded: bool = False) -> tuple[bytes, list[list[str]]]:
        """The most recent body fetched for a page and its response headers."""
        row = self.conn.execute(
            "SELECT body_sha256, headers FROM captures WHERE url = ? AND body_sha256 IS NOT NULL"
            " ORDER BY fetched_at DESC, id DESC LIMIT 1",
            (page.url,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no body stored for {page.url} (status {page.status})")
        read = self.decoded_body if decoded else self.body
        return read(row["body_sha256"]), json.loads(row["headers"])
