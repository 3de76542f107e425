"""Running XPath expressions on a page: the generic ones of xpaths.py, and a profile's,
which are user data (a bad one finds nothing instead of stopping extraction).

Field lookups go through first(): the first expression that yields a non-empty string wins,
and with the page's source an expression the page cannot match is not run at all.
"""

from __future__ import annotations

import functools

from lxml import etree
from lxml import html as lxml_html

from . import xpaths
from .text import norm

# The generic expressions compiled once: tree.xpath(str) compiles on every call, which cost
# as much as the search itself. Profile expressions (user data) go through _compile().
_COMPILED = {
    expr: etree.XPath(expr, smart_strings=False)
    for expr in (
        xpaths.PAGE_TITLE,
        *xpaths.PUBLISHED_XPATHS,
        *xpaths.UPDATED_XPATHS,
        *xpaths.AUTHOR_XPATHS,
    )
}


@functools.lru_cache(maxsize=256)
def _compile(expr: str) -> etree.XPath:
    """A profile's expression compiled once (bounded: profiles hold a handful)."""
    return etree.XPath(expr)


def matches(tree: lxml_html.HtmlElement, expr: str) -> list:
    """What an XPath expression finds; nothing for a bad one (profiles are user data, and a
    bad profile expression must not stop extraction)."""
    try:
        compiled = _COMPILED.get(expr) or _compile(expr)
        return compiled(tree)
    except Exception:
        return []


class Source:
    """The bytes a page was parsed from, asked whether they hold the need of an expression
    (xpaths.EXPRESSION_NEEDS); answers are kept for the page. Bytes, because their lower()
    folds ASCII only, as the HTML parser does with tag and attribute names, and costs a
    tenth of str.lower() on a page with non-ASCII text."""

    def __init__(self, data: bytes):
        self.data = data
        self._lowered: bytes | None = None
        self._has: dict[str, bool] = {}

    def may_match(self, expr: str) -> bool:
        need = xpaths.EXPRESSION_NEEDS.get(expr)
        if need is None:
            return True
        if need not in self._has:
            wanted = need.encode("ascii")
            if wanted in self.data:
                self._has[need] = True
            else:
                if self._lowered is None:
                    self._lowered = self.data.lower()
                self._has[need] = wanted in self._lowered
        return self._has[need]


def first(tree: lxml_html.HtmlElement, expressions, source: Source | None = None) -> str | None:
    """First non-empty string any expression yields; with the page's source, expressions
    that cannot match it are skipped."""
    for expr in expressions:
        if source is not None and not source.may_match(expr):
            continue
        for value in matches(tree, expr):
            text = norm(value if isinstance(value, str) else value.text_content())
            if text:
                return text
    return None
