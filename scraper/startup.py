"""Why a crawl could not start, in one line: a -s value of the wrong type, Redis unreachable.

Without this, a crawl that failed before its first request said only "no page could be
fetched". `check_overrides` runs before the crawl (a bad value is a usage error, exit 2);
`start_failure` names the cause of an exception that ended a crawl as it started (exit 1).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class BadSetting(ValueError):
    """A -s NAME=VALUE whose value is not of the setting's type."""


def _as_bool(value: str) -> bool:
    from scrapy.settings import BaseSettings

    return BaseSettings({"x": value}).getbool("x")


_CHECKS: tuple[tuple[type, str, Any], ...] = (
    (bool, "true/false or 1/0", _as_bool),
    (int, "a number", float),  # Scrapy reads some integer defaults with getfloat
    (float, "a number", float),
)


def check_overrides(overrides: Mapping[str, str]) -> None:
    """Raise BadSetting naming the first -s value that its setting's type cannot take."""
    from scrapy.settings import Settings

    defaults = Settings()
    defaults.setmodule("scraper.settings", priority="project")
    for name, value in overrides.items():
        default = defaults.get(name)
        for kind, expected, convert in _CHECKS:
            if type(default) is kind:
                try:
                    convert(value)
                except ValueError:
                    raise BadSetting(
                        f"bad -s {name}={value}: {name} takes {expected} "
                        f"(its default is {default!r})"
                    ) from None
                break


def redis_problem(url: str) -> str | None:
    """Why the Redis server at URL does not answer (None when it does)."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError) as exc:
        return str(exc) or type(exc).__name__
    return None


def start_failure(exc: BaseException, settings: Any) -> str:
    """One line naming what stopped a crawl before it could fetch. Scrapy reports a
    scheduler that could not reach Redis only as a later engine error, so Redis is asked."""
    url = settings.get("REDIS_URL")
    problem = redis_problem(url) if url else None
    if problem:
        return f"Redis unreachable at {url}: {problem} (check --redis and that redis-server runs)"
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"the crawl could not start: {type(exc).__name__}: {message}".rstrip(": ")
