"""Raw bodies: compressed far below their size, read back byte for byte, whatever compressed
them (plain zstd, a site's trained dictionary, an older dictionary, a delta to the page's
previous body, a schema-2 archive)."""

from __future__ import annotations

import sqlite3

import pytest
import zstandard
from fixtures_demo import http_get

from archive import Archive, Capture
from archive.bodies import TRAIN_CHECK_EVERY, body_sha256
from archive.compression import DELTA, TRAIN_AT, TRAIN_SAMPLES
from archive.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from scraper.demo import DemoServer, DemoSite


@pytest.fixture(scope="module")
def served(demo_site: DemoSite) -> list[tuple[str, bytes]]:
    """(URL, body) of real demo pages as served: every article fetched three times (a fresh
    token and teaser each time, so every body is distinct), then listings and the sitemap."""
    paths = [a.path for a in demo_site.articles(1)] * 3
    paths += ["/nyheter/", "/en/news/", "/nyheter/?page=2", "/sitemap.xml", "/robots.txt"]
    out = []
    with DemoServer(demo_site, state=1) as server:
        for path in paths:
            response = http_get(server.url(path))
            assert response.status == 200
            out.append((server.url(path), response.body))
    return out


def record_all(arc: Archive, served: list[tuple[str, bytes]], site: str = "demo") -> list[int]:
    ids = []
    for n, (url, body) in enumerate(served):
        capture = Capture(
            url=url,
            fetched_at=f"2026-01-01T00:{n // 60 % 60:02d}:{n % 60:02d}Z",
            http_status=200,
            reason="OK",
            response_headers=(("Content-Type", "text/html; charset=utf-8"),),
            body=body,
        )
        ids.append(arc.record(capture, None, run_id=None, site=site, kind="page").capture_id)
    return ids


def stored_bodies(path: str) -> dict[int, bytes]:
    """Every capture's body, read by a fresh Archive (no codec state carried over)."""
    with Archive.open(path, create=False) as arc:
        rows = arc.conn.execute("SELECT id, body_sha256 FROM captures ORDER BY id").fetchall()
        return {row["id"]: arc.body(row["body_sha256"]) for row in rows}


def blob_kinds(arc: Archive) -> dict[str, int]:
    rows = arc.conn.execute(
        "SELECT CASE WHEN compression = ? THEN 'delta' WHEN dictionary_id IS NULL THEN 'plain'"
        " ELSE 'dictionary ' || dictionary_id END, count(*) FROM blobs GROUP BY 1",
        (DELTA,),
    )
    return dict(rows.fetchall())


def test_bodies_read_back_byte_identical(archive_path, served):
    assert len({body for _, body in served}) > TRAIN_AT[1]  # two dictionaries get trained
    with Archive.open(archive_path) as arc:
        ids = record_all(arc, served)
        kinds = blob_kinds(arc)
        samples = [r[0] for r in arc.conn.execute("SELECT samples FROM dictionaries ORDER BY id")]
    # Trained once the site had 16 bodies (looked for every 16 blobs), then on the latest 128.
    assert len(samples) == 2
    assert TRAIN_AT[0] <= samples[0] < TRAIN_AT[0] + TRAIN_CHECK_EVERY
    assert samples[1] == TRAIN_SAMPLES
    assert set(kinds) == {"plain", "dictionary 1", "dictionary 2", "delta"}
    bodies = stored_bodies(archive_path)
    assert [bodies[i] for i in ids] == [body for _, body in served]


def test_a_sites_pages_cost_far_less_than_their_size(archive_path, served):
    with Archive.open(archive_path) as arc:
        record_all(arc, served)
        size, stored = arc.conn.execute("SELECT sum(size), sum(stored_size) FROM blobs").fetchone()
        first = arc.conn.execute(
            "SELECT sum(size), sum(stored_size) FROM blobs WHERE compression != ?", (DELTA,)
        ).fetchone()
        delta = arc.conn.execute(
            "SELECT sum(size), sum(stored_size) FROM blobs WHERE compression = ?", (DELTA,)
        ).fetchone()
    assert size == sum(len(b) for _, b in set(served))
    assert stored / size < 0.15  # plain zstd alone stores these pages at about 36%
    assert first[1] / first[0] < 0.30  # pages seen once: the site's dictionaries
    assert delta[1] / delta[0] < 0.05  # pages fetched again: a token and a teaser differ


def test_a_delta_is_never_based_on_a_delta_and_its_base_cannot_go(archive_path, served):
    with Archive.open(archive_path) as arc:
        record_all(arc, served)
        chained = arc.conn.execute(
            "SELECT count(*) FROM blobs d JOIN blobs b ON b.sha256 = d.base_sha256"
            " WHERE d.compression = ? AND b.compression = ?",
            (DELTA, DELTA),
        ).fetchone()[0]
        base = arc.conn.execute(
            "SELECT base_sha256 FROM blobs WHERE compression = ? LIMIT 1", (DELTA,)
        ).fetchone()[0]
        assert chained == 0
        with pytest.raises(sqlite3.IntegrityError):
            arc.conn.execute("DELETE FROM blobs WHERE sha256 = ?", (base,))


def test_dictionaries_are_per_site(archive_path, served):
    half = len(served) // 2
    with Archive.open(archive_path) as arc:
        record_all(arc, served[:half] + served[:half], site="one")
        record_all(arc, served[half:], site="two")
        sites = {r[0] for r in arc.conn.execute("SELECT site FROM dictionaries")}
        mixed = arc.conn.execute(
            "SELECT count(*) FROM blobs b JOIN dictionaries d ON d.id = b.dictionary_id"
            " JOIN captures c ON c.body_sha256 = b.sha256 WHERE c.site != d.site"
        ).fetchone()[0]
    assert sites <= {"one", "two"} and "one" in sites
    assert mixed == 0


def test_a_schema_2_archive_keeps_its_blobs_readable(tmp_path, served):
    """An archive written before this release (plain and dictionary blobs) opens and reads."""
    path = str(tmp_path / "old.db")
    conn = sqlite3.connect(path, isolation_level=None)
    for number, migration in enumerate(MIGRATIONS[:2], start=1):
        migration(conn)
        conn.execute(f"PRAGMA user_version = {number}")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    bodies = [body for _, body in served[:40]]
    trained = zstandard.train_dictionary(64 * 1024, bodies[:20])
    conn.execute(
        "INSERT INTO dictionaries (id, site, created_at, samples, size, data)"
        " VALUES (1, 'demo', '2026-01-01T00:00:00Z', 20, ?, ?)",
        (len(trained.as_bytes()), trained.as_bytes()),
    )
    plain = zstandard.ZstdCompressor(level=3)
    with_dict = zstandard.ZstdCompressor(level=3, dict_data=trained)
    for n, body in enumerate(bodies):
        packed = (plain if n < 20 else with_dict).compress(body)
        conn.execute(
            "INSERT INTO blobs (sha256, content, compression, size, stored_size, dictionary_id)"
            " VALUES (?, ?, 'zstd', ?, ?, ?)",
            (body_sha256(body), packed, len(body), len(packed), None if n < 20 else 1),
        )
    conn.close()

    with Archive.open(path) as arc:
        assert arc.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [arc.body(body_sha256(b)) for b in bodies] == bodies
        # Pages recorded into the old archive now: one of them fetched again, stored as a delta
        # to a body the old release compressed.
        url, body = served[0]
        record_all(arc, [(url, body)])
        again = next(b for u, b in served[1:] if u == url)
        record_all(arc, [(url, again)])
        kind = blob_kinds(arc)
        assert kind.get("delta") == 1
        assert arc.body(body_sha256(again)) == again
