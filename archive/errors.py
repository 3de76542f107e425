"""Named exceptions for what users and callers get wrong; the CLI turns each into one line."""

from __future__ import annotations


class ArchiveError(Exception):
    """Base class: anything the archive refuses to do, said in words a person can act on."""


class NotAnArchive(ArchiveError):
    """The file exists but is not a uninews archive (not SQLite, or another program's database)."""

    def __init__(self, path: str, why: str = "") -> None:
        self.path = path
        super().__init__(f"not a uninews archive: {path}" + (f" ({why})" if why else ""))


class ArchiveMissing(ArchiveError):
    """A read command was pointed at a file that does not exist (reads never create one)."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(
            f"no archive at {path}: run `uninews crawl` first, or pass --db PATH to an archive"
        )


class ArchiveTooNew(ArchiveError):
    """The archive was written by a newer uninews whose schema this one does not know."""

    def __init__(self, path: str, found: int, known: int) -> None:
        super().__init__(
            f"{path} has archive schema version {found}, this uninews knows up to {known}: "
            "upgrade uninews to open it"
        )


class NotFound(ArchiveError):
    """A URL, version or run that the archive does not hold."""


class InvalidQuery(ArchiveError):
    """A full-text query written in FTS5 syntax that SQLite cannot parse."""
