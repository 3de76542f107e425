"""Which pages the archive already holds get fetched again on a scheduled crawl.

A policy is a small class loaded from the UNINEWS_REVISIT_POLICY setting (like
Scrapy's HTTPCACHE_POLICY); the default one reads UNINEWS_REVISIT:
``all`` (default), ``none``, or ``older-than:7d`` (units s, m, h, d, w).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, Protocol

from archive.times import web_instant

UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
SPEC = re.compile(r"^(all|none|older-than:(\d+)([smhdw]))$")


class RevisitSpecError(ValueError):
    """A --revisit value that is not all, none or older-than:N<unit>."""


class RevisitPolicy(Protocol):
    def should_revisit(self, page: Any, now: datetime) -> bool: ...


def parse_time(value: str | None) -> datetime | None:
    """A page's last_seen as the archive wrote it (None when missing or unreadable)."""
    return web_instant(value)


class SpecPolicy:
    """all | none | older-than:<N><unit>, judged on the page's last_seen."""

    def __init__(self, spec: str = "all"):
        match = SPEC.match(spec.strip().lower())
        if not match:
            raise RevisitSpecError(
                f"bad revisit policy {spec!r}: use all, none or older-than:N followed by s/m/h/d/w"
            )
        self.spec = match.group(1)
        self.max_age: timedelta | None = None
        if match.group(2):
            self.max_age = timedelta(**{UNITS[match.group(3)]: int(match.group(2))})

    @classmethod
    def from_settings(cls, settings: Any) -> SpecPolicy:
        return cls(settings.get("UNINEWS_REVISIT", "all"))

    def should_revisit(self, page: Any, now: datetime) -> bool:
        if self.spec == "all":
            return True
        if self.spec == "none":
            return False
        seen = parse_time(getattr(page, "last_seen", None))
        return seen is None or now - seen >= self.max_age
