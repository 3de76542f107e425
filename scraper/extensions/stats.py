"""Scrapy's in-memory stats collector without its per-call deprecation check.

Scrapy wraps every stats method on each attribute access to warn about a `spider`
argument; a crawl makes about twenty stats calls a page, and each wrapped call costs
some 3 microseconds instead of 0.2. Same stats, same methods (the `spider` argument
is still accepted and ignored, without the warning).
"""

from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector


class PlainStats(MemoryStatsCollector):
    __getattribute__ = object.__getattribute__
