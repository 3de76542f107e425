"""Bodies as received, rebuilt from their decoded bytes: finding, applying and checking recipes.

A server that gzips its pages sends bytes no compressor can shrink further, so keeping them as
they are would spoil the archive's per-site dictionaries and deltas (archive.compression).
Archivers of compressed streams (precomp and its kin) keep the decoded bytes instead, plus the
few parameters that make the same compressor write the same stream again: the recipe. Deflate
(gzip, zlib, raw) and brotli are deterministic for given parameters and library version, so a
server using stock zlib or brotli is reproduced exactly; anything else (another deflate
implementation, a stream flushed mid-way, a second gzip member) finds no recipe and its bytes
are kept as they came.

The finder compares as it compresses and gives up at the first differing byte, so a wrong
guess costs a fraction of one compression. Every function here is pure, bytes in and bytes
out; RecipeFinder alone keeps a memory (of what fitted a server's earlier bodies). Undoing a
Content-Encoding without a recipe is archive.decoding's.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass

import zstandard

from .decoding import BROTLI, DEFLATE, GZIP, ZSTD, brotli, codings
from .errors import ArchiveError

CHUNK = 16 * 1024  # bytes fed to the compressor between comparisons
# zlib: the level a header's XFL/FLEVEL hints at first, then the usual ones, then the rest.
LEVEL_ORDER = (6, 1, 9, 5, 4, 3, 2, 7, 8, 0)
# zlib memLevel: the default (8; Python, nginx, zlib's own gzip), Apache mod_deflate's 9.
MEM_LEVELS = (8, 9)
# brotli qualities tried, cheapest and most served first (nginx brotli and CDNs use 4-6 on the
# fly; 11 is for files compressed ahead of time). 10 and 11 cost ~100x more, so only small
# bodies are tried at those.
BROTLI_QUALITIES = (4, 5, 6, 1, 0, 2, 3, 7, 8, 9, 11, 10)
BROTLI_SLOW_MAX = 64 * 1024
ZSTD_LEVELS = (3, 1, 19, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12)
# Settings tried by a quick search (see find_recipe).
QUICK = 3
# A server whose last SEARCH_AFTER_MISSES bodies found no recipe is searched quickly, fully
# again every FULL_SEARCH_EVERY bodies (it may have changed its settings).
SEARCH_AFTER_MISSES = 4
FULL_SEARCH_EVERY = 32


@dataclass(frozen=True)
class Recipe:
    """How to rebuild the bytes as received from the decoded body.

    container: "gzip" (header bytes + raw deflate + CRC32/ISIZE), "zlib" (zlib stream),
    "raw" (bare deflate), "br" or "zstd". `head` is the gzip header exactly as received
    (hex: mtime, XFL, OS and optional fields included). `library` names the compressor version
    that wrote it, for a reader whose library writes differently.
    """

    container: str
    level: int
    wbits: int = 15
    memlevel: int = 8
    head: str = ""
    lgwin: int = 0
    library: str = ""

    def to_json(self) -> str:
        """Compact JSON of the fields that differ from the defaults (the `recipes` table)."""
        defaults = Recipe(self.container, self.level)
        data = {k: v for k, v in asdict(self).items() if k in ("container", "level")}
        data.update(
            {k: v for k, v in asdict(self).items() if v != getattr(defaults, k) and k not in data}
        )
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Recipe:
        return cls(**json.loads(text))


# -- finding ---------------------------------------------------------------------------------


def find_recipe(
    wire: bytes,
    decoded: bytes,
    content_encoding: str,
    *,
    prefer: Recipe | None = None,
    quick: bool = False,
) -> Recipe | None:
    """A recipe that rebuilds `wire` exactly from `decoded`, or None.

    `content_encoding` is the response's header value; only a single coding is tried.
    `prefer`: a recipe that fitted an earlier body of the same server, tried first (a site's
    pages are compressed alike). `quick`: try at most QUICK settings (`prefer` first), for a
    server whose bodies keep finding none (a search that fails costs ~20 compressions).
    """
    applied = codings(content_encoding)
    if len(applied) != 1 or not wire:
        return None
    coding = applied[0]
    limit = QUICK if quick else None
    if coding in GZIP:
        return _find_gzip(wire, decoded, prefer, limit)
    if coding == DEFLATE:
        return _find_zlib(wire, decoded, prefer, limit) or _find_raw(wire, decoded, prefer, limit)
    if coding == BROTLI:
        return _find_brotli(wire, decoded, prefer, limit)
    if coding == ZSTD:
        return _find_zstd(wire, decoded, prefer, limit)
    return None


class RecipeFinder:
    """find_recipe with a memory per server (any hashable key, e.g. (site, coding)): the recipe
    that fitted its last body is tried first, and a server that keeps finding none is searched
    quickly (see SEARCH_AFTER_MISSES). Not thread-safe; one per archive connection."""

    def __init__(self) -> None:
        self._last: dict[object, Recipe] = {}
        self._misses: dict[object, int] = {}

    def find(
        self, key: object, wire: bytes, decoded: bytes, content_encoding: str
    ) -> Recipe | None:
        misses = self._misses.get(key, 0)
        quick = misses >= SEARCH_AFTER_MISSES and misses % FULL_SEARCH_EVERY != 0
        recipe = find_recipe(
            wire, decoded, content_encoding, prefer=self._last.get(key), quick=quick
        )
        if recipe is None:
            self._misses[key] = misses + 1
        else:
            self._last[key] = recipe
            self._misses[key] = 0
        return recipe


def gzip_header_length(wire: bytes) -> int | None:
    """Length of a gzip member's header (RFC 1952, optional fields included), None if not gzip."""
    if len(wire) < 18 or wire[:3] != b"\x1f\x8b\x08":
        return None
    flags, at = wire[3], 10
    if flags & 0xE0:
        return None  # reserved bits set
    if flags & 0x04:  # FEXTRA
        if len(wire) < at + 2:
            return None
        at += 2 + struct.unpack_from("<H", wire, at)[0]
    for flag in (0x08, 0x10):  # FNAME, FCOMMENT: zero-terminated
        if flags & flag:
            end = wire.find(b"\x00", at)
            if end < 0:
                return None
            at = end + 1
    if flags & 0x02:  # FHCRC
        at += 2
    return at if at + 8 <= len(wire) else None


