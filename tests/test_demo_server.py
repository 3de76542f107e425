"""The demo server over real HTTP: pages with furniture, conditional GET, volatility, the log."""

import re
import signal
import subprocess
import sys
from email.utils import format_datetime, parsedate_to_datetime
from importlib import resources
from urllib.parse import urlsplit

import lxml.html
import pytest
from fixtures_demo import http_get

from scraper.demo import DemoServer

REFERENCE = "/nyheter/partnerskapsdag-mellan-umea-universitet-och-region-vasterbotten_9829332/"
TOKEN = re.compile(rb'name="__RequestVerificationToken" value="([0-9a-f]+)"')
ROTATOR = re.compile(rb'<aside class="teaser-rotator".*?</aside>', re.S)


def visible_text(html: str) -> str:
    doc = lxml.html.fromstring(html)
    for el in doc.xpath("//script|//style|//head"):
        el.drop_tree()
    return doc.text_content()


def test_reference_page_shows_the_exact_reference_text_in_order(demo_get):
    page = demo_get(REFERENCE)
    assert page.status == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    text = visible_text(page.text)
    reference = (
        resources.files("scraper.demo").joinpath("content", "reference_page.txt").read_text("utf-8")
    )
    pos = 0
    for line in filter(None, (x.strip() for x in reference.splitlines())):
        if line == "printicon":  # the alt text of the print button, not visible text
            assert '<img src="' in page.text and 'alt="printicon"' in page.text
            continue
        found = text.find(line, pos)
        assert found >= 0, f"missing or out of order: {line[:60]!r}"
        pos = found + len(line)


def test_article_pages_carry_all_the_page_furniture(demo_get, demo_site):
    english = next(a for a in demo_site.articles(1) if a.lang == "en" and a.images)
    for article, words in (
        (demo_site.article(REFERENCE), ("Hoppa direkt till innehållet", "Huvudmenyn dold.")),
        (english, ("Skip to content", "Main menu hidden.", "Published:", "Want to know more?")),
    ):
        html = demo_get(article.path).text
        for word in words + ('"False"', 'alt="printicon"', "cookie-banner", "share-bar"):
            assert word in html
        doc = lxml.html.fromstring(html)
        assert doc.xpath("//nav[contains(@class,'breadcrumbs')]//a")
        assert doc.xpath("//aside[contains(@class,'related-news')]//a")
        assert doc.xpath("//footer")
        assert doc.xpath("//h2[@data-magellan-target]") or not article.subheadings
        assert doc.xpath(f"//link[@rel='alternate'][@hreflang='{article.lang}']")
    doc = lxml.html.fromstring(demo_get(english.path).text)
    caption = doc.xpath("//div[contains(@class,'mediaflowwrapper')]//div[@class='bildText']")[0]
    assert english.images[0].credit in caption.xpath("span[@class='bildPhotografer']")[0].text
    assert (
        caption.xpath("span")[0].text
        == f"{english.images[0].credit_label} {english.images[0].credit}"
    )


def test_every_article_page_shows_what_the_model_says(demo_get, demo_site):
    for a in demo_site.articles(1):
        doc = lxml.html.fromstring(demo_get(a.path).text)
        body = doc.xpath("//div[@class='article-body']")[0]
        assert tuple(p.text_content() for p in body.xpath("p")) == a.body
        assert tuple(h.text for h in body.xpath("h2[@data-magellan-target]")) == a.subheadings
        shown = body.xpath("div[contains(@class,'mediaflowwrapper')]//img/@src")
        assert [urlsplit(src).path for src in shown] == [urlsplit(i.src).path for i in a.images]
        assert doc.xpath("//h1")[0].text == a.title
        box = doc.xpath("//div[@class='contact-box']")[0].text_content()
        for c in a.contacts:
            assert c.name in box and c.email in box and c.phone in box and c.unit in box


def test_json_ld_and_og_only_on_some_pages(demo_get, demo_site):
    with_ld = next(a for a in demo_site.articles(1) if a.has_jsonld)
    without = next(a for a in demo_site.articles(1) if not a.has_jsonld and not a.has_og)
    assert '"@type": "NewsArticle"' in demo_get(with_ld.path).text
    bare = demo_get(without.path).text
    assert "application/ld+json" not in bare and "og:title" not in bare


def test_site_hosts_are_rewritten_to_the_server(demo_server, demo_get):
    html = demo_get(REFERENCE).text
    assert "https://www.umu.se" not in html and "https://www.aurora.umu.se" not in html
    assert f'href="{demo_server.base_url}/nyheter/"' in html
    # the link text of the portal link is the real address, as on the real page
    assert ">www.aurora.umu.se/utbildning-och-forskning/" in html


