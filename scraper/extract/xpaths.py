"""The extractor's XPath expressions as data: compiled once, grouped and named by what they
find, kept apart from the logic that runs them (and from the words and patterns that are
not XPath, in vocabulary.py).

Field lists are ordered: the first expression that yields something wins (query.first).
Site profiles (`[extract]` in scraper/sites/*.toml) put their own expressions, as strings,
in front of these.
"""

from __future__ import annotations

from lxml import etree

# --- Fields (metadata.py) -------------------------------------------------------------
# Compiled without smart strings: the values found are read as text, never traced back to
# the tree. Each list is tried in order; query.EXPRESSION_NEEDS says which of them a page
# without "<time" or "itemprop" in its source can skip.

PAGE_TITLE = etree.XPath("//head/title", smart_strings=False)

ITEMPROP_DATE_PUBLISHED = etree.XPath(
    "//*[@itemprop='datePublished']/@datetime", smart_strings=False
)
ARTICLE_TIME = etree.XPath("//article//time[@datetime][1]/@datetime", smart_strings=False)
PUBDATE_TIME = etree.XPath("//time[@pubdate]/@datetime", smart_strings=False)
FIRST_TIME = etree.XPath("//time[@datetime][1]/@datetime", smart_strings=False)
PUBLISHED_XPATHS = (ITEMPROP_DATE_PUBLISHED, ARTICLE_TIME, PUBDATE_TIME, FIRST_TIME)

ITEMPROP_DATE_MODIFIED = etree.XPath("//*[@itemprop='dateModified']/@datetime", smart_strings=False)
UPDATED_XPATHS = (ITEMPROP_DATE_MODIFIED,)

# The author of the page's own item: a book's or a product's author (a reading list's rows,
# a shop's cards) wrote the thing listed, not the page.
ITEMPROP_AUTHOR_NAME = etree.XPath(
    "/descendant::*[@itemprop='author'][not(ancestor::*[@itemscope][1]"
    "[contains(@itemtype,'Book') or contains(@itemtype,'Product')])]"
    "/descendant::*[@itemprop='name']/descendant::text()",
    smart_strings=False,
)
REL_AUTHOR = etree.XPath("/descendant::a[@rel='author']/descendant::text()", smart_strings=False)
AUTHOR_XPATHS = (ITEMPROP_AUTHOR_NAME, REL_AUTHOR)

# --- Page kind (pagekind.py) ------------------------------------------------------------
# The microdata types the page declares (itemtype="https://schema.org/DiscussionForumPosting").
ITEMTYPES = etree.XPath("//@itemtype", smart_strings=False)

# --- Furniture (content.py) -----------------------------------------------------------
# Hidden elements and landmark roles that are never the article: one cheap XPath pass for
# the attributes, the values are checked in Python (translate() in XPath cost 2 ms a page).
# Both are evaluated on <body>; "descendant::*" walks the tree once where ".//*" (that is
# descendant-or-self::node()/child::*) costs a third more.
DROP_ATTR = etree.XPath("descendant::*[@hidden or @aria-hidden or @style or @role]")
CLASS_OR_ID = etree.XPath("descendant::*[@class or @id]")

# --- Lead (core.py) -------------------------------------------------------------------
# Elements whose class may name a lead paragraph (vocabulary.LEAD_CLASSES).
WITH_CLASS = etree.XPath("descendant::*[@class]")

# --- Labels (labels.py) ---------------------------------------------------------------
# Text nodes with something besides spaces (the blank ones between tags are most of them;
# a node blank to normalize-space() is blank to str.strip() too).
TEXT_NODES = etree.XPath("descendant::text()[normalize-space()]")

# --- Images (images.py) ---------------------------------------------------------------
# The figure or image box an <img> sits in, its caption, or a caption just after the box.
IMAGE_WRAPPER = etree.XPath(
    "ancestor::*[self::figure or contains(@class,'mediaflowwrapper') or contains(@class,'bildlink')"
    " or contains(@class,'image') or contains(@class,'figure') or contains(@class,'media')][1]"
)
CAPTION = etree.XPath(
    "descendant::figcaption"
    " | descendant::*[contains(@class,'bildText') or contains(@class,'caption')]"
)
NEXT_CAPTION = etree.XPath(
    "following-sibling::*[1][contains(@class,'bildText') or contains(@class,'caption')]"
)
# The photo credit inside an image box, umu.se's own class first.
CREDIT_XPATHS = (
    etree.XPath("descendant::*[contains(@class,'bildPhotografer')]"),
    etree.XPath(
        "descendant::*[contains(@class,'photographer') or contains(@class,'credit')"
        " or contains(@class,'copyright') or contains(@class,'byline')]"
    ),
)
