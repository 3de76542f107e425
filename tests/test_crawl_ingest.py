"""Many machines, one archive: `crawl --to-redis` workers hand captures to a Redis stream and
`uninews ingest` writes them, losing none and writing none twice when processes are killed."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from fixtures_crawl import FAST, ArchiveView, crawl, run_uninews
from fixtures_servers import FixtureServer, article_html

from archive.times import utc_now

pytestmark = pytest.mark.crawl

STREAM = "uninews:ingest"
BEATS = "uninews:ingest:beats"  # worker run key -> its last heartbeat
KEY = '$."uninews/ingest_key"'
TTL = 2  # seconds: the workers' heartbeat (UNINEWS_HEARTBEAT_TTL)
OF_PID = """json_extract(stats, '$."uninews/process".pid') = ?"""  # runs of a worker process


def uninews(*args: str, cwd: Path | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "scraper.cli", *args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


def worker(
    base_url: str, redis_url: str, crawl_id: str, *extra: str, cwd: Path | None = None
) -> subprocess.Popen:
    """A `crawl --to-redis` worker, run in `cwd` (where it must write no archive)."""
    return uninews("crawl", "demo", "--base-url", base_url, "--redis", redis_url, "--to-redis",
                   "-s", f"UNINEWS_CRAWL_ID={crawl_id}", *FAST, *extra, cwd=cwd)  # fmt: skip


def ingest(redis_url: str, db: Path, idle: float) -> subprocess.Popen:
    return uninews("ingest", "--redis", redis_url, "--db", str(db), "--until-idle", str(idle),
                   "--progress", "0", "--json")  # fmt: skip


def finished(proc: subprocess.Popen, timeout: float = 60) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def added(client) -> int:
    """Entries ever added to the stream (XINFO's entries-added: deletions do not lower it)."""
    return client.xinfo_stream(STREAM)["entries-added"] if client.exists(STREAM) else 0


def written_by_ingest(client) -> int:
    """Entries ingest has written and acknowledged: it deletes them then."""
    return added(client) - client.xlen(STREAM)


def wait_until(client, condition, *running: subprocess.Popen, timeout: float = 60) -> None:
    """Wake on every new stream entry (a blocking XREAD), until condition(client) holds;
    fail at once, with its error, if one of the `running` processes ends meanwhile."""
    deadline = time.monotonic() + timeout
    last = "$"
    while not condition(client):
        for proc in running:
            assert proc.poll() is None, f"exit {proc.returncode}: {proc.communicate()[1][-2000:]}"
        assert time.monotonic() < deadline, "the stream never got there"
        reply = client.xread({STREAM: last}, block=200, count=1000)
        if reply:
            last = reply[0][1][-1][0]


def held_by(client, view: ArchiveView, pid: int) -> int:
    """Requests a worker process has taken from the shared queue and not finished: its
    in-flight hashes, one per spider, named for its runs' keys."""
    keys = view.rows(f"SELECT json_extract(stats, '{KEY}') AS k FROM runs WHERE {OF_PID}", pid)
    return sum(client.hlen(name) for r in keys for name in client.scan_iter(f"*:inflight:{r['k']}"))


def page_state(view: ArchiveView) -> tuple[list[dict], list[dict]]:
    """Pages and versions with their content hashes (raw bodies differ fetch by fetch: the
    demo site's pages carry a fresh form token and a shuffled "most read" list)."""
    pages = view.rows("SELECT url, kind, status, current_version, content_sha256 "
                      "FROM pages ORDER BY url")  # fmt: skip
    versions = view.rows("SELECT url, version, content_sha256 FROM versions ORDER BY url, version")
    return pages, versions


def test_killed_worker_and_ingest_lose_nothing_and_write_nothing_twice(
    demo_server, redis_url, tmp_path
):
    import redis

    client = redis.Redis.from_url(redis_url)
    single = tmp_path / "single.db"
    result = crawl("demo", "--base-url", demo_server.base_url, db=single)
    assert result.returncode == 0, result.stderr[-2000:]

    db = tmp_path / "shared.db"
    first_ingest = ingest(redis_url, db, idle=60)
    # A short delay per request keeps the workers busy while they are killed (pacing only); a
    # short heartbeat lets the others find the killed one dead within seconds.
    workers = [worker(demo_server.base_url, redis_url, "one", "-s", "DOWNLOAD_DELAY=0.05",
                      "-s", f"UNINEWS_HEARTBEAT_TTL={TTL}") for _ in range(3)]  # fmt: skip
    view = ArchiveView(db)

    def under_way(proc: subprocess.Popen) -> bool:
        """Ingest has started both of the worker's runs."""
        return view.scalar(f"SELECT count(*) FROM runs WHERE {OF_PID}", proc.pid) == 2

    def holding() -> subprocess.Popen | None:
        """A worker under way that has taken requests from the shared queue and not finished
        them (whichever does first: on two cores one may start late and find little left)."""
        if added(client) < 15 or not db.exists():
            return None
        return next((w for w in workers if under_way(w) and held_by(client, view, w.pid)), None)

    while True:  # kill it, stopped first, while it holds requests: they must not be lost
        wait_until(client, lambda c: holding() is not None, first_ingest, *workers)
        victim = holding()
        if victim is None:
            continue
        victim.send_signal(signal.SIGSTOP)
        if held_by(client, view, victim.pid):
            break
        victim.send_signal(signal.SIGCONT)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    killed_at = utc_now()
    # what it holds waits for a live worker to push it back, and expires with the crawl's
    # keys should none be left to
    keys = view.rows(f"SELECT json_extract(stats, '{KEY}') AS k FROM runs WHERE {OF_PID}",
                     victim.pid)  # fmt: skip
    held = [name for r in keys for name in client.scan_iter(f"*:inflight:{r['k']}")]
    assert held and all(client.ttl(name) > 3600 for name in held)
    others = [w for w in workers if w is not victim]

    def ingest_is_under_way(c) -> bool:
        """Mid-crawl; or, when the killed worker held every listing, once the others end."""
        return written_by_ingest(c) >= 20 or all(w.poll() is not None for w in others)

    wait_until(client, ingest_is_under_way, first_ingest)
    first_ingest.send_signal(signal.SIGKILL)
    first_ingest.communicate(timeout=30)
    for proc in others:
        code, out, err = finished(proc)
        assert code == 0, err[-2000:]
        assert "pages in" in out and "handed over to uninews ingest" in out
    victim.communicate(timeout=30)

    # What the killed worker had taken from the shared queue and not finished went back to the
    # queue once its heartbeat was gone, and the other two crawled it. The ingest process
    # starts again and writes what it had not acknowledged.
    code, out, err = finished(ingest(redis_url, db, idle=2))
    assert code == 0, err[-2000:]
    assert json.loads(out)["stopped_by"] == "idle"

    twice = view.rows(f"SELECT json_extract(extra, '{KEY}') AS k, count(*) AS n FROM captures "
                      "GROUP BY k HAVING n > 1")  # fmt: skip
    assert twice == [], "a capture handed over once was written twice"
    assert (
        view.scalar(f"SELECT count(*) FROM captures WHERE json_extract(extra, '{KEY}') IS NULL")
        == 0
    )
    captures = view.scalar("SELECT count(*) FROM captures")
    runs = view.scalar("SELECT count(*) FROM runs")
    # (a run whose worker was killed ends when ingest finds its heartbeat gone: no entry)
    lost = """json_extract(stats, '$."uninews/heartbeat_lost"')"""
    ended = view.scalar(
        f"SELECT count(*) FROM runs WHERE finished_at IS NOT NULL AND {lost} IS NULL"
    )
    # Every entry a worker added is in the archive: a capture, a run's start or its end.
    assert added(client) == captures + runs + ended
    assert client.xlen(STREAM) == 0
    assert client.xinfo_groups(STREAM)[0]["pending"] == 0
    assert page_state(view) == page_state(ArchiveView(single))
    statuses = view.rows("SELECT spider, status FROM runs ORDER BY id")
    assert statuses.count({"spider": "news", "status": "finished"}) == 2  # the two left
    requeued = view.scalar("""SELECT sum(json_extract(stats, '$."uninews/requeued"')) """
                           "FROM runs")  # fmt: skip
    assert requeued >= 1, "no request of the killed worker went back to the queue"
    killed = view.rows(f"SELECT spider, status, started_at, finished_at FROM runs "
                       f"WHERE {OF_PID} ORDER BY spider", victim.pid)  # fmt: skip
    # The news run was under way when the worker was killed. Its pages run may have ended
    # first (the other workers can take all its requests, and a spider with none closes),
    # and is then finished; never left running. Ingest ended the interrupted ones at their
    # worker's last heartbeat.
    assert {k: killed[0][k] for k in ("spider", "status")} == {
        "spider": "news",
        "status": "interrupted",
    }
    assert killed[1]["spider"] == "pages" and killed[1]["status"] in ("interrupted", "finished")
    for run in killed:
        assert run["started_at"] < run["finished_at"] < killed_at


def test_a_killed_workers_run_ends_interrupted_at_its_last_beat(demo_server, redis_url, tmp_path):
    """A worker SIGKILLed mid-crawl sends no end of its run: once its heartbeat has expired,
    ingest ends the run `interrupted` at the worker's last beat; it is not left `running`."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.config_set("notify-keyspace-events", "Ex")  # hear the heartbeat key expire
    expired = client.pubsub()
    expired.psubscribe("__keyevent@*__:expired")
    proc = worker(demo_server.base_url, redis_url, "one", "--spider", "news",
                  "-s", "DOWNLOAD_DELAY=0.05", "-s", f"UNINEWS_HEARTBEAT_TTL={TTL}")  # fmt: skip
    wait_until(client, lambda c: added(c) >= 10, proc)
    proc.send_signal(signal.SIGSTOP)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    killed_at = utc_now()
    run_key = client.xrange(STREAM, count=1)[0][1][b"run"].decode()
    last_beat = client.hget(BEATS, run_key).decode()  # nothing beats for it any more
    alive = f"uninews:worker:{run_key}:alive".encode()
    deadline = time.monotonic() + 30
    while (message := expired.get_message(timeout=deadline - time.monotonic())) is None or (
        message["data"] != alive
    ):
        assert time.monotonic() < deadline, "the killed worker's heartbeat never expired"

    code, out, err = finished(ingest(redis_url, tmp_path / "a.db", idle=2))
    assert code == 0, err[-2000:]
    assert [run["status"] for run in json.loads(out)["runs"]] == ["interrupted"]
    view = ArchiveView(tmp_path / "a.db")
    run = view.rows("SELECT status, started_at, finished_at, stats FROM runs")
    assert len(run) == 1 and run[0]["status"] == "interrupted"
    assert run[0]["started_at"] < run[0]["finished_at"] == last_beat < killed_at
    assert json.loads(run[0]["stats"])["uninews/heartbeat_lost"] is True
    # what it handed over before it died is in the archive: every entry but the run's start
    assert view.scalar("SELECT count(*) FROM captures") == added(client) - 1
    assert not client.hexists(BEATS, run_key)


def test_the_next_worker_of_a_crawl_takes_back_what_its_only_worker_held(
    demo_server, redis_url, tmp_path
):
    """The one worker of a crawl is killed holding requests: a worker started later in the
    same crawl pushes them back once the heartbeat has expired, and nothing is missing."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.config_set("notify-keyspace-events", "Ex")  # hear the heartbeat key expire
    expired = client.pubsub()
    expired.psubscribe("__keyevent@*__:expired")
    single = tmp_path / "single.db"
    result = crawl("demo", "--base-url", demo_server.base_url, "--spider", "news", db=single)
    assert result.returncode == 0, result.stderr[-2000:]
    ttl = ("-s", "DOWNLOAD_DELAY=0.05", "-s", f"UNINEWS_HEARTBEAT_TTL={TTL}")
    first = worker(demo_server.base_url, redis_url, "one", "--spider", "news", *ttl)

    def holds_requests(c) -> bool:
        return added(c) >= 10 and any(c.hlen(k) for k in c.scan_iter("*:inflight:*"))

    wait_until(client, holds_requests, first)
    first.send_signal(signal.SIGSTOP)
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=30)
    run_key = client.xrange(STREAM, count=1)[0][1][b"run"].decode()
    held = sum(client.hlen(k) for k in client.scan_iter(f"*:inflight:{run_key}"))
    assert held > 0
    alive = f"uninews:worker:{run_key}:alive".encode()
    deadline = time.monotonic() + 30
    while (message := expired.get_message(timeout=deadline - time.monotonic())) is None or (
        message["data"] != alive
    ):
        assert time.monotonic() < deadline, "the killed worker's heartbeat never expired"

    code, out, err = finished(worker(demo_server.base_url, redis_url, "one", "--spider", "news",
                                     *ttl))  # fmt: skip
    assert code == 0, err[-2000:]
    db = tmp_path / "shared.db"
    code, out, err = finished(ingest(redis_url, db, idle=2))
    assert code == 0, err[-2000:]
    view = ArchiveView(db)
    runs = view.rows("SELECT status, stats FROM runs ORDER BY id")
    assert [r["status"] for r in runs] == ["interrupted", "finished"]
    assert json.loads(runs[1]["stats"])["uninews/requeued"] == held
    assert page_state(view) == page_state(ArchiveView(single))


