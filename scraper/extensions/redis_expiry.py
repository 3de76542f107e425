"""Distributed crawls (--redis): let the shared queue and dupefilter keys expire.

The workers of one crawl keep the keys when they close (another may still be busy): the queue,
the dupefilter and the set of workers that may hold requests (scraper.scheduler);
each closing worker sets an expiry (UNINEWS_REDIS_EXPIRE seconds) so they do not pile up.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)


class RedisExpiry:
    def __init__(self, crawler: Crawler, seconds: int):
        self.crawler = crawler
        self.seconds = seconds

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisExpiry:
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured
        ext = cls(crawler, crawler.settings.getint("UNINEWS_REDIS_EXPIRE", 86400))
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider: object, reason: str) -> None:
        from scrapy_redis.connection import from_settings

        settings = self.crawler.settings
        name = {"spider": self.crawler.spidercls.name}
        queue = settings.get("SCHEDULER_QUEUE_KEY") % name
        keys = [queue, settings.get("SCHEDULER_DUPEFILTER_KEY") % name, f"{queue}:workers"]
        try:
            server = from_settings(settings)
            for key in keys:
                server.expire(key, self.seconds)
        except Exception as exc:  # redis gone: nothing left to tidy
            logger.warning("Could not set expiry on %s: %s", keys, exc)
