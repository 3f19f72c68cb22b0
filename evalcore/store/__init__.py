"""Persistence: every published workbook is a version of its evaluation, kept forever.

SQLite by default (a file under ``.evalboard/``), PostgreSQL by URL (``EVALBOARD_DATABASE_URL``). SQLAlchemy Core
only. The workbook bytes are the source of truth: a version holds exactly the bytes that were published (or that
a 整改 update wrote), and :meth:`Store.load` reads them with :func:`evalcore.workbook.read_workbook`.

Writes are serialised per evaluation: on PostgreSQL by ``SELECT ... FOR UPDATE`` on the evaluation row, on
SQLite by ``BEGIN IMMEDIATE`` (the whole database has one writer at a time; others wait up to
``SQLITE_TIMEOUT`` seconds rather than fail). Nothing is ever deleted: a rollback is a new version.

The schema is created and upgraded by :data:`MIGRATIONS`, an ordered list recorded in ``schema_version``;
creating a database from nothing is running them all.

One class, :class:`Store`, made of one part per module:

- :mod:`.records`: the dataclasses the store returns and the exceptions it raises;
- :mod:`.schema`: the migrations (the tables and the UTC time column are :mod:`evalcore.tables`, below the store);
- :mod:`.connection`: the engine, transactions, advisory locks, running the migrations (:class:`StoreBase`);
- :mod:`.audit`: the audit log (writing an entry with an action, refusals, reading and filtering);
- :mod:`.accounts`: local accounts, sign-in and its throttling;
- :mod:`.sessions`: browser-bound sign-in sessions;
- :mod:`.evaluations`: evaluations, versions, publish, rollback, 整改 updates, archiving;
- :mod:`.loop`: 整改 with the units (issue 25): unit accounts' reach, reports with evidence, 销号 and 退回.

Every name below is importable from ``evalcore.store``; callers need not know which module holds it. Modules that
keep tables of their own in the database (:mod:`evalcore.catalog`, :mod:`evalcore.application_store`,
:mod:`evalcore.archive`) use the public way in: :meth:`Store.reading` / :meth:`Store.writing` (transactions),
:meth:`Store.require`, :meth:`Store.record_in`, :meth:`Store.publish_in`, and the helpers :func:`actor_name`,
:func:`sha256_hex`, :func:`natural_key_of`, :func:`validated`, :func:`normalise_url`. Nothing outside this package
uses a private name of it (tests/unit/test_layers.py).
"""
from __future__ import annotations

from ..auth import Actor, PermissionDenied
from ..clock import CHINA_TZ, format_time
from ..rectification import FIELD_LABELS
from ..tables import (
    METADATA,
    T_ALIAS,
    T_AUDIT,
    T_CHANGE,
    T_DECISION,
    T_EVAL,
    T_FAIL,
    T_RECT_EVENT,
    T_RECT_FILE,
    T_RULE,
    T_USER,
    T_USER_UNIT,
    T_VER,
    T_VERSION,
    T_WEB,
    UTCDateTime,
)
from .accounts import AccountsStore
from .audit import AuditStore
from .connection import SQLITE_TIMEOUT, StoreBase, actor_name, normalise_url, sha256_hex
from .evaluations import EvaluationsStore, natural_key_of, validated
from .loop import LoopStore
from .pending import PendingReport, PendingStore
from .records import (
    ANONYMOUS,
    AUDIT_ACTIONS,
    KINDS,
    SYSTEM,
    AuditEntry,
    ChangeInfo,
    ConflictError,
    EvaluationInfo,
    PublishError,
    SignInError,
    StoreError,
    UpdateError,
    UserInfo,
    VersionInfo,
)
from .schema import MIGRATIONS, SCHEMA_VERSION
from .sessions import HANDOFF_SECONDS, WebSessionsStore


class Store(LoopStore, PendingStore, EvaluationsStore, AccountsStore, WebSessionsStore):
    """The evaluations, their versions and the 整改 change log, with the accounts, sign-in sessions and audit
    log, in one database.

    One ``Store`` per process is enough (it is thread safe: each call uses its own pooled connection).
    """


__all__ = [
    "ANONYMOUS", "AUDIT_ACTIONS", "CHINA_TZ", "FIELD_LABELS", "HANDOFF_SECONDS", "KINDS", "METADATA", "MIGRATIONS",
    "SCHEMA_VERSION", "SQLITE_TIMEOUT", "SYSTEM", "T_ALIAS", "T_AUDIT", "T_CHANGE", "T_EVAL", "T_FAIL", "T_USER",
    "T_VER", "T_VERSION", "T_WEB", "T_RECT_EVENT", "T_RECT_FILE", "T_USER_UNIT",
    "LoopStore", "AccountsStore", "Actor", "AuditStore", "AuditEntry", "ChangeInfo",
    "ConflictError", "EvaluationInfo", "EvaluationsStore",
    "PendingReport", "PendingStore", "PermissionDenied", "PublishError", "SignInError", "Store",
    "StoreBase", "StoreError", "UTCDateTime", "UpdateError", "UserInfo", "VersionInfo", "WebSessionsStore",
    "format_time",
    "T_DECISION", "T_RULE",  # 结果应用 (issue 26)
    # helpers for the modules that keep tables of their own in the store (catalog, 结果应用, the benchmarks)
    "actor_name", "natural_key_of", "normalise_url", "sha256_hex", "validated",
]
