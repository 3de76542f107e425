"""`uninews ingest`: on the archive host, write what `crawl --to-redis` workers hand over.

Checks its options, takes the archive's ingest lock (one ingest process per archive), runs
scraper.ingest's loop until it is idle or stopped, and prints the summary. No Scrapy.
"""

from __future__ import annotations

import contextlib
import json
import signal
import sqlite3
import sys
from typing import TYPE_CHECKING, Any

import click

from scraper.crawl import CrawlLocked, crawl_lock

from .options import BadUsage

if TYPE_CHECKING:
    from scraper.ingest.consumer import Ingest


@click.command("ingest")
@click.option("--redis", "redis_url", required=True, help="The workers' Redis (redis://HOST:PORT).")
@click.option("--db", "db_path", default="archive.db", show_default=True, help="Archive file.")
@click.option(
    "--until-idle",
    type=click.FloatRange(0, min_open=True),
    metavar="SECONDS",
    help="Stop once nothing has come for this long (default: run until stopped).",
)
@click.option(
    "--progress",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0),
    metavar="SECONDS",
    help="Seconds between progress lines on stderr (0: none).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def ingest(
    redis_url: str, db_path: str, until_idle: float | None, progress: float, as_json: bool
) -> None:
    """Write the captures `uninews crawl --to-redis` workers hand to Redis into one archive,
    in the order they came, and publish the archive's validators and known pages to Redis
    for the workers.

    \b
    Examples:
      uninews ingest --redis redis://10.0.0.5:6379/0 --db archive.db
      uninews ingest --redis redis://10.0.0.5:6379/0 --until-idle 300   (from cron)

    SIGTERM or Ctrl-C stops it after the capture it is writing. A capture is acknowledged
    in Redis only once committed: whatever was not is read again on the next start.

    Exit status: 0 stopped (idle or by a signal), 1 Redis or the archive failed on the way
    (what was not written stays in Redis), 2 bad usage or Redis unreachable at the start.
    """
    from scraper.ingest.consumer import Ingest
    from scraper.ingest.keys import RedisUnreachable, connect

    if not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise BadUsage(f"bad --redis {redis_url!r}: write redis://HOST:PORT")
    try:
        client = connect(redis_url)
    except RedisUnreachable as exc:
        raise BadUsage(str(exc)) from exc
    say = (lambda line: click.echo(line, err=True)) if progress else (lambda line: None)
    with contextlib.ExitStack() as stack:
        stack.enter_context(ingest_lock(db_path))
        archive = stack.enter_context(open_archive(db_path))
        loop = Ingest(client, archive, until_idle=until_idle, progress=progress, say=say)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: loop.stop())
        failure = run_loop(loop, redis_url)
    summary = loop.summary
    click.echo(json.dumps(summary.to_dict(), indent=2) if as_json else summary.text())
    if failure:
        click.echo(f"Error: {failure}", err=True)
        sys.exit(1)


@contextlib.contextmanager
def ingest_lock(db_path: str) -> Any:
    """The archive's ingest lock: two ingest processes would race for the same entries."""
    try:
        with crawl_lock(db_path, "ingest"):
            yield
    except CrawlLocked:
        raise BadUsage(f"another ingest into {db_path} is running") from None
    except FileNotFoundError as exc:
        raise BadUsage(f"cannot use the archive {db_path}: {exc.strerror}") from exc


def open_archive(db_path: str) -> Any:
    from archive import Archive, ArchiveError

    try:
        return Archive.open(db_path)
    except ArchiveError as exc:
        raise BadUsage(str(exc)) from exc
    except sqlite3.Error as exc:
        raise BadUsage(f"cannot open the archive {db_path}: {exc} (check --db)") from exc


def run_loop(loop: Ingest, redis_url: str) -> str | None:
    """Run the loop; why it failed on the way, in one line, or None."""
    import redis

    from archive import ArchiveError

    try:
        loop.run()
    except redis.RedisError as exc:
        return f"lost Redis at {redis_url}: {exc}; what was not written stays there"
    except (ArchiveError, sqlite3.Error) as exc:
        return f"the archive refused a write: {exc}; it stays in Redis, unacknowledged"
    return None
