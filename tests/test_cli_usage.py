"""Small usage errors an operator meets first, each one line and exit 2: `crawl` with nothing
to crawl, a profile file that is not there, a profile with no start points, `serve` on a busy
port; and the crawl's lock file, which goes when the crawl ends."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner
from fixtures_crawl import run_uninews

from scraper.cli import cli
from scraper.crawl import CrawlLocked, crawl_lock


def one_line(result) -> str:  # noqa: ANN001
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_crawl_without_arguments_says_what_to_give(tmp_path):
    result = run_uninews("crawl", "--db", str(tmp_path / "a.db"))
    assert result.returncode == 2
    line = one_line(result)
    assert "not both" not in line
    for option in ("site profile", "--all", "--sites FILE.toml", "--start-url URL"):
        assert option in line


def test_a_missing_profile_file_is_named_with_the_known_profiles(tmp_path):
    result = run_uninews("crawl", "mysite.toml", "--db", str(tmp_path / "a.db"), cwd=tmp_path)
    assert result.returncode == 2
    line = one_line(result)
    assert line == "Error: no site profile file mysite.toml (bundled profiles: demo, umu)"
    assert not (tmp_path / "a.db").exists()


@pytest.mark.parametrize("discovery", ["", "[discovery]\nfeeds = []\n"])
def test_a_profile_without_start_points_is_bad_usage(discovery, tmp_path):
    profile = tmp_path / "empty.toml"
    profile.write_text(f'name = "empty"\n[scope]\nhosts = ["x.org"]\n{discovery}')
    result = run_uninews("crawl", str(profile), "--db", str(tmp_path / "a.db"))
    assert result.returncode == 2
    assert "has no start points: give [discovery] feeds, sitemaps" in one_line(result)
    assert not (tmp_path / "a.db").exists()


def test_serve_on_a_busy_port_is_one_line_and_exit_2(archive_path):
    from archive import Archive

    Archive.open(archive_path).close()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--db", archive_path, "--port", str(port)])
    assert result.exit_code == 2
    assert result.output == f"Error: port {port} is in use: pass --port N\n"


def test_the_lock_file_goes_when_the_crawl_ends_and_locks_while_it_runs(tmp_path):
    db = str(tmp_path / "a.db")
    lock = tmp_path / "a.db.demo.lock"
    with crawl_lock(db, "demo"):
        assert lock.exists()
        with pytest.raises(CrawlLocked, match="another crawl of demo"), crawl_lock(db, "demo"):
            pass
        assert lock.exists()  # a refused crawl leaves the holder's file alone
    assert not lock.exists()
    with crawl_lock(db, "demo"):  # and the next crawl takes the lock again
        assert lock.exists()
    assert not list(tmp_path.iterdir())


def test_a_lock_file_left_by_a_killed_crawl_is_taken_over(tmp_path):
    db = str(tmp_path / "a.db")
    (tmp_path / "a.db.demo.lock").write_text("99999999")  # nobody holds it
    with crawl_lock(db, "demo"):
        assert (tmp_path / "a.db.demo.lock").read_text() != "99999999"
    assert not list(tmp_path.iterdir())
