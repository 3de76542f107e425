"""Bytes to text: the declared charset is a hint, not a promise.

Swedish pages are often served as windows-1252 or latin-1 with no charset or a wrong one.
Order: byte-order mark, strict UTF-8 (a non-UTF-8 page almost never decodes as UTF-8 by
accident), the charset the HTTP header names, then the one the page declares, each only if
it decodes strictly, charset-normalizer on a sample, then windows-1252 with replacement,
which never fails.
"""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^<>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_XML_ROOT = re.compile(rb"<(?:urlset|sitemapindex|rss|feed|rdf:RDF)[\s>]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# latin-1 is a superset-lie on the web: browsers read it as windows-1252 (WHATWG Encoding).
# (codecs.lookup() names latin-1 "iso8859-1": without that key here a page labelled latin-1
# lost its windows-1252 quotes and dashes to C1 control characters.)
_ALIASES = {
    "iso8859-1": "cp1252", "iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252",
    "ascii": "cp1252",
}  # fmt: skip


def declared_charset(raw: bytes) -> str | None:
    """The charset a page declares in its first few kilobytes, if any Python knows."""
    match = _META_CHARSET.search(raw[:4096])
    if not match:
        return None
    return known_charset(match.group(1).decode("ascii", "ignore"))


def known_charset(name: str | None) -> str | None:
    """Python's name for a charset label (latin-1 read as windows-1252), None if unknown."""
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return None
    return _ALIASES.get(name, name)


def to_text(raw: bytes | str, hint: str | None = None) -> tuple[str, str]:
    """Decode a page; returns (text, encoding used). hint: the HTTP header's charset."""
    if isinstance(raw, str):
        return _XML_DECL.sub("", raw, count=1), "str"
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom) :].decode(name, "replace"), name
    try:
        return _XML_DECL.sub("", raw.decode("utf-8"), count=1), "utf-8"
    except UnicodeDecodeError:
        pass
    for declared in (known_charset(hint), declared_charset(raw)):
        if declared and declared not in ("utf-8", "utf-16", "utf-32"):
            try:
                return _XML_DECL.sub("", raw.decode(declared), count=1), declared
            except (UnicodeDecodeError, LookupError):
                pass
    guess = _guess(raw)
    if guess:
        try:
            return _XML_DECL.sub("", raw.decode(guess), count=1), guess
        except (UnicodeDecodeError, LookupError):
            pass
    return _XML_DECL.sub("", raw.decode("cp1252", "replace"), count=1), "cp1252"


def _guess(raw: bytes) -> str | None:
    """charset-normalizer on a sample; mostly single-byte Western pages get here."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    best = from_bytes(raw[:65536]).best()
    if best is None:
        return None
    name = best.encoding
    # A Western page that is not UTF-8 is windows-1252 far more often than anything else;
    # charset-normalizer tends to pick close relatives (cp1250, latin-1) for short samples.
    if name in ("latin_1", "iso8859_15", "cp1250", "iso8859_2", "mac_roman", "cp850"):
        return "cp1252"
    return name


def looks_binary(raw: bytes | str) -> str | None:
    """A reason when the body is clearly not an HTML document, else None."""
    if isinstance(raw, str):
        return looks_binary(raw[:65536].encode("utf-8", "replace"))
    head = raw[:1024].lstrip()
    for magic, what in (
        (b"%PDF", "a PDF document"),
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"PK\x03\x04", "a zip archive"),
        (b"\x1f\x8b", "gzip-compressed data"),
        (b"RIFF", "a media file"),
        (b"\x00\x00\x01\x00", "an icon"),
        (b"{", "JSON or script, not HTML"),
    ):
        if head.startswith(magic):
            return f"the body is {what}"
    if any(raw.startswith(bom) for bom, _ in _BOMS):
        return None
    if _XML_ROOT.search(raw[:2048]):
        return "the body is an XML sitemap or feed, not a page"
    sample = raw[:8192]
    if sample.count(b"\x00") > len(sample) // 100:
        return "the body is binary data"
    if b"<" not in raw[:65536]:
        return "no markup in the body"
    return None
