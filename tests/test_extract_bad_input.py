"""Whatever arrives, extract() answers with an Article, never an exception."""

import gzip
import time

import pytest

from scraper.extract import KINDS, extract

URL = "https://www.umu.se/nyheter/x_1/"
SWEDISH = (
    "<html><head><title>Forskare på Umeå universitet</title></head><body><article>"
    "<h1>Årets pris går till Umeå</h1><p>Publicerad: 2021-05-03</p>"
    "<p>Forskarna på institutionen för ekologi, miljö och geovetenskap får årets pris "
    "för sitt arbete med älvar och sjöar i norra Sverige. Det är första gången.</p>"
    "</article></body></html>"
)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        "",
        b"   \n ",
        None,
        b"\x00\x01\x02\x03binary\xff\xfe" * 100,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 1 0 obj",
        b"\x89PNG\r\n\x1a\n\x00\x00",
        b"<html><body><p>Truncated <b>markup <i>and never clo",
        b"<<<<>>>>",
        b"<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>",
        "<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>",
        b"<html>" + b"<div>" * 5000 + b"deep" + b"</div>" * 5000 + b"</html>",
        b'<html><head><meta charset="no-such-charset"></head><body>\xe5\xe4\xf6</body></html>',
        "<html><body>\udcff broken surrogate</body></html>",
    ],
)
def test_never_raises(body):
    art = extract(body, URL)
    assert art.kind in KINDS
    if art.kind not in ("article", "page"):
        assert art.reason


def test_empty_and_binary_say_why():
    assert extract(b"", URL).kind == "empty"
    pdf = extract(b"%PDF-1.7\n...", URL)
    assert pdf.kind == "not_html" and "PDF" in pdf.reason
    assert extract(gzip.compress(b"<html></html>"), URL).kind == "not_html"


@pytest.mark.parametrize(
    "declared", [b"", b'<meta charset="utf-8">', b'<meta charset="iso-8859-1">']
)
def test_swedish_in_windows_1252_with_no_or_wrong_charset(declared):
    raw = SWEDISH.replace("<head>", "<head>" + declared.decode()).encode("cp1252")
    art = extract(raw, URL)
    assert art.title == "Årets pris går till Umeå"
    assert "för sitt arbete med älvar och sjöar" in art.body_text


def test_utf8_page_declared_as_latin1_keeps_its_letters():
    raw = SWEDISH.replace("<head>", '<head><meta charset="iso-8859-1">').encode("utf-8")
    art = extract(raw, URL)
    assert art.title == "Årets pris går till Umeå"
    assert art.published_at == "2021-05-03"


def test_ten_megabyte_page_is_handled_in_reasonable_time():
    filler = "<div class='teaser'><p>Lorem ipsum dolor sit amet, consectetur elit.</p></div>"
    raw = (SWEDISH.replace("</article>", "</article>" + filler * 130_000)).encode()
    assert len(raw) > 10_000_000
    start = time.perf_counter()
    art = extract(raw, URL)
    assert time.perf_counter() - start < 15
    assert art.kind in KINDS


def test_login_page():
    page = """<html><head><title>Logga in</title></head><body><form action="/login">
    <label>Användarnamn <input name="u"></label><label>Lösenord
    <input type="password" name="p"></label><button>Logga in</button></form></body></html>"""
    raw = page.encode()
    art = extract(raw, "https://www.aurora.umu.se/login?returnUrl=/x")
    assert art.kind == "login"
    assert "password" in art.reason


def test_an_article_whose_title_has_sign_in_a_word_is_no_login_wall():
    """A sign-in box in the header and "Designing" in the title: the title names no
    login, so the article is an article (a login wall gets no version in the archive)."""
    text = " ".join(
        f"Paragraph {i} of the essay on how architects design homes for a colder north."
        for i in range(30)
    )
    page = f"""<html><head><title>Designing the future of northern homes</title></head>
    <body><header><form action="/account"><input type="password" name="p"></form></header>
    <article><h1>Designing the future of northern homes</h1><p>{text}</p></article>
    </body></html>"""
    art = extract(page.encode(), "https://example.edu/journal/northern-homes")
    assert art.kind != "login"
    assert "Paragraph 29 of the essay" in art.body_text


def test_listing_page():
    items = "".join(
        f'<li><a href="/nyheter/nyhet-{i}_{i}/">Nyhet nummer {i} om forskning vid '
        f"universitetet i norr</a></li>"
        for i in range(20)
    )
    raw = f"<html><body><h1>Nyheter</h1><ul>{items}</ul></body></html>".encode()
    art = extract(raw, "https://www.umu.se/nyheter/")
    assert art.kind == "listing"
    assert "teaser" in art.reason


def test_content_page_without_date_or_byline_is_a_page():
    raw = (
        "<html lang='sv'><body><main><h1>Strategiska partnerskap</h1>"
        "<p>Umeå universitet har strategiska partnerskap med regioner, kommuner och företag "
        "för att samverka långsiktigt kring forskning, utbildning och innovation.</p>"
        "<p>Partnerskapen bygger på avtal som följs upp varje år av båda parterna.</p>"
        "</main></body></html>"
    ).encode()
    art = extract(raw, "https://www.umu.se/samverkan-och-innovation/strategiska-partnerskap/")
    assert art.kind == "page"
    assert art.title == "Strategiska partnerskap"
    assert art.published_at is None and art.authors == []


def test_listing_with_dates_and_teaser_text():
    items = "".join(
        f'<li class="news-item"><a href="/nyheter/n-{i}_{i}/"><h2>Nyhet nummer {i} om '
        f'forskning</h2></a><p class="date">2021-02-{10 + i}</p><p class="teaser">Forskare '
        f"vid universitetet har undersökt frågan nummer {i} och presenterar nu sina "
        f"resultat för allmänheten.</p></li>"
        for i in range(10)
    )
    raw = f"<html lang='sv'><body><main><h1>Alla nyheter</h1><ul>{items}</ul></main></body></html>"
    art = extract(raw.encode(), "https://www.umu.se/nyheter/")
    assert art.kind == "listing"
    assert "linked headlines" in art.reason


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://www.umu.se/nyheter/x_1/</loc></url></urlset>",
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Nyheter</title></channel></rss>',
    ],
)
def test_sitemaps_and_feeds_are_not_pages(body):
    art = extract(body, "https://www.umu.se/sitemap.xml")
    assert art.kind == "not_html"
    assert "XML" in art.reason


def test_utf8_page_with_byte_order_mark_and_xml_declaration_is_read():
    # The parser reads bytes: an XML declaration after the mark no longer makes the page
    # unreadable (a str with an encoding declaration was refused).
    page = (
        "<?xml version='1.0' encoding='utf-8'?><html><head><title>Forskning</title></head>"
        "<body><h1>Ny forskning om älvar</h1><p>" + "Forskarna har mätt älvarnas flöde. " * 8
    ) + "</p></body></html>"
    art = extract(b"\xef\xbb\xbf" + page.encode("utf-8"), "https://www.umu.se/nyheter/x/")
    assert art.title == "Ny forskning om älvar"
    assert art.body_text.startswith("Forskarna har mätt älvarnas flöde.")
