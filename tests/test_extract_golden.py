"""Golden pages: a reader's view of each page, field by field."""

from pathlib import Path

import pytest

from scraper.extract import EXTRACTOR_VERSION, extract
from scraper.sites import load_profile

SAMPLES = Path(__file__).parent / "samples" / "extract"
REFERENCE_URL = (
    "https://www.umu.se/nyheter/"
    "partnerskapsdag-mellan-umea-universitet-och-region-vasterbotten_9829332/"
)
AURORA = (
    "https://www.aurora.umu.se/utbildning-och-forskning/stod-till-forskning/"
    "samverkan-och-innovation/strategiska-partnerskap/"
)
# Lines a naive scraper kept that a reader never sees as the article.
FURNITURE = [
    '"False"',
    "Hoppa direkt till innehållet",
    "printicon",
    "Huvudmenyn dold.",
    "Publicerad:",
    "Text: Alekzandra",
    "Vill du veta mer?",
    "kakor",
    "Relaterade nyheter",
    "Startsida",
    "Facebook",
    "Organisationsnummer",
    "Skip to content",
    "Main menu hidden.",
    "Want to know more?",
    "Related news",
    "cookies",
    "Share",
]


def load(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def all_text(article) -> str:
    parts = [article.title, article.lead, article.body_text, article.body_markdown]
    parts += [article.category or "", " ".join(article.authors)]
    for image in article.images:
        parts += [image["caption"] or "", image["credit"] or ""]
    return "\n".join(p or "" for p in parts)


def assert_no_furniture(article) -> None:
    text = all_text(article)
    for line in FURNITURE:
        assert line not in text, f"{line!r} leaked into the extracted fields"


@pytest.fixture(scope="module", params=[None, "umu"])
def umu_sv(request):
    profile = load_profile(request.param) if request.param else None
    return extract(load("umu_sv_article.html"), REFERENCE_URL, profile)


def test_umu_reference_article_fields(umu_sv):
    art = umu_sv
    assert art.kind == "article"
    assert art.title == "Partnerskapsdag mellan Umeå universitet och Region Västerbotten"
    assert art.published_at == "2020-11-23"
    assert art.category == "NYHET"
    assert art.lead == (
        "En första partnerskapsdag mellan Umeå universitet och Region Västerbotten "
        "genomfördes digitalt under torsdagen. Dagen bestod av diskussion och reflektion "
        "kring fyra olika områden som samarbetet är tänkt att fokusera på."
    )
    assert art.authors == ["Alekzandra Granath"]
    assert art.lang == "sv"
    assert art.contacts == [
        {
            "name": "Annika Nordstrand",
            "unit": "Enheten för forskningsstöd och samverkan",
            "email": "annika.nordstrand@umu.se",
            "phone": "090-786 68 83",
            "role": None,
        }
    ]
    assert art.links == [{"url": AURORA, "text": AURORA.removeprefix("https://")}]
    assert art.canonical_url == REFERENCE_URL
    assert art.translations["en"].startswith("https://www.umu.se/en/news/")


def test_umu_reference_body(umu_sv):
    body, md = umu_sv.body_text, umu_sv.body_markdown
    assert body.startswith("Umeå universitet har sedan länge samarbetat med Region Västerbotten")
    assert "\n\nVästerbotten känt för sin kreativitet\n\n" in body
    assert "\n\n## Västerbotten känt för sin kreativitet\n\n" in md
    assert "– Jag ser inte det här som ett projekt med tydlig början och slut" in body
    assert body.endswith(AURORA.removeprefix("https://"))
    assert f"[{AURORA.removeprefix('https://')}]({AURORA})" in md
    assert umu_sv.lead not in body
    assert len(body.split("\n\n")) == 13  # 11 paragraphs, the subheading, the link


def test_umu_reference_drops_furniture(umu_sv):
    assert_no_furniture(umu_sv)
    assert "Annika Nordstrand" not in umu_sv.body_text  # the contact box is in contacts


def test_umu_reference_image_credit_is_not_an_author(umu_sv):
    assert umu_sv.images == [
        {
            "src": "https://www.umu.se/globalassets/nyheter/partnerskapsdag.jpg",
            "alt": "Deltagare vid partnerskapsdagen",
            "caption": "Partnerskapsdagen genomfördes digitalt.",
            "credit": "Mattias Pettersson",
        }
    ]
    assert "Mattias Pettersson" not in umu_sv.authors


def test_umu_english_article():
    art = extract(
        load("umu_en_article.html"), "https://www.umu.se/en/news/new-research-school_9830012/"
    )
    assert art.kind == "article"
    assert art.title == "New research school for industry-employed doctoral students"
    assert art.published_at == "2020-12-14"
    assert art.category == "NEWS"
    assert art.authors == ["Jonas Lidström"]
    assert art.lang == "en"
    assert art.lead.startswith("Umeå University is starting a new research school")
    assert "## How it works" in art.body_markdown
    assert "- Four years of doctoral studies at 80 percent" in art.body_markdown
    assert "> We want research that is useful" in art.body_markdown
    assert art.links == [
        {
            "url": "https://www.umu.se/en/research/research-schools/",
            "text": "research schools at Umeå University",
        }
    ]
    assert art.contacts == [
        {
            "name": "Maria Lindqvist",
            "unit": "Grants Office",
            "email": "maria.lindqvist@umu.se",
            "phone": "+46 90 786 50 12",
            "role": None,
        }
    ]
    assert art.images[0]["credit"] == "Johan Gunséus"
    assert art.translations == {
        "sv": "https://www.umu.se/nyheter/ny-foretagsforskarskola_9830012/",
        "en": "https://www.umu.se/en/news/new-research-school_9830012/",
    }
    assert_no_furniture(art)


def test_drupal_swedish_news():
    art = extract(load("drupal_sv_news.html"), "https://www.example-universitet.se/nyheter/x")
    assert art.kind == "article"
    assert art.title == "Ny forskning om skogens kolinlagring"
    assert art.published_at == "2023-03-14T08:30:00Z"  # JSON-LD, converted to UTC
    assert art.authors == ["Karin Ek"]
    assert art.lead.startswith("Forskare vid institutionen har mätt")
    assert "### Vad betyder resultaten?" in art.body_markdown
    assert art.links == [
        {"url": "https://doi.org/10.1000/exempel.2023.001", "text": "Forest Ecology Letters"}
    ]
    for furniture in ("Hoppa till huvudinnehåll", "Taggar", "Utbildning", "Box 1", "Hem"):
        assert furniture not in all_text(art)


def test_wordpress_english_post():
    art = extract(load("wordpress_en_post.html"), "https://news.example.ac.uk/2022/09/05/solar/")
    assert art.kind == "article"
    assert art.title == "Students build a solar car for the World Challenge"
    assert art.published_at == "2022-09-05T10:15:00Z"
    assert art.authors == ["Tom Baker"]
    assert art.category == "Student life"
    assert art.lang == "en"
    assert "1. Shipping the car to Darwin in early October" in art.body_markdown
    assert art.images[0]["caption"] == "The car on its first test drive."
    assert art.images[0]["credit"] == "Sam Ortiz"
    text = all_text(art)
    for furniture in ("Share this", "Great work everyone", "Recent Posts", "Previous post",
                      "powered by WordPress", "Skip to content", "Posted in"):  # fmt: skip
        assert furniture not in text


def test_optimizely_english_press_release_in_windows_1252():
    art = extract(load("optimizely_en_news.html"), "https://www.example.se/en/news/record/")
    assert art.kind == "article"
    assert art.category == "Press release"
    assert art.published_at == "2021-09-02"
    assert art.updated_at == "2021-09-06"
    assert art.authors == ["Erik Sjöström"]
    assert "vice-chancellor, Åsa Öberg" in art.body_text  # declared windows-1252 decoded
    assert art.contacts == [
        {
            "name": "Lena Ågren",
            "unit": "International Office",
            "email": "lena.agren@example.se",
            "phone": "+46 18 471 00 00",
            "role": None,
        }
    ]
    text = all_text(art)
    for furniture in ("cookies", "Skip to main content", "Summer school", "Box 256", "By Erik"):
        assert furniture not in text


def test_extractor_version_is_exported():
    assert isinstance(EXTRACTOR_VERSION, str) and EXTRACTOR_VERSION


def test_bad_profile_expressions_are_passed_over(tmp_path):
    """A profile is user data: a broken XPath in it must not cost the article."""
    path = tmp_path / "broken.toml"
    path.write_text(
        'name = "broken"\nextends = "umu"\n[scope]\nhosts = ["www.umu.se"]\n'
        '[extract]\ndrop = ["//div[", "//*[contains(@class,\'printicon\')]"]\n'
        'title = ["//h1[", "//h1"]\n',
        encoding="utf-8",
    )
    broken = extract(load("umu_sv_article.html"), REFERENCE_URL, load_profile(str(path)))
    good = extract(load("umu_sv_article.html"), REFERENCE_URL, load_profile("umu"))
    assert broken.title == good.title
    assert broken.body_text == good.body_text
