"""Recipes that rebuild compressed bodies from their decoded bytes (archive.recipes).

Every recipe found must rebuild the bytes exactly (also after its JSON round trip); bodies no
recipe can rebuild must be said so, never rebuilt wrongly.
"""

from __future__ import annotations

import gzip
import random
import struct
import zlib

import brotli
import pytest
import zstandard

from archive.bodies import body_sha256
from archive.decoding import CannotDecode
from archive.decoding import decode_content_encoding as decode
from archive.recipes import (
    BodyMismatch,
    Recipe,
    RecipeFinder,
    apply_recipe,
    brotli_window,
    checked_recipe,
    find_recipe,
    gzip_header_length,
    nginx_window,
    rebuild,
)
from scraper.demo.server import nginx_gzip


def page(size: int = 60_000, seed: int = 1) -> bytes:
    """HTML-like text of about `size` bytes: markup repeats, words and numbers vary."""
    rng = random.Random(seed)
    words = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyzåäö") for _ in range(rng.randint(2, 11)))
        for _ in range(2000)
    ]
    parts, length = [], 0
    while length < size:
        text = " ".join(rng.choice(words) for _ in range(rng.randint(5, 40)))
        part = f'<p class="c{rng.randint(1, 9)}">{text} {rng.randint(1, 99999)}</p>'
        parts.append(part)
        length += len(part)
    return ("<!doctype html><html><body>" + "\n".join(parts) + "</body></html>").encode()


def gzip_member(body: bytes, level: int, head: bytes, wbits: int = 15, memlevel: int = 8) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -wbits, memlevel)
    stream = compressor.compress(body) + compressor.flush()
    return head + stream + struct.pack("<LL", zlib.crc32(body), len(body))


NGINX_HEAD = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"


def rebuilt(recipe: Recipe, body: bytes) -> bytes:
    return apply_recipe(Recipe.from_json(recipe.to_json()), body)


@pytest.mark.parametrize("size", [300, 5_000, 60_000])
@pytest.mark.parametrize("level", range(10))
def test_python_gzip_at_every_level_is_rebuilt(size, level):
    body = page(size)
    wire = gzip.compress(body, compresslevel=level, mtime=1_700_000_000 + level)
    recipe = find_recipe(wire, body, "gzip")
    assert recipe is not None and recipe.container == "gzip"
    assert rebuilt(recipe, body) == wire


@pytest.mark.parametrize("size", [200, 3_000, 12_000, 100_000])
@pytest.mark.parametrize("level", [1, 6])
def test_nginx_gzip_with_its_small_body_window_is_rebuilt(size, level):
    body = page(size)
    wire = nginx_gzip(body, level)
    recipe = find_recipe(wire, body, "gzip")
    assert recipe is not None
    assert recipe.head == NGINX_HEAD.hex()
    assert rebuilt(recipe, body) == wire
    if size == 3_000:  # here only nginx's smaller window writes these bytes
        assert (recipe.wbits, recipe.memlevel) == nginx_window(len(body)) == (12, 5)


def test_gzip_header_fields_are_kept_exactly():
    body = page(8_000)
    extra = b"AB\x04\x00data"
    head = (
        b"\x1f\x8b\x08\x1c" + struct.pack("<L", 123456) + b"\x00\x0b"
        + struct.pack("<H", len(extra)) + extra + b"index.html\x00" + b"a comment\x00"
    )  # fmt: skip
    wire = gzip_member(body, 6, head)
    assert gzip_header_length(wire) == len(head)
    recipe = find_recipe(wire, body, "x-gzip")
    assert recipe is not None and bytes.fromhex(recipe.head) == head
    assert rebuilt(recipe, body) == wire


def test_apache_memlevel_9_is_rebuilt():
    body = page(40_000)
    wire = gzip_member(body, 6, NGINX_HEAD, memlevel=9)
    recipe = find_recipe(wire, body, "gzip")
    assert recipe is not None and recipe.memlevel == 9
    assert rebuilt(recipe, body) == wire


@pytest.mark.parametrize("level", [1, 6, 9])
def test_deflate_zlib_wrapped_and_raw_are_rebuilt(level):
    body = page(30_000)
    for wire, container in (
        (zlib.compress(body, level), "zlib"),
        (zlib.compress(body, level, wbits=-15), "raw"),
    ):
        recipe = find_recipe(wire, body, "deflate")
        assert recipe is not None and recipe.container == container
        assert rebuilt(recipe, body) == wire
        assert decode(wire, "deflate") == body