def _find_gzip(
    wire: bytes, decoded: bytes, prefer: Recipe | None, limit: int | None
) -> Recipe | None:
    head_len = gzip_header_length(wire)
    if head_len is None:
        return None
    trailer = struct.pack("<LL", zlib.crc32(decoded), len(decoded) & 0xFFFFFFFF)
    if wire[-8:] != trailer:
        return None  # another member or bytes after it, or not this body at all
    stream = memoryview(wire)[head_len:-8]
    xfl = wire[8]
    hint = 9 if xfl == 2 else 1 if xfl == 4 else None
    head = wire[:head_len].hex()
    for level, wbits, memlevel in _zlib_candidates(hint, len(decoded), "gzip", prefer, limit):
        if _deflate_matches(stream, decoded, level, -wbits, memlevel):
            return Recipe("gzip", level, wbits, memlevel, head=head, library=_zlib_version())
    return None


def _find_zlib(
    wire: bytes, decoded: bytes, prefer: Recipe | None, limit: int | None
) -> Recipe | None:
    if len(wire) < 6 or (wire[0] * 256 + wire[1]) % 31 or wire[0] & 0x0F != 8 or wire[1] & 0x20:
        return None  # not a zlib header (or one with a preset dictionary)
    wbits = (wire[0] >> 4) + 8
    if wbits > 15:
        return None
    hint = {0: 1, 2: 6, 3: 9}.get(wire[1] >> 6)
    for level, _, memlevel in _zlib_candidates(hint, len(decoded), "zlib", prefer, limit):
        if _deflate_matches(memoryview(wire), decoded, level, wbits, memlevel):
            return Recipe("zlib", level, wbits, memlevel, library=_zlib_version())
    return None


