"""The uninews archive: versioned snapshots of web pages in one SQLite file.

A library with no Scrapy in it: the crawler hands it `Capture` objects and
extracted content; archivists and researchers read it back.
"""

from .capture import Capture
from .content import CONTENT_FIELDS
from .errors import (
    ArchiveError,
    ArchiveMissing,
    ArchiveTooNew,
    InvalidQuery,
    NotAnArchive,
    NotFound,
)
from .store import Archive, PageRow, Recorded, Validators
from .urls import normalize_url

__all__ = [
    "CONTENT_FIELDS",
    "Archive",
    "ArchiveError",
    "ArchiveMissing",
    "ArchiveTooNew",
    "Capture",
    "InvalidQuery",
    "NotAnArchive",
    "NotFound",
    "PageRow",
    "Recorded",
    "Validators",
    "normalize_url",
]
