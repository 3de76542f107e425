"""The words and patterns by which the extractor tells furniture, labels and logins from
article text, and the meta tag names of each field: Swedish and English first, and what
the development corpora showed of other languages (German, Spanish).

Data only, apart from the logic that uses them (content.py, labels.py, metadata.py,
contacts.py, images.py, core.py) and apart from the XPath expressions (xpaths.py). A site
profile's `[extract]` lists (phrases, category_labels, contact_headings) are tried in front
of the generic ones here.
"""

from __future__ import annotations

import re

# --- Furniture: elements, roles and class/id words -------------------------------------

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
# What a page shows a browser without script: kept as a text holder, like the above, when it
# holds most of the page's text (Discourse serves a whole topic's posts in one <noscript>
# and the script-built page is empty).
SCRIPTLESS_TAGS = ("noscript",)
# Elements whose text no reader sees: cut before a <noscript> is measured, so a page's inline
# scripts and styles (a <noscript> of deferred styles too) do not count as text.
UNSEEN_TAGS = ("script", "style")

# Page-level furniture: dropped unless it sits inside the article itself.
PAGE_FURNITURE_TAGS = ("header", "footer", "form")

# Landmark roles that are never the article (the attributes are found by
# xpaths.DROP_ATTR, their values checked in Python).
DROP_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog",
     "menu"}
)  # fmt: skip


