"""Imported once by the extraction processes' fork server, before any worker is forked.

Each worker then starts with the extractor and its second opinions (trafilatura, htmldate)
imported and dateparser's Swedish and English data loaded, instead of paying for them on
its first page (about 0.6 s of CPU in all, inside that page's budget). Not warmed: htmldate's
first date read by dateparser in any language, which loads every dateparser locale (about
2.2 s, once per worker); warming it here would cost every crawl's start as much.
bench/extraction.py imports this module too, so it times pages as a worker meets them.
"""

import htmldate  # noqa: F401  (imported by scraper.extract.fallback on first use)
import trafilatura  # noqa: F401  (likewise)

from scraper.extract.dates import warm_up
from scraper.workers import extraction  # noqa: F401  (the worker side, imported ahead)

warm_up()
