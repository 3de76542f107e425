"""Keep the response as it came over the wire: headers and body.

Scrapy's HttpCompressionMiddleware decodes gzip/deflate/br/zstd bodies and drops
Content-Encoding; the archive keeps the headers and the body as received (and parses the
decoded body), so this middleware, placed nearer the downloader, puts both into request meta
before that happens. The body is a reference to the downloaded bytes, not a copy.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.http import Response

WIRE_HEADERS = "uninews_wire_headers"
WIRE_BODY = "uninews_wire_body"


class WireHeadersMiddleware:
    def process_response(self, request: Request, response: Response) -> Response:
        request.meta[WIRE_HEADERS] = response.headers.copy()
        request.meta[WIRE_BODY] = response.body
        return response
