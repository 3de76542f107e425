"""The body as a reader sees it: text a page carries twice comes out once, and a code block keeps
the lines its highlighter marks as comments."""

import pytest
from lxml import html as lxml_html

from scraper.extract import extract

PARAGRAPHS = [
    "Researchers at the university have mapped how lichens survive the long polar winter, "
    "measuring their growth under the snow for three seasons in a row.",
    "The team found that the lichens keep photosynthesising at temperatures far below "
    "freezing, as long as a thin layer of snow shields them from the wind.",
    "The results, published this week, will help ecologists predict how the tundra changes "
    "as winters grow shorter and the snow cover thinner across the north.",
]


def _page(body: str) -> bytes:
    return f"<html><head><title>Lichens</title></head><body>{body}</body></html>".encode()


def test_a_raw_copy_of_the_article_after_it_is_left_out():
    article = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    raw_copy = "\n".join(f"**{p}**" for p in PARAGRAPHS)
    html = _page(f"<main><article>{article}</article><pre class='raw'>{raw_copy}</pre></main>")
    body = extract(html, "https://example.edu/news/lichens").body_text
    for paragraph in PARAGRAPHS:
        assert body.count(paragraph) == 1
    assert "**" not in body


def test_a_code_block_keeps_its_comment_lines():
    code = (
        '<pre><code class="language-bash hljs"><span class="hljs-comment"># initialize the'
        ' repository</span>\ngit init\n<span class="hljs-comment"># stage every change'
        "</span>\ngit add -A</code></pre>"
    )
    html = _page(f"<article><p>{PARAGRAPHS[0]}</p>{code}<p>{PARAGRAPHS[1]}</p></article>")
    body = extract(html, "https://example.edu/blog/git").body_text
    assert "# initialize the repository" in body
    assert "# stage every change" in body
    assert "git init" in body


SHORT = [
    ("Lichens grow under the", "snow", "all winter long, the team measured."),
    ("Their photosynthesis goes on", "far below", "freezing, in thin snow."),
    ("Wind is what harms them", "more", "than the cold, the data show."),
    ("Shorter winters will change", "which", "species cover the tundra floor."),
    ("The measurements took three", "seasons", "at four stations across the north."),
    ("Ecologists can now predict", "how", "quickly the lichen mats recover."),
]


def test_a_hidden_markdown_copy_whose_links_and_paragraphs_run_on_is_left_out():
    """The copy spells out each link's address and runs the paragraphs together in one
    block: measured against the paragraphs one by one, most of its word runs were new."""
    article = "".join(
        f"<p>{before} <a href='https://example.edu/{n}'>{linked}</a> {after}</p>"
        for n, (before, linked, after) in enumerate(SHORT)
    )
    raw_copy = "\n\n".join(
        f"{before} [{linked}](https://example.edu/{n}) {after}"
        for n, (before, linked, after) in enumerate(SHORT)
    )
    html = _page(
        f"<main><article>{article}</article></main><pre class='rawMarkdown' hidden>{raw_copy}</pre>"
    )
    body = extract(html, "https://example.edu/news/lichens").body_text
    assert body.count("Lichens grow under the snow") == 1
    assert "https://example.edu/0" not in body


def test_a_sentence_about_a_newsletter_stays_a_call_to_join_one_goes():
    told = (
        "The lab's monthly newsletter on polar research reaches four thousand readers, "
        "and 86 percent of its subscribers open every issue."
    )
    calls = ["Thanks for reading The Polar Letter!", "Join our mailing list", "Newsletter"]
    html = _page(
        "<article>"
        + "".join(f"<p>{p}</p>" for p in [PARAGRAPHS[0], told, PARAGRAPHS[1]])
        + "".join(f"<p>{c}</p>" for c in calls)
        + f"<p>{PARAGRAPHS[2]}</p></article>"
    )
    body = extract(html, "https://example.edu/news/polar-letter").body_text
    assert told in body
    for call in calls:
        assert call not in body


def test_a_list_that_links_a_name_in_each_item_is_kept_a_list_of_links_is_not():
    items = [
        ("Umeå University", "keeps the herbarium"),
        ("Lund University", "logs the snow depth"),
        ("Uppsala University", "models the tundra"),
    ]
    listed = "".join(f"<li><a href='/u/{n}'>{name}</a> {what}</li>" for n, (name, what) in
                     enumerate(items))  # fmt: skip
    links = "".join(f"<li><a href='/news/{n}'>Older story number {n}</a></li>" for n in range(4))
    html = _page(
        f"<article><p>{PARAGRAPHS[0]}</p><ul>{listed}</ul><p>{PARAGRAPHS[1]}</p>"
        f"<ul>{links}</ul><p>{PARAGRAPHS[2]}</p></article>"
    )
    body = extract(html, "https://example.edu/news/lichen-partners").body_text
    for name, what in items:
        assert f"{name} {what}" in body
    assert "Older story number" not in body


