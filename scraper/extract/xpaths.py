"""Selectors and phrases as data, kept apart from the logic that uses them.

Every list is ordered: the first expression that yields something wins. Site profiles
(`[extract]` in scraper/sites/*.toml) put their own expressions in front of these.
"""

from __future__ import annotations

# Hidden elements and landmark roles that are never the article: one cheap XPath pass for
# the attributes, the values are checked in Python (translate() in XPath cost 2 ms a page).
# Both are evaluated on <body>; "descendant::*" walks the tree once where ".//*" (that is
# descendant-or-self::node()/child::*) costs a third more.
DROP_ATTR_XPATH = "descendant::*[@hidden or @aria-hidden or @style or @role]"
CLASS_OR_ID_XPATH = "descendant::*[@class or @id]"

PAGE_TITLE = "//head/title"
PUBLISHED_XPATHS = (
    "//*[@itemprop='datePublished']/@datetime",
    "//article//time[@datetime][1]/@datetime",
    "//time[@pubdate]/@datetime",
    "//time[@datetime][1]/@datetime",
)

# What the page's source must hold (ignoring ASCII case) for an expression to find anything:
# a tag ("<time") or an attribute name ("itemprop"), neither of which markup can spell
# another way. first() skips an expression whose need the page lacks: a substring test costs a
# fraction of the XPath walk over the whole tree.
EXPRESSION_NEEDS = {
    "//*[@itemprop='datePublished']/@datetime": "itemprop",
    "//article//time[@datetime][1]/@datetime": "<time",
    "//time[@pubdate]/@datetime": "<time",
    "//time[@datetime][1]/@datetime": "<time",
    "//*[@itemprop='dateModified']/@datetime": "itemprop",
    "/descendant::*[@itemprop='author']/descendant::*[@itemprop='name']/descendant::text()": (
        "itemprop"
    ),
}

UPDATED_XPATHS = ("//*[@itemprop='dateModified']/@datetime",)
AUTHOR_XPATHS = (
    "/descendant::*[@itemprop='author']/descendant::*[@itemprop='name']/descendant::text()",
    "/descendant::a[@rel='author']/descendant::text()",
)


CREDIT_XPATHS = (
    "descendant::*[contains(@class,'bildPhotografer')]",
    "descendant::*[contains(@class,'photographer') or contains(@class,'credit')"
    " or contains(@class,'copyright') or contains(@class,'byline')]",
)
