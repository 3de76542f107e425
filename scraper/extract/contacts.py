"""Contact boxes ("Vill du veta mer?", "Contact"): name, unit, e-mail, phone per person."""

from __future__ import annotations

import re

from . import vocabulary
from .text import norm

# An address starts where a run of its characters starts: a search that tried every
# character of a long run would rescan the rest of it each time (quadratic work).
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}")
# Swedish numbers ("090-786 68 83", "+46 90 786 68 83", "070-123 45 67") and other
# international ones written with a leading +.
PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+46|0046)[\s-]?(?:\(0\)\s?)?\d{1,3}|0\d{1,3})[\s-]?[-–]?\s?\d{2,4}"
    r"(?:[\s-]\d{2,4}){0,3}(?!\d)"
    r"|\+\d{1,3}(?:[\s-]?\(?\d{1,4}\)?){2,6}(?!\d)"
)
_UNIT_AFTER = re.compile(
    r"^\s*(?:,|\(|på|vid|inom|at|from|of|in)\s+(?:the\s+)?([^.\n,()]{3,120})", re.I
)
# Up to four capitalised words, then at most 12 words before the address. Possessive
# repeats: the words after the name were "(?:\S+\s*){0,12}", which splits a long word in
# every possible way before failing (69-93 s on one real 485 KB page). Taking each run of
# non-space whole finds the same names (a shorter word only leaves more words after it),
# and a name starts at the start of a word.
_BEFORE_NAME = re.compile(
    r"(?<![\w'’-])([A-ZÅÄÖÉÜ][\w'’-]++(?:\s++[A-ZÅÄÖÉÜ][\w'’-]++){1,3}+)[\s,:]*+"
    r"(?:\S++\s*+){0,12}+$"
)
_CONTACT_LINE = re.compile(r"kontaktperson(?:er)?\s*:\s*([^,\n]+),\s*([^\n.]+)", re.I)
_BLOCKS = frozenset(("p", "div", "li", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "br", "tr", "td"))
_MAX_HEADING = 120  # characters (with spaces) of a contact box heading
_MAX_BOX = 800  # characters: a contact box is short; more than this is the article itself


def find_boxes(roots, headings=vocabulary.CONTACT_HEADINGS) -> list[list]:
    """Groups of elements that make up each contact box (heading first)."""
    wanted = {h.lower().strip(" :?") for h in headings}
    boxes: list[list] = []
    for root in roots:
        for el in root.iter("h2", "h3", "h4", "h5", "h6", "strong", "b", "p", "dt", "div"):
            if len(el) > 3:
                continue
            raw = el.text_content() if len(el) else (el.text or "")  # a leaf: no XPath call
            if len(raw) > _MAX_HEADING:
                continue
            text = norm(raw).lower().strip(" :?")
            if text not in wanted:
                continue
            head = el
            while head.tag in ("strong", "b") and head.getparent() is not None:
                parent = head.getparent()
                if norm(parent.text_content()).lower().strip(" :?") != text:
                    break
                head = parent
            parent = head.getparent()
            if parent is None:
                continue
            if parent not in roots and len(parent.text_content()) <= 2 * _MAX_BOX:
                group = [parent]
            else:
                group = [head]
                for sib in head.itersiblings():
                    if sib.tag in ("h1", "h2", "h3") and sib.tag <= head.tag:
                        break
                    group.append(sib)
                    if sum(len(g.text_content()) for g in group) > _MAX_BOX:
                        break
            text_all = " ".join(g.text_content() for g in group)
            if EMAIL.search(text_all) or PHONE.search(text_all) or _mailto(group):
                boxes.append(group)
    return boxes


def _mailto(group) -> list[str]:
    out = []
    for g in group:
        for a in g.iter("a"):
            href = a.get("href") or ""
            if href.lower().startswith("mailto:"):
                out.append(href[7:].split("?")[0].strip())
    return out


def _box_text(group) -> str:
    parts: list[str] = []

    def walk(el) -> None:
        block = el.tag in _BLOCKS
        if block:
            parts.append("\n")
        parts.append(el.text or "")
        for child in el:
            if isinstance(child.tag, str):
                walk(child)
            parts.append(child.tail or "")
        if block:
            parts.append("\n")

    for g in group:
        walk(g)
    return re.sub(r"[ \t\u00a0]+", " ", "".join(parts))