def test_a_linked_heading_over_a_section_is_kept_a_teasers_linked_title_is_not():
    sections = "".join(
        f"<h3><a href='/hotels/{n}'>{n + 1}. Hotel number {n + 1}</a></h3>"
        f"<p>{p} Our editors stayed {n + 2} nights there, in rooms both quiet and warm.</p>"
        for n, p in enumerate(PARAGRAPHS)
    )
    teasers = "".join(
        f"<h3><a href='/news/{n}'>Another story {n}</a></h3><p>A short teaser line.</p>"
        for n in range(3)
    )
    html = _page(f"<article>{sections}</article><div class='more'>{teasers}</div>")
    body = extract(html, "https://example.edu/blog/best-hotels").body_text
    for n in range(3):
        assert f"{n + 1}. Hotel number {n + 1}" in body
    assert "Another story" not in body


def test_a_long_paragraph_that_cites_its_sources_in_links_is_kept():
    cited = (
        "<p>The measurements agree with <a href='/a'>the long series from Abisko</a>, with "
        "<a href='/b'>the snow depth records kept at Tarfala since the sixties</a> and with "
        "<a href='/c'>a model of lichen growth</a> that the team published last year in a "
        "journal of polar ecology, after two winters of field work.</p>"
    )
    html = _page(f"<article><p>{PARAGRAPHS[0]}</p>{cited}<p>{PARAGRAPHS[1]}</p></article>")
    body = extract(html, "https://example.edu/news/lichen-series").body_text
    assert "the snow depth records kept at Tarfala" in body


def test_a_heading_over_a_closing_paragraph_is_kept():
    """After the last long paragraph, short lines are sign-offs; a heading over a paragraph
    is not."""
    long = " ".join(PARAGRAPHS)  # 200+ characters: the article's running text
    closing = (
        "<h3>Next winter</h3><p>The team goes back to the four stations in January, "
        "to measure the lichens again under the new snow.</p>"
    )
    html = _page(f"<article><p>{long}</p>{closing}</article>")
    body = extract(html, "https://example.edu/news/lichens-next").body_text
    assert "Next winter" in body


def test_the_second_opinions_body_loses_calls_to_action_as_ours_does():
    """The article sits in a box whose class says furniture ("skip-item"), so uninews's own
    body holds little of the page and trafilatura's is taken: its lines are judged the same
    way, and the call to action at the end goes."""
    article = "".join(f"<p>{p} {p}</p>" for p in PARAGRAPHS)
    call = "Subscribe now to our e-paper edition for the full story."
    html = _page(
        f"<div class='content'><div class='skip-item'>{article}<p>{call}</p></div>"
        "<article><p>Lichens, in brief.</p></article></div>"
    )
    body = extract(html, "https://example.edu/news/lichens-in-a-box").body_text
    assert PARAGRAPHS[2] in body
    assert call not in body


def test_the_second_opinions_body_says_a_paragraph_once_as_ours_does():
    """A mobile and a desktop copy of the same paragraph in trafilatura's text: the body
    taken from it keeps the first copy, as uninews's own body would."""
    article = "".join(f"<p>{p} {p}</p>" for p in PARAGRAPHS)
    copy = f"<p class='mobile-only'>{PARAGRAPHS[1]} {PARAGRAPHS[1]}</p>"
    html = _page(
        f"<div class='content'><div class='skip-item'>{article}{copy}</div>"
        "<article><p>Lichens, in brief.</p></article></div>"
    )
    body = extract(html, "https://example.edu/news/lichens-twice").body_text
    assert PARAGRAPHS[2] in body
    assert body.count(PARAGRAPHS[1]) == 2  # written twice in its paragraph, shown once


