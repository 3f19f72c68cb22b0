"""The layers stay visible: no import cycle among evalcore's modules or packages, no import of a project module
hidden inside a function, no private name used across modules (the contracts themselves are in pyproject.toml,
checked by ``lint-imports``; docs/architecture.md).

An import inside a function hides a cycle from the reader and from import-linter's layers alike (grimp sees it, but
nobody reading the top of the file does). The few kept are lazy loads of heavy optional libraries, listed here with
the reason.
"""
from __future__ import annotations

import ast
import functools
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ("evalcore", "components", "sample_data")

# Files whose function-level imports of project modules are allowed, with the reason. The command line loads a
# command's heavy modules (the report parser, openpyxl for the audit export and the template, python-docx for the
# notice, the SMTP client) only when that command runs: every `python -m evalcore …` would otherwise pay for all of
# them (about half a second more for `evalcore summary`, measured with -X importtime).
COMMAND_FILES = ("evalcore/cli.py", "evalcore/loop_cli.py")
COMMAND_MODULES = {".template", ".reporttext", ".audit", ".importer", ".notice", ". reminders"}
LAZY_IMPORTS = {
    # Each export format loads its own heavy library (plotly, python-pptx, python-docx, openpyxl) when asked for:
    # the 演示 page imports evalcore.export.slides without plotly (tests/unit/test_slides.py).
    "evalcore/export/__init__.py": "one format's libraries loaded only when that format is exported",
}


def _python_files(*roots: str) -> list[Path]:
    out: list[Path] = []
    for r in roots:
        p = ROOT / r
        out.extend([p] if p.is_file() else sorted(p.rglob("*.py")))
    return out


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _allowed(rel: str, allow: dict[str, str]) -> bool:
    return any(rel == k or (k.endswith("/") and rel.startswith(k)) for k in allow)


def _is_project(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] in PROJECT
    return any(a.name.split(".")[0] in PROJECT for a in node.names)


def _imported(node: ast.Import | ast.ImportFrom) -> str:
    """What an import names: ``.template`` for ``from .template import x``, ``. reminders`` for ``from . import
    reminders``, ``evalcore.auth`` for ``import evalcore.auth``."""
    if isinstance(node, ast.Import):
        return ", ".join(a.name for a in node.names)
    return "." * node.level + (node.module or " " + ", ".join(a.name for a in node.names))


