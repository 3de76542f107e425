"""Site profiles: TOML data under this folder, one file a site.

A profile says where to start (feeds, sitemaps, listings, sections), what is in
scope, which URLs are articles, and where the generic extractor needs help
(`[extract]`). No code lives in a profile.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any


class ProfileError(ValueError):
    """A profile that does not exist or cannot be read."""


@dataclass(frozen=True)
class Profile:
    name: str
    title: str = ""
    scope: dict[str, Any] = field(default_factory=dict)
    discovery: dict[str, Any] = field(default_factory=dict)
    urls: dict[str, Any] = field(default_factory=dict)
    extract: dict[str, Any] = field(default_factory=dict)
    politeness: dict[str, Any] = field(default_factory=dict)
    source: str = ""  # where the profile was read from

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "") -> Profile:
        known = {"name", "title", "scope", "discovery", "urls", "extract", "politeness"}
        unknown = set(data) - known
        if unknown:
            raise ProfileError(f"{source}: unknown table(s) {sorted(unknown)}")
        if "name" not in data:
            raise ProfileError(f"{source}: a profile needs a name")
        return cls(source=source, **data)


def profile_names() -> list[str]:
    """Names of the bundled profiles."""
    folder = resources.files(__name__)
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_profile(name_or_path: str) -> Profile:
    """Load a bundled profile by name (``umu``) or any profile file by path."""
    path = Path(name_or_path)
    if path.suffix == ".toml" and path.exists():
        text, source = path.read_text(encoding="utf-8"), str(path)
    else:
        res = resources.files(__name__) / f"{name_or_path}.toml"
        if not res.is_file():
            known = ", ".join(profile_names()) or "none"
            raise ProfileError(f"no site profile named {name_or_path!r} (known: {known})")
        text, source = res.read_text(encoding="utf-8"), f"{name_or_path}.toml"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{source}: not valid TOML: {exc}") from exc
    return Profile.from_dict(data, source=source)
