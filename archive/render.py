"""How `uninews show` presents a version: plain text, markdown, JSON, or the archived HTML."""

from __future__ import annotations

import json
import re

from .outcomes import header
from .queries import VersionRow

FORMATS = ("text", "markdown", "json", "html", "raw")
_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.IGNORECASE)


def _meta_lines(row: VersionRow) -> list[str]:
    c = row.content
    lines = [f"URL: {row.url}", f"Version: {row.version} (fetched {row.fetched_at})"]
    for label, value in (
        ("Published", c.get("published_at")),
        ("Updated", c.get("updated_at")),
        ("Category", c.get("category")),
        ("Authors", ", ".join(c.get("authors") or [])),
        ("Language", c.get("lang")),
    ):
        if value:
            lines.append(f"{label}: {value}")
    return lines


def as_text(row: VersionRow) -> str:
    c = row.content
    parts = [c.get("title") or "(no title)", "\n".join(_meta_lines(row))]
    parts += [p for p in (c.get("lead"), c.get("body_text")) if p]
    for contact in c.get("contacts") or []:
        parts.append("Contact: " + ", ".join(str(v) for v in contact.values() if v))
    return "\n\n".join(parts) + "\n"


def as_markdown(row: VersionRow) -> str:
    c = row.content
    parts = [f"# {c.get('title') or '(no title)'}"]
    parts.append("\n".join(f"- {line}" for line in _meta_lines(row)))
    if c.get("lead"):
        parts.append(f"**{c['lead']}**")
    body = c.get("body_markdown") or c.get("body_text")
    if body:
        parts.append(body)
    return "\n\n".join(parts) + "\n"


def as_json(row: VersionRow) -> str:
    return json.dumps(row.to_dict(), ensure_ascii=False, indent=2) + "\n"


def decode_html(body: bytes, headers: list[list[str]]) -> str:
    """The archived HTML as text: charset from Content-Type, else the page's meta, else UTF-8."""
    content_type = header(headers, "content-type") or ""
    match = _CHARSET.search(content_type) or _CHARSET.search(body[:2048].decode("ascii", "ignore"))
    encoding = match.group(1) if match else "utf-8"
    try:
        return body.decode(encoding, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")