def test_a_page_that_shows_its_text_in_noscript_only_keeps_that_text():
    """A forum that builds its page by script serves the whole topic inside one <noscript>
    (the page without script shows nothing else): that text is the page's. A <noscript>
    of deferred styles or a tracking pixel holds no text and is still dropped."""
    posts = "".join(
        f"<div class='post'><span class='creator'>user{n}</span><p>{p}</p></div>"
        for n, p in enumerate(PARAGRAPHS)
    )
    html = _page(
        "<div id='splash'><div class='dots'></div></div>"
        "<script>const loader = 'x'.repeat(5000); document.title = loader;</script>"
        "<noscript><style>body{color:#111}.splash{display:grid}</style></noscript>"
        f"<noscript data-path='/t/lichens/42'><h1>Lichens under snow</h1>{posts}</noscript>"
        "<noscript><img src='https://tracker.example/pixel.gif'></noscript>"
    )
    body = extract(html, "https://forum.example.org/t/lichens/42").body_text
    assert body is not None
    for paragraph in PARAGRAPHS:
        assert paragraph in body
    assert "color:#111" not in body


def test_a_table_after_the_last_paragraph_keeps_its_short_cells():
    """Short lines after the article's last paragraph are sign-offs and widgets, but the
    cells of a table there are the article's data."""
    rows = [("Carrots", "4", "8"), ("Garlic", "6 cloves", "12 cloves"), ("Celery", "80g", "160g")]
    table = (
        "<table><tr><th>Item</th><th>2 people</th><th>4 people</th></tr>"
        + "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in rows)
        + "</table>"
    )
    long = " ".join(PARAGRAPHS)
    html = _page(f"<article><p>{long}</p><h2>Shopping list</h2>{table}</article>")
    body = extract(html, "https://example.edu/news/field-station-menu").body_text
    assert "6 cloves" in body
    assert "Celery" in body


def test_a_listing_with_little_text_of_its_own_has_its_list_as_its_body():
    """A section page of linked headlines: the block filter drops each as navigation, which
    left the page with no body; a listing's list is its content."""
    titles = [
        "Lichens keep growing under the winter snow",
        "Four field stations measure the tundra for a decade",
        "A new model predicts how shorter winters change the north",
        "Students map mosses on the slopes above the research station",
        "The snow cover is thinner than it was thirty years ago",
        "What ecologists learned from three seasons of field work",
    ]
    teasers = "".join(
        f"<div class='teaser'><h3><a href='/news/{n}'>{t}</a></h3></div>"
        for n, t in enumerate(titles)
    )
    html = _page(f"<main><h1>News</h1>{teasers}</main>")
    art = extract(html, "https://example.edu/news/")
    assert art.kind == "listing"
    assert art.body_text is not None
    for title in titles:
        assert title in art.body_text


@pytest.mark.parametrize(
    "box",
    [
        "<div class='entry__author-info'><span class='byline'>By Jane Doe</span>"
        "<p class='author-description'>{bio}</p></div>",
        # a byline whose bio shows on hover (the publisher group behind several wcxb-dev sites)
        "<div class='mntl-bylines'><span class='byline'>By Jane Doe</span>"
        "<div class='mntl-author-tooltip'><div class='mntl-author-tooltip__bio'>{bio}</div>"
        "</div></div>",
    ],
    ids=["author box", "author tooltip"],
)
def test_a_box_about_the_author_gives_the_byline_but_stays_out_of_the_body(box):
    """The author's box (name, position, a bio) is read for the byline and left out of the
    body, where its bio would read as the article's last paragraph."""
    bio = (
        "Jane Doe is a science writer with ten years of experience covering polar research, "
        "ecology and climate. She lives in Umeå with two cats and far too many field guides."
    )
    article = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = _page(f"<article><h1>Lichens</h1>{box.format(bio=bio)}{article}</article>")
    art = extract(html, "https://example.edu/news/lichens-author")
    assert PARAGRAPHS[0] in art.body_text
    assert "science writer" not in art.body_text
    assert art.authors == ["Jane Doe"]


def test_a_hidden_panel_that_holds_paragraphs_is_content_a_script_shows():
    """An accordion's or tab's panel is hidden until the reader opens it: with paragraphs
    of its own it is content. A hidden menu is still furniture."""
    article = "".join(f"<p>{p} {p}</p>" for p in PARAGRAPHS)  # 900 characters
    answer = (
        "Under a thin layer of snow the lichens stay a few degrees warmer than the air, and "
        "the snow keeps the drying wind off them, so they go on photosynthesising slowly."
    )
    panel = "".join(f"<p>{answer} {n}</p>" for n in range(4))  # 600 characters
    html = _page(
        f"<article><h1>Lichens</h1>{article}<h2>How do they survive?</h2>"
        f"<div class='accordion-panel' style='display: none'>{panel}</div>"
        "<div hidden><ul><li><a href='/a'>Home</a></li><li><a href='/b'>News</a></li></ul></div>"
        "</article>"
    )
    body = extract(html, "https://example.edu/news/lichens-faq").body_text
    assert PARAGRAPHS[2] in body
    assert "the snow keeps the drying wind off them" in body
    assert "Home" not in body


