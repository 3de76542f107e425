"""Pages a browser and libxml2 build different trees from are read as the browser shows them.

Both habits come from real templates (wcxb-dev: a WordPress theme's newsletter popup left a
<div> open inside its <aside>, so libxml2 put the whole page inside the popup; a blog's header
template printed "</body></html>" before the article).
"""

from lxml import etree
from lxml import html as lxml_html

from scraper.extract import extract, markup

URL = "https://www.example.edu/news/a-long-road"
ARTICLE = (
    "<article><h1>A long road to the new campus</h1>"
    "<p>The university opened its new campus on Monday, after nine years of planning and "
    "three of building, with room for four thousand students and two libraries.</p>"
    "<p>Students moved into the first halls in August, and teaching in the new lecture "
    "theatres starts with the spring term, the vice-chancellor said at the opening.</p>"
    "<p>The old buildings in the city centre will house the art school from next year.</p>"
    "</article>"
)


def _page(before: str, after: str = "") -> bytes:
    return (
        "<html><head><title>A long road to the new campus</title></head><body>"
        f"{before}{ARTICLE}{after}</body></html>"
    ).encode()


def test_a_popup_left_open_does_not_swallow_the_article():
    # the popup's <div class="popup-outer"> is never closed; "</aside>" closes it in a browser
    page = _page(
        '<aside class="popup-overlay"><div class="popup-outer"><div class="popup">'
        "<h2>Newsletter</h2><p>Sign up for our newsletter!</p></div></aside>"
    )
    art = extract(page, URL)
    assert "nine years of planning" in art.body_text
    assert "art school" in art.body_text
    assert "Sign up" not in art.body_text


def test_an_early_end_of_document_keeps_the_article_after_it():
    page = (
        "<html><head><title>A long road to the new campus</title></head><body>"
        '<header><nav><a href="/">Home</a></nav></header></body></html>'
        f"<main>{ARTICLE}</main>"
    ).encode()
    art = extract(page, URL)
    assert "nine years of planning" in art.body_text


def _tree(data: bytes) -> lxml_html.HtmlElement:
    return lxml_html.document_fromstring(data, parser=lxml_html.HTMLParser(encoding="utf-8"))


def _parent_of(tree, text: str) -> str:
    el = next(e for e in tree.iter("p") if text in e.text_content())
    return el.getparent().tag


def test_repair_closes_the_divs_an_end_tag_closes_in_html():
    data = b"<body><ul><li>one<div>open</li><li>two</li></ul><section><div>x</section><p>after</p>"
    parser = etree.HTMLParser(encoding="utf-8")
    lxml_html.document_fromstring(data, parser=parser)
    assert markup.needs_repair(data, parser.error_log)
    tree = _tree(markup.repair(data))
    assert [li.text for li in tree.iter("li")] == ["one", "two"]  # siblings, not nested
    assert _parent_of(tree, "after") == "body"


def test_repair_follows_libxml2_where_html_agrees_with_it():
    # an end tag is ignored when a table cell is open inside its element (in HTML too), and
    # "</a>" (HTML's adoption agency) is left to libxml2; tags in comments, scripts and
    # attribute values are not tags
    data = (
        b"<body><section><table><tr><td><div>cell</section></td></tr></table></section>"
        b'<!-- <aside><div> --><script>"</aside>"</script>'
        b'<aside data-x="a>b"><div>box</aside><p>after</p><a href="/x"><div>link</a></div>'
        b"</body>"
    )
    repaired = markup.repair(data)
    assert repaired.count(b"</div>") == data.count(b"</div>") + 1  # only the aside's div
    tree = _tree(repaired)
    assert _parent_of(tree, "after") == "body"
    assert tree.find(".//td/div").text == "cell"


def test_well_formed_pages_are_parsed_once_and_not_rewritten():
    data = _page("<aside><div>box</div></aside>", "<!-- cached --><script>x()</script>")
    parser = etree.HTMLParser(encoding="utf-8")
    lxml_html.document_fromstring(data, parser=parser)
    assert not markup.needs_repair(data, parser.error_log)
    trailing = data + b"\n<!-- served by cache --><script>track()</script></div>"
    assert not markup.needs_repair(trailing, parser.error_log)
    assert markup.repair(data) == data
