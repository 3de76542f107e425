"""Images of the article with their caption and photo credit."""

from __future__ import annotations

from . import vocabulary, xpaths
from .text import absolute, norm


def _src(img) -> str | None:
    for attr in ("data-src", "data-lazy-src", "data-original", "src"):
        value = img.get(attr)
        if value and not value.startswith("data:"):
            return value
    srcset = img.get("srcset") or img.get("data-srcset")
    if srcset:
        return srcset.strip().split(",")[0].split()[0]
    return None


def _small(img) -> bool:
    for attr in ("width", "height"):
        value = (img.get(attr) or "").strip().rstrip("px")
        if value.isdigit() and int(value) < 60:
            return True
    return False


def images(roots, base_url: str, consumed: set) -> list[dict]:
    """{"src", "alt", "caption", "credit"} for each real image; captions go to `consumed`."""
    out: list[dict] = []
    seen: set[str] = set()
    for root in roots:
        for img in root.iter("img"):
            src = _src(img)
            if not src or _small(img) or vocabulary.ICON_SRC.search(src):
                continue
            url = absolute(base_url, src)
            if not url or url in seen:
                continue
            seen.add(url)
            caption, credit = _caption(img, consumed)
            alt = norm(img.get("alt")) or None
            out.append({"src": url, "alt": alt, "caption": caption, "credit": credit})
    return out


def _caption(img, consumed: set) -> tuple[str | None, str | None]:
    wrapper = xpaths.IMAGE_WRAPPER(img)
    wrapper = wrapper[0] if wrapper else None
    cap_el = None
    if wrapper is not None:
        found = xpaths.CAPTION(wrapper)
        cap_el = found[0] if found else None
        if cap_el is None:
            found = xpaths.NEXT_CAPTION(wrapper)
            cap_el = found[0] if found else None
    if cap_el is None:
        return None, None
    scope = wrapper if wrapper is not None else cap_el
    credit_el = None
    for expr in xpaths.CREDIT_XPATHS:
        found = expr(scope)
        if found:
            credit_el = found[0]
            break
    credit = norm(credit_el.text_content()) if credit_el is not None else None
    text = norm(cap_el.text_content())
    if credit:
        text = norm(text.replace(credit, ""))
        consumed.add(credit_el)
    else:
        match = vocabulary.CREDIT_LABEL.search(text)
        if match:
            credit = match[1].strip()
            text = text[: match.start()].strip()
    if credit:
        plain = vocabulary.CREDIT_LABEL_PLAIN.match(credit)
        credit = (plain[1] if plain else credit).strip(" .") or None
    consumed.add(cap_el)
    return text.strip() or None, credit