def test_a_paragraph_hidden_from_screen_readers_only_is_still_seen():
    """aria-hidden keeps an element from screen readers, not from the eye: a paragraph
    there is text the reader sees."""
    article = "".join(f"<p>{p} {p}</p>" for p in PARAGRAPHS)
    seen = (
        "The snow acts like a blanket: a few centimetres of it keep the lichens several "
        "degrees warmer than the air above and keep the drying wind off them all winter."
    )
    html = _page(
        f"<article><h1>Lichens</h1>{article}<div aria-hidden='true'><p>{seen}</p>"
        f"<p>{seen}</p></div><div aria-hidden='true'><p>Slide 1 of 4</p></div></article>"
    )
    body = extract(html, "https://example.edu/news/lichens-blanket").body_text
    assert "a few centimetres of it keep the lichens" in body
    assert "Slide 1 of 4" not in body


def _dated_article(body: str) -> bytes:
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Lichens",'
        ' "datePublished": "2026-03-04"}</script>'
    )
    return (
        f"<html><head><title>Lichens</title>{ld}</head><body><main><h1>Lichens</h1>"
        f"{body}</main></body></html>"
    ).encode()


def _cards(n: int, excerpt_words: int = 0) -> str:
    """n teaser cards; with excerpt_words, each card's excerpt is that many words of its own."""
    return "".join(
        f'<div class="item"><h3><a href="/news/story-{i}">Another story from the newsroom,'
        f" number {i}</a></h3><p>March {i + 1}, 2026</p><p>"
        + (
            " ".join(f"pick{i}w{j}" for j in range(excerpt_words))
            if excerpt_words
            else "A short summary of another story from the newsroom."
        )
        + "</p></div>"
        for i in range(n)
    )


def test_an_articles_related_posts_cards_are_left_out_of_its_body():
    """A box of teaser cards whose class names nothing (no "related"): a linked headline,
    a date and a line each, cut from one template."""
    article = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = _dated_article(f"{article}<section><div class='grid'>{_cards(4)}</div></section>")
    art = extract(html, "https://example.edu/news/lichens")
    assert art.kind == "article"
    for paragraph in PARAGRAPHS:
        assert paragraph in art.body_text
    assert "Another story from the newsroom" not in art.body_text
    assert "A short summary of another story" not in art.body_text


def test_an_articles_list_of_links_in_running_text_stays():
    """List items that are sentences with a link in them are the article's own list."""
    items = "".join(
        f"<li><a href='/reading/{i}'>Polar lichen survey, volume {i}</a>: the field notes of"
        f" season {i}, with every station's measurements.</li>"
        for i in range(4)
    )
    article = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    art = extract(_dated_article(f"{article}<ul>{items}</ul>"), "https://example.edu/news/x")
    assert "Polar lichen survey, volume 3: the field notes of season 3" in art.body_text


def test_cards_that_hold_most_of_an_articles_text_are_its_content():
    """A guide whose picks are cards: the cards outweigh the rest, so they stay."""
    html = _dated_article(f"<article><p>{PARAGRAPHS[0]}</p><div>{_cards(4, 60)}</div></article>")
    art = extract(html, "https://example.edu/news/guide")
    assert "Another story from the newsroom, number 3" in art.body_text


def test_a_body_field_deep_in_its_article_takes_the_fields_beside_it():
    """A content system's body field four wrappers deep in the <article> (Drupal's
    field--name-body), with a list in a further field beside it: the article is the
    container, so the list is read too."""
    faq = "".join(
        f"<li>Question {i}: how long do the lichens keep growing under the snow at station {i}"
        " of the survey?</li>"
        for i in range(3)
    )
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    body = (
        "<article class='node'><div class='node__content'><div class='row'><div class='col'>"
        f"<div class='field field--name-body'>{paragraphs}</div>"
        f"<div class='field field--name-field-faq'><ul>{faq}</ul></div>"
        "</div></div></div></article>"
    )
    art = extract(_dated_article(body), "https://example.edu/blog/lichens")
    assert PARAGRAPHS[0] in art.body_text
    assert "Question 2: how long do the lichens keep growing" in art.body_text


