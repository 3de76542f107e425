"""Site profiles: TOML data under this folder, one file a site.

A profile says where to start (feeds, sitemaps, listings, sections), what is in
scope, which URLs are articles, where the generic extractor needs help
(`[extract]`), and whether pages are archived with their requisites (`[requisites]`). No
code lives in a profile.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

TABLES = ("scope", "discovery", "urls", "extract", "politeness", "dataset", "requisites")
# The [discovery] keys the spiders start from (news: the first three; pages: sections).
START_KEYS = ("feeds", "sitemaps", "listings", "sections")


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
    # What exports of this site say about the data: license, terms, citation, creator.
    dataset: dict[str, Any] = field(default_factory=dict)
    # Page requisites: enabled, hosts (CDNs beyond [scope] hosts), max_requests.
    requisites: dict[str, Any] = field(default_factory=dict)
    source: str = ""  # where the profile was read from

    def start_points(self) -> list[str]:
        """Where the spiders start: the [discovery] feeds, sitemaps, listings and sections."""
        return [url for key in START_KEYS for url in self.discovery.get(key, [])]

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "") -> Profile:
        known = {
            "name",
            "title",
            "scope",
            "discovery",
            "urls",
            "extract",
            "politeness",
            "dataset",
            "requisites",
            "extends",
        }
        unknown = set(data) - known
        if unknown:
            raise ProfileError(f"{source}: unknown table(s) {sorted(unknown)}")
        if "name" not in data:
            raise ProfileError(f"{source}: a profile needs a name")
        _check_requisites(data.get("requisites", {}), source)
        data = {k: v for k, v in data.items() if k != "extends"}
        return cls(source=source, **data)


# [requisites] keys: what each must be, and how to say so.
REQUISITE_KEYS = {
    "enabled": (lambda v: isinstance(v, bool), "true or false"),
    "hosts": (lambda v: isinstance(v, list) and all(isinstance(h, str) and h for h in v),
              "a list of host names"),
    "max_requests": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
                     "a whole number, 0 or more"),
}  # fmt: skip


def _check_requisites(table: Any, source: str) -> None:
    """A [requisites] table a crawl can use: enabled, hosts (CDNs), max_requests."""
    if not isinstance(table, dict):
        raise ProfileError(f"{source}: [requisites] must be a table")
    for key, value in table.items():
        if key not in REQUISITE_KEYS:
            known = ", ".join(REQUISITE_KEYS)
            raise ProfileError(f"{source}: unknown key {key!r} in [requisites] (known: {known})")
        valid, wanted = REQUISITE_KEYS[key]
        if not valid(value):
            raise ProfileError(f"{source}: [requisites] {key} must be {wanted}")


def profile_names() -> list[str]:
    """Names of the bundled profiles."""
    folder = resources.files(__name__)
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_profile(name_or_path: str, _seen: set[str] | None = None) -> Profile:
    """Load a bundled profile by name (``umu``) or any profile file by path.

    ``extends = "umu"`` at the top of a profile starts from that profile's tables, so a
    site on the same CMS restates only what differs.
    """
    path = Path(name_or_path)
    known = ", ".join(profile_names()) or "none"
    if path.suffix == ".toml" and path.exists():
        text, source = path.read_text(encoding="utf-8"), str(path)
    elif path.suffix == ".toml":
        raise ProfileError(f"no site profile file {name_or_path} (bundled profiles: {known})")
    else:
        res = resources.files(__name__) / f"{name_or_path}.toml"
        if not res.is_file():
            raise ProfileError(f"no site profile named {name_or_path!r} (known: {known})")
        text, source = res.read_text(encoding="utf-8"), f"{name_or_path}.toml"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{source}: not valid TOML: {exc}") from exc
    base = data.get("extends")
    if base:
        if _seen is not None and base in _seen:
            raise ProfileError(f"{source}: profiles extend each other in a loop ({base})")
        parent = load_profile(base, _seen=(_seen or set()) | {data.get("name", "")})
        data = _merged(parent, data)
    return Profile.from_dict(data, source=source)


def _merged(parent: Profile, data: dict[str, Any]) -> dict[str, Any]:
    """A profile that `extends` another takes the parent's tables, key by key overridden."""
    merged: dict[str, Any] = {"title": parent.title}
    for table in TABLES:
        merged[table] = {**getattr(parent, table), **data.get(table, {})}
    merged.update({k: v for k, v in data.items() if not isinstance(v, dict)})
    return merged


def dataset_table(site: str) -> dict[str, Any]:
    """A bundled profile's [dataset] table and title, for export cards; {} for a site that
    has no profile (a crawl from a start URL alone is named after its host)."""
    try:
        profile = load_profile(site)
    except ProfileError:
        return {}
    return {"title": profile.title, **profile.dataset}