def _find_raw(
    wire: bytes, decoded: bytes, prefer: Recipe | None, limit: int | None
) -> Recipe | None:
    for level, wbits, memlevel in _zlib_candidates(None, len(decoded), "raw", prefer, limit):
        if _deflate_matches(memoryview(wire), decoded, level, -wbits, memlevel):
            return Recipe("raw", level, wbits, memlevel, library=_zlib_version())
    return None


def nginx_window(size: int, wbits: int = 15, memlevel: int = 8) -> tuple[int, int]:
    """The (wbits, memLevel) nginx's gzip filter picks for a body of known length `size`:
    smaller windows for small bodies (ngx_http_gzip_filter_memory)."""
    while size < (1 << (wbits - 1)) - 262:
        wbits -= 1
        memlevel -= 1
    return wbits, max(memlevel, 1)


def _zlib_candidates(
    hint: int | None, size: int, container: str, prefer: Recipe | None, limit: int | None
) -> list[tuple[int, int, int]]:
    """(level, wbits, memLevel) to try, likeliest first."""
    levels = ([hint] if hint is not None else []) + [lv for lv in LEVEL_ORDER if lv != hint]
    windows = [(15, m) for m in MEM_LEVELS]
    small = nginx_window(size)
    if small not in windows:
        windows.insert(1, small)
    found = [(level, wbits, memlevel) for wbits, memlevel in windows for level in levels]
    if prefer is not None and prefer.container == container:
        found.insert(0, (prefer.level, prefer.wbits, prefer.memlevel))
    return _first(found, limit)


def _first(candidates: list, limit: int | None) -> list:
    """Candidates without repeats, at most `limit` of them."""
    unique = list(dict.fromkeys(candidates))
    return unique[:limit] if limit is not None else unique


def _deflate_matches(
    expected: memoryview, decoded: bytes, level: int, wbits: int, memlevel: int
) -> bool:
    """Whether zlib with these parameters writes exactly `expected`; stops at the first
    difference (every byte compressobj has returned so far is final)."""
    if level == 0:  # stored blocks: written whole, as zlib.compress does (see _deflate)
        return memlevel == 8 and _deflate(decoded, 0, wbits, memlevel) == expected
    try:
        compressor = zlib.compressobj(level, zlib.DEFLATED, wbits, memlevel)
    except (ValueError, zlib.error):
        return False
    return _writes(expected, decoded, compressor.compress, compressor.flush)


def _writes(
    expected: bytes | memoryview,
    decoded: bytes,
    feed: Callable[[bytes], bytes],
    finish: Callable[[], bytes],
) -> bool:
    """Whether a streaming compressor (feed, then finish) writes exactly `expected`, fed
    CHUNK bytes at a time; stops at the first difference."""
    at = 0
    for start in range(0, len(decoded), CHUNK):
        out = feed(decoded[start : start + CHUNK])
        if out:
            if expected[at : at + len(out)] != out:
                return False
            at += len(out)
    out = finish()
    return len(expected) == at + len(out) and expected[at:] == out


def _deflate(decoded: bytes, level: int, wbits: int, memlevel: int) -> bytes:
    """zlib's stream for these parameters. Level 0 (stored blocks, cut where input arrives)
    in one call, the last block marked final, as zlib.compress and gzip.compress write it."""
    if level == 0:
        return zlib.compress(decoded, 0, wbits)
    compressor = zlib.compressobj(level, zlib.DEFLATED, wbits, memlevel)
    return compressor.compress(decoded) + compressor.flush()


def brotli_window(wire: bytes) -> int | None:
    """The window size (lgwin) a brotli stream's header declares (RFC 7932 section 9.1)."""
    if not wire:
        return None
    bits = wire[0]
    if not bits & 1:
        return 16
    n = (bits >> 1) & 7
    if n:
        return 17 + n
    m = (bits >> 4) & 7
    if m == 1:
        return None  # large-window brotli: not HTTP's br
    return 8 + m if m else 17


