"""Crawl scope: hosts and path prefixes, host maps, login detection."""

from __future__ import annotations

import pytest

from scraper.discovery.scope import (
    Scope,
    ScopeError,
    compile_patterns,
    is_login_url,
    map_url,
    parse_host_map,
)
from scraper.sites import load_profile


def test_start_url_scope_is_its_host_and_folder():
    scope = Scope.from_start_url("https://www.example.edu/news/index.html")
    assert scope.allows("https://www.example.edu/news/2024/a-story/")
    assert scope.allows("https://WWW.EXAMPLE.EDU/news/")
    assert scope.allows("https://www.example.edu/news")
    assert not scope.allows("https://www.example.edu/newsletter/")
    assert not scope.allows("https://www.example.edu/about/")
    assert not scope.allows("https://other.example.edu/news/x/")
    assert scope.allows_host("https://www.example.edu/sitemap.xml")


@pytest.mark.parametrize(
    "url",
    ["mailto:press@example.edu", "ftp://www.example.edu/news/", "javascript:void(0)", "/news/"],
)
def test_only_http_urls_are_in_scope(url):
    assert not Scope.from_start_url("https://www.example.edu/news/").allows(url)


@pytest.mark.parametrize("url", ["ftp://x.org/", "news", "https:///path", ""])
def test_bad_start_urls_are_refused(url):
    with pytest.raises(ScopeError):
        Scope.from_start_url(url)


def test_ports_are_part_of_the_host():
    scope = Scope.from_start_url("http://127.0.0.1:8080/news/")
    assert scope.allows("http://127.0.0.1:8080/news/a/")
    assert not scope.allows("http://127.0.0.1:8081/news/a/")
    assert Scope.from_start_url("https://x.org:443/a/").allows("https://x.org/a/b")


def test_profile_scope_through_a_host_map():
    profile = load_profile("umu")
    mapping = parse_host_map(
        ["www.umu.se=http://127.0.0.1:9000", "www.aurora.umu.se=http://127.0.0.1:9000/"]
    )
    scope = Scope.from_config(profile.scope, mapping)
    assert scope.hosts == frozenset({"127.0.0.1:9000"})
    assert scope.allows("http://127.0.0.1:9000/nyheter/x_123/")
    assert not scope.allows("https://www.umu.se/nyheter/x_123/")
    assert not scope.allows("http://127.0.0.1:9000/utbildning/")
    feed = profile.discovery["feeds"][0]
    assert map_url(feed, mapping) == (
        "http://127.0.0.1:9000/nyheter/alla-nyheter/rssnews?id=10421080"
    )
    assert map_url("https://elsewhere.org/a", mapping) == "https://elsewhere.org/a"


@pytest.mark.parametrize("pair", ["www.umu.se", "=http://x", "www.umu.se=127.0.0.1:80"])
def test_bad_host_maps_are_refused(pair):
    with pytest.raises(ScopeError):
        parse_host_map([pair])


def test_login_urls_by_profile_and_generic_patterns():
    umu = compile_patterns(load_profile("umu").urls["login"])
    assert is_login_url("https://www.umu.se/login?ReturnUrl=%2Fx", umu)
    assert is_login_url("https://www.aurora.umu.se/sso?returnUrl=/x", umu)
    assert not is_login_url("https://www.umu.se/nyheter/logistik_123/", umu)
    assert is_login_url("https://x.edu/account/Login.aspx")
    assert is_login_url("https://x.edu/auth/sign-in?next=/a")
    assert not is_login_url("https://x.edu/news/blogging-tips/")
    assert not is_login_url("https://x.edu/news/blog-index/")
    assert is_login_url("https://x.edu/sso/?ReturnUrl=%2Fnews%2F")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://127.0.0.1:18105.127.0.0.2:18103/x", "unparsable"),
        ("http://example.org:99999/", "unparsable"),
        ("http://[::1/", "unparsable"),
        ("http://xn--a.example/", "IDNA"),
        ("http://" + "a" * 64 + ".example/", "IDNA"),
        ("http://example.org/a b", "space or control"),
        ("http://example.org/\x07", "space or control"),
        ("http://example.org/" + "x" * 10_000, "longer than 2048"),
        ("ftp://example.org/", "not http(s)"),
        ("http:///path", "no host"),
    ],
)
def test_malformed_urls_say_why(url, problem):
    from scraper.discovery.scope import netloc_of, url_problem

    assert problem in url_problem(url)
    netloc_of(url)  # never raises: a malformed URL is simply in no scope


@pytest.mark.parametrize(
    "url", ["https://www.umu.se/nyheter/x_1/", "https://umeå.se/", "http://127.0.0.1:8765/a?b=c"]
)
def test_good_urls_have_no_problem(url):
    from scraper.discovery.scope import url_problem

    assert url_problem(url) is None
