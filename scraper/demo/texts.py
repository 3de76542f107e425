"""Load the demo site's data files (sentence pools, reference page, furniture labels, pages)."""

from __future__ import annotations

import tomllib
import unicodedata
from functools import cache
from importlib import resources
from string import Template
from typing import Any


def _content():
    return resources.files("scraper.demo").joinpath("content")


@cache
def load(name: str) -> dict[str, Any]:
    """One TOML file of content/, parsed once per process (the files never change)."""
    return tomllib.loads(_content().joinpath(name).read_text(encoding="utf-8"))


@cache
def template(name: str) -> Template:
    return Template(_content().joinpath("templates", name).read_text(encoding="utf-8"))


def static_file(name: str) -> bytes | None:
    path = resources.files("scraper.demo").joinpath("static", name)
    return path.read_bytes() if path.is_file() else None


def ascii_fold(text: str) -> str:
    """Drop diacritics: å -> a, ö -> o (for slugs and e-mail addresses)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def slugify(text: str, limit: int = 80) -> str:
    folded = ascii_fold(text.lower())
    out, dash = [], False
    for ch in folded:
        if ch.isalnum():
            out.append(ch)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    slug = "".join(out).strip("-")
    if len(slug) > limit:  # cut at a word boundary, like the CMS
        slug = slug[: limit + 1].rsplit("-", 1)[0]
    return slug
