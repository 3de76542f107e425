"""Selectors and phrases as data, kept apart from the logic that uses them.

Every list is ordered: the first expression that yields something wins. Site profiles
(`[extract]` in scraper/sites/*.toml) put their own expressions in front of these.
"""

from __future__ import annotations

import re

# Elements that never carry article text.
DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "object",
    "embed",
    "canvas",
    "button",
    "select",
    "input",
    "textarea",
    "label",
    "nav",
    "aside",
    "dialog",
    "menu",
)

# Furniture tags that broken markup can wrap around a whole page (an unclosed <aside> or
# <button>): kept as plain text holders when they hold most of the page.
WRAPPING_TAGS = ("nav", "aside", "menu", "dialog", "label", "button")

# Page-level furniture: dropped unless it sits inside the article itself.
PAGE_FURNITURE_TAGS = ("header", "footer", "form")

# Hidden elements and landmark roles that are never the article: one cheap XPath pass for
# the attributes, the values are checked in Python (translate() in XPath cost 2 ms a page).
# Both are evaluated on <body>; "descendant::*" walks the tree once where ".//*" (that is
# descendant-or-self::node()/child::*) costs a third more.
DROP_ATTR_XPATH = "descendant::*[@hidden or @aria-hidden or @style or @role]"
CLASS_OR_ID_XPATH = "descendant::*[@class or @id]"
DROP_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog",
     "menu"}
)  # fmt: skip


def hidden_or_landmark(el) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    if el.get("role") in DROP_ROLES:
        return True
    style = el.get("style")
    return bool(style) and "display:none" in style.replace(" ", "").lower()


# class/id words of furniture. A class or id matches when one of its words (split at
# spaces, "-" and "_") or a run of two or three of them is listed: "share-bar" and
# "post_tags" match, "shareholder" does not. Words were kept or dropped by re-scoring
# extraction-dev F1 ("hidden", "print", "read-more" and "ad" hid real text there).
BOILERPLATE_WORDS = frozenset(
    """
    share sharing social socials sociallinks sharebar addthis addtoany sharethis shariff
    comment comments comment-list commentlist respond disqus
    related relatedposts recommended recommendations more-stories
    newsletter subscribe subscription signup
    cookie cookies cookiebanner consent gdpr
    breadcrumb breadcrumbs breadcrumb-list
    menu mainmenu megamenu navbar navigation nav subnav topnav skip skiplink skip-link
    sidebar widget widgets footer site-footer pagefooter masthead site-header topbar
    printicon toolbar
    popup modal overlay
    advert advertisement ads adsense sponsor sponsored promo
    pagination pager prevnext post-navigation
    tags tag-list taglist tagcloud keywords
    author-bio authorbox about-author
    visually-hidden visuallyhidden sr-only screen-reader-text screenreader element-invisible
    off-canvas offcanvas
    teaser-list teasers puff puffar
    rating votes
    search searchform search-form login
    """.split()
)

# The part of the above that is furniture however much text it holds (a cookie notice with a
# long privacy policy, a modal, a comment thread).
ALWAYS_FURNITURE_WORDS = frozenset(
    """
    cookie cookies cookiebanner consent gdpr popup modal overlay newsletter
    comment comments commentlist disqus skip skiplink sr-only screen-reader-text
    visually-hidden breadcrumb breadcrumbs share sharing social sharebar
    """.split()
)

_WORD_SPLIT = re.compile(r"[\s_-]+")
# First parts of the listed runs ("comment" of "comment-list"): only these start a run.
_RUN_STARTS = frozenset(
    w.split("-")[0] for w in BOILERPLATE_WORDS | ALWAYS_FURNITURE_WORDS if "-" in w
)


def has_word(attrs: str, words: frozenset[str]) -> bool:
    """Whether a class/id string holds one of `words` (runs of up to three parts too)."""
    parts = _WORD_SPLIT.split(attrs.lower())
    if not words.isdisjoint(parts):
        return True
    if _RUN_STARTS.isdisjoint(parts):  # most class strings: no word, no run
        return False
    parts = [p for p in parts if p]
    for i, part in enumerate(parts):
        if part in words:
            return True
        if part in _RUN_STARTS and i + 1 < len(parts):
            pair = f"{part}-{parts[i + 1]}"
            if pair in words or (i + 2 < len(parts) and f"{pair}-{parts[i + 2]}" in words):
                return True
    return False


PAGE_TITLE = "//head/title"
TITLE_META = ("og:title", "twitter:title", "dc.title", "dcterms.title", "headline")

# class names of a lead paragraph (one class token of the element must be one of these)
LEAD_CLASSES = frozenset(
    {
        "ingress",
        "preamble",
        "lead",
        "lede",
        "article-lead",
        "article__lead",
        "standfirst",
        "intro",
        "introduction",
        "summary",
        "entry-summary",
        "article-summary",
        "field--name-field-lead",
        "field--name-field-ingress",
        "field--name-field-summary",
        "dek",
        "subtitle",
        "excerpt",
        "leadtext",
        "lead-text",
        "ingress-text",
        "intro-text",
    }
)

DESCRIPTION_META = ("og:description", "description", "twitter:description", "dc.description")

# Meta tags are read once into a dict keyed by lower-cased name/property/itemprop.
PUBLISHED_META = (
    "article:published_time",
    "datepublished",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "date",
    "pubdate",
    "publish_date",
    "publishdate",
    "citation_publication_date",
    "sailthru.date",
    "parsely-pub-date",
    "og:published_time",
)
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

