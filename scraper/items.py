"""What spiders hand the pipelines: one fetch, plus what the spider knows of the page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archive.capture import Capture


@dataclass
class CaptureItem:
    """A Capture for the archive; `url_kind` is the spider's guess from the URL."""

    capture: Capture
    site: str
    url_kind: str | None = None  # article | page | listing | None
    encoding: str | None = None  # the charset the Content-Type names: a hint for the extractor
    content_type: str = ""


@dataclass
class FetchItem:
    """What a spider yields for every page request: the response or the failure."""

    request: Any  # scrapy.Request
    site: str
    response: Any = None  # scrapy Response
    failure: Any = None  # twisted Failure
    url_kind: str | None = None
    restricted: bool = False
    error: str | None = None  # the spider's own verdict, e.g. a redirect loop
