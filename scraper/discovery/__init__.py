"""Discovery: which URLs a crawl finds, may fetch, and fetches again.

Plain functions and classes over bytes and URLs, no Scrapy requests: spiders declare what to
fetch, these parse what came back (feeds, sitemaps, HTML links and pagination), say what a
URL is (URL kinds), whether it is in the crawl's scope (hosts, path prefixes, login pages)
and whether a page is due for a revisit.
"""
