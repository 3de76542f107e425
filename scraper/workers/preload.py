"""Imported once by the extraction processes' fork server, before any worker is forked.

Each worker then starts with the extractor and its second opinions (trafilatura, htmldate)
imported and dateparser's language data loaded, instead of paying for them on its first
page (seconds of CPU, inside that page's budget). bench/extraction.py imports it too, so it
times pages as a warm worker meets them.
"""

import htmldate  # noqa: F401  (imported by scraper.extract.fallback on first use)
import trafilatura  # noqa: F401  (likewise)

from scraper.extract.dates import warm_up
from scraper.workers import extraction  # noqa: F401  (the worker side, imported ahead)

warm_up()
