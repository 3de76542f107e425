"""Every regular expression of the extractor and of discovery does work linear in its input.

A hostile or merely unusual page (100 KB of capitalised words, of non-space, of "@", of
digits and separators) must not make a pattern backtrack for minutes. The work is counted
by tests/regex_steps.py, a backtracking matcher that tries alternatives in the order
``re`` does, one step per node: each pattern is run (as finditer, which does at least the
work of search, match, sub, split and findall) over generated inputs of two sizes, and the
count must grow linearly and stay under a fixed number of steps per character. The same
inputs at 100 KB then go through ``re`` itself.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re

import pytest
from regex_steps import StepCounter, TooMuchWork

import scraper.discovery
import scraper.extract
from scraper.extract import contacts

SMALL, LARGE = 300, 1200  # characters; linear work grows 4 times from one to the other
PER_CHAR = 1500  # steps a character may cost (a 100-word alternation tried at every start)
GROWTH = 6  # linear is 4 (plus SLACK steps a character, for what fixed costs hide); quadratic 16
SLACK = 10


def _run(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


# Generated inputs: runs of one unit, and runs behind a prefix that starts a match.
FAMILIES: dict[str, object] = {
    **{
        f"run of {unit!r}": (lambda n, u=unit: _run(u, n))
        for unit in (
            "Anna ",
            "Anna Berg, ",
            "ANNA ",
            "x",
            "xy.z-",
            "a.",
            "a-",
            "-",
            "@",
            "a@",
            "a@b.",
            "a.b@",
            ".a@b",
            "0",
            "0 ",
            "0-",
            "0 -",
            "+1 ",
            "+0",
            "+",
            "+46 ",
            "(0)",
            "1.",
            "1/",
            "12 ",
            "2020-",
            "1:",
            " ",
            "\t",
            "\n",
            " \n",
            ":",
            ", ",
            "<",
            "<script ",
            "<script>",
            "<meta ",
            "<meta charset",
            "(",
            "foto: ",
            "by ",
            "text ",
            "Publicerad ",
            "12 march ",
            "march 12 ",
            "page=1&",
            "/page/1",
            "/a-",
            "/2020",
            "_123",
            "é",
            "data:a/b;base64,",
            "AAAA",
            "log",
            "newsletter ",
        )
    },  # fmt: skip
    **{
        f"{prefix!r} then a run of {unit!r}": (lambda n, p=prefix, u=unit: p + _run(u, n))
        for prefix in ("Anna Berg ", "Kontaktperson: A, ", "by ", "+46 ", "Foto: ", "<style>")
        for unit in ("x", " ", "Anna ", "0 ", "a.")
    },
    **{
        f"'/' then a run of {unit!r} then {suffix!r}": (
            lambda n, u=unit, s=suffix: "/" + _run(u, n) + s
        )
        for unit in ("-", "a-", " ", "x")
        for suffix in ("/x", "\n!")
    },
}


def _module_patterns() -> list[tuple[str, re.Pattern]]:
    """Compiled patterns of every module, and literal ones written inline in re calls."""
    found: dict[tuple, str] = {}
    for package in (scraper.extract, scraper.discovery):
        for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                values = value if isinstance(value, (tuple, list)) else (value,)
                values = value.values() if isinstance(value, dict) else values
                for pat in values:
                    if isinstance(pat, re.Pattern):
                        found.setdefault((pat.pattern, pat.flags), f"{info.name}.{name}")
            for node in ast.walk(ast.parse(inspect.getsource(module))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "re"
                    and node.func.attr != "compile"  # module-level ones are found above
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, (str, bytes))
                ):
                    pat = re.compile(node.args[0].value)
                    where = f"{info.name}:{node.lineno}"
                    found.setdefault((pat.pattern, pat.flags), where)
    # Patterns built per call: a contact's address words looked up as a name.
    for tokens in (["anna", "svensson"], ["åsa", "öberg"]):
        pats = contacts.token_patterns(tokens)
        for kind, pat in zip(("lowered", "ignoring case"), pats, strict=True):
            where = f"contacts.token_patterns({'.'.join(tokens)}, {kind})"
            found.setdefault((pat.pattern, pat.flags), where)
    return sorted(((w, re.compile(p, f)) for (p, f), w in found.items()), key=lambda x: x[0])


PATTERNS = _module_patterns()


def _steps(pattern: re.Pattern, text: str) -> int:
    subject = text.encode("utf-8") if isinstance(pattern.pattern, bytes) else text
    return StepCounter(pattern, cap=PER_CHAR * len(text) + 10_000).count(subject)


def test_the_patterns_are_found():
    names = {where for where, _ in PATTERNS}
    assert "scraper.extract.contacts._BEFORE_NAME" in names
    assert "scraper.discovery.urlkind.ARTICLE_PATHS" in names
    assert len(PATTERNS) > 30


def test_the_counter_sees_catastrophic_backtracking():
    """The pattern that took 69-93 s on a real 485 KB page, as it was."""
    old = re.compile(r"([A-ZÅÄÖÉÜ][\w'’-]+(?:\s+[A-ZÅÄÖÉÜ][\w'’-]+){1,3})[\s,:]*(?:\S+\s*){0,12}$")
    with pytest.raises(TooMuchWork):
        _steps(old, _run("Anna ", SMALL))
    quadratic = re.compile(r"\s+,")
    small, large = _steps(quadratic, _run(" ", 100)), _steps(quadratic, _run(" ", 400))
    assert large > GROWTH * small + SLACK * 400


@pytest.mark.parametrize("where,pattern", PATTERNS, ids=[w for w, _ in PATTERNS])
def test_work_is_linear_in_the_input(where, pattern):
    slow = []
    for family, make in FAMILIES.items():
        try:
            small, large = _steps(pattern, make(SMALL)), _steps(pattern, make(LARGE))
        except TooMuchWork as exc:
            slow.append(f"{family}: over {exc.args[0]} steps")
            continue
        if large > GROWTH * small + SLACK * LARGE:
            slow.append(f"{family}: {small} steps at {SMALL} chars, {large} at {LARGE}")
    assert not slow, f"{where} ({pattern.pattern[:60]!r}): " + "; ".join(slow)


@pytest.mark.parametrize("where,pattern", PATTERNS, ids=[w for w, _ in PATTERNS])
def test_100_kb_inputs_finish(where, pattern):
    """The same inputs at 100 KB through re itself (a backtracking one would time out)."""
    for make in FAMILIES.values():
        text = make(100_000)
        subject = text.encode("utf-8") if isinstance(pattern.pattern, bytes) else text
        assert sum(1 for _ in pattern.finditer(subject)) >= 0


def test_bulky_scripts_are_cut_as_before_and_json_ld_kept():
    from scraper.extract.core import _cut_bulky

    page = (
        '<p>a</p><script src="x">var x = "<b>";</script ><p>b</p>'
        '<script type="application/ld+json">{"@type": "NewsArticle"}</script>'
        "<STYLE>p {}</style><p>c</p><img src='data:image/png;base64," + "A" * 300 + "'>"
        "<script>never closed <p>d</p>"
    )
    assert _cut_bulky(page) == (
        '<p>a</p><p>b</p><script type="application/ld+json">{"@type": "NewsArticle"}</script>'
        "<p>c</p><img src=''><script>never closed <p>d</p>"
    )
