"""Work the crawl hands to other processes, so the reactor thread only downloads.

`pool` is the process pool (tasks and results over pipes, a dead worker noticed at once);
`extraction` runs the extractor there, under a CPU budget; `archive_process` is the one
process that writes the archive, in the order captures arrive. No Scrapy is imported here:
the item pipelines in scraper/pipelines glue these to the crawl.
"""
