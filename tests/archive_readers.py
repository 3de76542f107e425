"""Readers that loop over an archive while a crawl writes it, as archivists do.

Used by tests/test_archive_concurrency.py and bench/soak.py. Each reader is a process of its
own that runs until the stop file exists, then writes a JSON report: how many reads it made
and every one that went wrong (a traceback, or a message saying the archive is damaged).

    python tests/archive_readers.py KIND --db FILE --stop FILE --report FILE [--url BASE]

KIND: `cli` (uninews search, history, show, diff, backup and export in every format, called in
this process as a long-lived caller would), `cli-process` (the same commands, each a fresh
`uninews` process as a shell loop or a timer runs them), `sqlite-utils` (its library and its
command line) or `http` (Datasette through `uninews serve --live` at BASE).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import traceback
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

# Words that mean the archive itself is damaged or unreadable, whoever prints them.
DAMAGE = ("malformed", "not a uninews archive", "disk i/o", "corrupt", "not a database")


def damaged(text: str) -> bool:
    # A new archive is an empty SQLite file for a moment before the crawl's first
    # transaction commits its schema: a reader then is told so, which is no damage.
    low = re.sub(r"not a uninews archive: \S+ \(an empty database\)", "", text.lower())
    return any(word in low for word in DAMAGE) or "Traceback (most recent call last)" in text


def some_url(db: str) -> str | None:
    """A URL the archive holds a version of (read-only, through SQLite)."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    except sqlite3.OperationalError:
        return None  # no file yet
    try:
        row = conn.execute("SELECT url FROM versions ORDER BY random() LIMIT 1").fetchone()
    except sqlite3.OperationalError:
        return None  # no tables yet
    finally:
        conn.close()
    return row[0] if row else None


class Reader:
    def __init__(self, db: str, stop: Path, url: str | None) -> None:
        self.db, self.stop, self.url = db, stop, url
        self.reads = 0
        self.failures: list[dict] = []
        self.out = Path(tempfile.mkdtemp(prefix="uninews-reader-"))
        self.fresh_processes = False

    def failed(self, what: str, detail: str) -> None:
        self.failures.append({"read": what, "detail": detail[-2000:]})

    def loop(self, step) -> None:
        n = 0
        while not self.stop.exists():
            step(n)
            n += 1

    # -- uninews's own commands, in this process ------------------------------------------

    def uninews(self, *args: str) -> None:
        if self.fresh_processes:
            cmd = [sys.executable, "-m", "scraper.cli", *args]
            result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
            self.reads += 1
            if damaged(result.stdout + result.stderr):
                self.failed(" ".join(args[:1]), result.stderr or result.stdout)
            return
        from scraper.cli import cli

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                cli.main(list(args), prog_name="uninews", standalone_mode=False)
                code = 0
            except SystemExit as exc:
                code = exc.code or 0
            except Exception as exc:  # a ClickException is a message; anything else is a crash
                import click

                if isinstance(exc, click.ClickException):
                    code = exc.exit_code
                    err.write(exc.format_message())
                else:
                    code = -1
                    err.write(traceback.format_exc())
        self.reads += 1
        text = out.getvalue() + err.getvalue()
        if code == -1 or damaged(text):
            self.failed(" ".join(args[:1]), text)

    def cli_step(self, n: int) -> None:
        db = ["--db", self.db]
        url = some_url(self.db)
        fmt = ("jsonl", "csv", "parquet")[n % 3]
        self.uninews("search", "forskning OR research", *db, "--json")
        self.uninews("export", "--format", fmt, "--out", str(self.out / f"x.{fmt}"), *db)
        if n % 4 == 0:  # a backup beside the crawl is whole
            copy = self.out / f"backup-{n}.db"
            self.uninews("backup", "--out", str(copy), *db)
            if copy.exists():
                conn = sqlite3.connect(copy)
                try:
                    (check,) = conn.execute("PRAGMA integrity_check").fetchone()
                finally:
                    conn.close()
                if check != "ok":
                    self.failed("backup", f"the copy's integrity_check: {check}")
                copy.unlink()
        if url:
            self.uninews("history", url, *db, "--json")
            self.uninews("show", url, *db, "--format", "json")
            self.uninews("diff", url, *db)

    # -- sqlite-utils ----------------------------------------------------------------------

    def sqlite_utils_step(self, n: int) -> None:
        import sqlite_utils

        if not os.path.exists(self.db):
            return  # sqlite-utils would create it; the crawl does that
        try:
            db = sqlite_utils.Database(self.db)
            try:
                list(db.query("SELECT outcome, count(*) FROM captures GROUP BY outcome"))
                list(db["versions"].search("forskning", limit=20))
                db["pages"].count  # noqa: B018  (reads the table)
            finally:
                db.close()
        except sqlite3.OperationalError as exc:
            if damaged(str(exc)):
                self.failed("sqlite-utils library", str(exc))
        except Exception:
            self.failed("sqlite-utils library", traceback.format_exc())
        self.reads += 1
        if n % 5 == 0:  # its command line too, a fresh process as a shell user runs it
            cmd = [sys.executable, "-m", "sqlite_utils", "query", self.db,
                   "SELECT count(*) AS n FROM versions"]  # fmt: skip
            result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
            self.reads += 1
            if result.returncode != 0 or damaged(result.stderr):
                self.failed("sqlite-utils query", result.stderr)

    # -- Datasette -------------------------------------------------------------------------

    def http_step(self, n: int) -> None:
        name = Path(self.db).stem
        paths = [
            f"/{name}/articles.json?_size=20",
            f"/{name}.json?sql=" + urllib.parse.quote("SELECT count(*) FROM captures"),
            f"/{name}/versions.json?_search=forskning&_size=5",
            f"/{name}/pages.json?_sort_desc=last_seen&_size=10",
        ]
        path = paths[n % len(paths)]
        try:
            with urllib.request.urlopen(self.url + path, timeout=60) as response:
                body = response.read().decode("utf-8", "replace")
            if damaged(body):
                self.failed(f"GET {path}", body)
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace")
            self.failed(f"GET {path}: {exc.code}", body)
        except OSError as exc:
            self.failed(f"GET {path}", repr(exc))
        self.reads += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=("cli", "cli-process", "sqlite-utils", "http"))
    parser.add_argument("--db", required=True)
    parser.add_argument("--stop", required=True, type=Path)
    parser.add_argument("--report", required=True, type=Path)
    parser.add_argument("--url")
    args = parser.parse_args()
    reader = Reader(args.db, args.stop, args.url)
    reader.fresh_processes = args.kind == "cli-process"
    step = {"cli": reader.cli_step, "cli-process": reader.cli_step,
            "sqlite-utils": reader.sqlite_utils_step,
            "http": reader.http_step}[args.kind]  # fmt: skip
    try:
        reader.loop(step)
    finally:
        part = args.report.with_name(args.report.name + ".part")
        part.write_text(json.dumps({"kind": args.kind, "reads": reader.reads,
                                    "failures": reader.failures}))  # fmt: skip
        os.replace(part, args.report)


if __name__ == "__main__":
    main()
