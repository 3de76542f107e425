"""What a response's Content-Type says: whether the body is HTML, and the charset it names.

Asked by the spiders (follow links of HTML only), the capture step, the extraction pipeline and
`uninews reprocess` alike, so they agree on what is a page.
"""

from __future__ import annotations

from email.message import Message

HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_html(content_type: str, body: bytes | None) -> bool:
    ctype = content_type.split(";")[0].strip().lower()
    if ctype:
        return ctype in HTML_TYPES
    head = (body or b"")[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def http_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header ("text/html; charset=utf-8")."""
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return charset.strip() or None if isinstance(charset, str) else None
