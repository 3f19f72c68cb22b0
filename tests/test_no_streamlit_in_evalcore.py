"""evalcore is the domain library: it must never import Streamlit, directly or through its dependencies, nor the
layers above it (``components``, ``pages``, ``app``): imports run pages -> components -> evalcore, never back.

Two checks: a static one over the source (every ``import`` statement, wherever it is, even under
``if TYPE_CHECKING``), and a dynamic one that imports every evalcore module in a fresh interpreter and
looks at ``sys.modules`` afterwards (and at Plotly's default template: evalcore registers its template only when
asked, never as a side effect of an import).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = REPO_ROOT / "evalcore"

# Streamlit itself, streamlit-aggrid (a Streamlit component that imports it), and the UI layers above evalcore.
FORBIDDEN = ("streamlit", "st_aggrid", "components", "pages", "app")
DYNAMIC_IMPORTERS = ("import_module", "__import__")


def _forbidden(module: str | None) -> bool:
    return module is not None and module.split(".")[0] in FORBIDDEN


def _source_files() -> list[Path]:
    if not PACKAGE_DIR.is_dir():
        pytest.fail(f"{PACKAGE_DIR} is missing")
    files = sorted(path for path in PACKAGE_DIR.rglob("*.py") if "__pycache__" not in path.parts)
    assert files, f"no Python files under {PACKAGE_DIR}"
    return files


def _streamlit_imports(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, statement) of every import of a forbidden module in ``tree``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, f"import {alias.name}") for alias in node.names if _forbidden(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and _forbidden(node.module):
                found.append((node.lineno, f"from {node.module} import ..."))
        elif isinstance(node, ast.Call):
            # importlib.import_module("streamlit") / __import__("streamlit") with a literal name
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
            if name in DYNAMIC_IMPORTERS and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str) and _forbidden(first.value):
                    found.append((node.lineno, f"{name}({first.value!r})"))
    return found


def test_no_streamlit_import_statement_in_evalcore():
    offenders = []
    for path in _source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        offenders += [f"{path.relative_to(REPO_ROOT)}:{line}: {stmt}" for line, stmt in _streamlit_imports(tree)]
    assert not offenders, "evalcore must not import Streamlit or the UI layers:\n" + "\n".join(offenders)


# Runs in a fresh interpreter: imports evalcore and every submodule, one by one, and reports the first
# module after whose import a forbidden module is loaded. ``__main__`` modules are skipped: importing one
# runs the command line (its source is still covered by the static check above).
_IMPORT_ALL = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys

    forbidden = set(sys.argv[1:])

    def loaded():
        return sorted({name.split(".")[0] for name in sys.modules} & forbidden)

    result = {"imported": [], "offender": None, "loaded": [], "errors": []}

    def on_error(name):
        result["errors"].append(f"{name}: {sys.exc_info()[1]!r}")

    import evalcore
    result["imported"].append("evalcore")
    if loaded():
        result["offender"] = "evalcore"
    else:
        names = [
            info.name
            for info in pkgutil.walk_packages(evalcore.__path__, "evalcore.", onerror=on_error)
            if info.name.rsplit(".", 1)[-1] != "__main__"
        ]
        if loaded():
            result["offender"] = "a subpackage (imported while listing evalcore's modules)"
        for name in names:
            if result["offender"]:
                break
            try:
                importlib.import_module(name)
            except Exception as exc:
                result["errors"].append(f"{name}: {exc!r}")
                continue
            result["imported"].append(name)
            if loaded():
                result["offender"] = name
    result["loaded"] = loaded()
    pio = sys.modules.get("plotly.io")
    result["template"] = pio.templates.default if pio is not None else None
    print(json.dumps(result))
    """
)


def test_importing_every_evalcore_module_loads_no_streamlit():
    _source_files()  # fails clearly when evalcore/ is missing
    completed = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL, *FORBIDDEN],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, f"importing evalcore failed:\n{completed.stderr}"
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert not result["errors"], "evalcore modules that fail to import:\n" + "\n".join(result["errors"])
    assert not result["loaded"], (
        f"importing {result['offender']} loads {', '.join(result['loaded'])}; "
        f"evalcore must work without Streamlit (modules imported: {', '.join(result['imported'])})"
    )
    assert "evalcore" in result["imported"]
    assert "evalcore.export.html" in result["imported"] and "evalcore.figures.charts" in result["imported"]
    # importing must not change Plotly's global default (a fresh interpreter has "plotly")
    assert result["template"] in (None, "plotly"), f"importing evalcore set Plotly's default to {result['template']}"
