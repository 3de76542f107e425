"""Quality gate: snippet scores on the extraction-dev pages must not drop below the pinned
baseline (tests/eval_baseline.json) by more than the tolerance. Raise the baseline when the
extractor gets better; never lower it to let a change through."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "bench" / "extraction-dev"
BASELINE = Path(__file__).parent / "eval_baseline.json"
TOLERANCE = 0.005


@pytest.fixture(scope="module")
def scores():
    if not (DEV / "annotations.json").exists():
        pytest.skip(f"extraction-dev set not found at ../shared/bench/{DEV.name} (repo-relative)")
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import extraction
    finally:
        sys.path.remove(str(ROOT / "bench"))
    pages = extraction.load_dev(DEV)
    return extraction.score(pages, extraction.ours)


def test_f1_not_below_baseline(scores):
    pinned = json.loads(BASELINE.read_text())
    assert scores["f1"] >= pinned["f1"] - TOLERANCE, (
        f"F1 {scores['f1']:.4f} fell below the pinned {pinned['f1']:.4f} (tolerance {TOLERANCE}); "
        f"precision {scores['precision']:.4f} (pinned {pinned['precision']:.4f}), "
        f"recall {scores['recall']:.4f} (pinned {pinned['recall']:.4f})"
    )
