"""A headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe):
no port, no websocket library. Commands go out on the browser's fd 3, answers and events
come back on its fd 4, each message JSON ended by a NUL byte.

`Browser.load(url)` waits for the load event of the navigation it started (an event, not a
sleep: matched by the navigation's loader id, since the blank page Chromium opens with may
fire its own load event late, under load, after the navigation was sent) and keeps every
response the page received, so a test can say which URL was served with which status;
`evaluate()` runs JavaScript in the page and may await a promise (an image's load event).
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1000,800",
]  # fmt: skip
TIMEOUT = 60.0  # seconds any one answer or event may take


@dataclass
class Loaded:
    """What a page load received: URL -> HTTP status of each response."""

    statuses: dict[str, int] = field(default_factory=dict)


class Browser:
    def __init__(self, profile: Path) -> None:
        to_browser, self._out = os.pipe()
        self._in, from_browser = os.pipe()

        def fds() -> None:  # the browser's fd 3 reads commands, fd 4 writes answers
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_browser, from_browser)]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.proc = subprocess.Popen(
            [CHROMIUM, *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={profile}"],
            preexec_fn=fds,  # noqa: PLW1509 - a test helper, run before any thread needs it
            pass_fds=(3, 4),  # kept open past the preexec function
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        targets = self.send("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.send("Target.attachToTarget", targetId=page["targetId"], flatten=True)[
            "sessionId"
        ]
        for domain in ("Page", "Network", "Runtime"):
            self.send(f"{domain}.enable", session=True)
        self.send("Page.setLifecycleEventsEnabled", session=True, enabled=True)

    # -- the protocol ---------------------------------------------------------------------

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._in], [], [], max(left, 0))
            if not ready:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._in, 1 << 16)
            if not chunk:
                raise EOFError("Chromium closed its pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def send(self, method: str, session: bool = False, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            answer = self._read(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self._events.append(answer)

    def _event(self, method: str, matches: Callable[[dict], bool]) -> dict[str, Any]:
        """The first event named `method` whose params match; other events are kept."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            for i, event in enumerate(self._events):
                if event.get("method") == method and matches(event.get("params", {})):
                    return self._events.pop(i)
            self._events.append(self._read(deadline))

    # -- what tests use -------------------------------------------------------------------

    def load(self, url: str) -> Loaded:
        """Open `url` and wait for its load event; every response received meanwhile."""
        self._events.clear()
        started = self.send("Page.navigate", session=True, url=url)
        if started.get("errorText"):
            raise RuntimeError(f"Page.navigate {url}: {started['errorText']}")
        loader = started["loaderId"]
        self._event(
            "Page.lifecycleEvent", lambda p: p.get("name") == "load" and p.get("loaderId") == loader
        )
        loaded = Loaded()
        for event in self._events:
            if event.get("method") == "Network.responseReceived":
                response = event["params"]["response"]
                loaded.statuses[response["url"]] = response["status"]
        return loaded

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (a promise is awaited)."""
        result = self.send(
            "Runtime.evaluate",
            session=True,
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (EOFError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._in)
        os.close(self._out)
