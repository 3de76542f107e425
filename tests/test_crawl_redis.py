"""Two workers share one crawl through redis (scrapy-redis scheduler and dupefilter)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from fixtures_crawl import FAST, ArchiveView

pytestmark = pytest.mark.crawl


def test_two_workers_archive_every_article_once(demo_server, demo_site, redis_url, tmp_path):
    db = tmp_path / "shared.db"
    cmd = [sys.executable, "-m", "scraper.cli", "crawl", "demo", "--base-url",
           demo_server.base_url, "--spider", "news", "--redis", redis_url, "--db", str(db),
           "-s", "UNINEWS_CRAWL_ID=test", *FAST]  # fmt: skip
    workers = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]  # fmt: skip
    results = [(w.wait(timeout=120), *w.communicate()) for w in workers]
    for code, _, err in results:
        assert code == 0, err[-2000:]
    archive = ArchiveView(db)
    articles = {demo_server.base_url + a.path for a in demo_site.articles(1)}
    fetched = archive.rows("SELECT url, count(*) AS n FROM captures GROUP BY url")
    counts = {r["url"]: r["n"] for r in fetched if r["url"] in articles}
    assert set(counts) == articles
    assert set(counts.values()) == {1}, "an article was fetched by both workers"
    versions = archive.scalar("SELECT count(*) FROM versions")
    assert versions == len(articles)
    runs = archive.rows("SELECT spider, status FROM runs")
    assert runs == [{"spider": "news", "status": "finished"}] * 2  # an idle worker is no failure
    import redis

    keys = redis.Redis.from_url(redis_url).keys("uninews:demo:test:*")
    assert keys and all(redis.Redis.from_url(redis_url).ttl(k) > 0 for k in keys)