def test_a_checklist_of_short_lines_after_one_paragraph_stays():
    """Short lines after the last long paragraph are a trailer (a sign-off, a widget)
    unless they hold as much text as the article before them: then they are its list."""
    intro = " ".join(PARAGRAPHS[:2])
    steps = "".join(f"<p>Step {i}: pack the kit</p>" for i in range(24))
    art = extract(_dated_article(f"<article><p>{intro}</p>{steps}</article>"), URL_CHECKLIST)
    assert "Step 23: pack the kit" in art.body_text


def test_a_short_sign_off_after_the_article_goes():
    article = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    art = extract(
        _dated_article(f"<article>{article}<p>Thanks for reading!</p></article>"), URL_CHECKLIST
    )
    assert "Thanks for reading" not in art.body_text


URL_CHECKLIST = "https://example.edu/news/field-season-checklist"


def test_a_description_written_in_spans_inside_list_items_is_found():
    """A shop writes its description as list items of spans, no <p> anywhere: on a page whose
    paragraphs hold little of its text the vote counts such leaf blocks too, so the
    description wins over a table of variants. A menu of links still does not vote."""
    features = [
        "Durable material: the pack is made of rip-stop nylon, which is water resistant, tear "
        "resistant and wears well, with a rain cover in the pocket under the pack.",
        "Comfortable design: a thick padded back with breathable mesh and padded shoulder "
        "straps reduce fatigue during a long day on the trail, and the chest buckle steadies it.",
        "Large capacity: a roomy main compartment, a top pocket, three front pockets and two "
        "waist pockets keep your things organised and within reach on every hike.",
    ]
    items = "".join(f"<li><span>{f}</span></li>" for f in features)
    variants = "".join(
        f"<tr><td>{colour} / 40 litres, item {n}0{n}-HB-40-{colour[:2].upper()}</td>"
        f"<td>$39.99 each, $0.00 shipping</td></tr>"
        for n, colour in enumerate(["Blue", "Black", "Khaki", "Green", "Purple", "Red"])
    )
    menu = "".join(
        f"<li><a href='/c/{n}'>Hiking backpacks and daypacks {n}</a></li>" for n in range(8)
    )
    html = _page(
        f"<div class='menu'><ul>{menu}</ul></div><h1>Hiking Backpack 40L</h1>"
        f"<div class='product-description'><ul>{items}</ul></div>"
        f"<div class='quick-order'><table>{variants}</table></div>"
    )
    body = extract(html, "https://shop.example/products/hiking-backpack").body_text
    for feature in features:
        assert feature in body
    assert "Hiking backpacks and daypacks" not in body


def test_a_products_customer_reviews_stay_out_of_its_description():
    """A shop's reviews section (product-reviews, customer-reviews) is what buyers wrote about
    the product, not the page's own text about it."""
    description = "".join(f"<p>{p} {p}</p>" for p in PARAGRAPHS)
    review = (
        "Bought this for my field course and it did everything the description promised, "
        "although the strap wore out after a few months of daily use in the rain."
    )
    reviews = "".join(f"<p>{review} ({n} of 3)</p>" for n in range(3))
    html = _page(
        f"<main><h1>Lichen field guide</h1><div class='description'>{description}</div>"
        f"<section class='product-reviews'><h2>Reviews</h2>{reviews}</section></main>"
    )
    body = extract(html, "https://shop.example/products/lichen-field-guide").body_text
    assert PARAGRAPHS[1] in body
    assert "the strap wore out" not in body


def test_a_products_description_is_its_body_beside_other_blocks_of_paragraphs():
    """On a page whose metadata declare a product, the description is read as the body even
    when the page's other blocks (delivery terms, a care guide) hold a third of its
    paragraphs; on any other page that much text elsewhere makes the whole page the body."""
    description = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    terms = (
        "Orders placed before noon leave our warehouse the same day and arrive within three "
        "working days; returns are free within thirty days of delivery, in the original box, "
        "and the refund reaches your account within a week of our receiving the parcel."
    )
    ld = '<script type="application/ld+json">{"@type": "Product", "name": "Lichen kit"}</script>'
    html = (
        f"<html><head><title>Lichen kit</title>{ld}</head><body><h1>Lichen kit</h1>"
        f"<div class='description'>{description}</div>"
        f"<div class='delivery'><p>{terms}</p></div></body></html>"
    ).encode()
    body = extract(html, "https://shop.example/products/lichen-kit").body_text
    assert PARAGRAPHS[2] in body
    assert "warehouse" not in body.lower()


