"""uninews: crawl university news pages, extract clean articles, archive every change."""

from archive.version import VERSION as __version__

__all__ = ["__version__"]
