"""pytest fixtures for the demo area: the bundled demo site and a live server for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scraper.demo import DemoServer, DemoSite


@pytest.fixture(scope="session")
def demo_site() -> DemoSite:
    """The default demo site (deterministic; both content states)."""
    return DemoSite()


@pytest.fixture
def demo_server(demo_site: DemoSite) -> Iterator[DemoServer]:
    """A fresh server on a free 127.0.0.1 port, in state 1, stopped after the test."""
    with DemoServer(demo_site, state=1) as server:
        yield server
