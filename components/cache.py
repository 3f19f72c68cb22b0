"""Where evaluations come from: the versioned store, opened once per process, each version loaded once.

The store is SQLite in the checkout's ``.evalboard/`` by default (``Store.from_env``, the rule the command line
follows too; ``EVALBOARD_DB_PATH`` moves the file, ``EVALBOARD_DATABASE_URL`` points at any SQLAlchemy database,
e.g. PostgreSQL). On first start it is seeded with the sample evaluations (sample_data.FIRST_RUN), so ``make run``
opens on a portfolio of real reports.

This is the data-access layer of the pages (the store handle and Streamlit's caches of loaded versions, exports and
slide plans); the 数据管理 page's building blocks (upload, publish, 整改更新, versions) are ``components.manage``.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import streamlit as st

from evalcore.application import RuleSet
from evalcore.application_store import rules as application_rules
from evalcore.catalog import ensure_samples
from evalcore.export import export_bytes
from evalcore.export.slides import Slide, slide_plan
from evalcore.model import Evaluation
from evalcore.store import EvaluationInfo, Store
from sample_data import first_run


def _store_key() -> tuple[str, str]:
    return os.environ.get("EVALBOARD_DATABASE_URL", ""), os.environ.get("EVALBOARD_DB_PATH", "")


@st.cache_resource(show_spinner=False, max_entries=4)
def _open(key: tuple[str, str]) -> Store:
    del key  # the environment it was opened for: a test that moves the database gets its own store
    store = Store.from_env()  # the one rule the command line follows too: the checkout's store from any folder
    ensure_samples(store, first_run())  # the seed and the portfolio samples (EVALBOARD_SAMPLES), on an empty store
    return store


def store() -> Store:
    return _open(_store_key())


def evaluations() -> list[EvaluationInfo]:
    return store().evaluations()


@st.cache_resource(show_spinner=False, max_entries=64)
def _load(key: tuple[str, str], version_id: int) -> Evaluation:
    del key
    return store().load(version_id)


def load(version_id: int) -> Evaluation:
    """A stored version, read once for every session (versions never change, so the id is the cache key)."""
    return _load(_store_key(), version_id)


# The 结果应用 rules in force are part of the key: a rule the bureau changes changes the slide and the sheet.
_RULES_HASH: dict[Any, Callable[[Any], Any]] = {RuleSet: RuleSet.key}


@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs=_RULES_HASH)
def _plan(key: tuple[str, str], version_id: int, as_of, rules: RuleSet) -> list[Slide]:
    return slide_plan(_load(key, version_id), as_of, rules)


def plan(version_id: int, as_of) -> list[Slide]:
    """The slides of a version as of a date, with the 结果应用 rules in force: built once, not on every click of
    上一页 / 下一页."""
    return _plan(_store_key(), version_id, as_of, application_rules(store()))


@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs=_RULES_HASH)
def _export(key: tuple[str, str], version_id: int, fmt: str, as_of, rules: RuleSet) -> bytes:
    return export_bytes(_load(key, version_id), fmt, as_of, rules)


_DERIVED: dict[str, Callable[..., Any]] = {}


@st.cache_data(show_spinner=False, max_entries=512)
def _derived(key: tuple[str, str], version_id: int, name: str, args: tuple) -> Any:
    return _DERIVED[name](_load(key, version_id), *args)


def per_version(fn: Callable[..., Any], version_id: int, *args: Any) -> Any:
    """``fn(evaluation, *args)`` for a stored version, computed once for every session and every rerun.

    For the pure evalcore functions the pages show (budget tables, scores, findings): a version never changes,
    so (version, function, arguments) is the key. ``st.cache_data`` hands each caller its own copy, so a page
    that changes a returned DataFrame cannot change what another session sees.
    """
    name = f"{fn.__module__}.{fn.__qualname__}"
    _DERIVED.setdefault(name, fn)
    return _derived(_store_key(), version_id, name, tuple(args))


def export(version_id: int, fmt: str, as_of) -> bytes:
    """A version in an export format (xlsx, pptx, html, md, docx), generated once for every session."""
    return _export(_store_key(), version_id, fmt, as_of, application_rules(store()))
