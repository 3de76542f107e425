"""Re-extract stored raw bodies with a newer extractor, without crawling again.

What is re-extracted: for each page, its latest capture with a body (a 2xx answer), the one
fetched last. Versions form a chain in time per URL; re-reading older bodies would have to
insert versions into the middle of that chain, whereas the latest body shows what the page says
now, which is what a better extractor should correct. A new version is written only where the
extracted content differs from the page's current version, tied to the capture it was read from
and carrying the extractor version that made it.

The archive side knows no extractor: the caller passes `extract(StoredPage) -> content | None`.
Each page is one transaction that writes its version (if any) together with the run's progress
(runs.stats.last_capture_id), so a reprocess killed at any point resumes after the last page it
finished and never writes a version twice.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from .content import Prepared, prepare_content
from .errors import ArchiveError
from .store import Archive
from .times import utc_now
from .versioning import insert_version, next_version

SPIDER = "reprocess"
ALL_SITES = "*"  # runs.site of a reprocess over every site


@dataclass(frozen=True)
class StoredPage:
    """One page's latest stored body, as the extractor needs it."""

    capture_id: int
    url: str  # normalized page URL
    requested_url: str  # as fetched (what the extractor should resolve links against)
    site: str
    kind: str  # article | page | listing
    headers: tuple[tuple[str, str], ...]  # response headers in order
    body: bytes  # Content-Encoding undone (Archive.decoded_body)


Extract = Callable[[StoredPage], Mapping[str, Any] | None]
Progress = Callable[["ReprocessStats"], None]


@dataclass
class ReprocessStats:
    """What a reprocess run did; stored as runs.stats (JSON) after every page."""

    extractor_version: str
    total: int = 0  # pages to process when the run (or its resumption) started
    processed: int = 0
    changed: int = 0  # new versions written
    unchanged: int = 0
    no_content: int = 0  # the extractor found nothing to version
    last_capture_id: int = 0
    resumed: int = 0  # times this run was picked up again after an interruption
    pid: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ReprocessBusy(ArchiveError):
    """Another reprocess of the same archive and site is running now."""


@dataclass(frozen=True)
class ReprocessResult:
    run_id: int
    status: str  # finished | interrupted
    stats: ReprocessStats


def pages_sql(site: str | None, after: int) -> tuple[str, list[Any]]:
    """Latest 2xx capture with a body per page, in capture order, after capture id `after`.

    Latest by fetch time, not by id: a merged archive (archive.merge) holds captures copied
    later than captures fetched after them. (SQLite takes a bare column of a max() row.)
    """
    sql = (
        "SELECT id, max(fetched_at) FROM captures WHERE body_sha256 IS NOT NULL"
        " AND http_status BETWEEN 200 AND 299"
    )
    params: list[Any] = []
    if site is not None:
        sql += " AND site = ?"
        params.append(site)
    sql = f"SELECT id FROM ({sql} GROUP BY url) WHERE id > ? ORDER BY id"
    params.append(after)
    return sql, params


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _unfinished_run(archive: Archive, site_key: str) -> Any:
    return archive.conn.execute(
        "SELECT * FROM runs WHERE spider = ? AND site = ? AND status IN ('running', 'interrupted')"
        " ORDER BY id DESC LIMIT 1",
        (SPIDER, site_key),
    ).fetchone()


