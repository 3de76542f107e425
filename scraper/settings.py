"""Scrapy settings for uninews, grouped like Scrapy's defaults: enabling flag first.

Everything here can be overridden per crawl (`uninews crawl -s NAME=VALUE`) or by a
site profile's [politeness] table.
"""

from scraper import __version__

BOT_NAME = "uninews"
SPIDER_MODULES = ["scraper.spiders"]
NEWSPIDER_MODULE = "scraper.spiders"

# Identity: an identifiable User-Agent with a way to reach the operator. Operators set
# their own contact (`uninews crawl --contact ops@example.org`): the project itself has no
# address a site owner could write to about someone else's crawl.
UNINEWS_CONTACT = ""
USER_AGENT = f"uninews/{__version__}"  # rebuilt from the contact by the CLI

# What a request accepts. Scrapy asks for br and zstd too; warcio 1.8 (and pywb through it)
# cannot decode br with the brotli package Scrapy installs, so WARCs of br-served pages would
# not replay. gzip and deflate, as Heritrix asks, are read by every WARC tool, and uninews
# keeps them byte for byte at the cost of the decoded page (archive/recipes.py).
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en",
    "Accept-Encoding": "gzip, deflate",
}

# Politeness.
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_DELAY = 0.5
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Scrapy starts this many tasks for every response's output; ours is one item and a few
# requests. 8 instead of 100 took a 660-page demo crawl from 46 to 59 pages/s (bench/crawl.py);
# 2 lets a page's requests be scheduled while its item waits for extraction and the archive.
CONCURRENT_ITEMS = 2

# Fetching.
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024  # bigger bodies are recorded as errors, not archived
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
# Redirects are followed by the spiders, so the 3xx itself is recorded and scope is kept.
REDIRECT_ENABLED = False
# Every status reaches the spider: 304, 404/410, 3xx, 401/403 and 5xx are all recorded.
HTTPERROR_ALLOW_ALL = True
# Scrapy's own cache is off: the archive is the cache (conditional GET from its validators).
HTTPCACHE_ENABLED = False
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # a crawler of other people's sites opens no listening port

# The archive.
UNINEWS_DB = "archive.db"
# A `crawl --redis URL --to-redis` worker writes no archive: it hands its captures to the
# Redis stream that `uninews ingest` writes into the archive, and reads validators and known
# pages from what ingest publishes there (scraper.crawl.crawl_settings sets the components).
UNINEWS_TO_REDIS = False
# Such a worker waits while the stream holds this many entries, ingest being behind (about
# 100 KB of Redis memory each for pages of 40-80 KB); 0: never wait.
UNINEWS_INGEST_BACKLOG = 5000
# A `--redis` worker refreshes its heartbeat five times within this many seconds. Once it has
# not for this long, another worker pushes the requests it had taken back to the queue, and
# `uninews ingest` ends its runs as `interrupted` (scraper.scheduler). A thread beats, so a
# busy crawl still does; keep it longer than a machine's stalls or a network's outages, or a
# live worker is taken for dead and what it held is fetched twice.
UNINEWS_HEARTBEAT_TTL = 30.0
UNINEWS_SITE = ""  # profile name or path; empty with UNINEWS_START_URL for generic mode
UNINEWS_START_URL = ""
UNINEWS_HOST_MAP = {}  # {"www.umu.se": "http://127.0.0.1:8080"}
# Hosts fetched from another server, their URLs kept (scraper/middlewares/route.py):
# {"127.0.0.1:8765": "http://127.0.0.1:40123"}, as `uninews demo` sets it.
UNINEWS_HOST_ROUTES = {}
UNINEWS_MAX_PAGES = 0  # 0: no limit

# Page requisites: the stylesheets, images, fonts and scripts of each archived HTML page
# (and the url(...) of those stylesheets, one level), archived as captures of kind
# "requisite". None: as the profile's [requisites] table says (off without one); True/False
# (`uninews crawl --requisites` / `--no-requisites`) decides. Fetched once per run each,
# conditionally, on the site's hosts and the profile's [requisites] hosts (CDNs) only.
UNINEWS_REQUISITES = None
# Requisite requests a run may send (its own budget: they do not count toward --max-pages);
# a profile's [requisites] max_requests sets it too. 0: no requisites at all.
UNINEWS_MAX_REQUISITES = 500

