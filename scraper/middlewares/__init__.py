"""Downloader middlewares, each one job and thin: scope, robots.txt, the page budget,
conditional GET and keeping the response as it came over the wire."""
