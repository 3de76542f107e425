"""HTML in, a clean Article out: the pure extraction layer (no Scrapy, no SQLite).

from scraper.extract import extract
article = extract(html_bytes, url, profile=None)
"""

from .article import CONTENT_FIELDS, KINDS, Article
from .core import extract

# Bump when extraction output changes, so archived versions can be re-extracted.
EXTRACTOR_VERSION = "1.0.0"

__all__ = ["Article", "CONTENT_FIELDS", "EXTRACTOR_VERSION", "KINDS", "extract"]
