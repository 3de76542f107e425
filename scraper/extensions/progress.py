"""Progress while a crawl runs, like Scrapy's LogStats, in archive terms.

On a terminal (stderr is a tty) one line, rewritten in place every
UNINEWS_PROGRESS_TTY_INTERVAL seconds: pages done, requests queued, pages per minute,
new, changed and errors, for every spider of the process. Elsewhere (a timer's journal, a
pipe) a log line at INFO every UNINEWS_PROGRESS_INTERVAL seconds, shown without -v.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any, TextIO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

logger = logging.getLogger(__name__)

SHOWN = ("new", "changed", "unchanged", "not_modified", "gone", "redirected", "error")


class Progress:
    def __init__(self, crawler: Crawler, interval: float, terminal: TerminalLine | None = None):
        self.crawler = crawler
        self.interval = interval
        self.terminal = terminal
        self.previous = 0
        self.started = time.monotonic()
        self.task: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        settings = crawler.settings
        terminal = None
        if sys.stderr.isatty():
            interval = settings.getfloat("UNINEWS_PROGRESS_TTY_INTERVAL")
            terminal = TERMINAL
        else:
            interval = settings.getfloat("UNINEWS_PROGRESS_INTERVAL")
        if not interval:
            raise NotConfigured
        ext = cls(crawler, interval, terminal)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: object) -> None:
        self.started = time.monotonic()
        if self.terminal is not None:
            self.terminal.add(self)
        self.task = create_looping_call(self.tick)
        self.task.start(self.interval, now=False)

    def line(self) -> str:
        """The log line: pages so far, the rate since the last line, every outcome."""
        stats = self.crawler.stats
        pages = stats.get_value("uninews/pages", 0)
        rate = (pages - self.previous) * 60.0 / self.interval
        self.previous = pages
        counts = ", ".join(f"{stats.get_value(f'uninews/{k}', 0)} {k}" for k in SHOWN)
        return f"Archived {pages} pages ({rate:.0f} pages/min, {self.queued()} queued): {counts}"

    def short(self) -> str:
        """This spider's part of the terminal line: short enough for one row."""
        stats = self.crawler.stats
        pages = stats.get_value("uninews/pages", 0)
        minutes = max(time.monotonic() - self.started, 1e-3) / 60.0
        name = getattr(self.crawler.spidercls, "name", "crawl")
        return (
            f"{name}: {pages} pages, {self.queued()} queued, {pages / minutes:.0f} pages/min, "
            f"{stats.get_value('uninews/new', 0)} new, "
            f"{stats.get_value('uninews/changed', 0)} changed, "
            f"{stats.get_value('uninews/error', 0)} errors"
        )

    def queued(self) -> int:
        """Requests waiting in the scheduler or in the downloader."""
        engine = getattr(self.crawler, "engine", None)
        try:
            scheduler = engine.scheduler if engine is not None else None
            waiting = len(scheduler) if scheduler is not None else 0  # type: ignore[arg-type]
            return waiting + len(engine.downloader.active) if engine is not None else waiting
        except (AttributeError, TypeError, NotImplementedError):
            return 0  # a scheduler that cannot count (a shared Redis queue may not)

    def tick(self) -> None:
        if self.terminal is not None:
            self.terminal.draw()
        else:
            logger.info(self.line())

    def spider_closed(self, spider: object, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        if self.terminal is not None:
            self.terminal.remove(self)


class TerminalLine:
    """The one progress line on a terminal, shared by the spiders of a process."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream
        self.shown: list[Progress] = []
        self.drawn = False

    def add(self, progress: Progress) -> None:
        self.shown.append(progress)

    def remove(self, progress: Progress) -> None:
        if progress in self.shown:
            self.shown.remove(progress)
        if not self.shown and self.drawn:
            self._write("\r\x1b[K")  # the summary follows on a clean line
            self.drawn = False

    def draw(self) -> None:
        if self.shown:
            self._write("\r" + " | ".join(p.short() for p in self.shown) + "\x1b[K")
            self.drawn = True

    def _write(self, text: str) -> None:
        stream = self.stream or sys.stderr
        stream.write(text)
        stream.flush()


TERMINAL = TerminalLine()