class NewsServer(FixtureServer):
    """A small news site without a profile: a listing of four articles."""

    ARTICLES = [f"/news/story-{n}/" for n in range(1, 5)]

    def answer(self, h: BaseHTTPRequestHandler) -> None:
        if h.path == "/news/":
            self.send(h, 200, article_html("All news", self.ARTICLES))
        elif h.path in self.ARTICLES:
            self.send(h, 200, article_html(f"Story {h.path.split('-')[-1].strip('/')}"))
        else:
            self.send(h, 404, b"not here")


def test_a_sites_file_worker_hands_every_site_over_and_skips_what_is_not_due(
    demo_server, redis_url, tmp_path
):
    """`--to-redis --sites FILE`: one worker crawls every site of the file for ingest, and
    knows which are due from what ingest published (it has no archive of its own)."""
    here = tmp_path / "worker"
    here.mkdir()
    db = tmp_path / "a.db"
    with NewsServer() as news:
        plan = tmp_path / "sites.toml"
        plan.write_text(
            '[[site]]\nprofile = "demo"\nevery = "6h"\n\n'
            f'[[site]]\nstart_url = "{news.base_url}/news/"\n',
            encoding="utf-8",
        )
        news_site = news.base_url.removeprefix("http://")

        def sites_worker(crawl_id: str) -> tuple[int, str, str]:
            proc = uninews("crawl", "--sites", str(plan), "--base-url", demo_server.base_url,
                           "--redis", redis_url, "--to-redis", "-s",
                           f"UNINEWS_CRAWL_ID={crawl_id}", *FAST, cwd=here)  # fmt: skip
            return finished(proc)

        code, out, err = sites_worker("one")
        assert code == 0, err[-2000:]
        lines = out.strip().splitlines()
        assert (
            lines[0].startswith("demo: finished, ") and "handed over to uninews ingest" in lines[0]
        )
        assert lines[1].startswith(f"{news_site}: finished, 5 pages in ")
        assert list(here.iterdir()) == [], "a --to-redis worker wrote files of its own"
        code, out, err = finished(ingest(redis_url, db, idle=1))
        assert code == 0, err[-2000:]
        view = ArchiveView(db)
        runs = view.rows("SELECT site, spider, status FROM runs ORDER BY site, spider")
        assert runs == [
            {"site": news_site, "spider": "news", "status": "finished"},
            {"site": "demo", "spider": "news", "status": "finished"},
            {"site": "demo", "spider": "pages", "status": "finished"},
        ]
        pages = "SELECT count(*) FROM captures WHERE site = ? AND kind IN ('listing', 'page')"
        articles = "SELECT count(*) FROM captures WHERE site = ? AND kind = 'article'"
        assert view.scalar(pages, news_site) == 5  # its listing and four articles
        assert view.scalar(articles, "demo") == 60

        # Later: demo (every 6h) finished in the archive a moment ago, the other has no interval.
        code, out, err = sites_worker("two")
        assert code == 0, err[-2000:]
        lines = out.strip().splitlines()
        assert lines[0].startswith("demo: skipped: last finished run started ")
        assert lines[1].startswith(f"{news_site}: finished, ")
        assert finished(ingest(redis_url, db, idle=1))[0] == 0
    assert view.scalar(pages, news_site) == 10
    assert view.scalar(articles, "demo") == 60


