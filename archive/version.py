"""The uninews version, read once from the installed package's metadata.

Named in the User-Agent, in WARC warcinfo records and in dataset cards, so all three say the
same; "0.0.0" when running from a source tree that is not installed.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    VERSION = version("uninews")
except PackageNotFoundError:
    VERSION = "0.0.0"
