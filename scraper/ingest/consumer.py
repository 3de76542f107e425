"""The ingest loop: read the stream through its consumer group, write each entry to the
archive, acknowledge it only once committed, and say what was done.

Nothing is lost when a worker or this process is killed. A worker's captures are in the stream
as soon as it has handed them over. This process acknowledges (XACK) an entry only after its
transaction has committed, so an entry it was writing when it was killed is read again when it
restarts (its consumer's pending entries, and any other consumer's, come first); an entry
committed but not yet acknowledged is recognised by its key (queries.INGEST_KEY, kept in the
capture's extra and the run's stats) and not written twice. Acknowledged entries are deleted
in the same MULTI/EXEC: the bodies they carry need not stay in Redis memory. A worker killed
sends no end of its run: once its heartbeat (scraper.scheduler) has gone, its run ends
`interrupted` at its last beat.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from archive import Archive
from archive.health import HEALTH_KEY, Rules
from archive.health import describe as describe_health
from archive.outcomes import OUTCOMES
from archive.queries import INGEST_KEY
from archive.times import stored_instant

from . import mirror
from .codec import CAPTURE, RUN, Message, decode
from .keys import BEATS, CONSUMER, GROUP, REJECTED, STREAM, alive_key

logger = logging.getLogger(__name__)

READ_COUNT = 100  # entries per XREADGROUP
BLOCK_MS = 500  # how long one read waits for new entries (and a stop request waits at most)


@dataclass
class RunDone:
    """A worker's run as this process finished it."""

    run_id: int
    site: str
    spider: str
    status: str
    counts: dict[str, int]
    error: str | None = None
    health: dict[str, Any] | None = None

    def text(self) -> str:
        counts = ", ".join(f"{n} {k}" for k, n in self.counts.items() if n)
        line = f"{self.spider} ({self.site}) run {self.run_id}: {self.status}: "
        line += counts or "nothing archived"
        if self.error:
            line += f"\n  error: {self.error}"
        if self.health and self.health.get("alarm"):
            line += f"\n  template alarm: {describe_health(self.health)}"
        return line


@dataclass
class IngestSummary:
    written: int = 0  # captures committed
    already: int = 0  # captures read again that the archive held already
    rejected: int = 0  # entries that could not be read, moved to keys.REJECTED
    runs_started: int = 0
    runs: list[RunDone] = field(default_factory=list)  # runs finished
    published: int = 0  # page rows published to Redis at the start
    stopped_by: str = "idle"  # idle | signal

    def text(self) -> str:
        lines = [run.text() for run in self.runs]
        lines.append(
            f"ingest: {self.written} captures written, {self.already} already in the archive, "
            f"{self.runs_started} runs started, {len(self.runs)} finished"
            + (f", {self.rejected} entries rejected to {REJECTED}" if self.rejected else "")
            + f" (stopped: {self.stopped_by})"
        )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "written": self.written,
            "already": self.already,
            "rejected": self.rejected,
            "runs_started": self.runs_started,
            "runs": [vars(run) for run in self.runs],
            "published": self.published,
            "stopped_by": self.stopped_by,
        }