# Conditional GET (If-None-Match / If-Modified-Since from what the archive holds).
UNINEWS_CONDITIONAL_GET_ENABLED = True
UNINEWS_VALIDATORS_STORE = "scraper.middlewares.conditional.ArchiveValidators"

# Revisiting what the archive already holds.
UNINEWS_REVISIT_POLICY = "scraper.discovery.revisit.SpecPolicy"
UNINEWS_REVISIT = "all"  # all | none | older-than:7d

# Extraction runs off the reactor thread so downloads go on meanwhile:
# "process" (a pool using the other cores), "thread" (one process) or "inline".
# On 2 cores one extraction process beside the crawler took the demo crawl from 80 to
# 111 pages/s (bench/crawl.py): the crawler's thread holds the GIL nearly all the time,
# so extraction threads only queue behind it.
UNINEWS_EXTRACT_POOL = "process"
UNINEWS_EXTRACT_WORKERS = 0  # 0: one per core beyond the crawler's own (at least one)
# Seconds of CPU an extraction process may spend on one page; a page over it is archived
# with its body and an error, without a version, and `uninews reprocess` tries it again.
UNINEWS_EXTRACT_BUDGET = 5.0
# Archive writes in a process of their own ("process") or a thread of the crawler ("thread").
# In a process they no longer share the crawler's GIL: the demo crawl went from 121-142 to
# 155-170 pages/s (bench/crawl.py). If that process dies, writes go on in a thread.
UNINEWS_ARCHIVE_WRITER = "process"

# Resume: a run of a site and spider right after an interrupted one (killed, out of memory,
# a reboot) started less than this many seconds ago skips the pages it captured. 0: never.
UNINEWS_RESUME_WINDOW = 86400.0

# Extraction health (archive/health.py): at the end of a run, the share of its article pages
# with a title, body, date and lead against the median of the site's last
# UNINEWS_HEALTH_RUNS finished runs; a drop of more than UNINEWS_HEALTH_DROP on any field,
# with at least UNINEWS_HEALTH_MIN_ARTICLES article pages, is a template alarm (exit 3).
UNINEWS_HEALTH_DROP = 0.3
UNINEWS_HEALTH_MIN_ARTICLES = 10
UNINEWS_HEALTH_RUNS = 5

# Progress while a crawl runs (scraper/extensions/progress.py): on a terminal one line
# updated in place every UNINEWS_PROGRESS_TTY_INTERVAL seconds; elsewhere a log line at INFO
# (shown without -v) every UNINEWS_PROGRESS_INTERVAL seconds. 0 turns either off.
UNINEWS_PROGRESS_INTERVAL = 10.0
UNINEWS_PROGRESS_TTY_INTERVAL = 1.0
LOGSTATS_INTERVAL = 0  # replaced by the progress extension
STATS_CLASS = "scraper.extensions.stats.PlainStats"

DOWNLOADER_MIDDLEWARES = {
    "scraper.middlewares.scope.ScopeMiddleware": 50,
    # robots.txt per RFC 9309 (5xx or unreachable: disallow the host), kept as captures
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "scraper.middlewares.robots.RobotsPolicyMiddleware": 100,
    # an interrupted run's captured pages are not fetched again (before the page budget)
    "scraper.middlewares.resume.ResumeMiddleware": 105,
    "scraper.middlewares.budget.PageBudgetMiddleware": 110,  # after robots.txt
    "scraper.middlewares.conditional.ConditionalGetMiddleware": 560,
    "scraper.middlewares.wire.WireHeadersMiddleware": 595,  # before decompression
    "scraper.middlewares.route.HostRouteMiddleware": 700,  # before HttpProxyMiddleware (750)
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
}
ITEM_PIPELINES = {
    "scraper.pipelines.capture.CapturePipeline": 100,
    "scraper.pipelines.extraction.ExtractionPipeline": 200,
    "scraper.pipelines.archive.ArchivePipeline": 300,
}
EXTENSIONS = {
    "scraper.extensions.progress.Progress": 500,
    "scrapy.extensions.logstats.LogStats": None,
}

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
