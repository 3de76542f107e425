"""What a page needs to render, as scraper.discovery.requisites finds it: the stylesheets,
icons, images (src and srcset), scripts and inline-style url(...) of an HTML page, and the
url(...) and @import of a stylesheet; links, feeds and data: URLs are no requisites."""

from __future__ import annotations

from scraper.discovery.requisites import css_requisites, page_requisites, srcset_urls

PAGE = b"""<!DOCTYPE html><html><head>
<link rel="stylesheet" href="/static/site.css">
<link rel="alternate" type="application/rss+xml" href="/feed.xml">
<link rel="icon" href="favicon.ico">
<link rel="preload" as="font" href="https://cdn.example.org/f.woff2">
<script src="app.js"></script>
<style>header { background: url('/img/band.png') }</style>
</head><body>
<a href="/other/">a link is followed, not a requisite</a>
<img src="photo.jpg#frag" srcset="photo-2x.jpg 2x, photo-3x.jpg 3x">
<picture><source srcset="wide.webp 1200w"><img src="narrow.jpg"></picture>
<div style="background-image: url(tile.gif)"></div>
<img src="data:image/gif;base64,R0lGOD">
<img src="photo.jpg">
</body></html>"""


def test_a_page_names_its_stylesheets_images_scripts_and_inline_style_urls():
    found = page_requisites(PAGE, "https://www.example.edu/news/a/")
    assert found == [
        "https://www.example.edu/static/site.css",
        "https://www.example.edu/news/a/favicon.ico",
        "https://cdn.example.org/f.woff2",
        "https://www.example.edu/news/a/app.js",
        "https://www.example.edu/news/a/photo.jpg",
        "https://www.example.edu/news/a/narrow.jpg",
        "https://www.example.edu/news/a/photo-2x.jpg",
        "https://www.example.edu/news/a/photo-3x.jpg",
        "https://www.example.edu/news/a/wide.webp",
        "https://www.example.edu/img/band.png",
        "https://www.example.edu/news/a/tile.gif",
    ]


def test_a_base_element_moves_relative_requisites():
    page = b'<html><head><base href="https://www.example.edu/assets/"></head>'
    page += b'<body><img src="x.png"></body></html>'
    assert page_requisites(page, "https://www.example.edu/news/") == [
        "https://www.example.edu/assets/x.png"
    ]


def test_a_stylesheet_names_its_fonts_images_and_imports_but_not_its_comments():
    css = b"""@import "print.css" print;
@import url(theme.css);
/* background: url(commented-out.png) */
body { background: URL( "img/paper.png" ) repeat; }
@font-face { font-family: X;
  src: url(../fonts/x.woff2) format("woff2"), url(data:font/woff;base64,AA); }
.a { background: url('a(1).png') }"""
    assert css_requisites(css, "https://www.example.edu/static/css/site.css") == [
        "https://www.example.edu/static/css/theme.css",
        "https://www.example.edu/static/css/img/paper.png",
        "https://www.example.edu/static/fonts/x.woff2",
        "https://www.example.edu/static/css/a(1).png",
        "https://www.example.edu/static/css/print.css",
    ]


def test_srcset_candidates_are_split_as_browsers_split_them():
    assert srcset_urls("a.png 1x, b.png 2x") == ["a.png", "b.png"]
    assert srcset_urls("a.png,b.png 2x") == ["a.png,b.png"]  # a URL may hold commas
    assert srcset_urls("a.png, b.png,") == ["a.png", "b.png"]
    assert srcset_urls("  ") == []


def test_broken_css_ends_without_error():
    assert css_requisites(b"a { background: url('never-closed", "http://h/s.css") == [
        "http://h/never-closed"
    ]
    assert css_requisites(b"@import", "http://h/s.css") == []
    assert css_requisites(b"/* unclosed comment url(x.png)", "http://h/s.css") == []


def test_hostile_stylesheets_are_read_to_the_end():
    # Repeated openings, unclosed quotes and comments, 100 KB or so each: every one is scanned once,
    # left to right (no regular expression to backtrack), and says what it holds.
    assert css_requisites(b"url(a)" * 20_000, "http://h/s.css") == ["http://h/a"]
    assert css_requisites(b"url('" * 20_000, "http://h/s.css") == ["http://h/url("]
    assert css_requisites(b"/*" * 50_000, "http://h/s.css") == []
    assert (
        len(css_requisites(b"".join(b"@import '%d';" % i for i in range(5_000)), "http://h/"))
        == 5_000
    )
