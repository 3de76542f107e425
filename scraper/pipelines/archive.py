"""The archive pipeline: record each capture and its extracted content; one run row per crawl.

An adapter only: the extraction pipeline (before this one) said what a page holds, the
archive decides whether it is new, changed or unchanged. Writes go through the crawl's one
archive writer (scraper.workers.archive_writer), in order, one transaction per capture. The
run's counts at the end are read back from the archive: what was committed, not what was sent;
so is its extraction health (archive.health), kept in its stats under "uninews/health".
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from archive import Archive
from archive.health import HEALTH_KEY, Rules
from archive.outcomes import OUTCOMES
from archive.versioning import gets_version
from scraper.discovery.urlkind import archive_kind
from scraper.items import CaptureItem
from scraper.middlewares import robots
from scraper.workers.archive_writer import ArchiveWriter

logger = logging.getLogger(__name__)

STAT = "uninews/{}"
# What a capture is archived as: pages, plus discovery files kept for the record ("feed":
# when an article first appeared in a site's feed) and what pages need to render
# ("requisite": stylesheets, images, fonts, scripts).
ARCHIVE_KINDS = ("article", "page", "listing", "feed", "requisite")
# Captures that are no pages: counted apart, so page figures and --max-pages agree.
APART = ("feed", "requisite")


class ArchivePipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path = crawler.settings.get("UNINEWS_DB")
        self.writer_kind = crawler.settings.get("UNINEWS_ARCHIVE_WRITER", "process")
        self.writer: ArchiveWriter | None = None
        self.archive: Archive | None = None
        self.run_id: int | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.robots_fetched, signal=robots.robots_fetched)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        return cls(crawler)

    async def open_spider(self) -> None:
        spider = self.crawler.spider
        self.writer = ArchiveWriter(self.db_path, self.writer_kind, self.stats)
        self.archive = self.writer.open()
        self.run_id = self.writer.in_thread(self.archive.start_run, spider.site_name, spider.name)
        self.stats.set_value("uninews/run_id", self.run_id)
        await self.writer.start_process()

    async def robots_fetched(self, capture: Any) -> None:
        """A robots.txt fetch, kept as a capture of kind "robots" (no page outcome counted)."""
        if self.archive is None:
            return
        await self._write(
            "record", capture, None, run_id=self.run_id, site=self.crawler.spider.site_name,
            kind="robots", extractor_version="",
        )  # fmt: skip
        self.stats.inc_value("uninews/robots_captures")

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, CaptureItem):
            return item
        capture, content, record = archived_as(item)
        kind = record["kind"]
        # Page captures are what a run's counts are about (Archive.run_counts leaves feeds out).
        self.stats.inc_value(
            f"uninews/{kind}_write_attempts" if kind in APART else "uninews/write_attempts"
        )
        try:
            recorded = await self._write("record", capture, content, run_id=self.run_id, **record)
        except Exception as exc:
            # Not archived: the run fails (spider_closed) and says why, but the crawl goes on,
            # so that what can still be written is.
            self._write_failed(exc, capture.url)
            return {"url": capture.url, "outcome": "not_written", "version": None}
        if kind in APART:
            self.stats.inc_value(f"uninews/{kind}_captures/{recorded.outcome}")
            return {"url": recorded.url, "outcome": recorded.outcome, "version": None}
        self.stats.inc_value(STAT.format(recorded.outcome))
        self.stats.inc_value("uninews/pages")
        if content is not None:
            self.stats.inc_value(f"uninews/kind/{kind}")
        logger.debug("%s %s (%s)", recorded.outcome, recorded.url, kind)
        return {"url": recorded.url, "outcome": recorded.outcome, "version": recorded.version}

    async def _write(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return await self.writer.write(method, *args, **kwargs)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.writer is None:
            return
        self.writer.stop_process()
        if self.archive is None:
            return
        self._count_committed()
        self._check_health()
        shared = bool(self.crawler.settings.get("REDIS_URL"))
        status = run_status(self.stats.get_stats(), reason, shared)
        self.stats.set_value("uninews/run_status", status)
        stats = json_stats(self.stats.get_stats())
        try:
            self.writer.in_thread(self.archive.finish_run, self.run_id, status, stats)
        except Exception as exc:
            # The run row stays `running`; the next crawl marks it interrupted.
            self._write_failed(exc, None, what="the run could not be finished")
            self.stats.set_value("uninews/run_status", "failed")
        try:
            self.writer.close()
        finally:
            self.archive = self.writer = None

    def _check_health(self) -> None:
        """Ask the archive whether this run's article pages lost fields the site's recent runs
        had (a template change): the verdict goes in the run's stats, for the summary."""
        settings = self.crawler.settings
        rules = Rules(
            drop=settings.getfloat("UNINEWS_HEALTH_DROP"),
            min_articles=settings.getint("UNINEWS_HEALTH_MIN_ARTICLES"),
            history=settings.getint("UNINEWS_HEALTH_RUNS"),
        )
        try:
            verdict = self.writer.in_thread(self.archive.run_health, self.run_id, rules)
        except Exception as exc:
            logger.warning("Extraction health not checked: %s: %s", type(exc).__name__, exc)
            return
        self.stats.set_value(HEALTH_KEY, verdict.to_dict())

    def _write_failed(self, exc: BaseException, url: str | None, what: str = "") -> None:
        """Count a write the archive refused; the first one's words become the run's error."""
        self.stats.inc_value("uninews/write_failed")
        error = f"{type(exc).__name__}: {exc}"
        logger.error("Not archived%s: %s", f" ({url})" if url else f": {what}", error)
        if self.stats.get_value("uninews/run_error") is None:
            prefix = what or "captures could not be written to the archive"
            self.stats.set_value("uninews/run_error", f"{prefix}: {error}")

    def _count_committed(self) -> None:
        """The run's counts as the archive holds them, not as the pipeline hoped."""
        try:
            committed = self.writer.in_thread(self.archive.run_counts, self.run_id)
        except Exception as exc:
            self._write_failed(exc, None, what="the run's captures could not be counted")
            return
        for outcome in OUTCOMES:
            self.stats.set_value(STAT.format(outcome), committed.get(outcome, 0))
        attempts = self.stats.get_value("uninews/write_attempts", 0)
        missing = attempts - sum(committed.values())
        self.stats.set_value("uninews/not_written", missing)
        if missing > 0 and self.stats.get_value("uninews/run_error") is None:
            self.stats.set_value(
                "uninews/run_error", f"{missing} of {attempts} captures are not in the archive"
            )


