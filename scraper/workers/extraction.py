"""The one place the crawler calls the extractor (scraper.extract), so it can be swapped,
and the extraction processes' side of it: a CPU budget per page.

One decode path: the extractor is given the body as received and the charset the HTTP
Content-Type names as a hint, and decodes it itself, in the crawl, in `uninews reprocess`
and in the benchmarks alike (Scrapy's response.encoding believed a mislabelled header).
"""

from __future__ import annotations

import inspect
import signal
import time
from contextlib import contextmanager
from typing import Any

from archive.content import Prepared, prepare_content
from scraper.extract.article import Article
from scraper.extract.decode import to_text
from scraper.extract.hints import apply_hints

BUDGET = 5.0  # seconds of CPU an extraction process may spend on one page


def extractor() -> tuple[Any, str]:
    """(extract function, EXTRACTOR_VERSION) of the installed extractor."""
    from scraper.extract import EXTRACTOR_VERSION, extract

    return extract, EXTRACTOR_VERSION


def _takes_charset(extract: Any) -> bool:
    try:
        return "charset" in inspect.signature(extract).parameters
    except (TypeError, ValueError):
        return False


def extract_body(
    extract: Any,
    body: bytes,
    charset: str | None,
    url: str,
    profile: Any = None,
    hints: dict[str, Any] | None = None,
) -> Article:
    """Extract the body as received, with the HTTP charset as a hint; then fill what the
    page lacks from a feed's hints (never what it says).

    An extractor that takes no `charset` (a `--extractor MODULE:FUNCTION` of reprocess)
    gets the text decoded the same way."""
    if _takes_charset(extract):
        article = extract(body, url, profile, charset=charset)
    else:
        article = extract(to_text(body, charset)[0], url, profile)
    return apply_hints(article, hints)


class OverBudget(BaseException):
    """A page took longer than its budget (a BaseException: extract() catches Exception)."""


def _over_budget(_signum: int, _frame: Any) -> None:
    raise OverBudget


@contextmanager
def cpu_budget(seconds: float | None):
    """Raise OverBudget in this (main) thread once it has used `seconds` of CPU.

    SIGPROF counts the process's CPU, so a loaded machine does not cut a page short, and
    re's matching loop checks for signals, so even a backtracking pattern is stopped."""
    if not seconds or seconds <= 0:
        yield
        return
    previous = signal.signal(signal.SIGPROF, _over_budget)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def budget_error(seconds: float) -> str:
    return (
        f"extraction over its time budget of {seconds:g} s of CPU (UNINEWS_EXTRACT_BUDGET):"
        " body kept, no version; uninews reprocess tries it again"
    )


# A pool process's extractor and profile, set once by init_worker rather than sent per page.
_worker: dict[str, Any] = {}


def init_worker(extract: Any, profile: Any, budget: float | None = BUDGET) -> None:
    _worker.update(extract=extract, profile=profile, budget=budget)


def extract_in_worker(
    body: bytes, charset: str | None, url: str, hints: dict[str, Any] | None = None
) -> tuple[Article | None, Prepared | None, float, str | None]:
    """The article, its content prepared for the archive, the CPU seconds both took, and
    an error when the page went over its time budget (then no article).

    Preparing (normalizing, hashing, JSON columns) here rather than in the archive's writer
    thread keeps that work off the crawler's GIL: 0.3 ms a demo page (bench/crawl.py).
    The CPU seconds are reported because the crawler's own figures leave them out.
    """
    started = time.process_time()
    budget = _worker.get("budget")
    try:
        with cpu_budget(budget):
            article = extract_body(
                _worker["extract"], body, charset, url, _worker["profile"], hints
            )
            prepared = prepare_content(article.content()) if article.has_content else None
    except OverBudget:
        return None, None, time.process_time() - started, budget_error(budget)
    return article, prepared, time.process_time() - started, None
