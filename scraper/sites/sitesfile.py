"""A sites file: which sites one scheduled `uninews crawl --sites FILE.toml` crawls.

One timer runs one command; the file says, per site, what to crawl (a profile by name or
path, or a start URL), its page budget and how often it is due:

    [[site]]
    profile = "umu"
    max_pages = 500
    every = "6h"

    [[site]]
    start_url = "https://www.example.edu/news/"
    every = "1d"

Data only, like a profile; errors are ProfileError, so the CLI says them in one line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from scraper.discovery.revisit import UNITS

from . import ProfileError

INTERVAL = re.compile(r"^(\d+)([smhdw])$")
KEYS = {"profile", "start_url", "max_pages", "every"}


@dataclass(frozen=True)
class SiteEntry:
    """One site of a run: a profile (name or path) or a start URL, its budget and interval."""

    profile: str | None = None
    start_url: str | None = None
    max_pages: int | None = None  # None: the command's --max-pages
    every: timedelta | None = None  # None: crawled on every run


def parse_interval(text: str) -> timedelta:
    """ "6h" -> six hours (units s, m, h, d, w, as --revisit older-than: takes them)."""
    match = INTERVAL.match(str(text).strip().lower())
    if not match or int(match.group(1)) == 0:
        raise ProfileError(f"bad every = {text!r}: write a number and a unit, e.g. 30m, 6h, 1d")
    return timedelta(**{UNITS[match.group(2)]: int(match.group(1))})


def load_sites_file(path: str) -> list[SiteEntry]:
    """The entries of a sites file; a profile path in it is relative to the file's folder."""
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"no sites file {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"cannot read the sites file {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML: {exc}") from None
    tables = data.get("site")
    if set(data) - {"site"} or not isinstance(tables, list) or not tables:
        raise ProfileError(f'{path}: write one [[site]] table per site (profile = "umu", ...)')
    return [_entry(table, n, file) for n, table in enumerate(tables, 1)]


def _entry(table: dict[str, Any], n: int, file: Path) -> SiteEntry:
    where = f"{file} site {n}"
    unknown = set(table) - KEYS
    if unknown:
        raise ProfileError(f"{where}: unknown key(s) {sorted(unknown)} (known: {sorted(KEYS)})")
    profile, start_url = table.get("profile"), table.get("start_url")
    if bool(profile) == bool(start_url):
        raise ProfileError(f"{where}: give profile = NAME or start_url = URL (one of them)")
    if isinstance(profile, str) and profile.endswith(".toml"):
        profile = str(file.parent / profile)
    max_pages = table.get("max_pages")
    if max_pages is not None and (not isinstance(max_pages, int) or max_pages < 0):
        raise ProfileError(f"{where}: max_pages is a whole number, 0 for no limit")
    every = table.get("every")
    try:
        interval = parse_interval(every) if every is not None else None
    except ProfileError as exc:
        raise ProfileError(f"{where}: {exc}") from None
    return SiteEntry(profile, start_url, max_pages, interval)
