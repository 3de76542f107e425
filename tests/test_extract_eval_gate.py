"""Quality gate: scores on both development corpora (extraction-dev snippets, wcxb-dev word
F1 and fields) must not drop below the pinned baseline (tests/eval_baseline.json) by more
than the tolerance. The pages go through the crawler's own call (bytes and the charset
Scrapy reads, scraper.workers.extraction.extract_body), scored by bench/extraction.py.
Raise the baseline when the extractor gets better; never lower it to let a change through."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench"
BASELINE = Path(__file__).parent / "eval_baseline.json"
TOLERANCE = 0.005
FIELD_TOLERANCE = 0.01  # fields are right or wrong per page: a few pages move them more


def _bench():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import extraction
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return extraction


def _scores(corpus: str) -> dict:
    path = SHARED / corpus
    if not path.is_dir():
        pytest.skip(f"{corpus} corpus not found at ../shared/bench/{corpus} (repo-relative)")
    extraction = _bench()
    pages = extraction.load_corpus(path)
    return extraction.evaluate(corpus, pages, extraction.run(pages, extraction.ours))


@pytest.fixture(scope="module")
def dev_scores():
    return _scores("extraction-dev")


@pytest.fixture(scope="module")
def wcxb_scores():
    return _scores("wcxb-dev")


def _pinned(corpus: str) -> dict:
    return json.loads(BASELINE.read_text())[corpus]


def test_extraction_dev_f1_not_below_baseline(dev_scores):
    pinned = _pinned("extraction-dev")
    assert dev_scores["f1"] >= pinned["f1"] - TOLERANCE, (
        f"extraction-dev F1 {dev_scores['f1']:.4f} fell below the pinned {pinned['f1']:.4f} "
        f"(tolerance {TOLERANCE}); precision {dev_scores['precision']:.4f} "
        f"(pinned {pinned['precision']:.4f}), recall {dev_scores['recall']:.4f} "
        f"(pinned {pinned['recall']:.4f})"
    )


@pytest.mark.parametrize("group", ["articles", "all"])
def test_wcxb_body_f1_not_below_baseline(wcxb_scores, group):
    pinned = _pinned("wcxb-dev")[group]
    got = wcxb_scores[group]["f1"]
    assert got >= pinned["f1"] - TOLERANCE, (
        f"wcxb-dev {group} word F1 {got:.4f} fell below the pinned {pinned['f1']:.4f} "
        f"(tolerance {TOLERANCE})"
    )


@pytest.mark.parametrize("field", ["title", "date", "author"])
def test_wcxb_fields_not_below_baseline(wcxb_scores, field):
    pinned = _pinned("wcxb-dev")["articles"]
    got = wcxb_scores["articles"][field]
    assert got >= pinned[field] - FIELD_TOLERANCE, (
        f"wcxb-dev articles: {field} right on {got:.3f} of pages, pinned {pinned[field]:.3f} "
        f"(tolerance {FIELD_TOLERANCE})"
    )


def test_wcxb_listings_not_archived_as_articles(wcxb_scores):
    """Listings and collections archived as articles stay at most as often as pinned."""
    pinned = _pinned("wcxb-dev")["listings_as_article"]
    kinds = wcxb_scores["kinds"]
    pages = kinds["listing"]["pages"] + kinds["collection"]["pages"]
    as_article = (
        kinds["listing"]["as_article"] * kinds["listing"]["pages"]
        + kinds["collection"]["as_article"] * kinds["collection"]["pages"]
    ) / pages
    assert as_article <= pinned + FIELD_TOLERANCE, (
        f"{as_article:.3f} of wcxb-dev listings and collections come out as articles "
        f"(pinned {pinned:.3f})"
    )


def test_wcxb_forums_not_archived_as_articles(wcxb_scores):
    """Forum threads archived as articles stay at most as often as pinned (a thread that
    declares itself a discussion is a page)."""
    pinned = _pinned("wcxb-dev")["forums_as_article"]
    got = wcxb_scores["kinds"]["forum"]["as_article"]
    assert got <= pinned + FIELD_TOLERANCE, (
        f"{got:.3f} of wcxb-dev forum threads come out as articles (pinned {pinned:.3f})"
    )