def test_conditional_get_answers_304_without_body(demo_get):
    first = demo_get(REFERENCE)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert parsedate_to_datetime(modified).date().isoformat() == "2020-11-23"
    by_etag = demo_get(REFERENCE, {"If-None-Match": etag})
    assert by_etag.status == 304 and by_etag.body == b""
    assert by_etag.headers["ETag"] == etag
    by_date = demo_get(REFERENCE, {"If-Modified-Since": modified})
    assert by_date.status == 304 and by_date.body == b""
    older = format_datetime(parsedate_to_datetime(modified).replace(year=2019), usegmt=True)
    assert demo_get(REFERENCE, {"If-Modified-Since": older}).status == 200
    assert demo_get(REFERENCE, {"If-None-Match": '"stale"'}).status == 200


@pytest.mark.parametrize(
    "path", ["/nyheter/", "/nyheter/alla-nyheter/rssnews?id=10421080", "/sitemap.xml"]
)
def test_listings_feeds_and_sitemaps_have_validators(demo_get, path):
    first = demo_get(path)
    assert first.status == 200 and first.headers["ETag"] and first.headers["Last-Modified"]
    assert demo_get(path, {"If-None-Match": first.headers["ETag"]}).status == 304


def test_volatile_token_and_teaser_change_every_request_but_etag_does_not(demo_get):
    one, two = demo_get(REFERENCE), demo_get(REFERENCE)
    assert one.body != two.body
    assert TOKEN.search(one.body).group(1) != TOKEN.search(two.body).group(1)
    assert ROTATOR.search(one.body).group(0) != ROTATOR.search(two.body).group(0)
    assert one.headers["ETag"] == two.headers["ETag"]


def test_head_gives_headers_without_body(demo_get):
    get, head = demo_get("/nyheter/"), demo_get("/nyheter/", method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert int(head.headers["Content-Length"]) > 1000


def test_folder_without_slash_redirects_like_a_static_server(demo_server, demo_get):
    answer = demo_get("/nyheter")
    assert answer.status == 301
    assert answer.headers["Location"] == demo_server.base_url + "/nyheter/"


def test_unknown_path_is_404_and_static_files_are_served(demo_get):
    missing = demo_get("/nyheter/finns-inte_1/")
    assert missing.status == 404 and "charset=utf-8" in missing.headers["Content-Type"]
    icon = demo_get("/static/print.svg")
    assert icon.status == 200 and icon.headers["Content-Type"] == "image/svg+xml"
    assert demo_get("/globalassets/nyheter/1-0.png").body.startswith(b"\x89PNG")


def test_staff_portal_redirects_to_login(demo_get, demo_site):
    portal = demo_site.restricted_paths[0]
    assert portal in demo_get(REFERENCE).text  # the reference page links to it
    answer = demo_get(portal)
    assert answer.status == 302
    location = answer.headers["Location"]
    assert "/login?ReturnUrl=" in location and "strategiska-partnerskap" in location
    login = http_get(location)
    assert login.status == 200
    assert lxml.html.fromstring(login.text).xpath("//form//input[@type='password']")


def test_request_log_records_every_request(demo_server, demo_get):
    demo_server.clear_log()
    demo_get("/nyheter/?page=2", {"User-Agent": "log-test"})
    demo_get("/nope", method="HEAD")
    log = demo_server.requests
    assert [(r.method, r.path, r.status) for r in log] == [
        ("GET", "/nyheter/?page=2", 200),
        ("HEAD", "/nope", 404),
    ]
    assert log[0].headers["User-Agent"] == "log-test"
    assert log[0].time <= log[1].time
    demo_server.clear_log()
    assert demo_server.requests == []


def test_server_stops_cleanly_and_frees_the_port(demo_site):
    import http.client
    import socket

    server = DemoServer(demo_site).start()
    port = server.port
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    client.request("GET", "/robots.txt")
    assert client.getresponse().read().startswith(b"User-agent")  # kept alive, now idle
    server.stop()
    server.stop()  # a second stop is harmless
    assert client.sock.recv(1) == b""  # the server closed the idle keep-alive connection
    client.close()
    with pytest.raises(RuntimeError):
        server.base_url  # noqa: B018
    with socket.socket() as again:
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))
    with server:  # restartable; pages name the new address
        assert f"{server.base_url}/nyheter/" in http_get(server.url(REFERENCE)).text


def test_unknown_state_is_refused(demo_server):
    with pytest.raises(ValueError, match="use 1, 2 or 3"):
        demo_server.set_state(4)


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_module_command_serves_until_interrupted(stop_signal):
    proc = subprocess.Popen(
        [sys.executable, "-m", "scraper.demo", "--port", "0", "--state", "2"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", line).group(0)
        assert "state 2" in line
        assert http_get(url + "/robots.txt").status == 200
    finally:
        proc.send_signal(stop_signal)
        assert proc.wait(timeout=10) == 0