@pytest.mark.parametrize("quality,lgwin", [(4, 22), (5, 22), (6, 19), (11, 22), (1, 24)])
def test_brotli_at_common_qualities_is_rebuilt(quality, lgwin):
    body = page(20_000)
    wire = brotli.compress(body, quality=quality, lgwin=lgwin)
    assert brotli_window(wire) == lgwin
    recipe = find_recipe(wire, body, "br")
    assert recipe is not None and recipe.level == quality
    assert rebuilt(recipe, body) == wire
    assert decode(wire, "br") == body


def test_zstd_is_rebuilt():
    body = page(20_000)
    wire = zstandard.ZstdCompressor(level=3).compress(body)
    recipe = find_recipe(wire, body, "zstd")
    assert recipe is not None and rebuilt(recipe, body) == wire
    assert decode(wire, "zstd") == body


def flushed_gzip(body: bytes) -> bytes:
    """gzip as a server streaming a page writes it: flushed after its first part."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    stream = compressor.compress(body[:4000]) + compressor.flush(zlib.Z_SYNC_FLUSH)
    stream += compressor.compress(body[4000:]) + compressor.flush()
    return NGINX_HEAD + stream + struct.pack("<LL", zlib.crc32(body), len(body))


@pytest.mark.parametrize(
    "make",
    [
        flushed_gzip,
        lambda b: gzip.compress(b[:9000]) + gzip.compress(b[9000:]),  # two members
        lambda b: gzip.compress(b) + b"\n",  # a byte after the member
        lambda b: gzip_member(b, 6, NGINX_HEAD, wbits=10, memlevel=2),  # odd window
        lambda b: NGINX_HEAD + zlib.compress(b, 6, wbits=-15),  # no trailer
    ],
)
def test_streams_no_recipe_rebuilds_are_said_so(make):
    body = page(30_000)
    wire = make(body)
    assert find_recipe(wire, body, "gzip") is None


def test_a_recipe_for_another_body_or_coding_is_none():
    body = page(10_000)
    wire = gzip.compress(body)
    assert find_recipe(wire, body + b" ", "gzip") is None
    assert find_recipe(wire, body, "br") is None
    assert find_recipe(wire, body, "gzip, br") is None  # two codings: kept as received
    assert find_recipe(wire, body, "compress") is None


def test_checked_recipe_refuses_one_that_does_not_rebuild_the_hash():
    body = page(10_000)
    wire = gzip.compress(body, mtime=0)
    recipe = find_recipe(wire, body, "gzip")
    assert checked_recipe(recipe, body, body_sha256(wire)) == recipe.to_json()
    assert checked_recipe(recipe, body, body_sha256(wire + b"x")) is None
    wrong = Recipe("gzip", (recipe.level % 9) + 1, head=recipe.head)
    assert checked_recipe(wrong, body, body_sha256(wire)) is None


def test_rebuild_says_when_this_library_writes_other_bytes():
    body = page(10_000)
    wire = gzip.compress(body, mtime=0)
    recipe = find_recipe(wire, body, "gzip").to_json()
    assert rebuild(body, recipe, body_sha256(wire)) == wire
    with pytest.raises(BodyMismatch, match="decoded body is still readable"):
        rebuild(body, recipe, body_sha256(b"something else"))


def test_finder_remembers_a_servers_recipe_and_searches_less_after_misses():
    finder = RecipeFinder()
    bodies = [page(20_000 + n * 100) for n in range(3)]
    first = finder.find("site", nginx_gzip(bodies[0], 6), bodies[0], "gzip")
    assert first is not None and first.level == 6
    assert finder.find("site", nginx_gzip(bodies[1], 6), bodies[1], "gzip") == first
    for _ in range(6):  # a server no recipe fits: later searches are quick, still correct
        assert finder.find("other", flushed_gzip(bodies[2]), bodies[2], "gzip") is None
    wire = gzip.compress(bodies[2], compresslevel=6, mtime=0)
    assert finder.find("other", wire, bodies[2], "gzip") is not None  # likeliest still tried


def test_decode_undoes_codings_last_first_and_names_what_it_cannot():
    body = page(5_000)
    assert decode(gzip.compress(zlib.compress(body)), "deflate, gzip") == body
    assert decode(body, None) == body
    with pytest.raises(CannotDecode):
        decode(body, "gzip")
    with pytest.raises(CannotDecode, match="unknown"):
        decode(body, "compress")
