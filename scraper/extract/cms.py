"""Conventions of the content systems and page builders sites are made with, as data.

Two kinds, each named by the system it comes from, so that a new system is a new entry:

- LAYOUT_CLASSES: class tokens a system puts on every layout box whatever it holds
  (Elementor's "elementor-widget", HubSpot's "widget-span"). They hold furniture words
  ("widget", "overlay") that say nothing about the box, so the furniture test ignores them.
- LAYOUT_COMPANIONS: tokens that are layout only beside a system's own marker token
  (SiteOrigin puts "widget widget_text" beside "so-panel" on every panel of a page it
  builds; without the marker, "widget_text" is a sidebar's text widget).
- STREAMED_IDS: ids a framework gives hidden elements that hold content a script shows.
- BODY_CLASSES / BODY_IDS: the class or id a system gives the element holding an article's
  body. Such an element is never dropped as furniture, whatever else its classes say
  (Elementor's post-content widget also carries "share-btn" when sharing is enabled).
- STAMPED_DATES: attributes on <html> of systems whose templates fill the metadata dates
  (JSON-LD datePublished, meta tags) from a CMS item's own timestamps, which move when the
  item is published again, while the date an editor set is the one shown on the page. On
  such a page the visible, labelled date comes before the metadata's.

The logic that uses them is in content.clean(); nothing here is tied to one site.
"""

from __future__ import annotations

import re

LAYOUT_CLASSES: dict[str, tuple[str, ...]] = {
    # WordPress page builders
    "elementor": (r"elementor-[\w-]+", r"e-con(?:-[\w-]+)?", r"ob-has-background-overlay"),
    "wpbakery": (r"vc_column[\w-]*", r"wpb_wrapper", r"vc_row[\w-]*"),
    "divi": (r"et_pb_(?:section|row|column|module|text|text_inner)[\w-]*",),
    "siteorigin": (
        r"so-panel",
        r"panel-widget-style[\w-]*",
        r"widget_sow-editor",
        r"so-widget-[\w-]+",
        r"siteorigin-widget-[\w-]+",
    ),
    # CKEditor 5 marks every embedded block of the text it wrote ("ck-widget")
    "ckeditor": (r"ck-widget[\w-]*",),
    # State modifiers in BEM-like naming say what a box has or lacks, not what it is
    # ("post-content-wrap has-share-float" holds a post and a floating share bar)
    "modifiers": (r"has-[\w-]+", r"with-[\w-]+", r"no-[\w-]+"),
    # HubSpot CMS (drag-and-drop modules)
    "hubspot": (r"hs_cos_wrapper[\w-]*", r"widget-span", r"widget-type-[\w-]+", r"dnd-[\w-]+"),
}

LAYOUT_COMPANIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "siteorigin": ("so-panel", (r"widget", r"widget_[\w-]+")),
}

# Ids of hidden elements that hold a page's real content until a script moves it into place:
# React 18 streams each server-rendered Suspense boundary as <div hidden id="S:n">.
STREAMED_IDS: dict[str, str] = {"react": r"S:\d+"}

BODY_CLASSES: dict[str, tuple[str, ...]] = {
    "wordpress": ("entry-content", "post-content", "wp-block-post-content"),
    "elementor": ("elementor-widget-theme-post-content",),
    "drupal": ("field--name-body", "field-name-body", "node__content"),
    "sitevision": ("sv-text-portlet-content",),
    "typo3": ("ce-bodytext", "news-text-wrap"),
    "plone": ("documentDescription",),
    "joomla": ("item-page", "com-content-article__body"),
    "ghost": ("gh-content",),
}

BODY_IDS: dict[str, tuple[str, ...]] = {
    "hubspot": ("hs_cos_wrapper_post_body",),
    "plone": ("parent-fieldname-text", "content-core"),
}

# Webflow: templates bind JSON-LD dates to an item's "Published On"/"Updated On" fields, which
# every republish moves ("datePublished": "Jun 24, 2025" on a post shown as August 25, 2024).
STAMPED_DATES: dict[str, tuple[str, ...]] = {"webflow": ("data-wf-site", "data-wf-page")}

_LAYOUT = re.compile(
    r"(?<!\S)(?:" + "|".join(p for ps in LAYOUT_CLASSES.values() for p in ps) + r")(?!\S)", re.I
)
_COMPANIONS = [
    (
        re.compile(rf"(?<!\S){marker}(?!\S)", re.I),
        re.compile(r"(?<!\S)(?:" + "|".join(tokens) + r")(?!\S)", re.I),
    )
    for marker, tokens in LAYOUT_COMPANIONS.values()
]
_STREAMED = re.compile("|".join(STREAMED_IDS.values()))
_BODY_CLASS_SET = frozenset(c for cs in BODY_CLASSES.values() for c in cs)
_BODY_ID_SET = frozenset(i for ids in BODY_IDS.values() for i in ids)
_STAMPED_ATTRS = tuple(a for attrs in STAMPED_DATES.values() for a in attrs)


def without_layout(classes: str) -> str:
    """A class string with the layout tokens of known systems taken out."""
    if "-" not in classes and "_" not in classes:
        return classes
    for marker, tokens in _COMPANIONS:
        if marker.search(classes):
            classes = tokens.sub(" ", classes)
    return _LAYOUT.sub(" ", classes)


def is_body(classes: str | None, id_: str | None) -> bool:
    """Whether a known system marks this element as the article's body."""
    if id_ and id_ in _BODY_ID_SET:
        return True
    return bool(classes) and not _BODY_CLASS_SET.isdisjoint(classes.split())


def is_streamed(id_: str | None) -> bool:
    """Whether a hidden element is content a framework streamed in to be shown by script."""
    return bool(id_) and _STREAMED.fullmatch(id_) is not None


def stamps_dates(root) -> bool:
    """Whether the page's system fills its metadata dates from its own timestamps, not the
    editor's date (root: the parsed <html> element)."""
    return any(root.get(attr) is not None for attr in _STAMPED_ATTRS)
