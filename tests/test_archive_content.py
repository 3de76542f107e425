"""Content normalization, the content hash and URL normalization."""

from __future__ import annotations

import pytest

from archive.content import CONTENT_FIELDS, content_sha256, normalize_content
from archive.urls import normalize_url
from scraper.extract.article import CONTENT_FIELDS as ARTICLE_FIELDS


def test_archive_and_extractor_agree_on_the_versioned_fields():
    assert CONTENT_FIELDS == ARTICLE_FIELDS


def test_hash_ignores_whitespace_and_unicode_form_but_not_words():
    a = normalize_content({"title": "Umeå  universitet ", "body_text": "Ett.\n\n\n\nTvå.  "})
    b = normalize_content({"title": "Ume\u0061\u030a universitet", "body_text": "Ett.\n\nTvå."})
    c = normalize_content({"title": "Umeå universitet", "body_text": "Ett.\n\nTre."})
    assert content_sha256(a) == content_sha256(b) != content_sha256(c)


def test_paragraph_breaks_are_content():
    one = normalize_content({"body_text": "Ett. Två."})
    two = normalize_content({"body_text": "Ett.\n\nTvå."})
    assert content_sha256(one) != content_sha256(two)


def test_missing_lists_and_empty_strings_normalize_to_nothing():
    norm = normalize_content({"title": "  ", "authors": None, "url": "ignored", "kind": "page"})
    assert norm["title"] is None and norm["authors"] == [] and set(norm) == set(CONTENT_FIELDS)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://WWW.UMU.SE/nyheter/A_1/", "https://www.umu.se/nyheter/A_1/"),
        ("https://www.umu.se:443/x", "https://www.umu.se/x"),
        ("http://www.umu.se:80/x", "http://www.umu.se/x"),
        ("http://127.0.0.1:8080/x", "http://127.0.0.1:8080/x"),
        ("https://www.umu.se/x#share", "https://www.umu.se/x"),
        ("https://www.umu.se", "https://www.umu.se/"),
        (
            "https://www.umu.se/s?q=å&utm_source=fb&page=2&fbclid=abc&gclid=1&UTM_Medium=x",
            "https://www.umu.se/s?q=%C3%A5&page=2",
        ),
        ("https://www.umu.se/s?b=2&a=1", "https://www.umu.se/s?b=2&a=1"),
        ("https://www.umu.se/s?id=10421080", "https://www.umu.se/s?id=10421080"),
        # dot segments removed as RFC 3986 5.2.4 says
        ("http://127.0.0.1:8080/news/../x/../news/ok", "http://127.0.0.1:8080/news/ok"),
        ("https://www.umu.se/a/b/c/./../../g", "https://www.umu.se/a/g"),
        ("https://www.umu.se/a/b/../../../c/.", "https://www.umu.se/c/"),
        ("https://www.umu.se/..", "https://www.umu.se/"),
        ("https://www.umu.se/v1.2/a..b/.x", "https://www.umu.se/v1.2/a..b/.x"),
    ],
)
def test_normalize_url(raw, expected):
    assert normalize_url(raw) == expected
