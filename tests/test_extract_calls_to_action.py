"""Calls to action ("Read more", "Läs mer", "Subscribe") are told from content the same way
on the fast path (lowered text) as with the case-insensitive pattern it stands in for."""

import re
from pathlib import Path

import pytest

from scraper.extract import vocabulary
from scraper.extract.content import _is_call_to_action

SAMPLES = Path(__file__).parent / "samples" / "extract"


def _reference(text: str) -> bool:
    return vocabulary.CALL_TO_ACTION.search(text) is not None


def _lines() -> list[str]:
    lines = {"Läs mer", "LÄS MER", "Read more", "READ MORE", "Subscribe to our newsletter"}
    for path in SAMPLES.glob("*.html"):
        text = re.sub(r"<[^>]+>", "\n", path.read_text(encoding="utf-8", errors="replace"))
        lines.update(line.strip() for line in text.splitlines() if line.strip())
    return sorted(lines)


def test_samples_hold_calls_to_action_and_content():
    verdicts = {_reference(line) for line in _lines()}
    assert verdicts == {True, False}, "the samples no longer exercise both answers"


@pytest.mark.parametrize("text", _lines())
def test_fast_path_agrees_with_the_case_insensitive_pattern(text):
    assert _is_call_to_action(text) == _reference(text)


@pytest.mark.parametrize("text", ["READ MORE İstanbul", "ſubscribe", "Läs mer ı"])
def test_letters_that_fold_unlike_lower_take_the_original_pattern(text):
    assert _is_call_to_action(text) == _reference(text)
