"""No dead code: vulture at 80% confidence finds nothing in the project's own code."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_vulture_finds_no_unused_code():
    folders = ["scraper", "archive", "bench", "tests"]
    out = subprocess.run(
        [sys.executable, "-m", "vulture", *folders, "--min-confidence", "80"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