def _find_brotli(
    wire: bytes, decoded: bytes, prefer: Recipe | None, limit: int | None
) -> Recipe | None:
    lgwin = brotli_window(wire)
    if brotli is None or lgwin is None or lgwin < 10:
        return None
    qualities = [q for q in BROTLI_QUALITIES if q < 10 or len(decoded) <= BROTLI_SLOW_MAX]
    if prefer is not None and prefer.container == "br":
        qualities.insert(0, prefer.level)
    expected = memoryview(wire)
    for quality in _first(qualities, limit):
        if _brotli_matches(expected, decoded, quality, lgwin):
            return Recipe("br", quality, lgwin=lgwin, library=f"brotli {brotli.version}")
    return None


def _brotli_matches(expected: memoryview, decoded: bytes, quality: int, lgwin: int) -> bool:
    """Streamed (as servers compress on the fly; brotli.compress writes the same bytes from
    quality 2 up; qualities 0 and 1 cut fragments where input arrives: compared whole)."""
    if quality < 2:
        return brotli.compress(decoded, quality=quality, lgwin=lgwin) == expected
    compressor = brotli.Compressor(quality=quality, lgwin=lgwin)
    return _writes(expected, decoded, compressor.process, compressor.finish)


def _find_zstd(
    wire: bytes, decoded: bytes, prefer: Recipe | None, limit: int | None
) -> Recipe | None:
    if wire[:4] != b"\x28\xb5\x2f\xfd":
        return None
    levels = list(ZSTD_LEVELS)
    if prefer is not None and prefer.container == "zstd":
        levels.insert(0, prefer.level)
    version = "zstd " + ".".join(map(str, zstandard.ZSTD_VERSION))
    for level in _first(levels, limit):
        if zstandard.ZstdCompressor(level=level).compress(decoded) == wire:
            return Recipe("zstd", level, library=version)
    return None


# -- applying --------------------------------------------------------------------------------


def apply_recipe(recipe: Recipe, decoded: bytes) -> bytes:
    """The bytes as received, rebuilt from the decoded body (check them against their sha256:
    a different library version may write different bytes)."""
    if recipe.container in ("gzip", "zlib", "raw"):
        wbits = recipe.wbits if recipe.container == "zlib" else -recipe.wbits
        stream = _deflate(decoded, recipe.level, wbits, recipe.memlevel)
        if recipe.container != "gzip":
            return stream
        trailer = struct.pack("<LL", zlib.crc32(decoded), len(decoded) & 0xFFFFFFFF)
        return bytes.fromhex(recipe.head) + stream + trailer
    if recipe.container == "br" and brotli is not None:
        return brotli.compress(decoded, quality=recipe.level, lgwin=recipe.lgwin)
    if recipe.container == "zstd":
        return zstandard.ZstdCompressor(level=recipe.level).compress(decoded)
    raise ValueError(f"cannot apply a {recipe.container!r} recipe here")


# -- checking ----------------------------------------------------------------------------------


class BodyMismatch(ArchiveError):
    """A recipe that no longer rebuilds the bytes as received (another zlib or brotli)."""


def checked_recipe(recipe: Recipe | None, decoded: bytes, sha256: str) -> str | None:
    """The recipe as stored (JSON), if rebuilding from it gives the bytes whose sha256 is
    `sha256`; None otherwise. Checked through the stored form, so what is kept always works."""
    if recipe is None:
        return None
    stored = recipe.to_json()
    try:
        rebuilt = apply_recipe(Recipe.from_json(stored), decoded)
    except ValueError:
        return None
    return stored if _sha256(rebuilt) == sha256 else None


def rebuild(decoded: bytes, recipe: str, sha256: str) -> bytes:
    """The bytes as received from the stored decoded body and its recipe (JSON).

    Raises BodyMismatch when they do not hash to `sha256`: a compression library that writes
    differently from the one that found the recipe (the decoded body is still intact).
    """
    parsed = Recipe.from_json(recipe)
    body = apply_recipe(parsed, decoded)
    if _sha256(body) != sha256:
        raise BodyMismatch(
            f"cannot rebuild body {sha256} as received: it was compressed with "
            f"{parsed.library or 'another library version'}, which writes other bytes than "
            "this Python's; its decoded body is still readable"
        )
    return body


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _zlib_version() -> str:
    return f"zlib {zlib.ZLIB_RUNTIME_VERSION}"
