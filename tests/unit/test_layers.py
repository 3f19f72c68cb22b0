"""The layers stay visible: no import of a project module hidden inside a function, no private name used across
modules (the contracts themselves are in pyproject.toml, checked by ``lint-imports``; docs/architecture.md).

An import inside a function hides a cycle from the reader and from import-linter's layers alike (grimp sees it, but
nobody reading the top of the file does). The few kept are lazy loads of heavy optional libraries, listed here with
the reason.
"""
from __future__ import annotations

import ast
from pathlib import Path

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
    # The store fills the archive's facts when it opens, and the archive's writers use the store's tables: store and
    # archive are one layer ("evalcore.store : evalcore.archive" in pyproject.toml), but the package __init__ of
    # each loads the other, so this import waits for the call. To go when the archive's filling moves into the
    # store (the archive work of issue 23 is changing both now).
    "evalcore/store/evaluations.py": "store <-> archive.upgrade, one layer; see above",
    # Migration 11 fills the archive's roll-ups from the fact rows (evalcore.archive.rollup.backfill): the same
    # store <-> archive loading order as above.
    "evalcore/store/schema.py": "store <-> archive.rollup, one layer; see above",
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