# class/id words of furniture. A class or id matches when one of its words (split at
# spaces, "-" and "_") or a run of two or three of them is listed: "share-bar" and
# "post_tags" match, "shareholder" does not. Words were kept or dropped by re-scoring
# extraction-dev F1 ("hidden", "print", "read-more" and "ad" hid real text there). A shop's
# "product-reviews" / "customer-reviews" are buyers' words, not the page's (wcxb-dev all
# +0.0005); "reviews" alone hid text there (a testimonials strip, a review site's user
# reviews, a list of movers with theirs: articles -0.0003).
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
    rating votes customer-reviews product-reviews
    search searchform search-form login
    w-form-done w-form-fail
    """.split()
)

# The part of the above that is furniture however much text it holds (a cookie notice with a
# long privacy policy, a modal, a comment thread).
ALWAYS_FURNITURE_WORDS = frozenset(
    """
    cookie cookies cookiebanner consent gdpr popup modal newsletter
    comment comments commentlist disqus skip skiplink sr-only screen-reader-text
    visually-hidden breadcrumb breadcrumbs share sharing social sharebar
    """.split()
)


# class/id words of a box about the article's author (name, position, bio): read for the
# byline like the rest of the page, then kept out of the body ("cs-entry__author-info",
# "author_detail_box"); "author-bio" above is dropped outright.
AUTHOR_BOX_WORDS = frozenset(
    "author-info author-box author-detail author-details author-description author-tooltip".split()
)

# class/id words of an article's container: a candidate with one scores a quarter more.
CONTENT_HINT = re.compile(
    r"(?:^|[\s_-])(?:article|content|entry|post|story|body|text|main|news|ingress|blog)"
    r"(?=$|[\s_-])",
    re.I,
)

# Image addresses of logos, icons and tracking pixels: never article images.
ICON_SRC = re.compile(r"logo|icon|sprite|pixel|spacer|print|blank\.gif|avatar|badge", re.I)

# --- Meta tags: names and properties of each field, first found wins --------------------

TITLE_META = ("og:title", "twitter:title", "dc.title", "dcterms.title", "headline")
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
UPDATED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "dc.date.modified",
    "last-modified",
)
AUTHOR_META = ("author", "article:author", "dc.creator", "dcterms.creator", "citation_author")
CATEGORY_META = ("article:section", "section", "parsely-section")

# --- Lead, labels and contact boxes -----------------------------------------------------

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

# Visible labels in front of dates, bylines and credits.
PUBLISHED_LABEL = re.compile(
    r"^\s*(?:publicerad|publicerat|publicerades|published|posted(?: on)?|date|datum)\s*:?\s*(.+)$",
    re.IGNORECASE,
)
UPDATED_LABEL = re.compile(
    r"^\s*(?:uppdaterad|uppdaterat|senast uppdaterad|senast ändrad|updated|last updated|"
    r"last update|last modified|modified)\s*:?\s*(.+)$",
    re.IGNORECASE,
)
# A line that names a date as an update's, wherever the word stands ("- Updated July 9").
UPDATED_MENTION = re.compile(
    r"\b(?:uppdaterad|uppdaterat|senast ändrad|updated|last update|last modified|modified)\b", re.I
)
BYLINE_LABEL = re.compile(
    r"^\s*(?:text(?: och foto| & foto| and photo)?|av|by|skribent|författare|written by|"
    r"author|authors|reporter|redaktör)(?:\s*+:)?\s++(\S.{1,120})$",
    re.IGNORECASE,
)
# What follows "by" ("av") in a shop's or a listing's sort and filter controls ("Browse By
# Category", "Sort by Date"): never a byline's name, however capitalised.
SORT_KEYS = frozenset(
    """
    category categories topic topics subject subjects type types date price brand brands
    popularity relevance rating ratings name title location region country state department
    level format language year month tag tags newest oldest size color colour
    kategori ämne datum pris namn typ
    """.split()
)
CREDIT_LABEL = re.compile(
    r"(?:^|\s)(?:foto|fotograf|bild|photo|photographer|image|picture|illustration)\s*:\s*(.+)$",
    re.IGNORECASE,
)
CREDIT_LABEL_PLAIN = re.compile(
    r"^\s*(?:foto|fotograf|bild|photo|photographer|image|picture)\s*:?\s+(\S.*)$", re.IGNORECASE
)

# Words a label line starts with, a cheap first test: labels.scan reads a line that starts
# with none of them only when its element shows a date (a <time>, a DATE_CLASS class).
MAYBE_LABEL = re.compile(
    r"(?<!\s)\s*(?:publicera\w*|published|posted|date|datum|uppdater\w*|senast|updated|last|modified|"
    r"text|av|by|skribent|författare|written|author|reporter|redaktör|"
    r"foto|fotograf|bild|photo|image|picture)\b",
    re.I,
)
# class words of an element that shows a date ("post-date", "meta", "published").
DATE_CLASS = re.compile(r"date|time|publi|meta|posted", re.I)

# --- Lines and links that are furniture -------------------------------------------------

# Whole lines that are furniture wherever they turn up (compared lower-cased, stripped). The
# shop's controls at the end (add to cart, quick view, sort by) are button labels: wcxb-dev
# all pages +0.0001, articles and extraction-dev unchanged.
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
        "add to cart",
        "add to bag",
        "add to basket",
        "add to wishlist",
        "add to watchlist",
        "quick view",
        "quick shop",
        "sort by",
        "filters",
        "filter and sort",
        "more options",
        "loading...",
        "write a review",
        "sponsored",
        "advertisement - continue reading below",
        "table of contents",
        "contents",
        "inhaltsverzeichnis",
        "innehållsförteckning",
    }
)

# How a template's filler text begins: a section left unfilled, hidden by its stylesheet.
PLACEHOLDER = ("lorem ipsum",)

# Short lines of the reader's furniture that carry a number: a reading time ("8 min read",
# "Lesezeit: 4 Minuten", "Lästid 3 min"), a count of results ("Showing 1–16 of 29 results").
# Matched on blocks under FURNITURE_LINE_MAX characters (content.py).
READER_FURNITURE = re.compile(
    r"^(?:(?:reading time|read time|lesezeit|lästid)\W*\d+\s*(?:min|minutes?|minuten|minuter)\W*$"
    r"|\d+\s*(?:-\s*)?(?:min|minutes?|minuten|minuter)\.?\s+(?:read|reading time|lesezeit|läsning"
    r"|lästid)\W*$"
    r"|showing\s+\d[\d,]*\s*(?:[-–]|to)\s*\d[\d,]*\s+of\s+\d[\d,]*\s+(?:results|items|products)\b"
    r"|visar\s+\d+\s*[-–]\s*\d+\s+av\s+\d+\b)",
    re.I,
)

# A byline and a date on one line of a post's header ("By Jane Doe | Updated Mar 5, 2026",
# "BySarah / January 18, 2023", "Av Anna Svensson · 12 maj 2025"), split at its separators.
META_LINE_SEPARATOR = re.compile(r"[|·•/\n]|\s[–—-]\s")
META_LINE_BYLINE = re.compile(r"^(?:(?:written |posted )?by|av|von)\s*(?=(?-i:[A-ZÅÄÖÜ]))", re.I)
META_LINE_WORD = re.compile(r"\b(?:updated|published|min read|uppdaterad|publicerad)\b", re.I)

# Short lines that invite the reader elsewhere (newsletters, related reading, comments,
# copyright), in the languages of the sites we meet. Matched on blocks under 120 characters.
CALL_TO_ACTION = re.compile(
    r"^\W*newsletter|newsletter\W*$|this newsletter|(?:free|weekly|daily|e-?mail) newsletter|"
    r"mailing list|thanks for reading|unlock this|subscrib(?:e|ing)\b|abonnier|sign(?:ing)? up|"
    r"registrier|log ?in to|einloggen|"
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

# The fine print of a form, however long: the consent a reader gives by signing up, clicking
# or subscribing ("By signing up, you agree to receive ...", "Genom att prenumerera
# godkänner du ...").
FINE_PRINT = re.compile(
    r"^(?:by (?:signing up|subscribing|clicking|submitting|registering|entering|continuing"
    r"|providing|creating)\b[^.]{0,120}?\byou(?:'re| are)? (?:agree|consent|confirm|accept"
    r"|acknowledge|authori[sz]e)"
    r"|genom att (?:prenumerera|registrera dig|klicka|skicka|anmäla dig)\b[^.]{0,120}?"
    r"(?:godkänner|samtycker|accepterar|bekräftar) du)",
    re.I,
)

# A review site's note that it earns from the links it shows ("We may earn a commission",
# "As an Amazon Associate ..."): the site's, not the article's. Matched on blocks under
# DISCLOSURE_MAX characters (content.py).
AFFILIATE_NOTE = re.compile(
    r"\b(?:(?:we|i|site|it)\s+(?:may\s+|might\s+|could\s+)?(?:earn|receive|get|make)s?\s+"
    r"(?:a\s+)?(?:small\s+)?(?:share\s+of\s+(?:the\s+)?(?:revenue|sales)"
    r"|(?:affiliate\s+)?commissions?)"
    r"|as an amazon associate|buying through (?:our |the )?links|contains? affiliate links"
    r"|affiliate commission|may contain affiliate)",
    re.I,
)

# A site's disclaimer that its text is not advice ("for general information only", "not
# intended to replace the advice of a qualified advisor", "does not constitute legal
# advice", "dient nur zu Informationszwecken", "ersätter inte ... rådgivning") or not its
# view ("opinions expressed do not reflect the views of ..."): the site's
# legal notice, not the article. Matched near the start of blocks under DISCLAIMER_MAX
# characters (content.py), where a disclaimer says what it is.
DISCLAIMER = re.compile(
    r"\b(?:for (?:general )?information(?:al)? (?:purposes )?only"
    r"|(?:is|are) not intended (?:to|as) (?:replace|substitute|be a substitute)"
    r"|(?:does|do|should) not (?:constitute|be construed as) (?:legal|financial|medical"
    r"|investment|tax|professional)"
    r"|(?:a )?substitute for (?:direct |professional )?(?:medical|legal|financial|professional)"
    r" advice|consult (?:a|your) qualified"
    r"|(?:nur|ausschließlich) zu(?:r)? (?:allgemeinen )?information(?:szwecken)?"
    r"|stell(?:t|en) keine (?:rechts|anlage|steuer|medizinische )?beratung dar"
    r"|ersetz(?:t|en) (?:nicht|keine) (?:die )?(?:ärztliche|medizinische|rechtliche)"
    r"|(?:endast|enbart) i informationssyfte"
    r"|ersätter inte (?:professionell |medicinsk )?rådgivning"
    r"|(?:do|does) not (?:necessarily )?reflect the (?:views|opinions?))",
    re.I,
)

# Words one of which every DISCLAIMER holds: a block without them is not searched.
DISCLAIMER_HINTS = (
    "informat",
    "intended",
    "constitut",
    "construed",
    "substitut",
    "qualified",
    "beratung",
    "ersetz",
    "ersätter",
    "reflect",
)

# Headings that open the page's trailer after an article: other articles to read, the
# author's bio. Compared whole, lower-cased, without closing punctuation ("Read next »").
# content.py cuts the kept text at the first one after the article's first long paragraph
# when less text follows it than came before. The related-reading lines of CALL_TO_ACTION
# are dropped before this looks ("You might also like", "Läs också").
TRAILER_HEADING = re.compile(
    r"(?:recent|latest|popular|similar|more|other|trending|recommended|top)"
    r"(?: \w+)? (?:articles?|posts?|stories|news|topics|reads?|reading|blogs?|guides?)"
    r"|related (?:topics|content|reading|guides?|resources)|up next|read next|keep reading"
    r"|about the (?:authors?|reviewers?|writers?)|om (?:författaren|skribenten)"
    r"|mer att läsa|senaste nytt|fler nyheter|über (?:den autor|die autorin)|ähnliche artikel",
    re.I,
)

# Photo credits and source lines under images ("Foto: Name", "(crédito: Name)", "Image: X").
CREDIT_LINE = re.compile(
    r"^\(?\s*(?:foto|fotograf|bild|photo|photograph|image|imagen|picture|crédito|credit|"
    r"copyright|quelle|source|fuente|©)\s*:|(?:foto|photo|bild|credit)\s*:\s*$|^©",
    re.I,
)

# --- Login walls ------------------------------------------------------------------------

# A URL that names a sign-in step: a login word between URL separators in the path or query
# (so "designing" and "author" are not), or a return address. The one definition: the crawl
# does not fetch such URLs without a profile (scraper.discovery.scope), and the extractor
# calls a page with a password field at such a URL a login wall.
LOGIN_URL_PATTERNS: tuple[str, ...] = (
    r"(^|[/_.?&=-])(log-?in|sign-?in|logon)([/_.?&=-]|$)",
    r"returnurl=",
)
LOGIN_URL = tuple(re.compile(p, re.I) for p in LOGIN_URL_PATTERNS)
# A page with a password field is a login wall when its title or its URL says so (or it has
# little text). Whole words: "Designing the future" signs nobody in.
LOGIN_TITLE = re.compile(
    r"\b(?:logga in|inloggning|log ?in|sign ?in|anmelden|anmeldung|lösenord|password)\b", re.I
)

# --- Page kind: what the page says it is (pagekind.py) ----------------------------------

# JSON-LD types that declare the page a list of other pages; a page that also declares an
# article type ("Article" with an "ItemList" of its picks) is an article.
COLLECTION_LD_TYPES = frozenset({"collectionpage", "itemlist", "searchresultspage"})
# JSON-LD types of what a page offers (a product, a service): og:type article beside them
# is the content system's default, not an article.
OFFER_LD_TYPES = frozenset({"product", "productgroup", "service", "offer", "aggregateoffer"})
# The part of them that sells a thing: its page's description is one block among reviews,
# specifications and recommendations (core.PRODUCT_PAGE_SHARE).
PRODUCT_LD_TYPES = OFFER_LD_TYPES - {"service"}
# schema.org types (JSON-LD or microdata itemtype) of a forum thread or a question-and-answer
# page: a discussion of many posts, a page rather than one article, however dated its posts
# (wcxb-dev: on 74 forum pages, on no page of another type).
DISCUSSION_TYPES = frozenset({"discussionforumposting", "qapage"})
# og:type values of a shop's category page (a list of products) and of one product.
OG_COLLECTION_TYPES = frozenset({"product.group", "product:group"})
OG_PRODUCT_TYPE = re.compile(r"^product\b|:(?:product|item)$", re.I)
# JSON-LD types of the organization or site a page belongs to: their names are the site's.
SITE_LD_TYPES = frozenset(
    {"organization", "corporation", "website", "newsmediaorganization", "localbusiness",
     "store", "onlinestore", "brand"}
)  # fmt: skip
# Meta tags naming the site.
SITE_NAME_META = ("og:site_name", "application-name", "apple-mobile-web-app-title")
# Query parameters that say nothing about which page it is (ad and campaign tracking).
TRACKING_QUERY = re.compile(r"^(?:utm_\w+|srsltid|gclid|fbclid|mc_cid|mc_eid)$", re.I)
# What separates the words of a URL slug ("how-to-start-an-llc", "nyheter_2024").
SLUG_SEPARATORS = re.compile(r"[-_+]|%20")
# A query naming one item by its number: a forum thread ("viewtopic.php?t=112320"), a post.
ITEM_ID_QUERY = re.compile(r"(?:^|&)[a-z_]{1,12}=\d{3,}(?:&|$)", re.I)
# A URL path that names a section, not one article: a tag, category, topic, genre, archive or
# author page (with at most one segment after the word), a shop's collection, a numbered
# page of a list.
SECTION_PATH = re.compile(
    r"/(?:tags?|taggar|etikett|category|categories|kategori|kategorier|topics?|sections?"
    r"|genres?|collections|archives?|arkiv|authors?|skribent)(?:/[^/]+)?/?$"
    r"|/page/\d+/?$",
    re.I,
)
