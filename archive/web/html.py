"""HTML pieces of the web view, built from escaped text only (markupsafe), never from raw input.

Diffs become <ins>/<del>, search snippets <mark>, a version's body_markdown readable HTML with
raw HTML and images turned off (an archived page's images live on its site: the view loads
nothing from outside), and the captures of a page an inline SVG timeline.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from ..diff import FieldChange, Op, paragraph_ops, word_ops
from ..queries import MATCH_CLOSE, MATCH_OPEN
from ..times import stored_instant

# Fields shown as one line of words; the others are bodies (paragraphs) or lists of items.
TEXT_FIELDS = ("title", "lead", "published_at", "updated_at", "category", "lang")
LIST_FIELDS = ("authors", "tags", "images", "contacts", "links")
OUTCOME_COLOURS = {
    "new": "#1a7f37",
    "changed": "#bf8700",
    "unchanged": "#6e7781",
    "not_modified": "#8c959f",
    "gone": "#cf222e",
    "redirected": "#8250df",
    "restricted": "#953800",
    "error": "#a40e26",
}


def _markdown() -> MarkdownIt:
    md = MarkdownIt("default", {"html": False, "linkify": False})

    def image(renderer: Any, tokens: Any, idx: int, options: Any, _env: Any) -> str:
        token = tokens[idx]
        alt = "".join(child.content for child in token.children or [])
        src = token.attrGet("src") or ""
        shown = Markup('<span class="image">[image: {}] <code>{}</code></span>')
        return str(shown.format(alt, src))

    md.add_render_rule("image", image)
    return md


class Renderer:
    """Turns archive data into safe HTML; one per app (the markdown parser is built once)."""

    def __init__(self) -> None:
        self._md = _markdown()

    def markdown(self, text: str | None) -> Markup:
        """body_markdown as HTML: no raw HTML passes, unsafe link schemes are refused, links
        open without a referrer, images become text."""
        html = self._md.render(text or "")
        return Markup(html.replace("<a href=", '<a rel="noreferrer nofollow" href='))


def ops_html(ops: Iterable[Op]) -> Markup:
    """Word-level ops as text with <del> and <ins> around what changed."""
    out = []
    for tag, text in ops:
        if tag == "delete":
            out.append(Markup("<del>{}</del>").format(text))
        elif tag == "insert":
            out.append(Markup("<ins>{}</ins>").format(text))
        else:
            out.append(escape(text))
    return Markup("").join(out)


def _item(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, "", []))
    return json.dumps(value, ensure_ascii=False)


def change_html(change: FieldChange) -> Markup:
    """One changed field between two versions, marked word by word (bodies paragraph by
    paragraph, lists item by item)."""
    if change.field in ("body_text", "body_markdown"):
        blocks = []
        for block in paragraph_ops(change.old, change.new):
            if block.skipped:
                many = "s" if block.skipped > 1 else ""
                blocks.append(
                    Markup('<p class="skipped">… {} unchanged paragraph{} …</p>').format(
                        block.skipped, many
                    )
                )
            else:
                blocks.append(Markup("<p>{}</p>").format(ops_html(block.ops)))
        return Markup('<div class="body-diff">{}</div>').format(Markup("").join(blocks))
    if change.field in LIST_FIELDS:
        old = [_item(v) for v in change.old or []]
        new = [_item(v) for v in change.new or []]
        rows = [Markup("<li><del>{}</del></li>").format(v) for v in old if v not in new]
        rows += [Markup("<li><ins>{}</ins></li>").format(v) for v in new if v not in old]
        kept = sum(v in new for v in old)
        if kept:
            rows.append(Markup('<li class="skipped">{} unchanged</li>').format(kept))
        return Markup('<ul class="list-diff">{}</ul>').format(Markup("").join(rows))
    old_text = "" if change.old is None else str(change.old)
    new_text = "" if change.new is None else str(change.new)
    return Markup('<p class="line-diff">{}</p>').format(ops_html(word_ops(old_text, new_text)))


def snippet_html(marked: str) -> Markup:
    """An FTS5 snippet with its match marks (queries.MATCH_OPEN/CLOSE) as <mark>."""
    out, inside = [], False
    for part in marked.replace(MATCH_CLOSE, MATCH_OPEN).split(MATCH_OPEN):
        out.append(Markup("<mark>{}</mark>").format(part) if inside else escape(part))
        inside = not inside
    return Markup("").join(out)


def _instant(text: str) -> float | None:
    try:
        return stored_instant(text).timestamp()
    except (AttributeError, ValueError):
        return None


def timeline_svg(captures: Sequence[dict[str, Any]], width: int = 1000) -> Markup:
    """The captures of a page on a time axis: one dot per fetch, coloured by outcome, a ring
    where it wrote a version; each dot links to its row in the captures table."""
    times = [_instant(c["fetched_at"]) for c in captures]
    known = [t for t in times if t is not None]
    if not known:
        return Markup("")
    first, last = min(known), max(known)
    span = (last - first) or 1.0
    margin = 16
    dots = []
    for capture, t in zip(captures, times, strict=True):
        x = margin if t is None else margin + (t - first) / span * (width - 2 * margin)
        colour = OUTCOME_COLOURS.get(capture["outcome"], "#57606a")
        label = f"{capture['fetched_at']} {capture['http_status'] or '---'} {capture['outcome']}"
        if capture.get("version"):
            label += f", version {capture['version']}"
        ring = (
            Markup('<circle cx="{:.1f}" cy="20" r="10" fill="none" stroke="{}"/>').format(x, colour)
            if capture.get("version")
            else Markup("")
        )
        dots.append(
            Markup(
                '<a href="#c{}"><title>{}</title>{}'
                '<circle cx="{:.1f}" cy="20" r="6" fill="{}"/></a>'
            ).format(capture["id"], label, ring, x, colour)
        )
    return Markup(
        '<svg class="timeline" viewBox="0 0 {w} 48" role="img" aria-label="captures over time">'
        '<line x1="{m}" y1="20" x2="{e}" y2="20" stroke="#d0d7de" stroke-width="2"/>{dots}'
        '<text x="{m}" y="44" font-size="11">{a}</text>'
        '<text x="{e}" y="44" font-size="11" text-anchor="end">{b}</text></svg>'
    ).format(
        w=width,
        m=margin,
        e=width - margin,
        dots=Markup("").join(dots),
        a=captures[0]["fetched_at"][:16].replace("T", " "),
        b=captures[-1]["fetched_at"][:16].replace("T", " "),
    )
