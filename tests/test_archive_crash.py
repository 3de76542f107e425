"""A writer killed with SIGKILL at random points leaves a consistent archive with every commit."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys

from archive import Archive

WRITER = r"""
import random, sys
sys.path.insert(0, sys.argv[3])
from fixtures_archive import build_capture, build_content
from archive import Archive

path, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
with Archive.open(path) as arc:
    run = arc.start_run("crash", "test")
    while True:
        url = f"https://www.umu.se/nyheter/n{rng.randrange(25)}/"
        status = rng.choice([200] * 8 + [304, 404, 500, None])
        body = ("<html>" + "Umeå universitet " * rng.randrange(50, 1500)).encode()
        cap = build_capture(url, status=status, body=body,
                            error="timeout" if status is None else None)
        content = None
        if status == 200 and rng.random() < 0.9:
            content = build_content(title=f"Rubrik {rng.randrange(4)}",
                                    body_text="Stycke.\n\n" * rng.randrange(1, 200))
        kind = "listing" if status == 200 and content is None else "article"
        rec = arc.record(cap, content, run_id=run, site="crash", kind=kind)
        print(rec.capture_id, flush=True)
"""

KILLS = 15


def test_sigkill_at_random_points_leaves_a_consistent_archive(archive_path, tmp_path):
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    tests_dir = os.path.dirname(__file__)
    committed: list[int] = []
    for kill in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, archive_path, str(seed + kill), tests_dir],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # Kill right away sometimes (during open/migration), else after a random number of
        # further commits; the child keeps writing while we read, so the kill lands anywhere.
        wait_for = 0 if kill % 5 == 0 else rng.randrange(1, 40)
        for _ in range(wait_for):
            line = child.stdout.readline()
            assert line, f"writer died (seed {seed}): {child.stderr.read()}"
            committed.append(int(line))
        child.send_signal(signal.SIGKILL)
        child.wait()
        committed.extend(int(line) for line in child.stdout.read().split())
        child.stdout.close()
        child.stderr.close()

    with Archive.open(archive_path, create=False) as arc:
        q = arc.conn.execute

        def count(sql: str) -> int:
            return q(sql).fetchone()[0]

        assert q("PRAGMA integrity_check").fetchone()[0] == "ok", seed
        ids = {row[0] for row in q("SELECT id FROM captures")}
        assert set(committed) <= ids, f"committed captures lost (seed {seed})"
        assert len(committed) >= KILLS, seed
        assert (
            count(
                "SELECT count(*) FROM captures c LEFT JOIN blobs b ON b.sha256 = c.body_sha256"
                " WHERE c.body_sha256 IS NOT NULL AND b.sha256 IS NULL"
            )
            == 0
        ), f"capture without its blob (seed {seed})"
        assert (
            count(
                "SELECT count(*) FROM captures WHERE http_status BETWEEN 200 AND 299"
                " AND body_sha256 IS NULL"
            )
            == 0
        )
        # for pages with content: outcome new/changed <=> a version row with that capture_id
        mismatched = q(
            "SELECT count(*) FROM captures c WHERE c.kind = 'article' AND"
            " (c.outcome IN ('new', 'changed'))"
            " != EXISTS (SELECT 1 FROM versions v WHERE v.capture_id = c.id)"
        ).fetchone()[0]
        assert mismatched == 0, seed
        orphans = q(
            "SELECT count(*) FROM versions v JOIN captures c ON c.id = v.capture_id"
            " WHERE c.outcome NOT IN ('new', 'changed')"
        ).fetchone()[0]
        assert orphans == 0
        assert (
            count(
                "SELECT count(*) FROM pages p WHERE coalesce(p.current_version, 0) !="
                " (SELECT coalesce(max(version), 0) FROM versions v WHERE v.url = p.url)"
            )
            == 0
        ), seed
        versions = q("SELECT count(*) FROM versions").fetchone()[0]
        assert q("SELECT count(*) FROM versions_fts").fetchone()[0] == versions
        q("INSERT INTO versions_fts(versions_fts, rank) VALUES ('integrity-check', 1)")
        assert (
            count(
                "SELECT count(*) FROM versions v WHERE v.version > 1 AND NOT EXISTS (SELECT 1 FROM"
                " versions w WHERE w.url = v.url AND w.version = v.version - 1)"
            )
            == 0
        )


COUNTED_WRITER = r"""
import sys
sys.path.insert(0, sys.argv[3])
from fixtures_archive import build_capture, build_content
from archive import Archive

path, name = sys.argv[1], sys.argv[2]
with Archive.open(path) as arc:
    for n in range(150):
        url = f"https://www.umu.se/nyheter/n{n % 10}/"
        content = build_content(title=f"{name} {n}")  # every record changes the page
        arc.record(build_capture(url), content, run_id=None, site="two")
"""


def test_two_writer_processes_never_interleave_a_capture(archive_path):
    Archive.open(archive_path).close()
    tests_dir = os.path.dirname(__file__)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", COUNTED_WRITER, archive_path, name, tests_dir],
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("one", "two")
    ]
    for writer in writers:
        assert writer.wait(timeout=120) == 0, writer.stderr.read()
        writer.stderr.close()
    with Archive.open(archive_path, create=False) as arc:
        q = arc.conn.execute
        assert q("SELECT count(*) FROM captures").fetchone()[0] == 300
        assert q("SELECT count(*) FROM versions").fetchone()[0] == 300
        # version numbers of each page run 1..N without gaps or repeats
        for url, count, top in q("SELECT url, count(*), max(version) FROM versions GROUP BY url"):
            assert count == top == 30, url
        assert (
            q(
                "SELECT count(*) FROM pages p JOIN versions v ON v.url = p.url"
                " AND v.version = p.current_version WHERE v.capture_id = p.last_capture_id"
            ).fetchone()[0]
            == 10
        )
