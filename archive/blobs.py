"""Raw response bodies: zstd-compressed, keyed by sha256, stored once however often served."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import zstandard

# Level 6: on 40-80 KB HTML pages it stores about as small as level 19 for a fraction of
# the CPU (measured with bench/archive.py); crawling, not compression, should be the bottleneck.
COMPRESSION_LEVEL = 6
COMPRESSION = "zstd"


@dataclass(frozen=True)
class PackedBlob:
    sha256: str
    content: bytes
    size: int
    stored_size: int


def body_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class BlobCodec:
    """One compressor and decompressor per archive (zstandard objects are not thread-safe)."""

    def __init__(self, level: int = COMPRESSION_LEVEL) -> None:
        self._compressor = zstandard.ZstdCompressor(level=level)
        self._decompressor = zstandard.ZstdDecompressor()

    def pack(self, body: bytes, sha256: str | None = None) -> PackedBlob:
        packed = self._compressor.compress(body)
        return PackedBlob(sha256 or body_sha256(body), packed, len(body), len(packed))

    def unpack(self, content: bytes, compression: str = COMPRESSION) -> bytes:
        if compression == COMPRESSION:
            return self._decompressor.decompress(content)
        if compression in ("", "none", None):
            return bytes(content)
        raise ValueError(f"unknown blob compression {compression!r}")