class Reprocessor:
    """One reprocess run over one archive (optionally one site)."""

    def __init__(
        self, archive: Archive, extract: Extract, extractor_version: str, site: str | None = None
    ) -> None:
        self.archive = archive
        self.extract = extract
        self.site = site
        self.site_key = site or ALL_SITES
        self.stats = ReprocessStats(extractor_version)
        self.run_id = 0

    def start(self) -> None:
        """Resume this site's unfinished reprocess run of the same extractor, or start one."""
        arc = self.archive
        row = _unfinished_run(arc, self.site_key)
        if row is not None:
            old = json.loads(row["stats"])
            if row["status"] == "running" and _pid_alive(old.get("pid", 0)):
                raise ReprocessBusy(
                    f"a reprocess of this archive is already running (process {old['pid']}); "
                    "wait for it, or stop it and run again to resume"
                )
            if old.get("extractor_version") == self.stats.extractor_version:
                self.run_id = row["id"]
                known = {k: old[k] for k in asdict(self.stats) if k in old}
                self.stats = ReprocessStats(**{**known, "resumed": old.get("resumed", 0) + 1})
            else:  # another extractor made it: its work is not ours to continue
                arc.finish_run(row["id"], "abandoned", old)
        if not self.run_id:
            self.run_id = arc.start_run(self.site_key, SPIDER)
        self.stats.pid = os.getpid()
        sql, params = pages_sql(self.site, self.stats.last_capture_id)
        remaining = arc.conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
        self.stats.total = self.stats.processed + remaining
        self._save_stats(arc.conn)

    def pages(self) -> Iterator[StoredPage]:
        sql, params = pages_sql(self.site, self.stats.last_capture_id)
        ids = [r[0] for r in self.archive.conn.execute(sql, params)]
        for capture_id in ids:
            row = self.archive.conn.execute(
                "SELECT c.id, c.url, c.requested_url, c.site, p.kind, c.headers, c.body_sha256"
                " FROM captures c JOIN pages p ON p.url = c.url WHERE c.id = ?",
                (capture_id,),
            ).fetchone()
            yield StoredPage(
                capture_id=row["id"],
                url=row["url"],
                requested_url=row["requested_url"],
                site=row["site"],
                kind=row["kind"],
                headers=tuple(tuple(pair) for pair in json.loads(row["headers"])),
                body=self.archive.decoded_body(row["body_sha256"]),
            )

    def process(self, page: StoredPage) -> int | None:
        """Extract one page and write a version if its content changed; the new version number."""
        content = self.extract(page)
        arc = self.archive
        with arc.transaction() as conn:
            number = None
            if content is None:
                self.stats.no_content += 1
            else:
                number = self._write_version(conn, page, prepare_content(content))
                if number is None:
                    self.stats.unchanged += 1
                else:
                    self.stats.changed += 1
            self.stats.processed += 1
            self.stats.last_capture_id = page.capture_id
            self._save_stats(conn)
        return number

    def _write_version(self, conn: Any, page: StoredPage, prepared: Prepared) -> int | None:
        current = conn.execute(
            "SELECT current_version, content_sha256 FROM pages WHERE url = ?", (page.url,)
        ).fetchone()
        new = next_version(
            conn, page.url, current["current_version"], current["content_sha256"], prepared
        )
        if new is None:
            return None
        insert_version(
            conn, page.url, new, page.capture_id, prepared, utc_now(), self.stats.extractor_version
        )
        update = "current_version = ?, content_sha256 = ?"
        params: list[Any] = [new.number, prepared.sha256]
        if prepared.normalized.get("lang"):
            update += ", lang = ?"
            params.append(prepared.normalized["lang"])
        conn.execute(f"UPDATE pages SET {update} WHERE url = ?", (*params, page.url))
        return new.number

    def _save_stats(self, conn: Any) -> None:
        conn.execute(
            "UPDATE runs SET stats = ?, status = 'running' WHERE id = ?",
            (json.dumps(self.stats.to_dict()), self.run_id),
        )

    def finish(self, status: str) -> None:
        self.archive.finish_run(self.run_id, status, self.stats.to_dict())


def reprocess(
    archive: Archive,
    extract: Extract,
    extractor_version: str,
    *,
    site: str | None = None,
    progress: Progress | None = None,
) -> ReprocessResult:
    """Re-extract the latest body of every page (of `site`); resume an unfinished run.

    Ctrl-C (KeyboardInterrupt) or any exception marks the run "interrupted" and is re-raised;
    a run killed outright stays "running" with a dead process id and is resumed just the same.
    """
    worker = Reprocessor(archive, extract, extractor_version, site)
    worker.start()
    try:
        for page in worker.pages():
            worker.process(page)
            if progress is not None:
                progress(worker.stats)
    except BaseException:
        worker.finish("interrupted")
        raise
    worker.finish("finished")
    return ReprocessResult(worker.run_id, "finished", worker.stats)
