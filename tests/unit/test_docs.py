"""The README and docs/ stay true: every repository path, module and ``python -m`` command they name exists, and
every subcommand of ``python -m evalcore`` is documented in docs/cli.md.

Each failure lists what is missing, with the file and line that names it (or, for an undocumented subcommand, the
line to add), so a renamed module or a new subcommand fails here with the fix in the message.
"""
from __future__ import annotations

import argparse
import ast
import importlib.util
import re
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from evalcore import cli

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
CLI_DOC = ROOT / "docs" / "cli.md"
OURS = ("evalcore", "components", "sample_data", "benchmarks", "tests", "scripts")

# Paths the docs name that are made at run time or kept out of git on purpose, never in a checkout.
NOT_IN_GIT = (".evalboard/", ".streamlit/secrets.toml", ".venv/", "test-results/", ".cluster/")
FILE_SUFFIXES = (".py", ".md", ".toml", ".sh", ".xlsx", ".png", ".conf", ".service", ".txt", ".example", ".json")
PLACEHOLDER = re.compile(r"[<>*…{}|]|NAME|\.\.\.|\s")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
DOTTED = re.compile(r"^(?:evalcore|components|sample_data|benchmarks)(?:\.\w+)+$")
PYTHON_M = re.compile(r"python -m ([\w.]+)((?: [a-z][a-z-]*){0,2})")


def where(doc: Path, text: str, pos: int) -> str:
    return f"{doc.relative_to(ROOT)}:{text.count(chr(10), 0, pos) + 1}"


def code_spans(text: str) -> Iterator[tuple[str, int]]:
    """Inline code outside fenced blocks, with its position."""
    fence = False
    offset = 0
    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            fence = not fence
        elif not fence:
            for m in CODE_SPAN.finditer(line):
                yield m.group(1), offset + m.start(1)
        offset += len(line) + 1


@cache
def tracked() -> frozenset[str]:
    """The files of the checkout (tracked or new but not ignored)."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return frozenset(out.splitlines())


@cache
def top_entries() -> frozenset[str]:
    """The first component of every path in the checkout: app.py, evalcore, docs, .ci, ..."""
    return frozenset(f.split("/")[0] for f in tracked())


def path_exists(path: str) -> bool:
    path = path.split("::")[0].split("#")[0].removeprefix("./")
    if any(path.startswith(p) for p in NOT_IN_GIT):
        return True
    if "/" not in path.rstrip("/"):  # a bare file name (load_server.py): somewhere in the checkout
        return any(f == path or f.endswith("/" + path) for f in tracked()) or (ROOT / path).exists()
    if path.endswith("/"):
        return (ROOT / path).is_dir()
    return path in tracked() or (ROOT / path).exists()


def looks_like_path(span: str) -> bool:
    """A path of this repository: it starts with one of the checkout's top-level entries (a system path such as
    sites-enabled/ does not), or is a bare Python file name; no placeholder, no URL."""
    if PLACEHOLDER.search(span) or span.startswith(("/", "http", "~", "-")) or "://" in span:
        return False
    if "/" not in span.rstrip("/"):
        return span.endswith(".py") or span in top_entries()
    first = span.removeprefix("./").split("/")[0]
    if first not in top_entries() and first not in (p.rstrip("/").split("/")[0] for p in NOT_IN_GIT):
        return False
    return span.endswith(FILE_SUFFIXES) or span.endswith("/")


@cache
def top_level_names(module_file: Path) -> frozenset[str]:
    """Names a module defines or imports at its top level (classes with their attributes as Class.attr)."""
    tree = ast.parse(module_file.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.add(node.name)
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    names.add(f"{node.name}.{item.name}")
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    names.add(f"{node.name}.{item.target.id}")
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return frozenset(names)


def module_file(dotted: str) -> Path | None:
    base = ROOT / Path(*dotted.split("."))
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def dotted_exists(dotted: str) -> bool:
    """``evalcore.workbook.visible_text``: the longest prefix that is a module, then a name defined in it."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        found = module_file(".".join(parts[:i]))
        if found is None:
            continue
        rest = parts[i:]
        if not rest:
            return True
        if len(rest) == 1:
            return rest[0] in top_level_names(found)
        return ".".join(rest[:2]) in top_level_names(found) or (
            rest[0] in top_level_names(found) and module_file(".".join(parts[:i + 1])) is not None)
    return False


class _Parser(Exception):
    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self.parser = parser


