"""Instants and days, one way everywhere in the archive: how it writes the instants it records,
how it reads them back, how it reads the dates and times people type (`--since`,
`--until`, `--as-of`, the search form), and the machine-written ones the crawler meets (feed
dates, sitemap lastmod, HTTP dates: `web_instant`). A date people type that is not one is
BadDate, whoever asked; each option keeps the wording that tells its user what to write.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime

from .errors import ArchiveError

# How the archive writes an instant (fetched_at, archived_at, runs): UTC, to the microsecond.
STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"


class BadDate(ArchiveError):
    """A date or time given to the archive (an option, a form field) that is not one."""


def fixed_width_sql(column: str) -> str:
    """SQL for an instant column as fixed-width text to the microsecond, so it sorts and
    compares as time: uninews before sub-second capture times wrote "2026-11-27T08:00:00Z",
    which as text sorts after every fraction of its second."""
    return (
        f"(CASE WHEN length({column}) = 20 THEN substr({column}, 1, 19) || '.000000Z'"
        f" ELSE {column} END)"
    )


def utc_now() -> str:
    """Now, as the archive writes every instant it records."""
    return datetime.now(UTC).strftime(STAMP)


def stored_instant(text: str) -> datetime:
    """An instant as the archive (or a page) wrote it, `Z` or offset or none; ValueError if not."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def stored_day(text: str) -> date:
    """The calendar date an ISO 8601 date or timestamp starts with (a timestamp's own date as
    written: the archive writes timestamps in UTC); ValueError if it has none."""
    return date.fromisoformat(text[:10])


def web_instant(text: str | None) -> datetime | None:
    """A moment as files on the web write it, as an aware UTC datetime: RFC 822/5322 (RSS,
    HTTP) or ISO 8601 and its W3C profile (Atom, sitemaps, the archive's own stamps). No zone
    (or "-0000") is UTC, a bare date its midnight; None when unreadable: a bad date in a feed
    or a sitemap is a missing one, not an error."""
    if not text or not text.strip():
        return None
    raw = text.strip()
    try:
        moment = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        try:
            moment = datetime.fromisoformat(raw.replace("z", "Z"))
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_utc(text: str, *, date_means_end_of_day: bool = False) -> datetime:
    """An aware UTC datetime from a date or an ISO 8601 time; a time without a zone is UTC.

    A bare date is the start of that day, or its end for bounds that include the whole day
    (as-of). Raises ValueError for anything else: the functions below word it as BadDate.
    """
    raw = text.strip()
    if len(raw) == 10:
        day = date.fromisoformat(raw)
        return datetime.combine(day, time.max if date_means_end_of_day else time.min, tzinfo=UTC)
    moment = datetime.fromisoformat(raw)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_day(text: str | None, option: str = "date") -> str | None:
    """A YYYY-MM-DD day from a date or an ISO timestamp; BadDate says what to write."""
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.strip()).date().isoformat()
    except ValueError:
        raise BadDate(
            f"bad {option} {text!r}: write a date like 2026-11-27 (or 2026-11-27T12:00:00Z)"
        ) from None


def day_range(
    since: str | None, until: str | None, names: tuple[str, str] = ("--since", "--until")
) -> tuple[str | None, str | None]:
    """since/until as YYYY-MM-DD days, checked; `names` are what the user typed them into."""
    first, last = parse_day(since, names[0]), parse_day(until, names[1])
    if first and last and first > last:
        raise BadDate(f"{names[0]} {first} is after {names[1]} {last}: swap them")
    return first, last


def parse_instant(text: str | None, option: str = "--as-of") -> str | None:
    """A UTC timestamp for as-of: a bare date means the end of that day; naive times are UTC."""
    if text is None:
        return None
    try:
        moment = parse_utc(text, date_means_end_of_day=True)
    except ValueError:
        raise BadDate(
            f"bad {option} {text!r}: write a date (2026-11-27, meaning the end of that day) "
            "or a UTC time (2026-11-27T12:00:00Z)"
        ) from None
    return moment.strftime(STAMP)


def since_bound(value: str, option: str = "--since") -> str:
    """An ISO 8601 date or timestamp as the UTC string captures.fetched_at is compared with
    (to the microsecond, as fetched_at is written; a bare date for --until is its last
    moment)."""
    try:
        moment = parse_utc(value, date_means_end_of_day=option == "--until")
    except ValueError as exc:
        raise BadDate(
            f"bad {option} {value!r}: write a date or UTC time, e.g. 2026-11-27 or "
            "2026-11-27T08:00:00Z"
        ) from exc
    return moment.strftime(STAMP)
