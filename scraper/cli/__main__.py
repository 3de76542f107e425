"""`python -m scraper.cli`: the `uninews` command without its console script."""

from scraper.cli import main

main()
