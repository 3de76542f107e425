"""archive.recent (what changed per site) and the word-level diffs of archive.diff that the
web view marks with <ins>/<del>."""

from __future__ import annotations

from fixtures_archive import build_capture, build_content

from archive.diff import paragraph_ops, word_ops
from archive.recent import recent_changes

SV = "https://www.umu.se/nyheter/"
EN = "https://www.umu.se/en/news/"


def record(arc, url, status=200, site="umu", **content):
    capture = build_capture(
        url,
        status=status,
        redirect_to=url + "ny/" if status == 301 else None,
        body=b"<html>moved</html>" if status == 301 else b"<html><body>x</body></html>",
    )
    fields = build_content(**content) if status == 200 else None
    arc.record(capture, fields, run_id=None, site=site)


def by_kind(found, site="umu"):
    lists = next(s for s in found if s.site == site).lists
    return {kind: [c.url for c in changes] for kind, changes in lists.items()}


def test_recent_changes_tells_silent_edits_from_dated_ones(archive):
    body = "Första stycket.\n\nAndra stycket."
    record(archive, SV + "tyst_1/", body_text=body, updated_at=None)
    record(archive, SV + "daterad_2/", body_text=body, updated_at="2026-01-01")
    record(archive, SV + "rubrik_3/", title="Gammal rubrik")
    record(archive, SV + "borta_4/")
    record(archive, SV + "flyttad_5/")
    record(archive, EN + "other-site_6/", site="other")
    # The second crawl: a silent edit, an edit that moved its "updated" date, a new title,
    # a page gone and one moved.
    record(archive, SV + "tyst_1/", body_text=body + "\n\nTillagt.", updated_at=None)
    record(archive, SV + "daterad_2/", body_text=body + "\n\nTillagt.", updated_at="2026-02-01")
    record(archive, SV + "rubrik_3/", title="Ny rubrik")
    record(archive, SV + "borta_4/", status=404)
    record(archive, SV + "flyttad_5/", status=301)

    found = recent_changes(archive.conn)
    assert [s.site for s in found] == ["other", "umu"]
    umu = by_kind(found)
    assert umu["edited"] == [SV + "rubrik_3/", SV + "daterad_2/", SV + "tyst_1/"]  # newest first
    assert umu["silent"] == [SV + "tyst_1/"]
    assert umu["gone"] == [SV + "borta_4/"]
    assert umu["moved"] == [SV + "flyttad_5/"]
    assert set(umu["new"]) == {
        SV + p for p in ("tyst_1/", "daterad_2/", "rubrik_3/", "borta_4/", "flyttad_5/")
    }
    assert by_kind(found, "other") == {
        "edited": [], "silent": [], "gone": [], "moved": [], "new": [EN + "other-site_6/"]
    }  # fmt: skip

    lists = next(s for s in found if s.site == "umu").lists
    title_edit = lists["edited"][0]
    assert (title_edit.version, title_edit.changed_fields) == (2, ["title"])
    assert lists["moved"][0].redirect_to == SV + "flyttad_5/ny/"
    assert lists["gone"][0].title == build_content()["title"]  # the last title it had
    assert by_kind(recent_changes(archive.conn, site="umu", limit=1))["edited"] == [
        SV + "rubrik_3/"
    ]


def test_a_revived_page_is_no_longer_gone(archive):
    record(archive, SV + "tillbaka_7/")
    record(archive, SV + "tillbaka_7/", status=404)
    assert by_kind(recent_changes(archive.conn))["gone"] == [SV + "tillbaka_7/"]
    record(archive, SV + "tillbaka_7/")
    assert by_kind(recent_changes(archive.conn))["gone"] == []


def test_word_ops_rebuild_both_texts_and_mark_only_what_changed():
    old = "Umeå universitet och Region Västerbotten höll en partnerskapsdag i november."
    new = "Umeå universitet och Region Norrbotten höll en stor partnerskapsdag i december."
    ops = word_ops(old, new)
    assert "".join(t for tag, t in ops if tag != "insert") == old
    assert "".join(t for tag, t in ops if tag != "delete") == new
    assert [t for tag, t in ops if tag == "delete"] == ["Västerbotten", "november."]
    assert [t.strip() for tag, t in ops if tag == "insert"] == ["Norrbotten", "stor", "december."]
    assert word_ops("samma text", "samma text") == [("equal", "samma text")]
    assert word_ops(None, "ny") == [("insert", "ny")]


def test_paragraph_ops_fold_unchanged_paragraphs_around_an_edit():
    paragraphs = [f"Stycke {n} om samarbetet." for n in range(1, 11)]
    edited = paragraphs[:5] + ["Stycke 6 om det nya samarbetet."] + paragraphs[6:]
    blocks = paragraph_ops("\n\n".join(paragraphs), "\n\n".join(edited))
    assert [b.skipped for b in blocks] == [4, 0, 0, 0, 3]  # 4 folded, 1 kept each side
    changed = blocks[2].ops
    assert [t for tag, t in changed if tag == "insert"] == ["det nya "]
    assert not any(tag == "delete" for tag, _ in changed)
    added = paragraph_ops("Ett.", "Ett.\n\nTvå.")
    assert [b.ops for b in added] == [(("equal", "Ett."),), (("insert", "Två."),)]
    assert paragraph_ops("Ett.\n\nTvå.", "Ett.\n\nTvå.") == [type(added[0])(skipped=2)]
