"""The archive writer: in a process of its own (the default) or in a thread of the crawler."""

from __future__ import annotations

import json

import pytest
from fixtures_crawl import ArchiveView, crawl

pytestmark = pytest.mark.crawl


@pytest.mark.parametrize("writer", ["process", "thread"])
def test_either_writer_archives_every_article_once(writer, demo_server, demo_site, tmp_path):
    db = tmp_path / f"{writer}.db"
    result = crawl("demo", "--base-url", demo_server.base_url, "--spider", "news",
                   "-s", f"UNINEWS_ARCHIVE_WRITER={writer}", db=db)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    archive = ArchiveView(db)
    articles = {demo_server.base_url + a.path for a in demo_site.articles(1)}
    versioned = archive.rows("SELECT url, count(*) AS n FROM versions GROUP BY url")
    assert {r["url"]: r["n"] for r in versioned if r["url"] in articles} == dict.fromkeys(
        articles, 1
    )
    (run,) = archive.rows("SELECT status, stats FROM runs")
    assert run["status"] == "finished"
    assert json.loads(run["stats"])["uninews/archive_writer"] == writer
