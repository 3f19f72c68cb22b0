"""The project installs like one (pyproject.toml, ``pip install -e .`` in the Makefile's venv step), so nothing edits
``sys.path``; and the shared test helpers go one way: the benchmarks may import the tests' servers and databases
(``tests/serving.py``, ``tests/pg.py``), the tests never import the benchmarks (what both need, such as the
synthetic evaluations, lives in ``sample_data``)."""
from __future__ import annotations

import ast
import re
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SYS_PATH_EDIT = re.compile(r"sys\.path\s*(\[[^\]]*\]\s*=|=|\.(insert|append|extend|remove)\b)|PYTHONPATH")


def python_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return [ROOT / f for f in out.splitlines() if (ROOT / f).is_file()]


def test_no_file_edits_sys_path() -> None:
    edits = [f"{f.relative_to(ROOT)}:{n}: {line.strip()}" for f in python_files()
             for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1)
             if SYS_PATH_EDIT.search(line) and f.name != "test_installable.py"]
    assert not edits, "sys.path edits (install the project, or run as python -m from the root):\n" + "\n".join(edits)


def test_the_tests_never_import_the_benchmarks() -> None:
    found = []
    for f in python_files():
        if not f.relative_to(ROOT).parts[0] == "tests":
            continue
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
            found += [f"{f.relative_to(ROOT)}:{node.lineno}: {n}" for n in names if n.split(".")[0] == "benchmarks"]
    assert not found, "tests importing benchmarks (move what both need to sample_data or tests):\n" + "\n".join(found)


def test_pyproject_describes_the_installable_packages() -> None:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = meta["project"]
    assert project["name"] and project["version"] and project["requires-python"] == ">=3.11"
    assert project["dynamic"] == ["dependencies"]
    assert meta["tool"]["setuptools"]["dynamic"]["dependencies"] == {"file": ["requirements.txt"]}
    assert set(meta["tool"]["setuptools"]["packages"]["find"]["include"]) == {"evalcore*", "components*",
                                                                             "sample_data*"}
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-e ." in makefile  # the venv step installs the project itself
