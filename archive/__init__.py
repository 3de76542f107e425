"""The uninews archive: versioned snapshots of web pages in one SQLite file.

A library with no Scrapy in it: the crawler hands it `Capture` objects and
extracted content; archivists and researchers read it back.
"""
