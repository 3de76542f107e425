"""pywb, the archivists' replay tool, for tests: its own virtualenv (the `pywb` fixture) and
its `wayback` server over one collection made from a WARC or WACZ file (`Wayback`).

pywb pins libraries uninews cannot share a virtualenv with (redis 2, brotlipy), so it runs from
a virtualenv of its own: `.venv-pywb/` in the repository, or UNINEWS_PYWB_VENV (`.ci/run` makes
it; the fixture makes it when missing, from PyPI, and skips if it cannot, except under CI=true).
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PYWB_VENV = Path(os.environ.get("UNINEWS_PYWB_VENV", REPO / ".venv-pywb"))
PYWB_SPEC = "pywb==2.10.*"


@pytest.fixture(scope="session")
def pywb() -> Path:
    """The bin folder of pywb's own virtualenv, made if missing."""
    wayback = PYWB_VENV / "bin" / "wayback"
    if not wayback.exists():
        made = subprocess.run(
            f"{sys.executable} -m venv {PYWB_VENV} && {PYWB_VENV}/bin/pip install -q '{PYWB_SPEC}'",
            shell=True,
            capture_output=True,
            text=True,
            timeout=280,
        )
        if made.returncode != 0 or not wayback.exists():
            if os.environ.get("CI"):
                pytest.fail(f"could not install pywb into {PYWB_VENV}: {made.stderr[-2000:]}")
            pytest.skip(f"pywb is not installed in {PYWB_VENV} and could not be installed")
    return wayback.parent


# pywb's `wayback` app, served on a socket it is handed (its own command binds the port itself
# and says so before it listens).
SERVE = """
from gevent.monkey import patch_all; patch_all()
import socket, sys
from gevent.pywsgi import WSGIServer
from pywb.apps.frontendapp import FrontEndApp
from pywb.utils.geventserver import RequestURIWSGIHandler
listener = socket.socket(fileno=int(sys.argv[1]))
WSGIServer(listener, FrontEndApp(), handler_class=RequestURIWSGIHandler, log=None).serve_forever()
"""


class Wayback:
    """pywb's `wayback` server over one collection, on a free 127.0.0.1 port; `config` is
    pywb's config.yaml (e.g. "framed_replay: false", for a browser to load a page itself)."""

    def __init__(self, pywb: Path, root: Path, source: Path, config: str = "") -> None:
        root.mkdir()
        if config:
            (root / "config.yaml").write_text(config)
        manager = str(pywb / "wb-manager")
        unpack = ["--unpack-wacz"] if source.suffix == ".wacz" else []
        for args in (["init", "c"], ["add", *unpack, "c", str(source)]):
            done = subprocess.run(
                [manager, *args], cwd=root, capture_output=True, text=True, timeout=240
            )
            assert done.returncode == 0, done.stderr
        # The socket is listening before pywb starts, so no request can come too early.
        listener = socket.create_server(("127.0.0.1", 0))
        self.port = listener.getsockname()[1]
        self.proc = subprocess.Popen(
            [str(pywb / "python"), "-c", SERVE, str(listener.fileno())],
            cwd=root,
            pass_fds=[listener.fileno()],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        listener.close()

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