def function_level_imports(path: Path) -> list[tuple[int, str]]:
    """(line, what it imports) of every import of a project module inside a function or method of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(fn):
                if isinstance(node, ast.Import | ast.ImportFrom) and _is_project(node):
                    found.append((node.lineno, _imported(node)))
    return sorted(set(found))


def test_no_project_import_inside_a_function() -> None:
    offenders = [f"{_rel(p)}:{line}: import {what}" for p in _python_files("evalcore", "components")
                 if not _allowed(_rel(p), LAZY_IMPORTS) for line, what in function_level_imports(p)
                 if not (_rel(p) in COMMAND_FILES and what in COMMAND_MODULES)]
    assert offenders == [], "import at the top of the module (a cycle is fixed, not hidden):\n" + "\n".join(offenders)


def test_the_allowed_lazy_imports_still_exist() -> None:
    """An entry of the list whose file no longer imports lazily is removed from the list."""
    stale = [k for k in LAZY_IMPORTS if not k.endswith("/") and (ROOT / k).exists()
             and not function_level_imports(ROOT / k)]
    assert stale == []


def test_the_check_finds_a_hidden_import(tmp_path: Path) -> None:
    f = tmp_path / "m.py"
    f.write_text("import os\n\ndef f():\n    from evalcore import consistency\n    from .x import y\n    import json\n"
                 "    from . import reminders\n")
    assert function_level_imports(f) == [(4, "evalcore"), (5, ".x"), (7, ". reminders")]


# --- no import cycle ------------------------------------------------------------------------------------------
# The layers contract in pyproject.toml forbids an upward import between layers, but not a cycle inside one layer
# (two modules of the store, say), nor one that an import inside a function hides from a reader. The store and the
# archive once imported each other (the fact writer used the store's tables, the store called the fact writer):
# importing evalcore.archive.write first in a fresh interpreter failed. Now the tables (evalcore.tables) and the
# fact writer (evalcore.facts) stand below the store and the archive's queries above it.

# Cycles that remain, each named with its reason (none today): frozenset of the modules in it -> reason.
KNOWN_CYCLES: dict[frozenset[str], str] = {}


def strongly_connected(edges: Mapping[str, Iterable[str]]) -> list[set[str]]:
    """The cycles of a directed graph: its strongly connected components of more than one node (Tarjan's
    algorithm, iterative: the import graph is deep enough to reach Python's recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(edges.get(root, ())))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


@functools.cache
def _module_graph() -> dict[str, set[str]]:
    """Every evalcore module -> the evalcore modules importing it runs: the ones it imports, at the top, inside a
    function or for type checking only (grimp; not cached on disk: the files as they are now), and the packages
    whose ``__init__`` Python runs first to import them (see :func:`loaded_with`)."""
    graph = grimp.build_graph("evalcore", cache_dir=None)
    return {m: {a for n in graph.find_modules_directly_imported_by(m) if n.split(".")[0] == "evalcore"
                for a in loaded_with(m, n)}
            for m in graph.modules if m.split(".")[0] == "evalcore"}


def loaded_with(importer: str, imported: str) -> list[str]:
    """What importing ``imported`` from ``importer`` runs: the module, and each package above it that is not above
    ``importer`` too (those are loading already). ``evalcore.facts.upgrade`` importing ``evalcore.store.records``
    runs ``evalcore/store/__init__.py``, which loads the whole store: a cycle if the store imports the facts."""
    parts = imported.split(".")
    mine = {".".join(importer.split(".")[:k]) for k in range(1, importer.count(".") + 1)}
    return [p for p in (".".join(parts[:k]) for k in range(len(parts), 0, -1)) if p not in mine]


def _package_of(module: str) -> str:
    """``evalcore.store.schema`` -> ``evalcore.store``; a top-level module is its own package."""
    return ".".join(module.split(".")[:2])


def test_the_graph_is_evalcore_of_this_checkout() -> None:
    graph = _module_graph()
    assert {"evalcore.tables", "evalcore.facts.write", "evalcore.archive.query", "evalcore.store.schema"} <= set(graph)
    assert "evalcore.facts.write" in graph["evalcore.store.evaluations"]  # the store calls the fact writer


def test_no_import_cycle_between_modules() -> None:
    cycles = [sorted(c) for c in strongly_connected(_module_graph()) if frozenset(c) not in KNOWN_CYCLES]
    assert cycles == [], "modules that import each other (directly or round a loop):\n" + "\n".join(map(str, cycles))


def test_no_import_cycle_between_packages() -> None:
    """evalcore.store, evalcore.facts, evalcore.archive, evalcore.workbook… and the top-level modules: the
    packages' order is a strict one too (the layers of pyproject.toml, read package by package)."""
    packages: dict[str, set[str]] = {}
    for module, imported in _module_graph().items():
        packages.setdefault(_package_of(module), set()).update(
            p for p in map(_package_of, imported) if p != _package_of(module))
    cycles = [sorted(c) for c in strongly_connected(packages) if frozenset(c) not in KNOWN_CYCLES]
    assert cycles == [], "packages that import each other:\n" + "\n".join(map(str, cycles))


def test_the_tables_are_a_leaf() -> None:
    """evalcore.tables imports nothing of evalcore: every layer above the domain may read it."""
    assert _module_graph()["evalcore.tables"] == set()


def test_a_package_init_counts_when_imported_from_outside() -> None:
    assert loaded_with("evalcore.facts.upgrade", "evalcore.store.records") == ["evalcore.store.records",
                                                                               "evalcore.store"]
    assert loaded_with("evalcore.workbook.validate", "evalcore.workbook.raw") == ["evalcore.workbook.raw"]
    assert loaded_with("evalcore.cli", "evalcore.model") == ["evalcore.model"]


def test_the_cycle_check_finds_a_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e", "d"}}
    assert strongly_connected(edges) == [{"a", "b", "c"}]
    assert strongly_connected({"x": {"y"}, "y": {"x"}}) == [{"x", "y"}]


@pytest.mark.parametrize("module", ["evalcore.facts.write", "evalcore.facts.upgrade", "evalcore.archive.query",
                                    "evalcore.tables", "evalcore.store.schema", "evalcore.upgrade_cli"])
def test_a_module_imports_first_in_a_fresh_interpreter(module: str) -> None:
    """With a cycle, whichever module of it is imported first finds the other half-initialised (importing
    evalcore.archive.write first failed with "partially initialized module")."""
    done = subprocess.run([sys.executable, "-c", f"import {module}; print({module}.__file__)"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).resolve().is_relative_to(ROOT)  # this checkout's, not an installed copy


# --- private names stay in their module ---------------------------------------------------------------------

SCANNED = ("evalcore", "components", "pages", "app.py", "serve.py", "benchmarks", "scripts", "tests", "sample_data")
FIRST_PARTY = ("evalcore", "components", "sample_data", "tests", "benchmarks", "pages", "scripts")

PRIVATE_ALLOWED: tuple[str, ...] = ()
PRIVATE_ALLOWED_FROM: tuple[str, ...] = ()


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_module(path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = _module_of(path).split(".")
    if path.name != "__init__.py":
        base = base[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def private_imports(path: Path) -> list[tuple[int, str, str]]:
    """(line, module, name) of every ``from module import _name`` of a first-party module in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            module = _imported_module(path, node)
            if module.split(".")[0] in FIRST_PARTY:
                found += [(node.lineno, module, a.name) for a in node.names if _private(a.name)]
    return found


def _store_private_names() -> set[str]:
    """The private names the store defines: module-level and in its classes (``_read``, ``_write``, ``_audit``…)."""
    names: set[str] = set()
    for p in _python_files("evalcore/store"):
        tree = ast.parse(p.read_text(encoding="utf-8"))
        bodies = [tree.body] + [n.body for n in tree.body if isinstance(n, ast.ClassDef)]
        for body in bodies:
            for n in body:
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    names.add(n.name)
                elif isinstance(n, ast.Assign | ast.AnnAssign):
                    targets = n.targets if isinstance(n, ast.Assign) else [n.target]
                    names.update(t.id for t in targets if isinstance(t, ast.Name))
    return {n for n in names if _private(n)}


def _own_names(tree: ast.AST) -> set[str]:
    """The names a file defines itself: functions, classes, and attributes it assigns (``self._lock = …``)."""
    own: set[str] = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            own.add(n.name)
        elif isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store):
            own.add(n.attr)
    return own


def store_private_uses(path: Path, names: set[str]) -> list[tuple[int, str]]:
    """(line, source) of every ``something._name`` in ``path`` where ``_name`` is private to the store (``self``
    and ``cls`` excepted, and names the file defines itself: an object of its own)."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = names - _own_names(tree)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr in names
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))):
            found.append((node.lineno, ast.unparse(node)))
    return found


def test_no_private_name_imported_across_modules() -> None:
    offenders = [f"{_rel(p)}:{line}: from {module} import {name}"
                 for p in _python_files(*SCANNED) if not _rel(p).startswith(PRIVATE_ALLOWED)
                 for line, module, name in private_imports(p)
                 if not module.startswith(PRIVATE_ALLOWED_FROM)]
    assert offenders == [], ("a name used by another module is public (renamed without the underscore), or it "
                             "moves to where it is used:\n" + "\n".join(offenders))


def test_nothing_outside_the_store_uses_its_private_names() -> None:
    names = _store_private_names()
    assert {"_read", "_write", "_require", "_audit", "_publish"} <= names
    offenders = [f"{_rel(p)}:{line}: {src}" for p in _python_files(*SCANNED)
                 if not _rel(p).startswith("evalcore/store/") and not _rel(p).startswith(PRIVATE_ALLOWED)
                 for line, src in store_private_uses(p, names)]
    assert offenders == [], ("use the store's public API (reading, writing, require, record_in, publish_in, "
                             "actor_name, sha256_hex, …):\n" + "\n".join(offenders))


def test_the_private_checks_find_what_they_look_for(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("from evalcore.store.connection import _sha256\nfrom os import _exit\n"
                     "with store._read() as conn:\n    self._read()\n")
    assert [(m, n) for _, m, n in private_imports(probe)] == [("evalcore.store.connection", "_sha256")]
    assert [src for _, src in store_private_uses(probe, {"_read", "_lock"})] == ["store._read"]
    probe.write_text("class P:\n    def __init__(self):\n        self._lock = 1\n\nprovider._lock\n")
    assert store_private_uses(probe, {"_lock"}) == []  # an object of the file's own
