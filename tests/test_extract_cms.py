"""Pages made with page builders and content systems no profile describes: the conventions
in scraper/extract/cms.py (data) keep their article text, and markup that wraps a whole page
in a furniture tag does not lose it."""

from pathlib import Path

from scraper.extract import extract
from scraper.extract.cms import is_body, without_layout

SAMPLES = Path(__file__).parent / "samples" / "extract"


def load(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def test_elementor_post_keeps_its_body():
    """Elementor puts "elementor-widget" (and here "overlay", "share-btn") on the box that
    holds the post: the text is kept, the sidebar widget is not."""
    art = extract(load("elementor_en_post.html"), "https://www.example.edu/2025/03/coastal-lab/")
    assert art.kind == "article"
    assert art.title == "New lab for coastal research opens"
    assert "laboratory for coastal research on Monday" in art.body_text
    assert "sensors buried in the sand" in art.body_text
    assert "Recent posts" not in art.body_text
    assert "A short teaser headline" not in art.body_text


def test_hubspot_post_keeps_its_body():
    """HubSpot's drag-and-drop modules are all "widget-span" boxes."""
    art = extract(load("hubspot_en_post.html"), "https://blog.example.edu/solar-boat")
    assert art.title == "Students build a solar boat"
    assert "runs on sunlight alone" in art.body_text
    assert "best design" in art.body_text
    assert art.authors == ["Dana Example"]


def test_unclosed_aside_around_the_page_keeps_the_article():
    """An <aside> left open at the top of <body> nests the page inside it."""
    art = extract(load("unclosed_aside.html"), "https://www.example.com/blog/startup-lessons")
    assert art.title == "Startup lessons from twenty years"
    assert "six topics came out" in art.body_text
    assert "the people you start with" in art.body_text


def test_layout_tokens_leave_the_furniture_words_of_other_classes():
    assert without_layout("elementor-widget elementor-widget-sidebar").split() == []
    assert "sidebar" in without_layout("widget-span sidebar").split()
    assert is_body("entry-content clearfix", None)
    assert is_body(None, "hs_cos_wrapper_post_body")
    assert not is_body("sidebar", "comments")


def test_siteorigin_page_keeps_its_panels():
    """SiteOrigin puts "widget widget_text" beside "so-panel" on every panel of the page it
    builds: the panels are the article, a sidebar's own text widget is not."""
    art = extract(load("siteorigin_en_page.html"), "https://www.example.edu/careers/salary/")
    assert art.title == "How to negotiate your salary"
    assert "a first offer is rarely the best one" in art.body_text
    assert "lowest figure you would accept" in art.body_text
    assert "How do I negotiate?" in art.body_text
    assert "open Monday to Friday" not in art.body_text
    assert without_layout("so-panel widget widget_text").split() == []
    assert "widget_text" in without_layout("widget widget_text").split()


def test_a_sentence_about_subscribers_is_content_a_call_to_subscribe_is_not():
    art = extract(load("siteorigin_en_page.html"), "https://www.example.edu/careers/salary/")
    assert "Two thousand subscribers told us" in art.body_text
    assert "Subscribe to our newsletter" not in art.body_text


def test_content_react_streams_in_hidden_is_kept_other_hidden_text_is_not():
    """React 18 streams each server-rendered Suspense boundary as <div hidden id="S:n">,
    which a script moves into place; "has-share-float" says the post box has a share bar."""
    art = extract(load("react_streamed_en_article.html"), "https://www.example.edu/lab/index-funds")
    assert art.title == "Index funds, explained"
    assert "its return follows the market's" in art.body_text
    assert "a yearly fee of one percent" in art.body_text
    assert "the cheapest fifth beat the dearest fifth" in art.body_text
    assert "We use cookies" not in art.body_text


def test_modifier_and_editor_tokens_are_layout():
    assert without_layout("post-content-wrap has-share-float").split() == ["post-content-wrap"]
    assert without_layout("ck-widget ck-widget_selected").split() == []
    assert without_layout("siteorigin-widget-tinymce textwidget").split() == ["textwidget"]


def test_webflow_post_is_dated_by_the_date_it_shows():
    """Webflow templates fill JSON-LD datePublished from the item's own "Published On" stamp,
    which moves with every republish; the date the page shows is the editor's."""
    art = extract(load("webflow_en_post.html"), "https://www.example.com/blog/yoga-class-price")
    assert art.kind == "article"
    assert art.published_at == "2024-08-25"
    assert "Setting a price for a yoga class" in art.body_text


def test_without_webflow_the_metadata_date_comes_first():
    """The same page from any other system: its metadata date is taken, as before."""
    page = load("webflow_en_post.html").replace(b' data-wf-site="64a1f0c2b3d4e5f601234560"', b"")
    page = page.replace(b' data-wf-page="64a1f0c2b3d4e5f601234567"', b"")
    art = extract(page, "https://www.example.com/blog/yoga-class-price")
    assert art.published_at == "2025-06-24"
