"""Keep the response headers as they came over the wire.

Scrapy's HttpCompressionMiddleware decodes gzip/br bodies and drops Content-Encoding;
the archive wants the headers as served (and the decoded body), so this middleware,
placed nearer the downloader, copies them into request meta before that happens.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.http import Response

WIRE_HEADERS = "uninews_wire_headers"


class WireHeadersMiddleware:
    def process_response(self, request: Request, response: Response) -> Response:
        request.meta[WIRE_HEADERS] = response.headers.copy()
        return response
