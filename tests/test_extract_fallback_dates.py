"""htmldate's date fallback reads words in the page's language and English only.

Left to itself, htmldate hands dateparser each string it cannot read with every one of
dateparser's ~200 locales enabled, and the first such string compiles all their patterns:
about 2 s of CPU on the first page of each extraction process. The work is counted here as
the locales dateparser tries, not as time.
"""

import pytest
from dateparser.languages import locale as dateparser_locale

from scraper.extract import extract

FILLER = "Tekstiä yliopiston tutkijoista ja heidän hankkeistaan monella lauseella. " * 10


@pytest.fixture
def locales_tried(monkeypatch):
    tried: set[str] = set()
    own = dateparser_locale.Locale.is_applicable

    def counting(self, *args, **kwargs):
        tried.add(self.shortname)
        return own(self, *args, **kwargs)

    monkeypatch.setattr(dateparser_locale.Locale, "is_applicable", counting)
    return tried


@pytest.mark.parametrize(
    ("lang", "written"),
    [("fi", "Julkaistu 3. maaliskuuta 2021"), ("es", "Publicado el 3 de marzo de 2021")],
)
def test_dates_in_words_are_tried_in_the_page_language_and_english(locales_tried, lang, written):
    page = (
        f'<html lang="{lang}"><head><title>Uutinen</title></head><body><main>'
        f"<h1>Pitkä otsikko tämän päivän uutiselle</h1><p>{written}</p>"
        f"<p>{FILLER}</p><p>{FILLER}</p></main></body></html>"
    )
    art = extract(page.encode(), f"https://example.org/{lang}/uutiset/x")
    assert art.published_at is not None and art.published_at.startswith("2021")
    assert locales_tried == {lang, "en"}


def test_page_in_a_language_dateparser_lacks_is_tried_in_english(locales_tried):
    page = (
        '<html lang="tlh"><head><title>x</title></head><body><main>'
        "<h1>A headline long enough for a page</h1><p>Julkaistu 3. maaliskuuta 2021</p>"
        f"<p>{FILLER}</p><p>{FILLER}</p></main></body></html>"
    )
    extract(page.encode(), "https://example.org/news/x")
    assert locales_tried == {"en"}