def test_a_shops_control_labels_between_paragraphs_are_left_out():
    """A shop's controls (add to cart, quick view, sort by) are labels of buttons a script
    wires up, never text about the product, wherever they sit."""
    html = _page(
        f"<article><h1>Lichen kit</h1><p>{PARAGRAPHS[0]} {PARAGRAPHS[1]}</p>"
        "<div>Add to cart</div><div>Quick view</div><div>Sort by</div>"
        f"<p>{PARAGRAPHS[2]} {PARAGRAPHS[0]}</p></article>"
    )
    body = extract(html, "https://shop.example/products/lichen-kit").body_text
    assert PARAGRAPHS[2] in body
    for label in ("Add to cart", "Quick view", "Sort by"):
        assert label not in body


def test_a_sign_up_forms_fine_print_is_left_out_however_long():
    fine_print = (
        "By signing up, you agree to receive recurring automated text messages from the"
        " newsroom at the number provided. Consent is not a condition of purchase. Message"
        " and data rates may apply, reply STOP to cancel at any time, HELP for help."
    )
    article = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = _dated_article(f"<article>{article}<p>{fine_print}</p></article>")
    art = extract(html, "https://example.edu/news/lichens")
    assert PARAGRAPHS[2] in art.body_text
    assert "recurring automated text messages" not in art.body_text


def test_a_review_sites_affiliate_note_is_left_out():
    note = "We independently test everything we recommend. We may earn a commission from links."
    article = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    art = extract(_dated_article(f"<article><p>{note}</p>{article}</article>"), URL_CHECKLIST)
    assert PARAGRAPHS[0] in art.body_text
    assert "may earn a commission" not in art.body_text


def test_text_written_in_spans_does_not_lower_the_bodys_confidence(monkeypatch):
    """The leaf blocks a shop writes in (spans in list items) help the vote find the
    description; the body's confidence stays a share of the page's paragraphs, so a
    description found needs no second opinion because other spans sit beside it."""
    from scraper.extract import fallback

    asked = []
    monkeypatch.setattr(fallback, "second_opinion", lambda html, url: asked.append(url) or [])
    features = "".join(
        f"<li><span>{p}</span></li>" for p in (PARAGRAPHS[0], PARAGRAPHS[1], PARAGRAPHS[2])
    )
    shipping = "".join(
        f"<div><span>Delivery zone {n}: parcels leave the warehouse within two working days"
        f" and arrive in three to five more, tracked all the way to zone {n}.</span></div>"
        for n in range(6)
    )
    html = _page(
        f"<h1>Lichen field kit</h1><div class='description'><ul>{features}</ul></div>"
        f"<aside class='shipping-info'>{shipping}</aside>"
    )
    body = extract(html, "https://shop.example/products/lichen-kit").body_text
    assert PARAGRAPHS[1] in body
    assert asked == []


@pytest.mark.parametrize(
    "furniture",
    [
        "<p class='meta'>8 min read</p>",
        "<p>Lästid 3 min</p>",
        "<div>Showing 1–16 of 29 results</div>",
        "<h2>Table of Contents</h2>",
        "<p class='label'>Sponsored</p>",
        "<div class='w-form-fail'><div>Oops! Something went wrong while submitting the form.</div>"
        "</div>",
    ],
)
def test_the_readers_furniture_is_not_article_text(furniture):
    """A reading time, a count of results, a table of contents' heading, an advertiser's
    label and a form's hidden error message are the page's, not the article's."""
    article = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = _page(f"<article><h1>Lichens under snow</h1>{furniture}{article}</article>")
    body = extract(html, "https://example.edu/news/lichens-furniture").body_text
    assert all(p in body for p in PARAGRAPHS)
    assert lxml_html.fromstring(furniture).text_content() not in body


def test_a_sentence_about_minutes_of_reading_is_article_text():
    line = "<p>Ten minutes reading the paper a day was enough.</p>"
    html = _page(f"<article>{line}{''.join(f'<p>{p}</p>' for p in PARAGRAPHS)}</article>")
    body = extract(html, "https://example.edu/news/lichens-reading").body_text
    assert "Ten minutes reading the paper a day was enough." in body


def _linked_items(names: list[str]) -> str:
    return "".join(f"<li><a href='/patch/{n}'>{name}</a></li>" for n, name in enumerate(names))


PATCHES = ["libgccjit: add support for packed structs", "libgccjit: fix volatile loads"]


def test_a_list_of_links_the_article_introduces_is_kept():
    """A changelog's items are links, as a menu's are; the sentence before them says they
    are the article's."""
    article = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    intro = "<p>Also, a few patches were merged upstream:</p>"
    html = _page(f"<article>{article}{intro}<ul>{_linked_items(PATCHES)}</ul></article>")
    body = extract(html, "https://example.edu/blog/progress-report").body_text
    assert all(patch in body for patch in PATCHES)
    assert "a few patches were merged upstream:" in body


