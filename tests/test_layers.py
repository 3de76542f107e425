"""The layers hold: the archive is a library without the crawler, the extractor a pure function
without Scrapy, and `uninews` loads Scrapy only for the commands that crawl."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def loaded_after(statement: str) -> set[str]:
    """Top-level packages in sys.modules after running `statement` in a fresh interpreter."""
    tops = "sorted({m.split('.')[0] for m in sys.modules})"
    code = f"import sys; {statement}; print(' '.join({tops}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize(
    "module",
    [
        "scraper.extract",
        "archive",
        "archive.web",
        "scraper.cli",  # every `uninews` command starts fast
        "scraper.cli.read",
        "scraper.cli.export",
        "scraper.cli.serve",
        "scraper.cli.warc",
        "scraper.cli.wacz",
        "scraper.cli.backup",
        "scraper.cli.merge",
        "scraper.cli.reprocess",
        "scraper.cli.health",
        "scraper.cli.ingest",  # the ingest process writes the archive and crawls nothing
        "scraper.ingest.consumer",
        "scraper.ingest.mirror",
        "scraper.cli.crawl",  # Scrapy loads when a crawl runs, not when the command is defined
    ],
)
def test_module_does_not_import_scrapy(module):
    loaded = loaded_after(f"import {module}")
    assert not loaded & {"scrapy", "twisted"}


def test_a_command_that_does_not_crawl_runs_without_scrapy(tmp_path):
    code = (
        "import sys\n"
        "from scraper.cli import cli\n"
        f"try: cli(['history', 'x', '--db', {str(tmp_path / 'none.db')!r}])\n"
        "except SystemExit: pass\n"
        "print('scrapy' in sys.modules or 'twisted' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_listing_pages_runs_without_scrapy(tmp_path):
    code = (
        "import sys\n"
        "from archive import Archive\n"
        "from scraper.cli import cli\n"
        f"Archive.open({str(tmp_path / 'a.db')!r}).close()\n"
        f"try: cli(['pages', '--db', {str(tmp_path / 'a.db')!r}])\n"
        "except SystemExit as exit: assert exit.code == 0, exit.code\n"
        "print('scrapy' in sys.modules or 'twisted' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


def imports_of(folder: str) -> dict[str, set[str]]:
    """Every absolute module each file of a package imports (relative imports stay inside)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def offenders(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path} imports {name}"
        for path, names in imports_of(folder).items()
        for name in sorted(names)
        if name.split(".")[0] in forbidden or name.startswith(forbidden)
    ]


def test_the_archive_imports_no_scraper_code():
    assert offenders("archive", ("scraper", "scrapy", "twisted")) == []


def test_the_extractor_imports_neither_scrapy_nor_the_crawler():
    crawler = ("scrapy", "twisted", "scraper.spiders", "scraper.pipelines", "scraper.middlewares",
               "scraper.workers", "scraper.cli", "scraper.crawl", "archive")  # fmt: skip
    assert offenders("scraper/extract", crawler) == []


def test_pipelines_hold_only_item_pipelines():
    """Worker processes live in scraper/workers; spiders never reach into pipelines."""
    assert offenders("scraper/spiders", ("scraper.pipelines",)) == []
    for path in (ROOT / "scraper/pipelines").glob("*.py"):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
        assert any(
            any(
                isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef) and f.name == "process_item"
                for f in c.body
            )
            for c in classes
        ), f"{path.name} holds no item pipeline"
