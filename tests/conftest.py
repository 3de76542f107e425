"""Shared pytest configuration. Fixtures live in tests/fixtures_*.py, one file per area."""

pytest_plugins = [
    "fixtures_archive",
    "fixtures_demo",
    "fixtures_crawl",
    "fixtures_replay",
    "fixtures_research",
    "fixtures_servers",
]