def test_a_capture_read_twice_is_written_once(demo_server, redis_url, tmp_path):
    """An entry committed but not acknowledged (ingest killed between the two) comes again."""
    import redis

    client = redis.Redis.from_url(redis_url)
    code, _, err = finished(worker(demo_server.base_url, redis_url, "one", "--spider", "news"))
    assert code == 0, err[-2000:]
    entries = client.xrange(STREAM)
    for _, fields in entries:
        client.xadd(STREAM, fields)
    code, out, err = finished(ingest(redis_url, tmp_path / "a.db", idle=1))
    assert code == 0, err[-2000:]
    summary = json.loads(out)
    view = ArchiveView(tmp_path / "a.db")
    captures = view.scalar("SELECT count(*) FROM captures")
    assert captures == summary["written"] == summary["already"]
    assert captures == len(entries) - 2  # all but the run's start and end
    assert view.rows("SELECT spider, status FROM runs") == [
        {"spider": "news", "status": "finished"}
    ]
    assert summary["runs"][0]["counts"]["new"] == captures - view.scalar(
        "SELECT count(*) FROM captures WHERE kind IN ('robots', 'feed', 'requisite')"
    )
    # The run's times are the worker's, though ingest wrote the row after the crawl ended.
    run = view.rows("SELECT started_at, finished_at FROM runs")[0]
    assert run["started_at"] < view.scalar("SELECT min(fetched_at) FROM captures")
    assert run["finished_at"] < view.scalar("SELECT min(archived_at) FROM captures")