UPDATED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "dc.date.modified",
    "last-modified",
)
UPDATED_XPATHS = ("//*[@itemprop='dateModified']/@datetime",)

AUTHOR_META = ("author", "article:author", "dc.creator", "dcterms.creator", "citation_author")
AUTHOR_XPATHS = (
    "/descendant::*[@itemprop='author']/descendant::*[@itemprop='name']/descendant::text()",
    "/descendant::a[@rel='author']/descendant::text()",
)

CATEGORY_META = ("article:section", "section", "parsely-section")

# Content-type labels that stand alone near a headline.
CATEGORY_LABELS = (
    "nyhet",
    "nyheter",
    "pressmeddelande",
    "evenemang",
    "reportage",
    "krönika",
    "debatt",
    "intervju",
    "blogg",
    "news",
    "press release",
    "event",
    "feature",
    "interview",
    "opinion",
    "blog",
)

# Headings that open a contact box.
CONTACT_HEADINGS = (
    "vill du veta mer?",
    "vill du veta mer",
    "kontakt",
    "kontakta",
    "kontaktperson",
    "kontaktpersoner",
    "kontaktinformation",
    "för mer information",
    "mer information",
    "want to know more?",
    "want to know more",
    "contact",
    "contacts",
    "contact us",
    "contact information",
    "for more information",
    "more information",
    "media contact",
    "press contact",
)

CREDIT_XPATHS = (
    "descendant::*[contains(@class,'bildPhotografer')]",
    "descendant::*[contains(@class,'photographer') or contains(@class,'credit')"
    " or contains(@class,'copyright') or contains(@class,'byline')]",
)

# Whole lines that are furniture wherever they turn up (compared lower-cased, stripped).
DROP_PHRASES = frozenset(
    {
        '"false"',
        "false",
        "true",
        "none",
        "null",
        "undefined",
        "hoppa direkt till innehållet",
        "hoppa till innehållet",
        "gå direkt till innehållet",
        "skip to content",
        "skip to main content",
        "skip to navigation",
        "jump to content",
        "huvudmenyn dold.",
        "main menu hidden.",
        "printicon",
        "print",
        "skriv ut",
        "dela",
        "dela sidan",
        "share",
        "share this",
        "share this page",
        "share this article",
        "tweet",
        "e-post",
        "email",
        "facebook",
        "twitter",
        "linkedin",
        "menu",
        "meny",
        "close",
        "stäng",
        "advertisement",
        "annons",
        "tillbaka",
        "back",
        "back to top",
        "till toppen",
        "read more",
        "läs mer",
    }
)

# Visible labels in front of dates, bylines and credits.
PUBLISHED_LABEL = re.compile(
    r"^\s*(?:publicerad|publicerat|publicerades|published|posted(?: on)?|date|datum)\s*:?\s*(.+)$",
    re.IGNORECASE,
)
UPDATED_LABEL = re.compile(
    r"^\s*(?:uppdaterad|uppdaterat|senast uppdaterad|senast ändrad|updated|last updated|"
    r"last modified|modified)\s*:?\s*(.+)$",
    re.IGNORECASE,
)
BYLINE_LABEL = re.compile(
    r"^\s*(?:text(?: och foto| & foto| and photo)?|av|by|skribent|författare|written by|"
    r"author|authors|reporter|redaktör)(?:\s*+:)?\s++(\S.{1,120})$",
    re.IGNORECASE,
)
CREDIT_LABEL = re.compile(
    r"(?:^|\s)(?:foto|fotograf|bild|photo|photographer|image|picture|illustration)\s*:\s*(.+)$",
    re.IGNORECASE,
)
CREDIT_LABEL_PLAIN = re.compile(
    r"^\s*(?:foto|fotograf|bild|photo|photographer|image|picture)\s*:?\s+(\S.*)$", re.IGNORECASE
)

# Short lines that invite the reader elsewhere (newsletters, related reading, comments,
# copyright), in the languages of the sites we meet. Matched on blocks under 120 characters.
CALL_TO_ACTION = re.compile(
    r"newsletter|subscribe|abonnier|sign(?:ing)? up|registrier|log ?in to|einloggen|"
    r"könnte (?:sie|dich) auch interessieren|you might also like|you may also like|"
    r"related (?:articles|posts|stories|news)|lesen sie auch|mehr zum thema|mehr aus|"
    r"weitere (?:themen|beiträge|artikel|meldungen)|lust auf mehr|more from|"
    r"follow us|folgen sie uns|folge uns|share this|teilen sie|diesen artikel teilen|"
    r"all rights reserved|alle rechte vorbehalten|"
    r"läs också|relaterade nyheter|prenumerera|dela artikeln|"
    r"we rely on your support|support (?:our|us)|unterstützen sie|"
    r"rezept drucken|artikel drucken|print this|skriv ut|pinterest|whatsapp|"
    r"licensed under|lizenziert unter|sidansvarig|page editor|"
    r"download (?:the|our) app|app herunterladen|ladda ner appen|apps? for ios|google play|"
    r"weitere informationen:?$|zusatzinformationen|kontaktieren sie uns|"
    r"if you enjoyed|would you consider supporting|"
    r"para comentar|suscr[ií]bete|canal de youtube|youtube channel",
    re.IGNORECASE,
)
