"""The shared request queue of a `--redis` crawl: scrapy-redis's, losing nothing when a worker
dies.

scrapy-redis hands each request out once, so a worker killed between taking a request and
finishing it would take the request with it. Here taking a request moves it, in one Lua
script, from the shared queue to the worker's in-flight hash (field: the SHA-1 of the request
as queued; value: the request as queued), and it leaves the hash once Scrapy's engine is done
with it: the response went through the spider (its links are in the queue) and the pipelines
(a `--to-redis` worker's capture is on the ingest stream), or the request failed for good.

Every worker beats: a key that expires UNINEWS_HEARTBEAT_TTL seconds after its last refresh. A
thread of its own beats, not the reactor: the reactor stalls for seconds at times (seen: five
seconds while a worker started its extraction processes on two busy cores), and a worker taken
for dead while it was only busy would have its requests fetched twice and its run ended for
nothing. So the beat says the process is alive; the engine's progress is not its business. A
live worker that finds another's key gone pushes that worker's in-flight requests back to the
queue under WATCH/MULTI, so two workers never both do; they are fetched again unconditionally,
since the dead worker may have handed over the capture (so the archive's validators match) but
not the links it found. And no worker's spider closes while another worker has requests in
flight: those may bring new links, or come back to the queue.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler as RedisScheduler

from archive.times import utc_now
from scraper.ingest.keys import BEATS, alive_key, worker_id

logger = logging.getLogger(__name__)

# Take the queue's first request and hold it in this worker's in-flight hash, atomically: a
# worker killed between the two steps of a two-step take would lose the request. The hash
# outlives its worker until another pushes it back; with no worker left to, it goes with the
# crawl's other keys (ARGV[1] seconds, UNINEWS_REDIS_EXPIRE: scraper.extensions.redis_expiry).
TAKE = """
local taken = redis.call('ZRANGE', KEYS[1], 0, 0)
if #taken == 0 then return false end
redis.call('ZREM', KEYS[1], taken[1])
local field = redis.sha1hex(taken[1])
redis.call('HSET', KEYS[2], field, taken[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return {field, taken[1]}
"""
BEATS_PER_TTL = 5  # a worker refreshes its key five times per TTL: one late beat is no death


class InflightQueue(PriorityQueue):
    """scrapy-redis's priority queue, whose pop holds the request in this worker's in-flight
    hash until `release`."""

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        self.worker = worker_id(spider.crawler.stats)
        self.workers_key = f"{self.key}:workers"  # every worker that may hold requests
        self.inflight_key = self.inflight_of(self.worker)
        self.held: dict[str, Any] = {}  # field -> the Request object the engine was given
        self.expire = spider.crawler.settings.getint("UNINEWS_REDIS_EXPIRE", 86400)
        self._take = server.register_script(TAKE)

    def inflight_of(self, worker: str) -> str:
        return f"{self.key}:inflight:{worker}"

    def pop(self, timeout: int = 0) -> Any:
        taken = self._take(keys=[self.key, self.inflight_key], args=[self.expire])
        if not taken:
            return None
        field, data = taken
        request = self._decode_request(data)
        self.held[field.decode()] = request
        return request

    def release(self, fields: list[str]) -> None:
        """These requests are done: out of the in-flight hash."""
        if fields:
            self.server.hdel(self.inflight_key, *fields)
            for field in fields:
                del self.held[field]

    def in_flight_elsewhere(self) -> int:
        """Requests other workers of this crawl hold (live ones, and dead ones not yet
        pushed back)."""
        others = [w.decode() for w in self.server.smembers(self.workers_key)]
        others = [w for w in others if w != self.worker]
        if not others:
            return 0
        pipe = self.server.pipeline(transaction=False)
        for worker in others:
            pipe.hlen(self.inflight_of(worker))
        return sum(pipe.execute())

    def requeue_dead(self) -> int:
        """Push back the requests of every worker whose heartbeat is gone; how many."""
        others = [w.decode() for w in self.server.smembers(self.workers_key)]
        return sum(self.requeue(w) for w in others if w != self.worker)

    def requeue(self, worker: str, *, alive_or_not: bool = False) -> int:
        """The worker's in-flight requests back in the queue, unless its heartbeat is there
        (`alive_or_not`: even so, a worker closing with requests the engine never finished).
        WATCH makes it all or nothing, and once only when two workers try at once."""
        import redis

        inflight = self.inflight_of(worker)
        with self.server.pipeline(transaction=True) as pipe:
            try:
                pipe.watch(alive_key(worker), inflight)
                if not alive_or_not and pipe.exists(alive_key(worker)):
                    return 0
                held = pipe.hvals(inflight)
                pipe.multi()
                for data in held:
                    request = self._decode_request(data)
                    request.meta["uninews_unconditional"] = True
                    pipe.execute_command("ZADD", self.key, -request.priority,
                                         self._encode_request(request))  # fmt: skip
                pipe.delete(inflight)
                pipe.srem(self.workers_key, worker)
                pipe.execute()
            except redis.WatchError:  # another worker did it, or the worker beat meanwhile
                return 0
        return len(held)


class Scheduler(RedisScheduler):
    """scrapy-redis's scheduler over InflightQueue, beating, sweeping and reaping."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> Scheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.ttl = crawler.settings.getfloat("UNINEWS_HEARTBEAT_TTL")
        scheduler.to_ingest = crawler.settings.getbool("UNINEWS_TO_REDIS")
        scheduler.reaping = None
        scheduler.stopped = threading.Event()
        scheduler.heart = None
        return scheduler

    def open(self, spider: Any) -> None:
        from twisted.internet import task

        in_progress(self.crawler.engine)  # fail at the start, not lose requests at the end
        super().open(spider)
        self._beat()  # alive before the first request is taken
        self.heart = threading.Thread(target=self._beating, name="uninews-heartbeat",
                                      daemon=True)  # fmt: skip
        self.heart.start()
        self.reaping = task.LoopingCall(self._tick)
        self.reaping.start(self.ttl / BEATS_PER_TTL, now=False)

    def close(self, reason: str) -> None:
        if self.reaping is not None and self.reaping.running:
            self.reaping.stop()
        self.stopped.set()
        if self.heart is not None:
            self.heart.join()  # no beat after the run's end is handed over
        self._sweep()
        left = self.queue.requeue(self.queue.worker, alive_or_not=True)
        if left:
            logger.warning("%d requests this worker had taken went back to the queue", left)
        super().close(reason)

    def next_request(self) -> Any:
        self._sweep()
        return super().next_request()

    def has_pending_requests(self) -> bool:
        self._sweep()
        return len(self) > 0 or self.queue.in_flight_elsewhere() > 0

    def _beating(self) -> None:
        """The heartbeat thread: beat until the scheduler closes. A Redis error is logged,
        and the next beat tries again."""
        while not self.stopped.wait(self.ttl / BEATS_PER_TTL):
            try:
                self._beat()
            except Exception as exc:
                logger.warning("Heartbeat failed: %s: %s", type(exc).__name__, exc)

    def _tick(self) -> None:
        """Let go of finished requests, push back dead workers' ones (in the reactor, which
        owns the engine's state). A Redis error is logged, and the next tick tries again."""
        try:
            self._sweep()
            requeued = self.queue.requeue_dead()
        except Exception as exc:
            logger.warning("Requeueing failed: %s: %s", type(exc).__name__, exc)
            return
        if requeued:
            logger.warning("%d requests of a worker that stopped beating went back to the "
                           "queue", requeued)  # fmt: skip
            self.stats.inc_value("uninews/requeued", requeued)

    def _beat(self) -> None:
        worker, now = self.queue.worker, utc_now()
        pipe = self.server.pipeline(transaction=True)
        pipe.set(alive_key(worker), now, px=int(self.ttl * 1000))
        pipe.sadd(self.queue.workers_key, worker)
        if self.to_ingest:  # when it last beat, for `uninews ingest` once it stops
            pipe.hset(BEATS, worker, now)
        pipe.execute()

    def _sweep(self) -> None:
        """Release what the engine has finished."""
        busy = in_progress(self.crawler.engine)
        self.queue.release([f for f, request in self.queue.held.items() if request not in busy])


def in_progress(engine: Any) -> set[Any]:
    """The requests Scrapy's engine holds: each from the scheduler's hand until the response
    has been through the spider (its links queued) and the item pipelines (its capture handed
    over), or the request failed for good. Scrapy signals no request's end, so this reads the
    engine's own set; a Scrapy without it fails every `--redis` crawl at its start, loudly,
    rather than requeue every request at the end (tests/test_crawl_redis.py)."""
    try:
        busy = engine._slot.inprogress
    except AttributeError:
        busy = None
    if not isinstance(busy, set):
        raise RuntimeError(
            "this Scrapy's engine keeps no _slot.inprogress set: scraper/scheduler.py must "
            "learn another way to tell when a request is done"
        )
    return busy
