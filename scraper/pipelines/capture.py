"""The capture pipeline: a spider's FetchItem becomes a CaptureItem of plain data."""

from __future__ import annotations

from typing import Any

from scraper.capture import capture_from_failure, capture_from_response, describe_failure
from scraper.items import CaptureItem, FetchItem
from scraper.mediatypes import http_charset


class CapturePipeline:
    """FetchItem -> CaptureItem. Kept apart so the archive step sees only plain data."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchItem):
            return item
        if item.response is not None:
            capture = capture_from_response(
                item.response, restricted=item.restricted, error=item.error, extra=item.extra
            )
            ctype = item.response.headers.get(b"Content-Type", b"").decode("latin-1")
            # The header's charset, a hint: the extractor decodes the bytes itself.
            encoding = http_charset(ctype)
        else:
            error = item.error or (
                describe_failure(item.failure) if item.failure else "no response"
            )
            capture = capture_from_failure(
                item.request, error, restricted=item.restricted, extra=item.extra
            )
            encoding, ctype = None, ""
        return CaptureItem(capture, item.site, item.url_kind, encoding, ctype, item.hints)
