"""Scrapy extensions for uninews: progress in the log, a quieter stats collector, and the
expiry of a shared crawl's Redis keys."""
