"""Datasette on an archive, read-only, with metadata, facets, search and canned queries.

`datasette_command()` builds the exact command line that `uninews serve` runs, so tests start
Datasette the same way a user does. Before serving, `prepare()` adds the research views (they
are additions to the public schema: `article_versions`, with a `year` column to facet on) and
checkpoints the WAL, because an immutable database is read from its main file only.
"""

from __future__ import annotations

import copy
import errno
import json
import queue
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, TextIO

import yaml

from .errors import ArchiveError
from .store import Archive

# Every version with its page's site and status, and a year to facet on (publication year,
# else the year it was fetched). `id` is the versions rowid, so versions_fts searches it (the
# body is searched but left out of the view: its rows stay short; versions has the body).
VIEWS = {
    "article_versions": """
CREATE VIEW article_versions AS
SELECT
    v.id, v.url, v.version, v.version = p.current_version AS is_current,
    p.site, p.kind, p.status AS page_status, c.fetched_at, v.archived_at,
    v.title, v.lead, v.published_at, v.updated_at, v.authors, v.category,
    v.tags, coalesce(v.lang, p.lang) AS lang,
    CAST(substr(coalesce(v.published_at, c.fetched_at), 1, 4) AS INTEGER) AS year,
    v.changed_fields
FROM versions v
JOIN pages p ON p.url = v.url
JOIN captures c ON c.id = v.capture_id
""",
}

# Facets shown on each table or view; `year` lives in the article_versions view.
FACETS = {
    "article_versions": ["site", "lang", "category", "year"],
    "articles": ["site", "lang", "category", "kind"],
    "pages": ["site", "kind", "status", "lang"],
    "captures": ["site", "outcome", "http_status"],
    "versions": ["lang", "category"],
}
# Views searched through the versions' full-text index (rowid = the column named here).
VIEW_SEARCH = {"article_versions": "id", "articles": "version_id"}

READY_LINE = "Uvicorn running on"


class ServeError(Exception):
    """Datasette did not start (bad port, port in use, broken archive): its own words."""


class PortInUse(ArchiveError):
    """The port asked for is taken: said before Datasette starts, in one line."""


def check_port(host: str, port: int) -> None:
    """PortInUse when nothing can listen on host:port (Datasette would print a traceback).

    Binds as uvicorn does (SO_REUSEADDR), so a port only in TIME_WAIT is not called busy.
    """
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise PortInUse(f"cannot listen on {host}:{port}: {exc.strerror}") from None
            raise PortInUse(f"port {port} is in use: pass --port N") from None


def prepare(db_path: str | Path) -> None:
    """Add (or update) the research views and move the WAL into the main file.

    An archive this process cannot write is served as it is (without the views it lacks).
    """
    with Archive.open(db_path, create=False) as arc:
        if arc.readonly:
            return
        for name, sql in VIEWS.items():
            row = arc.conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?", (name,)
            ).fetchone()
            if row is not None and row[0] == sql.strip():
                continue
            with arc.transaction() as conn:
                conn.execute(f"DROP VIEW IF EXISTS [{name}]")
                conn.execute(sql.strip())
        arc.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def database_name(db_path: str | Path) -> str:
    """The name Datasette gives a database file: its stem (archive.db is /archive)."""
    return Path(db_path).stem


def build_metadata(db_path: str | Path) -> dict[str, Any]:
    """archive/metadata.yml for this file's database name, with facets and view search."""
    base = yaml.safe_load(files("archive").joinpath("metadata.yml").read_text(encoding="utf-8"))
    metadata = copy.deepcopy(base)
    databases = metadata.setdefault("databases", {})
    db = databases.pop("archive", {})
    tables = db.setdefault("tables", {})
    for table, facets in FACETS.items():
        tables.setdefault(table, {})["facets"] = facets
    for view, pk in VIEW_SEARCH.items():
        tables[view].update({"fts_table": "versions_fts", "fts_pk": pk})
    databases[database_name(db_path)] = db
    return metadata


@dataclass(frozen=True)
class Options:
    """Datasette's own options that `uninews serve` passes through (see `datasette serve`)."""

    settings: tuple[tuple[str, str], ...] = ()  # --setting NAME VALUE, after uninews' defaults
    plugins_dirs: tuple[str, ...] = ()  # --plugins-dir
    cors: bool = False  # --cors


