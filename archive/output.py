"""Where a command writes its file: a regular file, standard output, or a device or pipe.

A regular file is written beside its target as `.NAME.partial` and renamed over it when
complete, so the target is never half-written. `-` is standard output. Anything else that
exists and is not a regular file (a FIFO, /dev/null, /dev/stdout, a terminal) is written in
place: renaming a partial file over it would replace the device with a plain file. The bytes
are counted and hashed as they are written, so the result's size and sha256 never need the
file read back (a pipe cannot be).
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from .errors import ArchiveError

STDOUT = "-"


class OutputError(ArchiveError):
    """An output target that cannot be written (a folder, a missing or read-only folder)."""


@dataclass
class Written:
    """What went to the target: its bytes' count and sha256, and where it went."""

    target: str
    regular: bool  # a regular file (beside which card files may be written)
    size: int = 0
    _digest: hashlib._Hash = field(default_factory=hashlib.sha256, repr=False)

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()


class _Counting:
    """A write-only binary stream that hashes and counts, with tell() for writers that ask
    for their position (pyarrow's Parquet writer) even on a pipe."""

    def __init__(self, handle: IO[bytes], written: Written) -> None:
        self.handle, self.written = handle, written
        self.closed = False

    def write(self, data: bytes) -> int:
        self.handle.write(data)
        self.written._digest.update(data)
        self.written.size += len(data)
        return len(data)

    def tell(self) -> int:
        return self.written.size

    def flush(self) -> None:
        self.handle.flush()

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True  # the target is closed by output_file, not by the writer


def is_regular_target(out: str) -> bool:
    """False for `-`, devices and pipes; True otherwise (a folder too: check_target says no)."""
    if out == STDOUT:
        return False
    try:
        mode = os.stat(out).st_mode
    except FileNotFoundError:
        return True
    return stat.S_ISREG(mode) or stat.S_ISDIR(mode)


def check_target(out: str, example: str = "data.jsonl", *, archive: str | None = None) -> None:
    """One-line errors for a target that cannot be written, before any work is done."""
    if out == STDOUT or not is_regular_target(out):
        return
    path = Path(out)
    if archive is not None and path.resolve() == Path(archive).resolve():
        raise OutputError(f"--out {out} is the archive itself: give another file name")
    if path.is_dir():
        raise OutputError(f"--out {out} is a folder: give a file name, e.g. {path / example}")
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(f"cannot write {out}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {out}: folder {folder} is not writable here")
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError(f"cannot write {out}: the file is read-only here")


@contextmanager
def output_file(out: str) -> Iterator[tuple[IO[bytes], Written]]:
    """A binary stream to `out` and what was written to it (complete once the block ends)."""
    check_target(out)
    regular = is_regular_target(out)
    written = Written(out, regular)
    if out == STDOUT:
        yield _Counting(sys.stdout.buffer, written), written  # type: ignore[misc]
        sys.stdout.buffer.flush()
        return
    if not regular:
        with open(out, "wb") as handle:  # noqa: PTH123  (a device or pipe, never an archive)
            yield _Counting(handle, written), written  # type: ignore[misc]
        return
    path = Path(out)
    partial = path.with_name(f".{path.name}.partial")
    try:
        try:
            handle = partial.open("wb")
        except OSError as exc:
            raise OutputError(f"cannot write {out}: {exc.strerror or exc}") from exc
        with handle:
            yield _Counting(handle, written), written  # type: ignore[misc]
        os.replace(partial, path)
    finally:
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass  # a folder that became read-only: nothing was left there to remove