def parse_box(group) -> list[dict]:
    text = _box_text(group)
    emails = list(dict.fromkeys(EMAIL.findall(text) + _mailto(group)))
    phones = [(m.start(), norm(m.group())) for m in PHONE.finditer(text)]
    contacts: list[dict] = []
    masked = _masked(text)
    for email in emails:
        pos = text.find(email)
        name, unit = _name_for(email, text, pos, masked)
        after = [p for p in phones if p[0] > pos]
        before = [p for p in phones if p[0] < pos]
        phone = after[0][1] if after else (before[-1][1] if before else None)
        if phone and len(emails) > 1:
            nxt = [text.find(e) for e in emails if text.find(e) > pos]
            if after and nxt and after[0][0] > min(nxt):
                phone = None
        contacts.append({"name": name, "unit": unit, "email": email, "phone": phone, "role": None})
    if not contacts:
        match = _CONTACT_LINE.search(text)
        if match:
            contacts.append(
                {"name": match[1].strip(), "unit": match[2].strip(), "email": None,
                 "phone": phones[0][1] if phones else None, "role": None}
            )  # fmt: skip
    return contacts


def _name_for(
    email: str, text: str, pos: int, masked: str | None = None
) -> tuple[str | None, str | None]:
    """The person an address belongs to: the words matching its local part, else the
    capitalised words just before it; the unit follows the name ("på X", ", X").
    masked: text with its addresses blanked out, when the caller has made it already."""
    tokens = [t for t in re.split(r"[._-]+", email.split("@")[0]) if t.isalpha() and len(t) > 1]
    text = _masked(text) if masked is None else masked  # a name is never inside an address
    span = None
    if len(tokens) > 1:
        span = _token_span(tokens, text)
    if span is None:
        window = text[max(0, pos - 160) : pos]
        found = _BEFORE_NAME.search(window)
        if found:
            start = text.find(found[1], max(0, pos - 160) + found.start(1))
            if start >= 0:
                span = (start, start + len(found[1]))
    if span is None:
        return None, None
    name = norm(text[span[0] : span[1]])
    unit_match = _UNIT_AFTER.match(text[span[1] :])
    unit = norm(unit_match[1]) if unit_match else None
    if unit and (EMAIL.search(unit) or PHONE.search(unit)):
        unit = None
    return name, unit


def _masked(text: str) -> str:
    return EMAIL.sub(lambda m: " " * len(m.group()), text)


# Letters that re's IGNORECASE pairs with ASCII letters while str.lower() does not (or that
# lower() turns into two characters); texts holding one take the case-ignoring pattern.
_CASE_TRAPS = frozenset("\u0130\u0131\u017f")  # İ ı ſ


def _token_span(tokens: list[str], text: str) -> tuple[int, int] | None:
    """Where the address's words stand in text as a name ("anna.svensson" finds "Anna
    Svensson", "Anna B. Svensson", "Åsa Öberg"), as (start, end).

    Each address compiles its own pattern, and a case-ignoring one takes about 0.7 ms to
    compile, twice a case-sensitive one: for ASCII words in a text without the letters of
    _CASE_TRAPS, the lower-case pattern in the lower-cased text finds the same span."""
    lowered, ignoring_case = token_patterns(tokens)
    if all(t.isascii() for t in tokens) and _CASE_TRAPS.isdisjoint(text):
        match = lowered.search(text.lower())
    else:
        match = ignoring_case.search(text)
    return match.span() if match else None


def token_patterns(tokens: list[str]) -> tuple[re.Pattern, re.Pattern]:
    """The name pattern for an address's words: for lower-cased text, and ignoring case."""
    joiner = r"\W+(?:[{}]\w*\.?\s+)?"
    lowered = r"\b" + joiner.format("a-zåäö").join(map(_folded, tokens)) + r"\b"
    ignoring_case = r"\b" + joiner.format("A-ZÅÄÖ").join(map(_folded, tokens)) + r"\b"
    return re.compile(lowered), re.compile(ignoring_case, re.I)


_FOLD = {"a": "[aåäáà]", "o": "[oöóø]", "e": "[eéè]", "u": "[uü]", "i": "[ií]"}


def _folded(token: str) -> str:
    """A pattern for an address token that also matches the name's accented letters."""
    return "".join(_FOLD.get(ch, re.escape(ch)) for ch in token.lower())
