"""Imported once by the extraction processes' fork server, before any worker is forked.

Each worker then starts with the extractor and its second opinions (trafilatura, htmldate)
imported and dateparser's Swedish and English data loaded, instead of paying for them on
its first page (about 0.6 s of CPU in all, inside that page's budget). htmldate's dates in
words are read in the page's language only (scraper.extract.fallback), so no page pays for
compiling all of dateparser's locales, and nothing of that needs warming here.
bench/extraction.py imports this module too, so it times pages as a worker meets them.
"""

import htmldate  # noqa: F401  (imported by scraper.extract.fallback on first use)
import trafilatura  # noqa: F401  (likewise)

from scraper.extract.dates import warm_up
from scraper.workers import extraction  # noqa: F401  (the worker side, imported ahead)

warm_up()
