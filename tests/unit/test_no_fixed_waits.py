"""The browser and cluster tests wait for what they expect (Playwright's ``expect()``, a locator's ``wait_for``, a
page condition), never a fixed time: a fixed wait is too short on a busy machine and too long on an idle one.

One fixed wait is allowed, in a test that checks that something does NOT happen (no event to wait for), with a
comment above it saying "nothing should happen". This scan fails on any other ``wait_for_timeout`` in tests/, and on
any ``sleep`` in tests/browser and tests/cluster (code in a string, e.g. a child process's script, is not code here).
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
NO_SLEEP = (TESTS / "browser", TESTS / "cluster")
ALLOWED_NOTE = "nothing should happen"
ALLOWED_AT_MOST = 1


def fixed_waits(source: str, sleeps_too: bool) -> list[int]:
    """Line numbers of fixed waits in ``source``: any ``x.wait_for_timeout``, and with ``sleeps_too`` any
    ``time.sleep`` / ``asyncio.sleep`` / bare ``sleep`` (``from time import sleep``)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "wait_for_timeout":
            lines.append(node.lineno)
        elif sleeps_too and isinstance(node, ast.Attribute) and node.attr == "sleep":
            lines.append(node.lineno)
        elif sleeps_too and isinstance(node, ast.Name) and node.id == "sleep":
            lines.append(node.lineno)
        elif sleeps_too and isinstance(node, ast.ImportFrom) and any(a.name == "sleep" for a in node.names):
            lines.append(node.lineno)
    return sorted(set(lines))


def noted(source: str, line: int) -> bool:
    """Whether the comment lines just above ``line`` (1-based) say that nothing should happen."""
    above = source.splitlines()[:line - 1]
    comment = []
    for text in reversed(above):
        if not text.strip().startswith("#"):
            break
        comment.append(text)
    return ALLOWED_NOTE in " ".join(t.strip().lstrip("#").strip() for t in reversed(comment))


def scan() -> tuple[list[str], list[str]]:
    """(the allowed waits, the others), each as "path:line"."""
    allowed, others = [], []
    for path in sorted(TESTS.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        sleeps_too = any(path.is_relative_to(folder) for folder in NO_SLEEP)
        for line in fixed_waits(source, sleeps_too):
            where = f"{path.relative_to(ROOT)}:{line}"
            is_sleep = "wait_for_timeout" not in source.splitlines()[line - 1]
            (others if is_sleep or not noted(source, line) else allowed).append(where)
    return allowed, others


def test_no_fixed_waits_in_the_browser_tests():
    allowed, others = scan()
    assert not others, ("fixed waits (wait for a condition instead: expect(locator).to_have_count / to_be_visible / "
                        f"to_contain_text, locator.wait_for, page.wait_for_function): {others}")
    assert len(allowed) <= ALLOWED_AT_MOST, f"more than {ALLOWED_AT_MOST} 'nothing should happen' wait: {allowed}"


def test_the_scan_finds_fixed_waits():
    assert fixed_waits("page.wait_for_timeout(500)\n", sleeps_too=False) == [1]
    assert fixed_waits("import time\nx = 1\ntime.sleep(0.5)\n", sleeps_too=True) == [3]
    assert fixed_waits("from time import sleep\nsleep(1)\n", sleeps_too=True) == [1, 2]
    assert fixed_waits("import asyncio\nawait_me = asyncio.sleep\n", sleeps_too=True) == [2]
    assert fixed_waits("import time\ntime.sleep(0.5)\n", sleeps_too=False) == []
    # code inside a string (a child process's script) is not a wait of the test
    assert fixed_waits('SCRIPT = """time.sleep(120)"""\n', sleeps_too=True) == []
    assert fixed_waits("expect(page.locator('x')).to_have_count(0)\n", sleeps_too=True) == []
    allowed = "x = 1\n# nothing should happen, so there is no event to wait for\npage.wait_for_timeout(1500)\n"
    assert noted(allowed, 3)
    assert not noted("x = 1\npage.wait_for_timeout(1500)  # nothing should happen\n", 2)
    assert not noted("# nothing should happen\nx = 1\npage.wait_for_timeout(1500)\n", 3)


def test_the_one_allowed_wait_is_where_nothing_should_happen():
    allowed, _ = scan()
    assert allowed == [] or all(w.startswith("tests/browser/") for w in allowed), allowed
