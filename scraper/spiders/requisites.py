"""Page requisites in a spider: requests for what an archived page needs to render, once each
per run, on the site's hosts (and its CDN hosts), within the run's own requisite budget.

The URLs come from scraper.discovery.requisites; a stylesheet's own url(...) are asked for
too, one level deep. Answers are archived as captures of kind "requisite": never pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.settings import SETTINGS_PRIORITIES

from scraper.discovery.requisites import css_requisites, page_requisites
from scraper.discovery.scope import Scope, map_host
from scraper.items import FetchItem
from scraper.middlewares.scope import ROLE

KIND = "requisite"
FROM_CSS = "uninews_requisite_of_css"  # request meta: named by a stylesheet (no deeper)
PROJECT = SETTINGS_PRIORITIES["project"]


class Requisites:
    """Which requisites a run asks for: `enabled`, in `scope`, at most `budget`, once each."""

    def __init__(self, enabled: bool, scope: Scope, budget: int) -> None:
        self.enabled = enabled and budget > 0
        self.scope = scope
        self.budget = budget
        self.asked: set[str] = set()

    @classmethod
    def configure(
        cls,
        settings: Any,
        table: Mapping[str, Any],
        scope: Scope,
        host_map: Mapping[str, str] | None,
    ) -> Requisites:
        """The option (UNINEWS_REQUISITES, when set) wins over the profile's [requisites]."""
        option = settings.get("UNINEWS_REQUISITES")
        enabled = (
            bool(table.get("enabled", False))
            if option is None or option == ""
            else settings.getbool("UNINEWS_REQUISITES")
        )
        budget = settings.getint("UNINEWS_MAX_REQUISITES")
        # the profile's figure, unless -s UNINEWS_MAX_REQUISITES=N gave one
        given = (settings.getpriority("UNINEWS_MAX_REQUISITES") or 0) > PROJECT
        if "max_requests" in table and not given:
            budget = int(table["max_requests"])
        cdn = {map_host(h, host_map) for h in table.get("hosts", [])}
        return cls(enabled, Scope(scope.hosts | cdn), budget)

    def wanted(self, urls: Iterable[str], stats: Any) -> Iterator[str]:
        """The URLs not asked for yet in this run, in scope, while the budget lasts."""
        for url in urls:
            if url in self.asked:
                continue
            if not self.scope.allows_host(url):
                stats.inc_value("uninews/requisites_out_of_scope")
                continue
            if len(self.asked) >= self.budget:
                stats.inc_value("uninews/requisites_over_budget")
                continue
            self.asked.add(url)
            stats.inc_value("uninews/requisite_requests")
            yield url


class RequisitesMixin:
    """The spider side: asking for a page's requisites and archiving the answers."""

    requisites: Requisites
    site_name: str
    crawler: Any
    page_failed: Any  # the spider's errback for any archived request

    def requisites_of_page(self, response: Response) -> Iterator[scrapy.Request]:
        if not self.requisites.enabled:
            return
        found = page_requisites(response.body, response.url, response.encoding)
        yield from self._requisite_requests(found, from_css=False)

    def _requisite_requests(self, urls: Iterable[str], from_css: bool) -> Iterator[Any]:
        for url in self.requisites.wanted(urls, self.crawler.stats):
            meta = {
                ROLE: KIND,
                "dont_redirect": True,
                "handle_httpstatus_all": True,
                "url_kind": KIND,
                FROM_CSS: from_css,
            }
            yield scrapy.Request(
                url, callback=self.parse_requisite, errback=self.page_failed, meta=meta
            )

    def parse_requisite(self, response: Response) -> Iterator[Any]:
        """Archive the answer (any status); a stylesheet a page named is read for url(...)."""
        yield FetchItem(response.request, self.site_name, response=response, url_kind=KIND)
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        if (
            response.status == 200
            and not response.meta.get(FROM_CSS)
            and (ctype.startswith("text/css") or response.url.lower().endswith(".css"))
        ):
            found = css_requisites(response.body, response.url, _charset(ctype))
            yield from self._requisite_requests(found, from_css=True)


def _charset(content_type: str) -> str:
    _, _, charset = content_type.partition("charset=")
    return charset.split(";")[0].strip().strip('"') or "utf-8"
