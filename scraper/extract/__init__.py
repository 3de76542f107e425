"""HTML in, a clean Article out: the pure extraction layer (no Scrapy, no SQLite).

Usage: ``extract(html_bytes, url, profile=None)`` returns an Article and never raises. A
page that is not an article says so in ``kind`` ("listing", "login", "empty",
"not_html") with a ``reason``; a content page without date or byline is "page".

Modules: core (extract(), and build() as the named passes PASSES), decode (bytes to text),
content (furniture, container, blocks), metadata (JSON-LD, meta tags, links), labels
(visible "Publicerad:", "Text:", "NYHET"), contacts, images, dates, pagekind (what says a
page is one article or a list of them, beside its text); text (whitespace, links,
names) and query (running XPath, a profile's too) are shared helpers. Data apart from logic:
XPath expressions in xpaths, words and patterns in vocabulary, content systems' conventions
in cms; fallback asks trafilatura and htmldate where uninews's own answer is weak or missing.

A site profile's ``[extract]`` table may hold, all optional and each tried before the
generic rules: ``content`` (XPath of the article container), ``drop`` (XPath of
furniture), ``title`` and ``lead`` (XPath), ``phrases`` (whole lines to drop),
``category_labels``, ``contact_headings``.
"""

from .article import CONTENT_FIELDS, KINDS, Article
from .core import extract

# Bump when extraction output changes, so archived versions can be re-extracted.
# 1.0.1: a UTF-8 page with a byte-order mark and an XML declaration is extracted (it came out
# "empty"); every other page extracts as in 1.0.0, only faster.
# 1.0.2: the HTTP charset is a hint given with the bytes (the crawler used to decode with it,
# garbling mislabelled pages), and latin-1 is read as windows-1252 (its quotes and dashes
# came out as control characters).
# 1.1.0: page-builder layout classes are not furniture, a nav/aside/button wrapping the page
# is unwrapped, trafilatura's text where the body's confidence is low, htmldate's date and
# trafilatura's byline where the page's own metadata and labels name none.
# 1.1.1: both of the above together.
# 1.1.2: a password page is a login wall by its URL only when a login word stands between URL
# separators (the crawl's own rule): "designing" and "author" are not sign-in pages.
# 1.1.3: htmldate's fallback reads dates in words in the page's language and English only,
# and on a page over 500 KB trafilatura's second opinion skips its own fallbacks and
# htmldate its extensive search (same body scores on both development corpora, one wcxb date
# fewer; a page may lose a date that only another language's month names gave).
# 1.2.0: the body keeps one copy of text the page repeats (a hidden raw-markdown or print
# copy, a repeated box), and a code block keeps the lines its highlighter classes "comment".
# 1.3.0: SiteOrigin panels, CKEditor widgets and has-/with-/no- modifiers are layout, React's
# streamed hidden content is content, an overlay holding most of the page stays; list items,
# long paragraphs and linked headings over a section keep more of their links; a sentence
# about a newsletter or its subscribers is not a call to action; repeated text is found
# across paragraphs and markdown links; trafilatura's paragraphs are judged as our own.
# 1.4.0: the page kind (pagekind.py): JSON-LD collections and og:type product(.group) are
# listings and pages; without article metadata, a page of many linked headlines or dates,
# a site's front page, a section URL or a byline naming only the site is not an article
# (a page that is now a listing gets no htmldate date or trafilatura byline); a date on a
# short line beside the headline, unlabelled, is the publication date when those lines name
# one day (a blog post dated so is an article, with that date rather than htmldate's), and
# an "Updated ..." line there dates a page for its kind (and is its updated_at); og:type
# article on a text of 700 words at an article's URL, no JSON-LD product or service beside
# it, is an article when htmldate finds its date (asked before the kind, not after).
# 1.5.0: on a page made with a system whose templates fill the metadata dates from its own
# publish stamps (Webflow, cms.STAMPED_DATES), the date the page shows comes first; "Last
# update:" is an update's label, and a date box that says so dates the update. A <noscript>
# that holds most of the page's text (its scripts and styles not counted) is the page's
# text: a script-built forum serves its whole topic there. A page that declares itself a forum
# discussion (schema.org DiscussionForumPosting or QAPage, in JSON-LD or microdata) is a page,
# not an article, however dated and signed its posts. The short cells of a table after the
# last paragraph stay, as list items there do. A listing that kept little text of its own
# (under 1,000 characters) has its list as its body: its linked headlines and items. A box
# about the author (author-info, author-box, ...) gives the byline but stays out of the body.
# A hidden element that holds 500+ characters of paragraphs (an accordion's panel, a tab) is
# content a script shows (200+ when only aria-hidden hides it, which screen readers obey and
# eyes do not); a hidden landmark is still furniture.
# 1.6.0: an article's lists of teaser cards (related posts, latest news: siblings cut from one
# template, each a linked headline over a date or a line; teasers.py) leave its body when its
# own text outweighs them; the container widens to an <article> five levels up (a body field
# beside further fields); short lines after the last long paragraph stay when they hold as
# much text as the article before them (a checklist); a form's fine print and a review
# site's affiliate note are not article text; a title names a login in whole words only. On
# a page whose paragraphs hold under half its text, the vote counts leaf blocks written in
# spans (shops); a product's page reads the whole body only below 40% of its paragraphs in
# the container; product and customer reviews are furniture; a shop's button labels are
# drop phrases.
# 1.7.0: a page is read as a browser builds it where libxml2 differs (markup.py): an end tag
# such as </aside> or </li> closes the <div>s left open inside it, and "</body></html>"
# printed before the article no longer cuts the page off; a byline's hover card about the
# author (author-tooltip) is an author box; what follows "by" in a sort or filter control
# ("Browse By Category") is no byline.
# 1.8.0: bylines naming five or more different people sign a list's items, not the page (a
# shop's "by Brand" cards), and a listed book's or product's microdata author is not the
# page's; a list the article's own sentence introduces ("... were merged upstream:") stays
# however linked its items are; a heading that is all of its list item is the item; reading
# times, result counts, a contents heading, an advertiser's label and a form's hidden
# messages are furniture, and so are a site's disclaimer that its text is not advice and a
# post's byline-and-date line left in the text; trafilatura's body, where it replaces ours,
# says a paragraph once.
# 1.9.0: a kept heading that opens the page's trailer ("Recommended reading", "About the
# author", "Om författaren") ends the article when less text follows it than came before;
# an id that is its heading's anchor ("menu-innovation-strategies-...") is not read for
# furniture words; short lines before the first long paragraph are labels only when they
# hold under half the text after it; an ordered list's items carry their numbers; a post
# written as one block is its body, not its lead, though the description repeats its start;
# a template's "Lorem ipsum" filler is not text.
EXTRACTOR_VERSION = "1.9.0"

__all__ = ["Article", "CONTENT_FIELDS", "EXTRACTOR_VERSION", "KINDS", "extract"]