def cli_parser(monkeypatch: pytest.MonkeyPatch) -> argparse.ArgumentParser:
    """The parser ``evalcore.cli.main`` builds, caught as it is about to parse."""
    def catch(self: argparse.ArgumentParser, *args: object, **kwargs: object) -> argparse.Namespace:
        raise _Parser(self)

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", catch)
    with pytest.raises(_Parser) as caught:
        cli.main([])
    return caught.value.parser


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    return {name: sub for action in parser._actions if isinstance(action, argparse._SubParsersAction)
            for name, sub in action.choices.items()}


def commands(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every command line the parser accepts: ``template``, ..., ``user add``, ``user list``, ..."""
    out = []
    for name, sub in subcommands(cli_parser(monkeypatch)).items():
        actions = subcommands(sub)
        out += [f"{name} {a}" for a in actions] if actions else [name]
    return out


def test_every_path_the_docs_name_exists() -> None:
    missing = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for span, pos in code_spans(text):
            if looks_like_path(span) and not path_exists(span):
                missing.append(f"{where(doc, text, pos)}: `{span}`")
        for m in LINK.finditer(text):
            target = m.group(1).split("#")[0]
            if not target or "://" in target or target.startswith("mailto:"):
                continue
            resolved = (doc.parent / target).resolve()
            if not resolved.exists():
                missing.append(f"{where(doc, text, m.start())}: link ({m.group(1)})")
    assert not missing, "paths named in the README or docs/ that are not in the repository:\n" + "\n".join(missing)


def test_every_module_the_docs_name_exists() -> None:
    missing = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for span, pos in code_spans(text):
            name = span.removesuffix("()")
            if DOTTED.match(name) and not dotted_exists(name):
                missing.append(f"{where(doc, text, pos)}: `{span}`")
    assert not missing, ("modules or names named in the README or docs/ that do not exist (module, then a name "
                         "defined at its top level):\n" + "\n".join(missing))


def test_every_python_m_command_the_docs_name_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    known = set(commands(monkeypatch))
    top = {c.split()[0] for c in known}
    missing = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for m in PYTHON_M.finditer(text):
            module, words = m.group(1).rstrip("."), m.group(2).split()
            at = where(doc, text, m.start())
            if module == "evalcore":
                if not words:
                    continue
                if words[0] not in top:
                    missing.append(f"{at}: python -m evalcore {words[0]} (no such subcommand)")
                elif any(c.startswith(words[0] + " ") for c in known) and len(words) > 1 \
                        and f"{words[0]} {words[1]}" not in known:
                    missing.append(f"{at}: python -m evalcore {words[0]} {words[1]} (no such action)")
            elif any(part.isupper() for part in module.split(".")):
                continue  # a placeholder: python -m benchmarks.NAME
            elif module.split(".")[0] in OURS:
                if module_file(module) is None:
                    missing.append(f"{at}: python -m {module} (no such module in the repository)")
            elif importlib.util.find_spec(module.split(".")[0]) is None:
                missing.append(f"{at}: python -m {module} (not installed)")
    assert not missing, "commands named in the README or docs/ that do not exist:\n" + "\n".join(missing)


def test_every_cli_subcommand_is_documented_in_docs_cli_md(monkeypatch: pytest.MonkeyPatch) -> None:
    text = CLI_DOC.read_text(encoding="utf-8")
    undocumented = [c for c in commands(monkeypatch)
                    if not re.search(rf"python -m evalcore {re.escape(c)}(?![\w-])", text)]
    assert not undocumented, (
        "subcommands of python -m evalcore (evalcore/cli.py) that docs/cli.md does not document; add a line for each "
        "to the command block of docs/cli.md with its arguments and what it does:\n"
        + "\n".join(f"  python -m evalcore {c}" for c in undocumented))


def test_the_checks_catch_what_they_are_for(monkeypatch: pytest.MonkeyPatch) -> None:
    """The detectors themselves: a wrong path, module, name or subcommand is found, a right one is not."""
    assert path_exists("evalcore/cli.py") and not path_exists("evalcore/nowhere.py")
    assert path_exists("docs/") and not path_exists("nodocs/") and not path_exists("benchmarks/synth.py")
    assert looks_like_path("sample_data/changsha_2023.xlsx") and not looks_like_path("sample_data/source/<n>.toml")
    assert looks_like_path("benchmarks/synth.py") and not looks_like_path("sites-enabled/")
    assert dotted_exists("evalcore.workbook.visible_text")
    assert dotted_exists("evalcore.store.connection.StoreBase.from_env")
    assert dotted_exists("evalcore.ranking.LIST_LIMIT") and not dotted_exists("evalcore.ranking.NO_SUCH_LIMIT")
    assert dotted_exists("evalcore.model.RectificationItem") and not dotted_exists("evalcore.nowhere.Problem")
    known = commands(monkeypatch)
    assert {"template", "validate", "backup", "restore", "user add", "user unlock"} <= set(known)
