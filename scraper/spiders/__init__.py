"""The spiders: `news` (articles from feeds, sitemaps and listings) and `pages` (a section of
a site under its paths), both on `base.ArchiveSpider`'s configuration and requests."""
