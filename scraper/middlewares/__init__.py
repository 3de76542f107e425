"""Downloader middlewares: scope, page budget, conditional GET. Each one job, thin."""