def archived_as(item: CaptureItem) -> tuple[Any, Any, dict[str, Any]]:
    """(capture, content, Archive.record's other keywords) for an item: what it is archived
    as, wherever it is written (here, or by `uninews ingest` from a worker's stream)."""
    capture, article, prepared = item.capture, item.article, item.prepared
    content, kind, lang = None, item.url_kind or "page", None
    if article is not None:
        kind = archive_kind(article.kind, item.url_kind)
        lang = article.lang
        if article.kind == "login":
            capture = dataclasses.replace(capture, restricted=True)
        elif gets_version(article.kind, article.has_content, kind):
            content = prepared or article.content()
    record = {
        "site": item.site,
        "kind": kind if kind in ARCHIVE_KINDS else "page",
        "extractor_version": item.extractor_version if article is not None else "",
        "lang": lang,
    }
    return capture, content, record


def run_status(stats: dict[str, Any], reason: str, shared: bool = False) -> str:
    """finished | failed (a capture not archived, or no page fetched at all) | the close reason.

    A worker of a shared (--redis) crawl that found nothing left to do has not failed, nor has
    a run resuming an interrupted one that had captured every page already.
    """
    if stats.get("uninews/run_error") or stats.get("uninews/not_written", 0) > 0:
        return "failed"
    pages, errors = stats.get("uninews/pages", 0), stats.get("uninews/error", 0)
    resumed = bool(stats.get("uninews/resume_skipped"))
    if pages <= errors and not ((shared or resumed) and pages == 0):
        return "failed"
    return "finished" if reason in ("finished",) or reason.startswith("closespider") else reason


def json_stats(stats: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in stats.items()}
