"""Instants and days, one way everywhere in the archive: how it writes the instants it records,
and how it reads the times people type on the command line (`--since`, `--as-of`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time


def utc_now() -> str:
    """Now, as the archive writes every instant it records (UTC, microseconds, a Z)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_utc(text: str, *, date_means_end_of_day: bool = False) -> datetime:
    """An aware UTC datetime from a date or an ISO 8601 time; a time without a zone is UTC.

    A bare date is the start of that day, or its end for bounds that include the whole day
    (as-of). Raises ValueError for anything else, so each command words its own message.
    """
    raw = text.strip()
    if len(raw) == 10:
        day = date.fromisoformat(raw)
        return datetime.combine(day, time.max if date_means_end_of_day else time.min, tzinfo=UTC)
    moment = datetime.fromisoformat(raw)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
