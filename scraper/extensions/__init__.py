"""Scrapy extensions for uninews (progress logging)."""
