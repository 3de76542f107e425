"""The extractor and the archive are libraries: neither may pull in Scrapy."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module",
    # scraper.cli: every `uninews` command starts fast; Scrapy loads only when a crawl runs.
    [
        "scraper.extract",
        "archive",
        "archive.cli",
        "archive.research_cli",
        "archive.web",
        "scraper.cli",
    ],
)
def test_module_does_not_import_scrapy(module):
    code = f"import sys, {module}; print('scrapy' in sys.modules or 'twisted' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
