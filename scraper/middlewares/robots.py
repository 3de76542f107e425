"""robots.txt as RFC 9309 says, each fetch of it kept as a capture.

Scrapy's RobotsTxtMiddleware parses whatever robots.txt answers and allows everything when
it cannot be fetched. RFC 9309 2.3.1: a 4xx ("unavailable") means no rules, so allow all;
a 5xx or no answer at all ("unreachable") means assume complete disallow; redirects are
followed for at least five hops. Here a host whose robots.txt is unreachable is not crawled
for the rest of the run, which the run's summary reports, and every robots.txt response (or
failure) is handed to the archive as a capture of kind "robots", so an archivist can show
the policy in force when a page was fetched.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

# Sent with capture=Capture for every robots.txt fetch; the archive pipeline records it.
robots_fetched = object()

MAX_HOPS = 5  # redirects followed, as RFC 9309 2.3.1.2 asks at least
REDIRECTS = (301, 302, 303, 307, 308)
DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"
UNAVAILABLE_HOSTS = "uninews/robots_unreachable_hosts"  # stats: ["host (why)", ...]


class RobotsPolicyMiddleware(RobotsTxtMiddleware):
    async def robot_parser(self, request: Request) -> Any:
        url = urlparse_cached(request)
        netloc = url.netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            target = f"{url.scheme}://{netloc}/robots.txt"
            for hop in range(MAX_HOPS + 1):
                robots = Request(
                    target,
                    priority=self.DOWNLOAD_PRIORITY,
                    meta={"dont_obey_robotstxt": True},
                    callback=NO_CALLBACK,
                    dont_filter=True,
                )
                self._stats.inc_value("robotstxt/request_count")
                try:
                    response = await self.crawler.engine.download_async(robots)
                except Exception as exc:
                    await self._unreachable(robots, netloc, exc)
                    break
                location = response.headers.get(b"Location")
                if response.status in REDIRECTS and location and hop < MAX_HOPS:
                    await self._keep(response=response)  # each hop is a fetch of its own
                    target = response.urljoin(location.decode("latin-1"))
                    continue
                await self._parse_robots(response, netloc, request)
                break
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)
        return parser

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        self._stats.inc_value("robotstxt/response_count")
        self._stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        status = response.status
        if 200 <= status < 300:
            rules = response.body
        elif 300 <= status < 500:  # 4xx, or still a redirect after MAX_HOPS: no rules
            rules = b""
        else:
            rules = DISALLOW_ALL
            self._note_unreachable(netloc, f"robots.txt answered {status}")
        await self._keep(response=response)
        self._resolve(netloc, build_from_crawler(self._parserimpl, self.crawler, rules))

    async def _unreachable(self, robots: Request, netloc: str, exc: Exception) -> None:
        from scraper.capture import capture_from_failure

        if isinstance(exc, IgnoreRequest):  # not ours to fetch (out of scope): no rules
            self._resolve(netloc, None)
            return
        why = f"{type(exc).__name__}: {str(exc).strip()[:200]}".rstrip(": ")
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        self._note_unreachable(netloc, f"robots.txt unreachable ({why})")
        await self._keep(capture=capture_from_failure(robots, f"robots.txt unreachable: {why}"))
        self._resolve(netloc, build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL))

    def _note_unreachable(self, netloc: str, why: str) -> None:
        logger.warning("%s for %s: not crawling that host in this run (RFC 9309)", why, netloc)
        hosts = list(self._stats.get_value(UNAVAILABLE_HOSTS, []))
        hosts.append(f"{netloc} ({why})")
        self._stats.set_value(UNAVAILABLE_HOSTS, hosts)

    async def _keep(self, response: Response | None = None, capture: Any = None) -> None:
        from scraper.capture import capture_from_response

        if capture is None:
            capture = capture_from_response(response)
        await self.crawler.signals.send_catch_log_async(signal=robots_fetched, capture=capture)

    def _resolve(self, netloc: str, parser: Any) -> None:
        waiting = self._parsers[netloc]
        self._parsers[netloc] = parser
        if isinstance(waiting, Deferred):
            waiting.callback(parser)
