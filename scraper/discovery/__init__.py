"""Discovery helpers: plain classes over bytes that find URLs to crawl.

No Scrapy requests here: spiders declare what to fetch, these parse what came back
(feeds, sitemaps, HTML links and pagination, URL kinds, revisit policies).
"""
