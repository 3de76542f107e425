"""What a crawl may fetch: hosts and path prefixes, from a profile or a start URL.

Discovery requests (feeds, sitemaps, robots.txt) only need an allowed host;
content requests need an allowed host *and* path prefix. Nothing but http(s).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from archive.urls import DEFAULT_PORTS
from scraper.extract.vocabulary import LOGIN_URL_PATTERNS

SCHEMES = ("http", "https")

# Generic (no profile) login detection: a path or query naming a sign-in step.
GENERIC_LOGIN_PATTERNS = LOGIN_URL_PATTERNS


class ScopeError(ValueError):
    """A start URL or host mapping that cannot define a crawl scope."""


MAX_URL = 2048  # characters; the sitemaps protocol's limit, and more than any page needs
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def url_problem(url: str) -> str | None:
    """Why a discovered URL cannot be fetched (None when it can): a link, feed entry,
    sitemap location or Location header with a bad port, a host IDNA cannot encode, a space
    or control character, or a length no page needs. Such a URL is skipped on its own."""
    if len(url) > MAX_URL:
        return f"longer than {MAX_URL} characters"
    if _CONTROL.search(url):
        return "a space or control character"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError as exc:
        return f"unparsable ({exc})"
    if parts.scheme.lower() not in SCHEMES:
        return "not http(s)"
    host = parts.hostname
    if not host:
        return "no host"
    try:
        host.encode("idna").decode("idna")  # decoding checks the "xn--" labels too
    except UnicodeError:
        return "a host name IDNA cannot encode"
    return None


def netloc_of(url: str) -> str:
    """Lower-cased host[:port] of a URL, default ports dropped ("" for a malformed one)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    host = (parts.hostname or "").lower()
    default = DEFAULT_PORTS.get(parts.scheme.lower())
    return f"{host}:{port}" if port and port != default else host


def check_start_url(url: str) -> str:
    """Return URL if it can start a crawl, else raise ScopeError saying why."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        raise ScopeError(f"not an http(s) URL: {url!r} (give e.g. https://www.example.edu/news/)")
    return url


def prefix_of(url: str) -> str:
    """The folder a start URL names: '/news/' for '/news/' and for '/news/index.html'."""
    path = urlsplit(url).path or "/"
    return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"


@dataclass(frozen=True)
class Scope:
    hosts: frozenset[str]
    path_prefixes: tuple[str, ...] = ()  # empty: the whole host

    @classmethod
    def from_start_url(cls, url: str) -> Scope:
        check_start_url(url)
        return cls(frozenset({netloc_of(url)}), (prefix_of(url),))

    @classmethod
    def from_config(cls, scope: Mapping, host_map: Mapping[str, str] | None = None) -> Scope:
        hosts = {map_host(h, host_map) for h in scope.get("hosts", [])}
        return cls(frozenset(hosts), tuple(scope.get("path_prefixes", ())))

    def allows_host(self, url: str) -> bool:
        try:
            parts = urlsplit(url)
        except ValueError:
            return False
        return parts.scheme.lower() in SCHEMES and netloc_of(url) in self.hosts

    def allows(self, url: str) -> bool:
        if not self.allows_host(url):
            return False
        if not self.path_prefixes:
            return True
        path = urlsplit(url).path or "/"
        return any(path.startswith(p) or path + "/" == p for p in self.path_prefixes)


def parse_host_map(pairs: Iterable[str]) -> dict[str, str]:
    """'www.umu.se=http://127.0.0.1:8080' items -> {'www.umu.se': 'http://127.0.0.1:8080'}."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        host, sep, target = pair.partition("=")
        if not sep or not host or urlsplit(target).scheme not in SCHEMES:
            raise ScopeError(f"bad --host-map {pair!r}: write HOST=http://HOST:PORT")
        mapping[host.strip().lower()] = target.rstrip("/")
    return mapping


def map_host(host: str, host_map: Mapping[str, str] | None) -> str:
    """The netloc a profile host is served from under HOST_MAP."""
    if host_map and host.lower() in host_map:
        return netloc_of(host_map[host.lower()])
    return host.lower()


def map_url(url: str, host_map: Mapping[str, str] | None) -> str:
    """Rewrite a profile URL's scheme and host through HOST_MAP (for local test servers)."""
    if not host_map:
        return url
    parts = urlsplit(url)
    target = host_map.get(netloc_of(url))
    if not target:
        return url
    tparts = urlsplit(target)
    return urlunsplit((tparts.scheme, tparts.netloc, parts.path, parts.query, parts.fragment))


def compile_patterns(patterns: Iterable[str], flags: int = 0) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, flags) for p in patterns)


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def is_login_url(url: str, patterns: Iterable[re.Pattern[str]] = ()) -> bool:
    """True when URL looks like a sign-in page (profile patterns, else generic ones)."""
    target = path_and_query(url)
    pats = tuple(patterns) or _GENERIC_LOGIN
    return any(p.search(target) for p in pats)


_GENERIC_LOGIN = compile_patterns(GENERIC_LOGIN_PATTERNS, re.IGNORECASE)