@pytest.mark.parametrize("intro", ["", "<p>You might also like:</p>"])
def test_a_list_of_links_without_the_articles_introduction_is_left_out(intro):
    article = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = _page(f"<article>{article}{intro}<ul>{_linked_items(PATCHES)}</ul></article>")
    body = extract(html, "https://example.edu/blog/progress-report").body_text
    assert not any(patch in body for patch in PATCHES)


def test_a_heading_inside_a_list_item_is_the_item():
    """A site builder writes each item of a brand's list as an <h3> inside its <li>: they
    are list items, not headings over sections that hold nothing."""
    article = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    items = "".join(f"<li><h3>{i}</h3></li>" for i in ("organic cotton", "hemp", "fair trade"))
    html = _page(f"<article>{article}<h2>Aventura</h2><ul>{items}</ul></article>")
    body = extract(html, "https://example.com/blog/sustainable-brands").body_text
    for text in ("Aventura", "organic cotton", "hemp", "fair trade"):
        assert text in body


@pytest.mark.parametrize(
    "disclaimer",
    [
        "This material is not intended to replace the advice of a qualified advisor. "
        "Information has been obtained from sources believed to be reliable.",
        "Products and services referenced are for general information only. Always consult "
        "a qualified advisor prior to purchasing.",
        "Die Inhalte dienen nur zu Informationszwecken und stellen keine Anlageberatung dar.",
        "Innehållet är endast i informationssyfte och ersätter inte professionell rådgivning.",
        "Any opinions expressed in the examples do not reflect the views of Example Dictionary.",
    ],
)
def test_a_sites_disclaimer_is_not_article_text(disclaimer):
    body = _body_beside(after=f"<p>{disclaimer}</p>")
    assert disclaimer not in body


def test_a_paragraph_that_quotes_a_disclaimer_late_is_article_text():
    quote = (
        "Coffee does count toward hydration, the nutritionist says, and the water in it more "
        "than makes up for the caffeine. That said, experts still stress that a cup of coffee "
        "is no cure, and a newspaper column is not a substitute for medical advice from a "
        "doctor who knows you."
    )
    html = _page(f"<article><p>{PARAGRAPHS[0]}</p><p>{quote}</p><p>{PARAGRAPHS[1]}</p></article>")
    body = extract(html, "https://example.com/health/coffee").body_text
    assert quote in body


@pytest.mark.parametrize(
    ("meta", "name"),
    [
        ("By Jane Doe | Updated Mar 5, 2026 at 4:28 PM EST", "Jane"),
        ("BySarah<br>January 18, 2023", "BySarah"),
        ("Av Anna Svensson · 12 maj 2025", "Svensson"),
    ],
)
def test_a_byline_and_date_line_is_not_article_text(meta, name):
    """A post's header line of byline and date, left inside the text's container."""
    body = _body_beside(before=f"<div class='x'><p>{meta}</p></div>")
    assert name not in body


def _body_beside(before: str = "", after: str = "") -> str:
    """The body of an article of PARAGRAPHS with `before` and `after` around them; every
    paragraph is in it."""
    article = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = _page(f"<article>{before}{article}{after}</article>")
    body = extract(html, "https://example.com/blog/lichens-beside").body_text
    assert all(p in body for p in PARAGRAPHS)
    return body


def test_a_sentence_that_starts_with_by_and_names_a_date_is_article_text():
    line = "By the way, the first snow fell on 12 May 2025 | a record for the station."
    html = _page(f"<article>{''.join(f'<p>{p}</p>' for p in PARAGRAPHS)}<p>{line}</p></article>")
    body = extract(html, "https://example.com/blog/lichens-snow").body_text
    assert line in body


TRAILER_BIO = (
    "Maria Lind writes about lichens and mosses for the station's newsletter, and has "
    "walked the tundra transects every summer since 2009 with a notebook and a hand lens."
)
# The trailer is looked for once the article has begun: after a paragraph of 200 characters.
LONG_PARAGRAPHS = [
    " ".join(PARAGRAPHS),
    "Snow depth was logged every hour by sensors the team buried in autumn, and samples of "
    "the lichens were weighed each spring to see how much they had grown. The winters with "
    "deep, early snow gave the most growth; the winters with wind-blown bare ground the least.",
]