def test_workers_ask_conditionally_with_validators_ingest_published(
    demo_server, redis_url, tmp_path
):
    db = tmp_path / "a.db"
    here = tmp_path / "worker"
    here.mkdir()
    for crawl_id in ("one", "two"):
        proc = worker(demo_server.base_url, redis_url, crawl_id, "--spider", "news", cwd=here)
        code, _, err = finished(proc)
        assert code == 0, err[-2000:]
        assert finished(ingest(redis_url, db, idle=1))[0] == 0
    assert list(here.iterdir()) == [], "a --to-redis worker wrote files of its own"
    view = ArchiveView(db)
    second = view.scalar("SELECT max(run_id) FROM captures")
    outcomes = view.rows("SELECT outcome, count(*) AS n FROM captures WHERE run_id = ? AND "
                         "kind = 'article' GROUP BY outcome", second)  # fmt: skip
    assert outcomes and [r["outcome"] for r in outcomes] == ["not_modified"]


def test_ingest_says_in_one_line_when_redis_is_unreachable(tmp_path):
    result = run_uninews(
        "ingest", "--redis", "redis://127.0.0.1:1/0", "--db", str(tmp_path / "a.db")
    )
    assert result.returncode == 2
    assert result.stderr.startswith("Error: Redis unreachable at redis://127.0.0.1:1/0")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "a.db").exists()