class Ingest:
    """One consumer of the stream, writing into one archive.

    `until_idle`: stop once no entry has come for that many seconds (None: run until
    stopped); `progress`: seconds between progress lines (0: none); `stop()` (a signal
    handler's) ends the loop after the entry being written.
    """

    def __init__(
        self,
        client: Any,
        archive: Archive,
        *,
        until_idle: float | None = None,
        progress: float = 10.0,
        say: Callable[[str], None] = logger.info,
    ) -> None:
        self.client, self.archive = client, archive
        self.until_idle, self.progress, self.say = until_idle, progress, say
        self.summary = IngestSummary()
        self.runs: dict[str, int] = {}  # worker run key -> run id
        self.silent: set[str] = set()  # run keys whose worker's heartbeat was gone last look
        self.stopping = False

    def stop(self) -> None:
        self.stopping = True
        self.summary.stopped_by = "signal"

    def run(self) -> IngestSummary:
        self._join_group()
        self.summary.published = mirror.publish_all(self.client, self.archive)
        self._claim_pending()
        last_entry = last_line = time.monotonic()
        backlog = "0"  # first this consumer's pending entries, then new ones (">")
        while not self.stopping:
            block = None if backlog == "0" else BLOCK_MS
            read = self.client.xreadgroup(
                GROUP, CONSUMER, {STREAM: backlog}, count=READ_COUNT, block=block
            )
            entries = read[0][1] if read else []
            if backlog == "0" and not entries:
                backlog = ">"
                continue
            for entry_id, fields in entries:
                if self.stopping:
                    break
                message = self._decoded(entry_id, fields)
                if message is not None:
                    self._apply(message)
                self._done(entry_id)
            now = time.monotonic()
            if entries:
                last_entry = now
            else:
                self._end_silent_runs()
                if self.until_idle is not None and now - last_entry >= self.until_idle:
                    break
            if self.progress and now - last_line >= self.progress:
                last_line = now
                self.say(self._progress_line())
        return self.summary

    def _done(self, entry_id: Any) -> None:
        """Acknowledge and delete an entry in one MULTI/EXEC: killed between the two, an entry
        would be acknowledged, never read again, and left in Redis memory for good."""
        pipe = self.client.pipeline(transaction=True)
        pipe.xack(STREAM, GROUP, entry_id)
        pipe.xdel(STREAM, entry_id)
        pipe.execute()

    def _join_group(self) -> None:
        import redis

        try:
            self.client.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def _claim_pending(self) -> None:
        """Entries another consumer of the group read and never acknowledged become ours."""
        start = "0-0"
        while True:
            reply = self.client.xautoclaim(STREAM, GROUP, CONSUMER, 0, start, count=READ_COUNT)
            start = reply[0].decode() if isinstance(reply[0], bytes) else reply[0]
            if start == "0-0":
                return

    def _progress_line(self) -> str:
        waiting = self.client.xlen(STREAM)
        s = self.summary
        return (
            f"ingest: {s.written} captures written, {s.already} already there, "
            f"{len(self.runs)} runs seen; {waiting} entries in the stream"
        )

    # -- one entry ---------------------------------------------------------------------------

    def _decoded(self, entry_id: Any, fields: dict[bytes, bytes]) -> Message | None:
        """The entry as a Message, or None once it has been moved to REJECTED with why."""
        if not fields:  # pending, but deleted from the stream since (XDEL, XTRIM by hand)
            logger.warning("Stream entry %s was deleted before it was written", entry_id)
            self.summary.rejected += 1
            return None
        try:
            return decode(fields)
        except (KeyError, TypeError, ValueError) as exc:
            reason = f"{type(exc).__name__}: {exc}"
            logger.warning("Stream entry %s cannot be read (%s): moved to %s",
                           entry_id, reason, REJECTED)  # fmt: skip
            self.client.xadd(REJECTED, {**fields, b"rejected_because": reason})
            self.summary.rejected += 1
            return None

    def _apply(self, message: Message) -> None:
        if message.type == RUN:
            self._start(message)
        elif message.type == CAPTURE:
            self._capture(message)
        else:
            self._finish(message)

    def _run_id(self, key: str) -> int | None:
        if key not in self.runs:
            found = self.archive.run_with_key(key)
            if found is None:
                return None
            self.runs[key] = found
        return self.runs[key]

    def _start(self, message: Message) -> None:
        if self._run_id(message.run) is not None:
            return
        meta = message.meta
        self.runs[message.run] = self.archive.start_run(
            meta["site"], meta["spider"], process=meta["process"], key=message.run,
            started_at=meta.get("at"),
        )  # fmt: skip
        self.summary.runs_started += 1

    def _capture(self, message: Message) -> None:
        handed = message.handed
        capture = handed.capture
        if self.archive.capture_with_key(capture.url, handed.key) is not None:
            self.summary.already += 1
            return
        capture = replace(capture, extra={**capture.extra, INGEST_KEY: handed.key})
        recorded = self.archive.record(
            capture, handed.content, run_id=self._run_id(message.run), **handed.record
        )
        self.summary.written += 1
        mirror.publish_page(self.client, self.archive, recorded.url)
        if handed.record.get("kind") == "feed":
            mirror.publish_feeds(self.client, self.archive, handed.record["site"])

    def _finish(self, message: Message) -> None:
        """The worker's run, with its counts as committed here (every capture of the run came
        before this entry) and its extraction health against the site's recent runs."""
        run_id = self._run_id(message.run)
        if run_id is None:
            logger.warning("The end of a run whose start never came: skipped")
            return
        meta = message.meta
        self._end_run(run_id, message.run, meta["status"], dict(meta["stats"]), meta.get("at"))

    def _end_silent_runs(self) -> None:
        """Runs not yet ended whose worker stopped beating (killed, or its machine gone) end
        as `interrupted`, at the worker's last beat. Looked at only once the stream is read to
        its end, and twice: a run found silent is ended on the next look, the stream having
        been read to its end in between, so the end its worker sent before it stopped beating
        (had it sent one) would have been read first. A run of a worker on this host may be
        `interrupted` already, with no end time: the archive marks so the runs of a process
        that has gone whenever a run starts (Archive.start_run)."""
        found, self.silent = self.silent, set()
        rows = self.archive.conn.execute(
            f"SELECT id, started_at, json_extract(stats, '$.\"{INGEST_KEY}\"') AS key FROM runs "
            "WHERE status IN ('running', 'interrupted') AND finished_at IS NULL "
            "AND key IS NOT NULL"
        ).fetchall()
        running = {row["key"]: row for row in rows}
        if not running:
            return
        keys = list(running)
        pipe = self.client.pipeline(transaction=False)
        pipe.hmget(BEATS, keys)
        for key in keys:
            pipe.exists(alive_key(key))
        beats, *alive = pipe.execute()
        for key, beat, beating in zip(keys, beats, alive, strict=True):
            if beat is None or beating:  # a worker that never beat (older uninews), or alive
                continue
            if key not in found:
                self.silent.add(key)
                continue
            # A worker beats once before its run starts: killed before the next beat, its
            # run ends when it started, not before.
            run, at = running[key], beat.decode()
            if stored_instant(at) < stored_instant(run["started_at"]):
                at = run["started_at"]
            stats = {"uninews/heartbeat_lost": True}
            self._end_run(run["id"], key, "interrupted", stats, at)

    def _end_run(
        self, run_id: int, key: str, status: str, stats: dict[str, Any], at: str | None
    ) -> None:
        error = stats.get("uninews/run_error")
        committed = self.archive.run_counts(run_id)
        for outcome in OUTCOMES:
            stats[f"uninews/{outcome}"] = committed.get(outcome, 0)
        handed = int(stats.get("uninews/write_attempts", 0))
        missing = handed - sum(committed.values())
        stats["uninews/not_written"] = missing
        if missing > 0:
            status = "failed"
            error = error or f"{missing} of {handed} captures are not in the archive"
            stats["uninews/run_error"] = error
        given = stats.pop("uninews/health_rules", None) or {}
        rules = Rules(**{k: v for k, v in given.items() if k in Rules.__dataclass_fields__})
        health = self.archive.run_health(run_id, rules).to_dict()
        stats[HEALTH_KEY] = health
        stats["uninews/run_status"] = status
        self.archive.finish_run(run_id, status, stats, finished_at=at)
        self.client.hdel(BEATS, key)
        meta = self.archive.conn.execute(
            "SELECT site, spider FROM runs WHERE id = ?", (run_id,)
        ).fetchone()
        if status == "finished":
            mirror.publish_last_finished(self.client, self.archive, meta["site"])
        counts = {k: committed.get(k, 0) for k in OUTCOMES}
        done = RunDone(run_id, meta["site"], meta["spider"], status, counts, error, health)
        self.summary.runs.append(done)
        self.say(done.text())
