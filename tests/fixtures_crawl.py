"""pytest fixtures for the crawl area."""
