"""Many machines, one archive: crawl workers hand their captures to a Redis stream, and one
`uninews ingest` process on the archive host writes them to the archive, in order, and
publishes what the workers need from it (validators, known pages, feed entries) back to Redis.

No Scrapy here: the ingest process does not crawl.
"""
