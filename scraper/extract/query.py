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

# What the page's source must hold (ignoring ASCII case) for an expression to find anything:
# a tag ("<time") or an attribute name ("itemprop"), neither of which markup can spell
# another way. first() skips an expression whose need the page lacks: a substring test costs a
# fraction of the XPath walk over the whole tree.
EXPRESSION_NEEDS: dict[etree.XPath, str] = {
    xpaths.ITEMPROP_DATE_PUBLISHED: "itemprop",
    xpaths.ARTICLE_TIME: "<time",
    xpaths.PUBDATE_TIME: "<time",
    xpaths.FIRST_TIME: "<time",
    xpaths.ITEMPROP_DATE_MODIFIED: "itemprop",
    xpaths.ITEMPROP_AUTHOR_NAME: "itemprop",
    xpaths.ITEMTYPES: "itemtype",
}


@functools.lru_cache(maxsize=256)
def _compile(expr: str) -> etree.XPath:
    """A profile's expression compiled once (bounded: profiles hold a handful): tree.xpath(str)
    would compile it on every call, which costs as much as the search itself."""
    return etree.XPath(expr)


def matches(tree: lxml_html.HtmlElement, expr: etree.XPath | str) -> list:
    """What an XPath expression (one of xpaths.py, or a profile's string) finds; nothing for a
    bad one (profiles are user data, and a bad profile expression must not stop extraction)."""
    try:
        compiled = expr if isinstance(expr, etree.XPath) else _compile(expr)
        return compiled(tree)
    except Exception:
        return []


class Source:
    """The bytes a page was parsed from, asked whether they hold the need of an expression
    (EXPRESSION_NEEDS); answers are kept for the page. Bytes, because their lower()
    folds ASCII only, as the HTML parser does with tag and attribute names, and costs a
    tenth of str.lower() on a page with non-ASCII text."""

    def __init__(self, data: bytes):
        self.data = data
        self._lowered: bytes | None = None
        self._has: dict[str, bool] = {}

    def may_match(self, expr: etree.XPath | str) -> bool:
        need = EXPRESSION_NEEDS.get(expr)
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
