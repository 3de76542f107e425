"""The archive's writer process: one Archive, written in the order the crawl sends captures.

A crawl's own thread holds the GIL for nearly everything it does, so archive writes (SQLite,
zstd, FTS, the recipe search for compressed bodies) done in a thread of the crawler wait for,
and hold back, the downloads. In a process of their own they use the core the crawler leaves.
Only the archive library is imported here: no Scrapy.
"""

from __future__ import annotations

import time
from typing import Any

from archive import Archive

_archive: dict[str, Archive] = {}


def open_archive(path: str) -> None:
    _archive["archive"] = Archive.open(path)


def call(method: str, args: tuple, kwargs: dict[str, Any]) -> tuple[Any, float]:
    """Archive.<method>(*args, **kwargs) in this process, and the CPU seconds it took (the
    crawler's own figures leave them out)."""
    started = time.process_time()
    value = getattr(_archive["archive"], method)(*args, **kwargs)
    return value, time.process_time() - started
