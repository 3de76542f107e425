"""Worker processes fed from the reactor's event loop, without helper threads: the
crawler's extraction processes and its archive writer (scraper.pipelines.archive).

concurrent.futures.ProcessPoolExecutor hands every task through two threads of the
crawler (its manager and its queue feeder), and on a crawl the crawler's own thread
holds the GIL nearly all the time: measured side by side on demo articles, 620-840
microseconds of crawler CPU a page against 280-350 here. Each worker gets its tasks on
a pipe that the loop writes without blocking (asyncio buffers what the pipe cannot take
yet), and sends results on a pipe the loop reads. A worker that dies fails its tasks
with BrokenProcessPool, as the executor did, so the caller's fallback is the same.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import struct
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import Any

logger = logging.getLogger(__name__)

_HEADER = struct.Struct("!i")  # multiprocessing.Connection's framing, for messages < 2 GiB


def worker_main(
    tasks: Connection, results: Connection, initializer: Callable[..., Any], initargs: tuple
) -> None:
    """A worker process: run (task_id, function, args) messages until the pipe closes."""
    initializer(*initargs)
    results.send_bytes(pickle.dumps((None, True, None)))  # ready
    while True:
        try:
            task_id, function, args = pickle.loads(tasks.recv_bytes())
        except EOFError:
            return
        try:
            message = pickle.dumps((task_id, True, function(*args)), pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # sent back, raised in the crawler as the executor did
            try:
                message = pickle.dumps((task_id, False, exc), pickle.HIGHEST_PROTOCOL)
            except Exception:
                message = pickle.dumps((task_id, False, RuntimeError(repr(exc))))
        results.send_bytes(message)


def _own_file(conn: Connection, mode: str) -> Any:
    """An unbuffered file on the connection's pipe, for an asyncio pipe transport."""
    fd = os.dup(conn.fileno())
    conn.close()
    return os.fdopen(fd, mode, buffering=0)


class _Tasks(asyncio.Protocol):
    """The task pipe's end: closed by the other side only when the worker is gone."""

    def __init__(self, worker: _Worker):
        self.worker = worker

    def connection_lost(self, exc: Exception | None) -> None:
        self.worker.lost()


class _Results(asyncio.Protocol):
    """Reads framed result messages from one worker."""

    def __init__(self, worker: _Worker):
        self.worker = worker
        self.buffer = bytearray()

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        while len(buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(buffer)
            end = _HEADER.size + size
            if len(buffer) < end:
                return
            message = bytes(buffer[_HEADER.size : end])
            del buffer[:end]
            self.worker.received(pickle.loads(message))

    def connection_lost(self, exc: Exception | None) -> None:
        self.worker.lost()


class _Worker:
    def __init__(self, pool: WorkerPool, process: Any):
        self.pool = pool
        self.process = process
        self.pending: dict[int, asyncio.Future] = {}
        self.ready: asyncio.Future = pool.loop.create_future()
        self.tasks: asyncio.WriteTransport | None = None
        self.task_pipe: Any = None
        self.results: asyncio.ReadTransport | None = None
        self.alive = True

    def send(self, task_id: int, function: Callable[..., Any], args: tuple) -> asyncio.Future:
        future = self.pool.loop.create_future()
        self.pending[task_id] = future
        message = pickle.dumps((task_id, function, args), pickle.HIGHEST_PROTOCOL)
        self.tasks.write(_HEADER.pack(len(message)) + message)
        return future

    def received(self, message: tuple) -> None:
        task_id, ok, value = message
        if task_id is None:
            if not self.ready.done():
                self.ready.set_result(None)
            return
        future = self.pending.pop(task_id, None)
        if future is None or future.done():
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    def lost(self) -> None:
        """One of the worker's pipes closed: it exited or died."""
        if not self.alive:
            return
        self.alive = False
        error = BrokenProcessPool("a worker process terminated abruptly")
        if not self.ready.done():
            self.ready.set_exception(error)
        for future in self.pending.values():
            if not future.done():
                future.set_exception(error)
        self.pending.clear()
        self.pool.broken = True


class WorkerPool:
    """`workers` processes from a multiprocessing context (forkserver), each set up once
    by initializer(*initargs). Use from the event loop's thread only."""

    def __init__(
        self,
        workers: int,
        context: Any,
        initializer: Callable[..., Any],
        initargs: tuple = (),
    ):
        self.size = workers
        self.context = context
        self.initializer = initializer
        self.initargs = initargs
        self.loop: asyncio.AbstractEventLoop | None = None
        self.workers: list[_Worker] = []
        self.broken = False
        self._next_id = 0

    async def start(self) -> None:
        """Start the processes and wait until each has run its initializer."""
        self.loop = asyncio.get_running_loop()
        for _ in range(self.size):
            task_r, task_w = self.context.Pipe(duplex=False)
            result_r, result_w = self.context.Pipe(duplex=False)
            process = self.context.Process(
                target=worker_main,
                args=(task_r, result_w, self.initializer, self.initargs),
                daemon=True,
            )
            process.start()
            task_r.close()
            result_w.close()
            worker = _Worker(self, process)
            self.workers.append(worker)
            worker.task_pipe = _own_file(task_w, "wb")
            worker.tasks, _ = await self.loop.connect_write_pipe(
                lambda w=worker: _Tasks(w), worker.task_pipe
            )
            worker.results, _ = await self.loop.connect_read_pipe(
                lambda w=worker: _Results(w), _own_file(result_r, "rb")
            )
        await asyncio.gather(*(w.ready for w in self.workers))

    def submit(self, function: Callable[..., Any], *args: Any) -> asyncio.Future:
        """function(*args) in the least busy worker; BrokenProcessPool once one died."""
        if self.broken:
            raise BrokenProcessPool("a worker process terminated abruptly")
        worker = min(self.workers, key=lambda w: len(w.pending))
        if worker.tasks.is_closing():  # its pipe broke; the loop has not said so yet
            worker.lost()
            raise BrokenProcessPool("a worker process terminated abruptly")
        self._next_id += 1
        return worker.send(self._next_id, function, args)

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        """Close the task pipes (workers exit when they see the end); join them if `wait`.

        Callable outside a running loop (Scrapy's spider_closed): the pipes are closed
        here and now, not by a transport on the loop's next turn.
        """
        for worker in self.workers:
            if cancel_futures:
                for future in worker.pending.values():
                    future.cancel()
                worker.pending.clear()
            worker.alive = False
            if worker.tasks is not None and not worker.tasks.is_closing():
                worker.tasks.abort()
            if worker.task_pipe is not None:
                worker.task_pipe.close()
        for worker in self.workers:
            if wait:
                worker.process.join(10)
            if worker.process.is_alive():
                worker.process.terminate()
                if wait:
                    worker.process.join(1)
            if worker.results is not None:
                worker.results.close()
        self.workers = []