@pytest.mark.parametrize(
    "heading",
    ["About the Author", "Recommended reading", "Om författaren", "Popular posts »"],
)
def test_the_pages_trailer_after_the_article_is_not_article_text(heading):
    """A heading that opens the trailer (related articles, the author's bio) ends the article,
    however long the paragraph under it."""
    article = "".join(f"<p>{p}</p>" for p in LONG_PARAGRAPHS)
    html = _page(f"<article>{article}<h2>{heading}</h2><p>{TRAILER_BIO}</p></article>")
    body = extract(html, "https://example.com/blog/lichens-trailer").body_text
    assert all(p in body for p in LONG_PARAGRAPHS)
    assert heading not in body
    assert "Maria Lind" not in body


def test_a_read_next_box_in_the_middle_of_an_article_leaves_the_article_whole():
    """More of the article after the box than before it: the article goes on."""
    head, rest = LONG_PARAGRAPHS[0], LONG_PARAGRAPHS[1:] + PARAGRAPHS
    box = "<h3>Read next</h3>"
    html = _page(f"<article><p>{head}</p>{box}{''.join(f'<p>{p}</p>' for p in rest)}</article>")
    body = extract(html, "https://example.com/blog/lichens-read-next").body_text
    assert all(p in body for p in [head, *rest])


def test_a_section_whose_id_is_its_headings_anchor_is_article_text():
    """A content system names each section after its heading: the section
    "menu-planning-for-a-long-winter" is not a menu."""
    section = (
        "<div id='menu-planning-for-a-long-winter'><h2>Menu planning for a long winter</h2>"
        f"<p>{LONG_PARAGRAPHS[1]}</p></div>"
    )
    body = _body_beside(after=section)
    assert "Menu planning for a long winter" in body
    assert LONG_PARAGRAPHS[1] in body


def test_a_menu_whose_id_is_not_its_headings_anchor_is_left_out():
    menu = "<div id='main-menu-links'><h2>Lichens</h2><p>Mosses, ferns and other plants</p></div>"
    assert "Mosses, ferns" not in _body_beside(after=menu)


def test_an_article_of_short_lines_keeps_them_before_its_first_long_paragraph():
    """Short paragraphs and lists make the article; its one long paragraph comes last. The
    short lines before it are its text, not labels above it."""
    groups = {
        "Writing tools": ["Pens", "Pencils", "Markers"],
        "Cutting and fastening": ["Scissors", "Paper clips", "Binder clips"],
        "Paper": ["Sticky notes", "Notepads", "Printer paper"],
    }
    sections = "".join(
        f"<p><strong>{name}</strong></p><ul>{''.join(f'<li>{i}</li>' for i in items)}</ul>"
        for name, items in groups.items()
    )
    html = _page(
        f"<article><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>{sections}"
        f"<p>{LONG_PARAGRAPHS[1]}</p></article>"
    )
    body = extract(html, "https://example.com/blog/office-supplies").body_text
    for name, items in groups.items():
        assert name in body
        assert all(item in body for item in items)


def test_an_ordered_lists_items_are_numbered_as_the_browser_shows_them():
    steps = ["Audit your waste at home", "Bring a bag to the shop", "Compost the food scraps"]
    items = "".join(f"<li>{s}</li>" for s in steps)
    html = _page(
        f"<article>{''.join(f'<p>{p}</p>' for p in LONG_PARAGRAPHS)}<ol start='4'>{items}</ol>"
        "<ol><li>1. Numbered by the site itself, in its own text</li></ol></article>"
    )
    art = extract(html, "https://example.com/blog/zero-waste")
    for n, step in enumerate(steps, start=4):
        assert f"{n}. {step}" in art.body_text
        assert f"{n}. {step}" in art.body_markdown
    assert "1. Numbered by the site itself" in art.body_text
    assert "1. 1. Numbered" not in art.body_text
    assert "1. 1. Numbered" not in art.body_markdown


def test_a_post_written_as_one_block_is_its_body_though_the_description_repeats_it():
    """The description summarises the post by its first words; the post is not its lead."""
    post = " ".join(LONG_PARAGRAPHS)
    html = (
        "<html><head><title>Lichens</title>"
        f"<meta name='description' content='{PARAGRAPHS[0][:120]}'></head>"
        f"<body><article><div>{post}</div></article></body></html>"
    ).encode()
    art = extract(html, "https://example.com/p/lichens-one-block")
    assert art.kind != "empty"
    assert art.body_text == post
    assert art.lead is None


def test_a_templates_placeholder_text_is_not_article_text():
    filler = (
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
        "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud."
    )
    body = _body_beside(after=f"<section><h3>Lorem Ipsum</h3><p>{filler}</p></section>")
    assert "Lorem" not in body
