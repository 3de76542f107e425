"""What spiders hand the pipelines: one fetch, plus what the spider knows of the page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archive.capture import Capture


@dataclass
class CaptureItem:
    """A Capture for the archive; `url_kind` is the spider's guess from the URL."""

    capture: Capture
    site: str
    url_kind: str | None = None  # article | page | listing | feed | None
    encoding: str | None = None  # the charset the Content-Type names: a hint for the extractor
    content_type: str = ""
    hints: dict[str, Any] | None = None  # what a feed said of the page (extract.hints)
    # Set by the extraction pipeline for an HTML page: the Article (None when extraction
    # failed), its content prepared for the archive when a worker did that, and who made it.
    article: Any = None
    prepared: Any = None
    extractor_version: str = ""


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
    hints: dict[str, Any] | None = None  # what a feed said of the page (extract.hints)
    extra: dict[str, Any] = field(default_factory=dict)  # kept with the capture
