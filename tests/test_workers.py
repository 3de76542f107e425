"""The crawler's extraction processes: results, errors, a worker that dies, shutdown."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
from concurrent.futures.process import BrokenProcessPool

import pytest

from archive.content import prepare_content as prepare
from scraper.workers.extraction import extract_in_worker, extractor, init_worker
from scraper.workers.pool import WorkerPool

PAGE = (
    "<html lang='sv'><head><title>Ny forskning om skogen</title></head><body><main>"
    "<h1>Ny forskning om skogen</h1><p class='lead'>Forskare vid universitetet visar hur "
    "skogen binder kol.</p><p>Studien bygger på mätningar under tio år i norra Sverige och "
    "visar att äldre skog binder mer kol än man tidigare trott.</p></main></body></html>"
).encode()


def new_pool(workers: int = 1, budget: float | None = None) -> WorkerPool:
    extract, _ = extractor()
    context = multiprocessing.get_context("forkserver")
    return WorkerPool(workers, context, init_worker, (extract, None, budget))


def run(coro):
    return asyncio.run(coro)


def test_pages_extracted_in_workers_match_extraction_in_the_crawler():
    extract, _ = extractor()
    expected = extract(PAGE.decode(), "https://www.umu.se/nyheter/skog_1/", None)

    async def main():
        pool = new_pool(2)
        await pool.start()
        try:
            return await asyncio.gather(
                *(
                    pool.submit(
                        extract_in_worker, PAGE, "utf-8", "https://www.umu.se/nyheter/skog_1/"
                    )
                    for _ in range(6)
                )
            )
        finally:
            pool.shutdown(wait=True)

    results = run(main())
    assert [article for article, _prepared, _cpu, _error in results] == [expected] * 6
    # The content comes back ready for the archive, exactly as record() would prepare it.
    assert [prepared for _a, prepared, _c, _e in results] == [prepare(expected.content())] * 6
    assert all(cpu >= 0 for _article, _prepared, cpu, _error in results)
    assert [error for _a, _p, _c, error in results] == [None] * 6


def test_an_error_in_extraction_is_raised_to_the_caller_and_the_worker_goes_on():
    async def main():
        pool = new_pool()
        await pool.start()
        try:
            # extract() itself never raises: a call the worker cannot make does
            bad = pool.submit(extract_in_worker, PAGE, "utf-8")
            with pytest.raises(Exception) as raised:
                await bad
            article, *_ = await pool.submit(extract_in_worker, PAGE, "utf-8", "https://x/a_1/")
            return raised.value, article
        finally:
            pool.shutdown(wait=True)

    error, article = run(main())
    assert not isinstance(error, BrokenProcessPool)
    assert article.title == "Ny forskning om skogen"


def test_a_killed_worker_breaks_the_pool_for_pending_and_later_pages():
    async def main():
        pool = new_pool()
        await pool.start()
        try:
            pending = [
                pool.submit(extract_in_worker, PAGE, "utf-8", f"https://x/{i}_1/")
                for i in range(50)
            ]
            os.kill(pool.workers[0].process.pid, signal.SIGKILL)
            waiting = asyncio.gather(*pending, return_exceptions=True)
            outcomes = await asyncio.wait_for(waiting, 60)  # fail, never hang
            with pytest.raises(BrokenProcessPool):
                pool.submit(extract_in_worker, PAGE, "utf-8", "https://x/later_1/")
            return outcomes
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    outcomes = run(main())
    broken = [o for o in outcomes if isinstance(o, BrokenProcessPool)]
    assert broken, "pages still waiting when the worker died must fail, not hang"
    assert all(isinstance(o, (tuple, BrokenProcessPool)) for o in outcomes)


def test_shutdown_ends_the_worker_processes():
    async def main():
        pool = new_pool(2)
        await pool.start()
        processes = [w.process for w in pool.workers]
        await pool.submit(extract_in_worker, PAGE, "utf-8", "https://x/a_1/")
        pool.shutdown(wait=True)
        return processes

    processes = run(main())
    assert [p.is_alive() for p in processes] == [False, False]
    assert [p.exitcode for p in processes] == [0, 0]


def test_a_page_over_its_time_budget_comes_back_as_an_error_and_the_worker_goes_on():
    more = b"<p>Mer text om skogen och kolet i marken.</p>" * 3000
    big = PAGE.replace(b"</main>", more + b"</main>")

    async def main():
        pool = new_pool(budget=0.01)
        await pool.start()
        try:
            over = await pool.submit(extract_in_worker, big, "utf-8", "https://x/big_1/")
            small = await pool.submit(extract_in_worker, b"<p>x</p>", None, "https://x/s_1/")
            return over, small, pool.workers[0].process.is_alive()
        finally:
            pool.shutdown(wait=True)

    (article, prepared, cpu, error), small, alive = run(main())
    assert article is None and prepared is None
    assert "time budget of 0.01 s" in error and "UNINEWS_EXTRACT_BUDGET" in error
    assert cpu < 1
    assert len(small) == 4 and alive  # the next page is extracted by the same process
