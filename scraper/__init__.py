"""uninews: crawl university news pages, extract clean articles, archive every change."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("uninews")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
