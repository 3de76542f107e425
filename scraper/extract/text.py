"""Text helpers every part of the extractor shares: one whitespace rule, one way to make a
link absolute, one way to split a byline into names, so that fields read from different
places of a page compare equal."""

from __future__ import annotations

import re
from urllib.parse import urljoin


def norm(text: str | None) -> str:
    """Whitespace runs to one space, ends stripped: str.split() splits at exactly the
    characters the regex \\s+ matches, several times faster than a substitution."""
    return " ".join((text or "").split())


def absolute(base: str, href: str | None) -> str | None:
    """href resolved against base; None for an empty, script, data or fragment link."""
    href = (href or "").strip()
    if not href or href.startswith(("javascript:", "data:", "#")):
        return None
    try:
        return urljoin(base, href)
    except ValueError:
        return None


_NAME_SPLIT = re.compile(r"(?<!\s)\s*(?:,|;|\s&\s|\soch\s|\sand\s|\sund\s)\s*")


def split_names(text: str) -> list[str]:
    """The names of a byline ("A, B och C"), stripped of spaces and full stops."""
    return [n.strip(" .") for n in _NAME_SPLIT.split(text) if n.strip(" .")]
