"""Imported once by the extraction processes' fork server, before any worker is forked.

Each worker then starts with the extractor imported and dateparser's language data loaded,
instead of paying for them on its first page (seconds of CPU, inside that page's budget).
"""

from scraper.extract.dates import warm_up
from scraper.workers import extraction  # noqa: F401  (the worker side, imported ahead)

warm_up()
