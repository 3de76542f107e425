"""Who is running a crawl, so that a run whose process is gone can be told from a live one.

A run row says `running` from its start until its process finishes it. A process that was
killed (SIGKILL, out of memory, a reboot) never finishes it, so each run records the identity
of its process: host, pid, and on Linux the boot and the process's start time, which tell a
pid the kernel has since given to another process from the crawl's own.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any


def _boot_id() -> str | None:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return None


def _start_ticks(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/PID/stat)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    return int(stat.rsplit(")", 1)[1].split()[19])


def this_process() -> dict[str, Any]:
    pid = os.getpid()
    return {"host": socket.gethostname(), "pid": pid, "boot": _boot_id(),
            "start": _start_ticks(pid)}  # fmt: skip


def is_gone(process: dict[str, Any]) -> bool:
    """True when the recorded process has certainly ended; False when alive or unknowable.

    Another host's process cannot be checked from here: its runs are left as they are.
    """
    if not process or process.get("host") != socket.gethostname():
        return False
    pid = process.get("pid")
    if not isinstance(pid, int):
        return False
    boot = _boot_id()
    if boot is not None and process.get("boot") not in (None, boot):
        return True  # the machine has restarted since
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # alive, someone else's
    start = process.get("start")
    if start is None:
        return False
    now = _start_ticks(pid)
    if now is None:  # it ended just now, or this system has no /proc
        return Path("/proc/self/stat").exists()
    return now != start
