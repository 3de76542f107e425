"""Markup a browser and libxml2 build different trees from, rewritten so that libxml2
builds the browser's.

HTML's parsing algorithm (what browsers run) and libxml2's HTML parser (what lxml runs)
agree on well-formed pages. Two habits of real templates part them, and each costs a page
its text:

- "</body></html>" printed by a header template before the article: a browser goes back
  to the body on any content after them; libxml2 drops the rest of the page.
- an end tag such as "</aside>" or "</li>" while a <div> opened inside that element is
  still open: a browser closes the div with it; libxml2 ignores the end tag (a <div>
  outranks it), so everything after it lands inside the unclosed element: a newsletter
  popup's <aside> ends up holding the article, and is dropped with it.

repair() is called only when the first parse shows one of them (a cheap test on the bytes,
or libxml2's own error log), so a well-formed page is parsed once and never rewritten.
"""

from __future__ import annotations

import re

from lxml import etree

_DOC_END = re.compile(rb"</(?:body|html)\s*>", re.I)
# After the document's end, what puts nothing on the page: white space, comments, scripts,
# styles and end tags (trackers' scripts after "</html>" are common and harmless).
_AFTER_END = re.compile(rb"\s++|(<!--)|<(script|style)\b|</[A-Za-z][^<>]*+>|(.)", re.S | re.I)

# End tags HTML closes through open elements (its "special" block elements and list items,
# https://html.spec.whatwg.org/multipage/parsing.html#parsing-main-inbody) and libxml2
# does not when a <div> is among them.
CLOSES_THROUGH = frozenset(
    "address article aside blockquote center details dialog dir dl dd dt fieldset "
    "figcaption figure footer form header hgroup li main menu nav ol section summary ul".split()
)

# libxml2's rank of an element against a misplaced end tag (htmlEndPriority in its
# HTMLparser.c): an end tag closes the elements open inside its element only when none of
# them ranks above it, and is ignored otherwise.
END_PRIORITY = {"div": 150, "td": 160, "th": 160, "tr": 170, "thead": 180, "tbody": 180}
END_PRIORITY |= {"tfoot": 180, "table": 190, "head": 200, "body": 200, "html": 220}
_DEFAULT_PRIORITY = 100

# Start tags that close the element open above them (a simplified table of libxml2's
# htmlStartClose): enough to keep the open elements in step with libxml2's.
_BLOCKS = frozenset(
    "address article aside blockquote center details dialog dir div dl fieldset figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr main menu nav ol p pre section table ul".split()
)
CLOSED_BY = {
    "p": _BLOCKS | {"li", "dd", "dt"},
    "li": frozenset({"li"}),
    "dd": frozenset({"dd", "dt"}),
    "dt": frozenset({"dd", "dt"}),
    "option": frozenset({"option", "optgroup"}),
    "tr": frozenset({"tr", "tbody", "thead", "tfoot"}),
    "td": frozenset({"td", "th", "tr", "tbody", "thead", "tfoot"}),
    "th": frozenset({"td", "th", "tr", "tbody", "thead", "tfoot"}),
}
VOID = frozenset(
    "area base br col embed hr img input keygen link meta param source track wbr".split()
)

# Elements whose text is not markup, and the end tag that ends each.
_RAW_TEXT = {
    name: re.compile(rb"</" + name.encode() + rb"\s*>", re.I)
    for name in ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes")
}

# A comment, or a tag with its attributes (quoted values may hold ">"); possessive, so a
# tag that never ends costs one scan.
_TOKEN = re.compile(
    rb"<!--.*?(?:-->|\Z)"
    rb"|<(/?)([A-Za-z][A-Za-z0-9:-]*+)((?:[^<>\"']++|\"[^\"]*+\"|'[^']*+')*+)>",
    re.S,
)
_TAG_MISMATCH = (etree.ErrorTypes.ERR_TAG_NAME_MISMATCH,)
_MISMATCH = re.compile(r"Opening and ending tag mismatch: (\w+) and div\b")


def needs_repair(data: bytes, errors: etree._ListErrorLog) -> bool:
    """Whether the first parse met either habit: markup after "</body>" or "</html>", or
    a CLOSES_THROUGH end tag that libxml2 ignored for an open <div> (errors: the parser's
    error log, of which only tag mismatches are read)."""
    for error in errors.filter_types(_TAG_MISMATCH):
        found = _MISMATCH.match(error.message)
        if found and found.group(1) in CLOSES_THROUGH:
            return True
    return _content_after_end(data) is not None


def repair(data: bytes) -> bytes:
    """The markup with "</div>" put before each end tag libxml2 would otherwise ignore, and
    without a "</body>" or "</html>" that has markup after it."""
    end = _content_after_end(data)
    if end is not None:
        data = data[:end] + _DOC_END.sub(b"", data[end:])
    return _close_divs(data)


def _content_after_end(data: bytes) -> int | None:
    """Where the first "</body>" or "</html>" is, when something shown follows it."""
    end = _DOC_END.search(data)
    if end is None:
        return None
    pos = end.end()
    while pos < len(data):
        token = _AFTER_END.match(data, pos)
        if token.group(3) is not None:  # text or a start tag: shown
            return end.start()
        if token.group(1):  # a comment
            close = data.find(b"-->", token.end())
            pos = len(data) if close < 0 else close + 3
        elif token.group(2):  # a script or a style
            close = _RAW_TEXT[token.group(2).lower().decode()].search(data, token.end())
            pos = len(data) if close is None else close.end()
        else:  # an end tag
            pos = token.end()
    return None


def _close_divs(data: bytes) -> bytes:
    """Walk the tags keeping the open elements as libxml2 would, and close the <div>s an
    end tag in CLOSES_THROUGH has to close (in HTML) before it."""
    out: list[bytes] = []
    done = 0
    stack: list[str] = []
    pos = 0
    while True:
        token = _TOKEN.search(data, pos)
        if token is None:
            break
        pos = token.end()
        name_bytes = token.group(2)
        if name_bytes is None:  # a comment
            continue
        name = name_bytes.decode("ascii").lower()
        if not token.group(1):  # a start tag
            closes = CLOSED_BY.get(stack[-1]) if stack else None
            while stack and closes is not None and name in closes:
                stack.pop()
                closes = CLOSED_BY.get(stack[-1]) if stack else None
            if name in VOID or token.group(3).rstrip().endswith(b"/"):
                continue
            raw_end = _RAW_TEXT.get(name)
            if raw_end is not None:  # its text is not markup: skip to its end tag
                close = raw_end.search(data, pos)
                pos = len(data) if close is None else close.end()
                continue
            stack.append(name)
            continue
        if name not in stack:
            continue  # libxml2 ignores it
        at = len(stack) - 1 - stack[::-1].index(name)
        above = stack[at + 1 :]
        rank = END_PRIORITY.get(name, _DEFAULT_PRIORITY)
        blockers = {el for el in above if END_PRIORITY.get(el, _DEFAULT_PRIORITY) > rank}
        if blockers == {"div"} and name in CLOSES_THROUGH:
            out.append(data[done : token.start()])
            out.append(b"</div>" * above.count("div"))
            done = token.start()
        elif blockers:
            continue  # libxml2 ignores it; so does HTML past a table cell, or past a <div>
            # for an inline element's end tag ("</a>" aside, left to libxml2)
        del stack[at:]
    if not out:
        return data
    out.append(data[done:])
    return b"".join(out)
