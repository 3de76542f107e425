"""Raw response bodies: zstd-compressed, keyed by sha256, stored once however often served.

Pages of one site share most of their bytes (menus, footers, scripts), which a per-body
compressor cannot see. After TRAIN_SAMPLES bodies of a site, a zstd dictionary is trained on
them and kept in the `dictionaries` table; later bodies of that site are compressed with it
(blobs.dictionary_id says which one; NULL means plain zstd).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import zstandard

# Level 3 with a trained dictionary stores 80 KB umu.se-like pages in about 7 KB (level 6
# without one: 17 KB) at a fifth of level 6's CPU time (measured with bench/archive.py).
COMPRESSION_LEVEL = 3
COMPRESSION = "zstd"
# 128 bodies of ~80 KB train a dictionary in ~0.7 s; 256 trained no better (bench pages).
TRAIN_SAMPLES = 128
DICTIONARY_SIZE = 110 * 1024


@dataclass(frozen=True)
class PackedBlob:
    sha256: str
    content: bytes
    size: int
    stored_size: int
    dictionary_id: int | None


def body_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def train_dictionary(samples: list[bytes]) -> bytes | None:
    """A zstd dictionary from sample bodies, or None when zstd finds nothing to learn."""
    try:
        return zstandard.train_dictionary(DICTIONARY_SIZE, samples).as_bytes()
    except zstandard.ZstdError:
        return None


class BlobCodec:
    """Compressors and decompressors of one archive, one pair per dictionary in use.

    Held by the Archive instance, not the module: zstandard objects are not thread-safe.
    """

    def __init__(self, level: int = COMPRESSION_LEVEL) -> None:
        self.level = level
        self._compressors: dict[int | None, zstandard.ZstdCompressor] = {}
        self._decompressors: dict[int | None, zstandard.ZstdDecompressor] = {}
        self._dictionaries: dict[int, zstandard.ZstdCompressionDict] = {}

    def knows(self, dictionary_id: int) -> bool:
        return dictionary_id in self._dictionaries

    def add_dictionary(self, dictionary_id: int, data: bytes) -> None:
        self._dictionaries[dictionary_id] = zstandard.ZstdCompressionDict(data)

    def pack(self, body: bytes, sha256: str, dictionary_id: int | None = None) -> PackedBlob:
        compressor = self._compressors.get(dictionary_id)
        if compressor is None:
            dict_data = self._dictionaries[dictionary_id] if dictionary_id is not None else None
            compressor = zstandard.ZstdCompressor(level=self.level, dict_data=dict_data)
            self._compressors[dictionary_id] = compressor
        packed = compressor.compress(body)
        return PackedBlob(sha256, packed, len(body), len(packed), dictionary_id)

    def unpack(
        self, content: bytes, compression: str = COMPRESSION, dictionary_id: int | None = None
    ) -> bytes:
        if compression in ("", "none", None):
            return bytes(content)
        if compression != COMPRESSION:
            raise ValueError(f"unknown blob compression {compression!r}")
        decompressor = self._decompressors.get(dictionary_id)
        if decompressor is None:
            dict_data = self._dictionaries[dictionary_id] if dictionary_id is not None else None
            decompressor = zstandard.ZstdDecompressor(dict_data=dict_data)
            self._decompressors[dictionary_id] = decompressor
        return decompressor.decompress(content)
