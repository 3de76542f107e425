"""Dates in Swedish and English: a month table and a few regexes first, dateparser last.

The regexes cover what university sites print ("2020-11-23", "23 november 2020",
"November 23, 2020", "23.11.2020"); dateparser is imported only for the rare label whose
date none of them reads, because it costs tens of milliseconds.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

MONTHS = {
    "january": 1, "januari": 1, "jan": 1,
    "february": 2, "februari": 2, "feb": 2,
    "march": 3, "mars": 3, "mar": 3,
    "april": 4, "apr": 4,
    "may": 5, "maj": 5,
    "june": 6, "juni": 6, "jun": 6,
    "july": 7, "juli": 7, "jul": 7,
    "august": 8, "augusti": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oktober": 10, "oct": 10, "okt": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_ISO = re.compile(
    r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?(?!\d)"
)
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th|e|a)?\.?\s+(?:of\s+)?({_MONTH})\.?,?\s+(\d{{4}})(?!\d)",
    re.I,
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)", re.I
)
_NUMERIC_DMY = re.compile(r"(?<!\d)(\d{1,2})[./](\d{1,2})[./](\d{4})(?!\d)")
_NUMERIC_YMD = re.compile(r"(?<!\d)(\d{4})[./](\d{1,2})[./](\d{1,2})(?!\d)")


def _plain(year: int, month: int, day: int) -> str | None:
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    if not 1990 <= value.year <= 2100:
        return None
    return value.isoformat()


def _zone(text: str) -> timezone:
    if text == "Z":
        return UTC
    sign = 1 if text[0] == "+" else -1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))


def parse_date(text: str | None) -> str | None:
    """ISO 8601 from the first date in text: a UTC timestamp when the zone is known,
    else a plain date."""
    if not text:
        return None
    text = text.strip()[:200]
    match = _ISO.search(text)
    if match:
        year, month, day = int(match[1]), int(match[2]), int(match[3])
        plain = _plain(year, month, day)
        if plain and match[4] and match[7]:
            try:
                stamp = datetime(
                    year, month, day, int(match[4]), int(match[5]), int(match[6] or 0),
                    tzinfo=_zone(match[7]),
                )  # fmt: skip
            except ValueError:
                return plain
            return stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return plain
    match = _DAY_MONTH_YEAR.search(text)
    if match:
        return _plain(int(match[3]), MONTHS[match[2].lower()], int(match[1]))
    match = _MONTH_DAY_YEAR.search(text)
    if match:
        return _plain(int(match[3]), MONTHS[match[1].lower()], int(match[2]))
    match = _NUMERIC_YMD.search(text)
    if match:
        return _plain(int(match[1]), int(match[2]), int(match[3]))
    match = _NUMERIC_DMY.search(text)
    if match:
        return _plain(int(match[3]), int(match[2]), int(match[1]))
    return None


def warm_up() -> None:
    """Import dateparser and load its Swedish and English data now (about 0.2 s of CPU, once
    per process), so that no page pays for it: extraction processes do this before the
    crawl starts, and benchmarks before they time."""
    parse_date_slow("3 maj 2024")


def parse_date_slow(text: str) -> str | None:
    """dateparser as the last resort for a labelled date nothing else reads."""
    try:
        import dateparser
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    try:
        value = dateparser.parse(
            text[:100], languages=["sv", "en"], settings={"PREFER_DAY_OF_MONTH": "first"}
        )
    except Exception:  # dateparser raises many kinds on odd input
        return None
    if value is None or not 1990 <= value.year <= 2100:
        return None
    return value.date().isoformat()
