"""A bundled copy of a university news site in umu.se's style, served on 127.0.0.1.

It is both `uninews demo` and the fixture of the crawl tests: `DemoSite` is the
deterministic content model (two content states), `DemoServer` serves it with
conditional GET and logs every request.
"""

from .model import Changes, DemoArticle, DemoContact, DemoImage, DemoPage, Resource
from .server import DemoServer, RequestLog
from .site import DemoSite

__all__ = [
    "Changes",
    "DemoArticle",
    "DemoContact",
    "DemoImage",
    "DemoPage",
    "DemoServer",
    "DemoSite",
    "RequestLog",
    "Resource",
]
