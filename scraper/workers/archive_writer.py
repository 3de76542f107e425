"""The crawl's one archive writer: every write in order, off the reactor thread.

UNINEWS_ARCHIVE_WRITER "process" (the default) writes in a process of its own
(`archive_process`), so SQLite, zstd, FTS and the recipe search for compressed bodies use the
core the crawler leaves; "thread" writes in one thread of the crawler. The thread always
exists: the run row is written there, and writes go on there if the process dies (its open
transaction rolled back, so every capture that was waiting is written again, in order).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from archive import Archive

from . import archive_process
from .pool import WorkerPool

logger = logging.getLogger(__name__)


class ArchiveWriter:
    """Archive.<method>(...) calls, in order, in the writer process or the writer thread.

    `stats` is anything with Scrapy's StatsCollector's set_value/inc_value."""

    def __init__(self, db_path: str, kind: str, stats: Any) -> None:
        self.db_path, self.kind, self.stats = db_path, kind, stats
        self.thread = ThreadPoolExecutor(1, thread_name_prefix="uninews-archive")
        self.archive: Archive | None = None
        self.process: WorkerPool | None = None

    def open(self) -> Archive:
        self.archive = self.in_thread(Archive.open, self.db_path)
        return self.archive

    def in_thread(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run `function` in the writer thread and wait for it (the run row, counts)."""
        return self.thread.submit(function, *args).result()

    async def start_process(self) -> None:
        self.stats.set_value("uninews/archive_writer", "thread")
        if self.kind != "process":
            return
        process = WorkerPool(
            1,
            multiprocessing.get_context("forkserver"),
            initializer=archive_process.open_archive,
            initargs=(self.db_path,),
        )
        try:
            await process.start()
        except BrokenProcessPool:
            logger.warning("The archive process did not start; writing in this process")
            process.shutdown(wait=False)
            return
        self.process = process
        self.stats.set_value("uninews/archive_writer", "process")

    async def write(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Archive.<method>(...) in the writer process, or in the writer thread."""
        process = self.process
        if process is not None:
            try:
                value, cpu = await process.submit(archive_process.call, method, args, kwargs)
                self.stats.inc_value("uninews/archive_worker_cpu", cpu)
                return value
            except BrokenProcessPool:
                # Killed or out of memory: its transaction rolled back, so this capture (and
                # every other one that was waiting for it) is written again here, and so is
                # every later one. The first of them to get here retires the process.
                if self.process is process:
                    logger.warning("The archive process died; writing in this process from now on")
                    self.stats.inc_value("uninews/archive_process_broken")
                    self.stats.set_value("uninews/archive_writer", "thread")
                    self.process = None
                    process.shutdown(wait=False, cancel_futures=True)
        call = getattr(self.archive, method)
        return await asyncio.wrap_future(self.thread.submit(call, *args, **kwargs))

    def stop_process(self) -> None:
        process, self.process = self.process, None
        try:
            if process is not None:
                # Every item has been recorded by now: the writer has nothing queued.
                process.shutdown(wait=True, cancel_futures=True)
        except Exception:
            # Whatever the process did on its way out, the run is still closed: a run left
            # "running" would look like a crawl still going on.
            logger.exception("The archive process did not shut down cleanly")

    def close(self) -> None:
        try:
            if self.archive is not None:
                self.in_thread(self.archive.close)
        finally:
            self.thread.shutdown(wait=True)
            self.archive = None
