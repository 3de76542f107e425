"""Extraction health: a crawl compares its article pages' titles, bodies, dates and leads with
the site's recent runs, and raises a template alarm (exit 3) when the demo site's redesign
(state 3) breaks the profile's selectors, and not for an ordinary round of edits (state 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures_crawl import ArchiveView, crawl, run_uninews, summary_of

from scraper.demo import DemoServer, DemoSite

pytestmark = pytest.mark.crawl


@pytest.fixture(scope="module")
def three_states(tmp_path_factory) -> tuple[Path, list]:
    """Crawls of states 1, 2 and 3 (news spider) into one archive."""
    db = tmp_path_factory.mktemp("health") / "archive.db"
    results = []
    with DemoServer(DemoSite(article_pairs=60)) as server:
        for state in (1, 2, 3):
            server.set_state(state)
            results.append(crawl("demo", "--base-url", server.base_url, "--spider", "news", db=db))
    return db, results


def test_no_alarm_on_a_first_crawl_or_on_ordinary_edits(three_states):
    db, (first, second, _) = three_states
    for result in (first, second):
        assert result.returncode == 0, result.stderr[-2000:]
        summary = summary_of(result)
        assert summary["alarm"] is False
        assert summary["runs"][0]["health"]["alarm"] is False
    first_health = summary_of(first)["runs"][0]["health"]
    assert first_health["baseline"] is None and first_health["note"]
    second_health = summary_of(second)["runs"][0]["health"]
    assert second_health["baseline_runs"] == [1]
    assert second_health["shares"] == {"title": 1.0, "body": 1.0, "date": 1.0, "lead": 1.0}
    assert "Template alarm" not in second.stderr


def test_the_redesign_raises_a_template_alarm(three_states):
    db, (_, _, third) = three_states
    assert third.returncode == 3, third.stderr[-2000:]
    summary = summary_of(third)
    assert summary["ok"] is True and summary["alarm"] is True
    health = summary["runs"][0]["health"]
    assert health["alarm"] is True and health["baseline_runs"] == [2, 1]
    assert set(health["drops"]) == {"date", "lead"}
    assert health["shares"]["title"] == 1.0 and health["shares"]["body"] == 1.0
    assert health["shares"]["lead"] < 0.5
    alarm = [line for line in third.stderr.splitlines() if line.startswith("Template alarm")]
    assert len(alarm) == 1 and "(demo)" in alarm[0] and "lead 100% ->" in alarm[0]
    stored = ArchiveView(db).scalar("SELECT stats FROM runs WHERE id = 3")
    assert json.loads(stored)["uninews/health"] == health
    assert ArchiveView(db).scalar("SELECT status FROM runs WHERE id = 3") == "finished"


def test_health_command_shows_the_trend(three_states):
    db, _ = three_states
    text = run_uninews("health", "demo", "--db", str(db))
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].split()[-4:] == ["title", "body", "date", "lead"]
    assert [line.split()[0] for line in lines[1:4]] == ["1", "2", "3"]
    assert lines[2].rstrip().endswith("ok") and "ALARM date, lead" in lines[3]
    assert any(line.startswith("run 3: article pages with") for line in lines)
    as_json = json.loads(run_uninews("health", "--db", str(db), "--json", "--runs", "2").stdout)
    assert [r["run_id"] for r in as_json] == [2, 3]
    assert as_json[1]["health"]["alarm"] is True and as_json[1]["articles"] == 124


def test_health_of_a_missing_archive_is_one_line_exit_2(tmp_path):
    result = run_uninews("health", "--db", str(tmp_path / "none.db"))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
