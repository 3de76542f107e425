"""pytest fixtures for the demo area: the bundled demo site and a live server for it."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass

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


@dataclass(frozen=True)
class DemoResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None  # show redirects to the test instead of following them


_opener = urllib.request.build_opener(_NoRedirect)


def http_get(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> DemoResponse:
    """One plain request; 3xx/4xx answers are returned, not raised."""
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with _opener.open(request, timeout=10) as response:
            return DemoResponse(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as err:
        return DemoResponse(err.code, dict(err.headers.items()), err.read())


@pytest.fixture
def demo_get(demo_server: DemoServer) -> Callable[..., DemoResponse]:
    """GET (or HEAD) a path of the running demo server: demo_get("/nyheter/")."""

    def get(path: str, headers: dict[str, str] | None = None, method: str = "GET"):
        return http_get(demo_server.base_url + path, headers, method)

    return get
