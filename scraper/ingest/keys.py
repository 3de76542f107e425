"""The Redis keys workers and the ingest process share, and connecting to Redis.

One stream and one archive per Redis database: several archives fed through one Redis server
use a database each (redis://HOST:6379/1, /2, ...).
"""

from __future__ import annotations

from typing import Any

STREAM = "uninews:ingest"  # captures and run messages, oldest first
GROUP = "uninews-ingest"  # the consumer group of the ingest process
CONSUMER = "ingest"  # its one consumer: a restarted ingest reads its own pending entries again
# Entries ingest cannot read (from another uninews version, or damaged), kept with the reason
# instead of blocking the stream: nothing is dropped without a trace.
REJECTED = "uninews:ingest:rejected"
# When each `--to-redis` worker last beat (UTC, as archive.times writes it): once its beat is
# gone, ingest ends its runs as `interrupted` at that time.
BEATS = "uninews:ingest:beats"


def alive_key(worker: str) -> str:
    """A string that expires UNINEWS_HEARTBEAT_TTL seconds after the worker last beat."""
    return f"uninews:worker:{worker}:alive"


def worker_id(stats: Any) -> str:
    """The crawler's worker name in the crawl (and its run's key on the ingest stream), kept in
    its stats so that the scheduler and the stream pipeline agree on it."""
    name = stats.get_value("uninews/worker")
    if name is None:
        import uuid

        name = uuid.uuid4().hex
        stats.set_value("uninews/worker", name)
    return name


# A hash, site -> when its latest finished run started (archive.times): a `--to-redis` worker
# of several sites judges from it which are due, as a crawl with an archive does from its runs.
LAST_FINISHED = "uninews:archive:last_finished"


def pages_key(site: str) -> str:
    """A hash, normalized URL -> the archive's page row as JSON (mirror.page_json)."""
    return f"uninews:archive:pages:{site}"


def feeds_key(site: str) -> str:
    """A string: what the site's feeds last said of each article (archive.feeds), as JSON."""
    return f"uninews:archive:feeds:{site}"


class RedisUnreachable(RuntimeError):
    """Redis did not answer: one line for the operator, naming the URL."""


def connect(url: str) -> Any:
    """A client for `url` that has answered a PING (RedisUnreachable otherwise)."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=5, health_check_interval=30)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise RedisUnreachable(f"Redis unreachable at {url}: {exc}") from exc
    return client