def test_to_redis_needs_redis_and_no_db(tmp_path):
    result = run_uninews("crawl", "demo", "--to-redis")
    assert result.returncode == 2
    assert "give --redis" in result.stderr
    result = run_uninews("crawl", "demo", "--redis", "redis://127.0.0.1:1/0", "--to-redis",
                         "--db", str(tmp_path / "a.db"))  # fmt: skip
    assert result.returncode == 2
    assert "give --db to `uninews ingest`" in result.stderr


def test_ingest_stops_on_sigterm_after_its_current_write(redis_url, tmp_path):
    proc = uninews("ingest", "--redis", redis_url, "--db", str(tmp_path / "a.db"), "--progress",
                   "0.01")  # fmt: skip
    proc.stderr.readline()  # its first progress line: it is reading the stream
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "(stopped: signal)" in out


def test_an_entry_ingest_cannot_read_is_kept_aside_with_why(redis_url, tmp_path):
    import redis

    client = redis.Redis.from_url(redis_url)
    client.xadd(STREAM, {"type": "capture", "run": "r", "meta": "{not json"})
    client.xadd(STREAM, {"type": "telegram", "run": "r", "meta": "{}"})
    code, out, err = finished(ingest(redis_url, tmp_path / "a.db", idle=0.5))
    assert code == 0, err[-2000:]
    assert json.loads(out)["rejected"] == 2
    kept = client.xrange("uninews:ingest:rejected")
    assert [fields[b"type"] for _, fields in kept] == [b"capture", b"telegram"]
    assert b"unknown entry type 'telegram'" in kept[1][1][b"rejected_because"]
    assert client.xlen(STREAM) == 0
    assert ArchiveView(tmp_path / "a.db").scalar("SELECT count(*) FROM captures") == 0


def test_a_worker_waits_while_ingest_is_behind(demo_server, redis_url, tmp_path):
    import threading

    import redis

    client = redis.Redis.from_url(redis_url)
    proc = worker(demo_server.base_url, redis_url, "one", "--spider", "news",
                  "-s", "UNINEWS_INGEST_BACKLOG=10")  # fmt: skip
    guard = threading.Timer(90, proc.kill)  # a worker that never waits would hang the test
    guard.start()
    try:
        for line in proc.stderr:
            if "waiting for `uninews ingest`" in line:
                break
        assert proc.poll() is None, "the worker ended instead of waiting"
        waiting = client.xlen(STREAM)
        assert 10 <= waiting <= 12  # the limit, and robots.txt, which does not wait
        running = ingest(redis_url, tmp_path / "a.db", idle=3)
        proc.communicate(timeout=60)
        assert finished(running)[0] == 0
    finally:
        guard.cancel()
    assert proc.returncode == 0
    # whatever came after the first ingest went idle
    assert finished(ingest(redis_url, tmp_path / "a.db", idle=0.5))[0] == 0
    view = ArchiveView(tmp_path / "a.db")
    assert view.scalar("SELECT count(*) FROM captures WHERE kind = 'article'") == 60
    stats = json.loads(view.scalar("SELECT stats FROM runs"))
    assert stats["uninews/ingest_waits"] >= 1
