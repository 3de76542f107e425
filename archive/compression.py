"""The zstd codec of stored bodies: compressing a body (with a site dictionary, or as a delta
to an earlier body) and reading it back, and training the dictionaries.

Pure bytes in, bytes out; which dictionary and which base a body gets, and the tables they live
in, are archive.bodies'. The constants below are what bench/storage.py calibrated.
"""

from __future__ import annotations

from dataclasses import dataclass

import zstandard

# bench/storage.py, two crawls of a 600-article demo site (distinct bodies, stored/raw):
# level 3 with dictionaries at 16 and 128 bodies 9.8%, level 9 7.9%, both under 1 ms a body;
# with deltas to the page's last body 7.6% and 6.5%. On 298 pages of 283 unrelated sites
# (extraction-dev) level 9 stores 17.8% against level 3's 19.8% at ~15 ms per 135 KB page.
COMPRESSION_LEVEL = 9
COMPRESSION = "zstd"
DELTA = "zstd-delta"
# A site's first dictionary after 16 bodies already halves its pages (36% -> 17% on the demo
# site); retrained on the latest 128 bodies at 128 and 1024 bodies it follows the site's
# templates (17% -> 10%). 128 bodies of ~80 KB train in ~0.7 s; 256 trained no better.
TRAIN_AT = (16, 128, 1024)
TRAIN_SAMPLES = 128
DICTIONARY_SIZE = 110 * 1024
# A dictionary is at most a quarter of the bytes it learns from: one trained on 16 pages of
# 8 KB at full size is mostly a copy of them, paid for again at every retraining. On a demo crawl
# of 150 bodies that cut stored/raw from 24.8% to 21.7% (600 bodies: 10.5% -> 9.7%); sites of
# big pages (extraction-dev, 135 KB a page) still get the full size.
DICTIONARY_SHARE = 4
# Bodies bigger than this are never used as a delta base (the base is held in memory twice).
DELTA_BASE_MAX = 8 * 1024 * 1024


@dataclass(frozen=True)
class PackedBlob:
    sha256: str
    content: bytes
    size: int
    stored_size: int
    dictionary_id: int | None
    compression: str = COMPRESSION
    base_sha256: str | None = None  # a delta's base body


def dictionary_size(samples: list[bytes]) -> int:
    return min(DICTIONARY_SIZE, sum(map(len, samples)) // DICTIONARY_SHARE)


def train_dictionary(samples: list[bytes]) -> bytes | None:
    """A zstd dictionary from sample bodies, or None when zstd finds nothing to learn."""
    try:
        return zstandard.train_dictionary(dictionary_size(samples), samples).as_bytes()
    except zstandard.ZstdError:
        return None


class BlobCodec:
    """Compressors and decompressors of one archive, one pair per dictionary in use.

    Held by an archive connection's Bodies, not the module: zstandard objects are not
    thread-safe.
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

    def pack(
        self,
        body: bytes,
        sha256: str,
        dictionary_id: int | None = None,
        base: tuple[str, bytes] | None = None,
    ) -> PackedBlob:
        """The smaller of: zstd (with the site dictionary, if any), a delta to `base`."""
        compressor = self._compressors.get(dictionary_id)
        if compressor is None:
            dict_data = self._dictionaries[dictionary_id] if dictionary_id is not None else None
            compressor = zstandard.ZstdCompressor(level=self.level, dict_data=dict_data)
            self._compressors[dictionary_id] = compressor
        packed = compressor.compress(body)
        if base is not None and len(base[1]) <= DELTA_BASE_MAX:
            delta = zstandard.ZstdCompressor(level=self.level, dict_data=_raw(base[1]))
            diff = delta.compress(body)
            if len(diff) < len(packed):
                return PackedBlob(sha256, diff, len(body), len(diff), None, DELTA, base[0])
        return PackedBlob(sha256, packed, len(body), len(packed), dictionary_id)

    def unpack(
        self,
        content: bytes,
        compression: str = COMPRESSION,
        dictionary_id: int | None = None,
        base: bytes | None = None,
    ) -> bytes:
        """The body exactly as served; a delta needs its base body."""
        if compression in ("", "none", None):
            return bytes(content)
        if compression == DELTA:
            if base is None:
                raise ValueError("a zstd-delta blob cannot be read without its base body")
            return zstandard.ZstdDecompressor(dict_data=_raw(base)).decompress(content)
        if compression != COMPRESSION:
            raise ValueError(f"unknown blob compression {compression!r}")
        decompressor = self._decompressors.get(dictionary_id)
        if decompressor is None:
            dict_data = self._dictionaries[dictionary_id] if dictionary_id is not None else None
            decompressor = zstandard.ZstdDecompressor(dict_data=dict_data)
            self._decompressors[dictionary_id] = decompressor
        return decompressor.decompress(content)


def _raw(base: bytes) -> zstandard.ZstdCompressionDict:
    """A whole earlier body as zstd dictionary (raw content: no training, used as history)."""
    return zstandard.ZstdCompressionDict(base, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
