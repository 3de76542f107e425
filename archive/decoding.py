"""Undoing a Content-Encoding: the body a browser renders from the bytes a server sent.

The one place the archive decodes gzip, deflate, br and zstd. Recipes (archive.recipes) go
the other way, rebuilding the bytes as received from the decoded body, and share the coding
names defined here.
"""

from __future__ import annotations

import zlib

import zstandard

try:  # Scrapy's own dependency for decoding br; without it br bodies are kept as received
    import brotli
except ImportError:  # pragma: no cover
    brotli = None

# The codings decoded here and that a recipe can be found for (Content-Encoding values, lower case).
GZIP = ("gzip", "x-gzip")
DEFLATE = "deflate"
BROTLI = "br"
ZSTD = "zstd"


class CannotDecode(ValueError):
    """A body whose Content-Encoding could not be undone."""


def codings(content_encoding: str | None) -> list[str]:
    """The codings of a Content-Encoding header value, in the order they were applied."""
    if not content_encoding:
        return []
    return [c.strip().lower() for c in content_encoding.split(",") if c.strip()]


def decode_content_encoding(wire: bytes, content_encoding: str | None) -> bytes:
    """Undo a Content-Encoding (codings undone last first, as a client does).

    Raises CannotDecode for a coding this library does not know or bytes that are not in it.
    """
    body = wire
    for coding in reversed(codings(content_encoding)):
        try:
            body = _decode_one(body, coding)
        except (zlib.error, zstandard.ZstdError, OSError, EOFError) as exc:
            raise CannotDecode(f"not valid {coding} data: {exc}") from exc
        except Exception as exc:  # brotli.error has no stable base class across versions
            if brotli is not None and isinstance(exc, brotli.error):
                raise CannotDecode(f"not valid {coding} data: {exc}") from exc
            raise
    return body


def _decode_one(body: bytes, coding: str) -> bytes:
    if coding in GZIP:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body)
    if coding == DEFLATE:
        try:
            return zlib.decompressobj().decompress(body)
        except zlib.error:  # raw deflate, as some servers send it
            return zlib.decompressobj(-zlib.MAX_WBITS).decompress(body)
    if coding == BROTLI and brotli is not None:
        return brotli.decompress(body)
    if coding == ZSTD:
        return zstandard.ZstdDecompressor().decompressobj().decompress(body)
    if coding == "identity":
        return body
    raise CannotDecode(f"unknown Content-Encoding {coding!r}")