# uninews' defaults, before the user's --setting: 50 rows a page, facets given half a second,
# and no facet suggestions: Datasette tries every column of a table for them, which on
# versions means reading 100,000 rows with their bodies (3.5 s a page; the facets set in
# FACETS read the versions_filters index instead). `--setting suggest_facets on` asks again.
DEFAULT_SETTINGS = (
    ("default_page_size", "50"),
    ("facet_time_limit_ms", "500"),
    ("suggest_facets", "off"),
)


def datasette_command(
    db_path: str | Path,
    metadata_path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    live: bool = False,
    options: Options | None = None,
) -> list[str]:
    """The Datasette command line: immutable (-i) by default, plain read-only with live.

    Datasette runs through archive.web.launch, which makes sure the web view plugin is loaded.
    """
    options = options or Options()
    command = [sys.executable, "-m", "archive.web.launch", "serve"]
    command += [str(db_path)] if live else ["-i", str(db_path)]
    command += ["--metadata", str(metadata_path), "--host", host, "--port", str(port)]
    for name, value in DEFAULT_SETTINGS + options.settings:
        command += ["--setting", name, value]
    for folder in options.plugins_dirs:
        command += ["--plugins-dir", str(folder)]
    if options.cors:
        command.append("--cors")
    return command


def read_metadata(path: str | Path) -> dict[str, Any]:
    """A user's Datasette metadata file (YAML or JSON), as `--metadata` takes it."""
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ArchiveError(f"cannot read --metadata {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ArchiveError(f"--metadata {path} is neither YAML nor JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ArchiveError(f"--metadata {path} must hold a mapping (title:, databases:, ...)")
    return data


def merged(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """`extra` over `base`, mapping by mapping: a user's metadata adds to uninews' own and
    wins where both say something."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def write_metadata(
    db_path: str | Path, folder: str | Path, extra: dict[str, Any] | None = None
) -> Path:
    """The metadata Datasette is started with: uninews' own, with `extra` (a user's) over it."""
    path = Path(folder) / "metadata.json"
    metadata = merged(build_metadata(db_path), extra or {})
    path.write_text(json.dumps(metadata, ensure_ascii=False, indent=2))
    return path


@dataclass
class Running:
    """A started Datasette: its process and the base URL it answers on."""

    process: subprocess.Popen
    url: str
    reader: threading.Thread | None = None  # copies its log; ends when the process does

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(command: list[str], *, timeout: float = 30.0, echo: TextIO | None = None) -> Running:
    """Start Datasette and wait (on its log lines, no polling) until it says it is serving.

    The base URL is the one uvicorn reports, so `--port 0` (a free port) works. With `echo`,
    every log line is copied there as it comes (the console of `uninews serve`).
    """
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, bufsize=1
    )
    lines: queue.Queue[str | None] = queue.Queue()
    serving = threading.Event()
    reader = threading.Thread(target=_read_log, args=(process, lines, serving, echo), daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if line is None:  # the process ended before serving
            break
        seen.append(line.strip())
        if READY_LINE in line:
            url = line.split(READY_LINE, 1)[1].split()[0]
            serving.set()
            return Running(process, url.rstrip("/"), reader)
    Running(process, "").stop()
    why = next((s for s in reversed(seen) if s), "no output")
    raise ServeError(f"Datasette did not start within {timeout:.0f}s: {why}")


def _read_log(
    process: subprocess.Popen,
    lines: queue.Queue,
    serving: threading.Event,
    echo: TextIO | None = None,
) -> None:
    """Hand Datasette's log lines over until it serves, then drain so its pipe never fills."""
    for line in process.stderr:
        if echo is not None:
            echo.write(line)
            echo.flush()
        if not serving.is_set():
            lines.put(line)
    lines.put(None)


__all__ = [
    "DEFAULT_SETTINGS",
    "Options",
    "ServeError",
    "build_metadata",
    "datasette_command",
    "merged",
    "prepare",
    "read_metadata",
    "start",
    "write_metadata",
]
