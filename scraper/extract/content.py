"""Main text: drop the furniture, find the article's container, render its blocks.

The container is found like readability does it (paragraphs score their parent and
grandparent; link-heavy candidates lose), then widened to the nearest semantic wrapper
(article, main, itemprop=articleBody, entry-content) so that headings and lists around
the paragraphs are kept. Inside the container each block is kept or dropped on its own
(link density, furniture phrases), the way a reader skims past a share bar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

from . import xpaths
from .metadata import absolute

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "ul", "ol", "li", "blockquote", "pre",
        "table", "tbody", "thead", "tfoot", "tr", "td", "th", "dl", "dt", "dd", "figure",
        "figcaption", "header", "footer", "address", "hr", "center", "details", "summary",
        "fieldset", "caption", "form", "body", "html", *HEADINGS,
    }
)  # fmt: skip
SCORED_TAGS = ("p", "pre", "td", "blockquote", "dd")

# Tuning constants, calibrated on extraction-dev (F1 at each step of 0.05/0.1):
MIN_PARAGRAPH = 25  # characters before a paragraph votes for its container (readability)
MAX_BLOCK_LINK_DENSITY = 0.5  # a block mostly made of link text is navigation
PROTECT_SHARE = 0.5  # a furniture-looking element holding this share of the text is kept
SEMANTIC_WIDEN = 3.0  # widen to a semantic wrapper at most this many times the text

_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_CONTENT_HINT = re.compile(
    r"(?:^|[\s_-])(?:article|content|entry|post|story|body|text|main|news|ingress|blog)"
    r"(?=$|[\s_-])",
    re.I,
)


@dataclass
class Block:
    """One paragraph-like piece of the container, in document order."""

    kind: str  # p, h1..h6, li, oli, pre, td, dt, dd, caption
    text: str
    markdown: str
    link_chars: int = 0
    quote: bool = False
    links: list[dict[str, str]] = field(default_factory=list)

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0


def clean(tree: lxml_html.HtmlElement, extra_drop=()) -> None:
    """Remove the page furniture in place (tails of removed elements stay)."""
    etree.strip_elements(tree, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    etree.strip_elements(tree, *xpaths.DROP_TAGS, with_tail=False)
    body = tree.find("body")
    if body is None:
        body = tree
    total = len(body.text_content()) or 1
    for expr in (*extra_drop, *xpaths.DROP_XPATHS):
        try:
            found = tree.xpath(expr)
        except Exception:  # a bad profile expression must not stop extraction
            continue
        for el in found:
            if isinstance(el, lxml_html.HtmlElement) and el is not body and el is not tree:
                _drop(el)
    candidates = []
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in xpaths.PAGE_FURNITURE_TAGS:
            candidates.append(el)
            continue
        attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
        if len(attrs) > 1 and xpaths.BOILERPLATE_CLASS.search(attrs):
            if el.tag in ("article", "main", "body", "html"):
                continue
            candidates.append(el)
    for el in candidates:
        if el.getroottree().getroot() is not tree:
            continue  # already gone with an ancestor
        if el.tag in xpaths.PAGE_FURNITURE_TAGS and _inside_article(el):
            continue
        if len(el.text_content()) > PROTECT_SHARE * total:
            continue
        _drop(el)


def _inside_article(el) -> bool:
    for parent in el.iterancestors():
        if parent.tag in ("article", "main") or parent.get("itemprop") == "articleBody":
            return True
    return False


def _drop(el) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _text_len(el) -> int:
    return len(_SPACES.sub(" ", el.text_content()).strip())


def _link_density(el) -> float:
    total = _text_len(el)
    if not total:
        return 1.0
    links = sum(len(a.text_content().strip()) for a in el.iter("a"))
    return min(1.0, links / total)


def find_container(tree: lxml_html.HtmlElement, extra=()) -> list[lxml_html.HtmlElement]:
    """The element(s) holding the article text, in document order."""
    for expr in extra:
        try:
            found = [el for el in tree.xpath(expr) if isinstance(el, lxml_html.HtmlElement)]
        except Exception:
            continue
        if found:
            return found[:1]
    body = tree.find("body")
    if body is None:
        body = tree
    scores: dict[lxml_html.HtmlElement, float] = {}
    for el in body.iter(*SCORED_TAGS, "div"):
        if el.tag == "div":
            text = (el.text or "").strip() + " ".join((c.tail or "").strip() for c in el)
            text = text.strip()
        else:
            text = el.text_content().strip()
        if len(text) < MIN_PARAGRAPH:
            continue
        score = 1 + text.count(",") + min(len(text) / 100, 3)
        parent = el.getparent() if el.tag != "div" else el
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0.0) + score
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0.0) + score / 2
    if not scores:
        return [body]
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)[:5]
    best, best_score = None, -1.0
    for el, score in ranked:
        attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
        if _CONTENT_HINT.search(attrs):
            score *= 1.25
        score *= 1 - _link_density(el)
        if score > best_score:
            best, best_score = el, score
    return [_widen(best, scores, best_score)]


def _widen(best, scores, best_score):
    """The nearest semantic wrapper around the best candidate, if not much bigger."""
    size = _text_len(best) or 1
    node = best
    for _ in range(6):
        if (
            node.tag in ("article", "main")
            or node.get("itemprop") == "articleBody"
            or node.get("role") == "main"
        ):
            if node is best or _text_len(node) <= SEMANTIC_WIDEN * size:
                return node
            break
        node = node.getparent()
        if node is None or node.tag in ("body", "html"):
            break
    # readability's sibling merge is replaced by one step up when the parent is mostly
    # made of good paragraphs: a split article body (two divs of paragraphs) stays whole.
    parent = best.getparent()
    if parent is not None and parent.tag not in ("body", "html"):
        if scores.get(parent, 0) >= 0.9 * scores.get(best, 0) and _link_density(parent) < 0.3:
            if _text_len(parent) <= 1.6 * size:
                return parent
    return best


class _Walker:
    """Turns a container into Blocks, keeping links for text and markdown."""

    def __init__(self, base_url: str, skip: set):
        self.base_url = base_url
        self.skip = skip
        self.blocks: list[Block] = []
        self.stack: list[str] = []
        self.quote = 0
        self.link = 0
        self._reset()

    def _reset(self) -> None:
        self.text: list[str] = []
        self.md: list[str] = []
        self.link_chars = 0
        self.links: list[dict[str, str]] = []

    def add(self, text: str | None, md: str | None = None) -> None:
        if not text:
            return
        self.text.append(text)
        self.md.append(text if md is None else md)
        if self.link:
            self.link_chars += len(text.strip())

    def flush(self) -> None:
        text = _tidy("".join(self.text))
        if text:
            kind = self._kind()
            self.blocks.append(
                Block(kind, text, _tidy("".join(self.md)), self.link_chars, self.quote > 0,
                      self.links)
            )  # fmt: skip
        self._reset()

    def _kind(self) -> str:
        for tag in reversed(self.stack):
            if tag in HEADINGS or tag in ("li", "pre", "td", "th", "dt", "dd", "figcaption"):
                if tag == "li":
                    return "oli" if "ol" in self.stack else "li"
                return {"th": "td", "figcaption": "caption"}.get(tag, tag)
        return "p"

    def walk(self, el, depth: int = 0) -> None:
        tag = el.tag
        if not isinstance(tag, str) or el in self.skip:
            self.add(el.tail)
            return
        if depth > 150:  # pathological nesting: keep the words, lose the structure
            self.add(" ".join(el.itertext()))
            self.add(el.tail)
            return
        if tag in BLOCK_TAGS:
            self.flush()
            self.stack.append(tag)
            self.quote += tag == "blockquote"
            self.add(el.text)
            for child in el:
                self.walk(child, depth + 1)
            self.flush()
            self.quote -= tag == "blockquote"
            self.stack.pop()
            self.add(el.tail)
            return
        if tag == "br":
            self.add("\n")
            self.add(el.tail)
            return
        if tag == "a" and not any(c.tag in BLOCK_TAGS for c in el.iterdescendants()):
            label = _tidy(el.text_content()).replace("\n", " ")
            url = absolute(self.base_url, el.get("href"))
            if label:
                self.link += 1
                self.add(label, f"[{label}]({url})" if url else label)
                self.link -= 1
                if url and not url.startswith(("mailto:", "tel:")):
                    self.links.append({"url": url, "text": label})
            self.add(el.tail)
            return
        if tag in ("img", "picture", "source", "video", "audio", "wbr"):
            self.add(el.tail)
            return
        self.link += tag == "a"
        self.add(el.text)
        for child in el:
            self.walk(child, depth + 1)
        self.link -= tag == "a"
        self.add(el.tail)


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def blocks(roots, base_url: str, skip: set) -> list[Block]:
    walker = _Walker(base_url, skip)
    for root in roots:
        walker.walk(root)
        walker.flush()
    return walker.blocks


def keep(block: Block, phrases: frozenset[str]) -> bool:
    """Whether a reader would count this block as part of the article."""
    lowered = block.text.lower().strip(" .:|")
    if lowered in phrases or block.text.lower() in phrases:
        return False
    if block.link_density > MAX_BLOCK_LINK_DENSITY and block.kind not in ("pre",):
        return False
    return True


def render(kept: list[Block]) -> tuple[str, str]:
    """(body_text with blank lines between paragraphs, body_markdown)."""
    texts, mds = [], []
    for block in kept:
        texts.append(block.text)
        md = block.markdown
        if block.kind in HEADINGS:
            md = "#" * max(2, HEADINGS[block.kind]) + " " + md.replace("\n", " ")
        elif block.kind == "li":
            md = "- " + md
        elif block.kind == "oli":
            md = "1. " + md
        elif block.kind == "pre":
            md = "```\n" + block.text + "\n```"
        if block.quote:
            md = "\n".join("> " + line for line in md.split("\n"))
        mds.append(md)
    return "\n\n".join(texts), "\n\n".join(mds)
