"""The database's tables: :data:`METADATA`, the ``T_*`` tables, the column types (:class:`UTCDateTime`,
:class:`ExactDecimal`), and the ``tables_vN`` functions that define the tables each schema version added.

A leaf module of its own, outside :mod:`evalcore.store`, because both sides of the store use the tables: the store
above (its transactions, :mod:`evalcore.store.schema`'s migrations, :mod:`evalcore.archive`'s queries) and the
archive's fact writer below (:mod:`evalcore.facts`, which the store calls while publishing and migrating). Kept in
the store package, the writer would import the store and the store the writer: a cycle. It imports SQLAlchemy and
nothing of evalcore (tests/unit/test_layers.py); in the layers of pyproject.toml it is the lowest of the database's
(archive queries -> store -> fact writer -> tables), above io and the domain, which know no database
(docs/architecture.md).

:data:`METADATA` is the current schema for queries: the result of running every migration of
:data:`evalcore.store.schema.MIGRATIONS` (a test compares the two). A ``tables_vN`` function is frozen once
released: a later migration changes the schema with its own statements, and ``METADATA`` below repeats them.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

UTC = dt.UTC


class UTCDateTime(sa.TypeDecorator[dt.datetime]):
    """Aware UTC datetimes on both backends (SQLite stores naive UTC text; PostgreSQL timestamptz)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the store keeps aware UTC times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def tables_v1(md: sa.MetaData) -> None:
    """Schema version 1. Frozen: a later migration changes the schema with its own statements."""
    sa.Table(
        "schema_version", md,
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("applied_at", UTCDateTime, nullable=False),
    )
    sa.Table(
        "evaluations", md,
        sa.Column("id", sa.Integer, primary_key=True),
        # json [region, year, title]: identifies the evaluation (a plain unique constraint would let NULL
        # years repeat on PostgreSQL)
        sa.Column("natural_key", sa.Text, nullable=False, unique=True),
        sa.Column("region", sa.Text, nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("title", sa.Text, nullable=False),
        # no foreign key: versions already points here, and SQLite cannot add one afterwards
        sa.Column("active_version_id", sa.Integer),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    sa.Table(
        "versions", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), nullable=False, index=True),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("file_hash", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("source_version_id", sa.Integer, sa.ForeignKey("versions.id")),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.UniqueConstraint("evaluation_id", "number", name="uq_versions_evaluation_number"),
    )
    sa.Table(
        "changes", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), nullable=False),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("versions.id"), nullable=False),
        sa.Column("item_id", sa.Text, nullable=False),
        sa.Column("field", sa.Text, nullable=False),
        sa.Column("old_value", sa.Text, nullable=False),
        sa.Column("new_value", sa.Text, nullable=False),
        sa.Column("changed_by", sa.Text, nullable=False),
        sa.Column("changed_at", UTCDateTime, nullable=False),
        sa.Index("ix_changes_evaluation_item", "evaluation_id", "item_id"),
    )



def tables_v2(md: sa.MetaData) -> None:
    """Tables added by schema version 2 (accounts, sign-in throttling, the audit log). Frozen."""
    sa.Table(
        "users", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        # sessions signed in before this time end (password or role changed)
        sa.Column("sessions_valid_after", UTCDateTime, nullable=False),
    )
    sa.Table(
        "sign_in_failures", md,
        # by the name typed (lower case), whether or not such an account exists
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failed_at", UTCDateTime, nullable=False),
        sa.Column("locked_until", UTCDateTime),
    )
    sa.Table(
        "audit_log", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", UTCDateTime, nullable=False, index=True),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("via", sa.String(20), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("evaluation_id", sa.Integer),
        sa.Column("version_id", sa.Integer),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("before", sa.Text),  # json
        sa.Column("after", sa.Text),  # json
    )



def tables_v3(md: sa.MetaData) -> None:
    """Tables added by schema version 3 (browser-bound sign-in sessions). Frozen."""
    sa.Table(
        "web_sessions", md,
        sa.Column("id", sa.Integer, primary_key=True),
        # sha256 of the browser's cookie secret (set once the one-time handoff is redeemed)
        sa.Column("token_hash", sa.String(64), unique=True),
        # sha256 of the one-time handoff code, while it is unredeemed
        sa.Column("handoff_hash", sa.String(64), unique=True),
        sa.Column("handoff_expires", UTCDateTime),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("signed_in_at", UTCDateTime, nullable=False),
        sa.Column("last_seen", UTCDateTime, nullable=False),
        sa.Column("ended_at", UTCDateTime),
    )



def tables_v4(md: sa.MetaData) -> None:
    """Tables added by schema version 4 (issue 18): the unit alias table, with history. Frozen.

    A row is never changed except to retire it: editing an alias retires its row and adds a new one, so the
    table is its own history (who set which name when, who retired it when). Read by :mod:`evalcore.catalog`."""
    sa.Table(
        "unit_aliases", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("alias_key", sa.Text, nullable=False, index=True),  # the alias, normalised (matching.normalise)
        sa.Column("alias", sa.Text, nullable=False),  # as typed
        sa.Column("canonical", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("retired_by", sa.Text),
        sa.Column("retired_at", UTCDateTime),
    )



def tables_v7(md: sa.MetaData) -> None:
    """Tables added by schema version 7 (issue 26, 结果应用). Frozen.

    ``application_rules``: the bureau's rules per 评价类型 and 等次 (a (kind, grade) without a row in force takes the
    documented default, :data:`evalcore.application.DEFAULT_RULES`); like ``unit_aliases`` a row is only ever
    retired, so the table is its own history. ``application_decisions``: what was decided for a unit's budget, with
    a copy of the rule and suggestion it was made under (a later rule change does not rewrite it); a new decision
    for the same unit retires the one before. Amounts are 2-decimal strings (万元), exact on both backends. Read
    and written by :mod:`evalcore.application_store`."""
    sa.Table(
        "application_rules", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("grade", sa.String(4), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("percent", sa.Text),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("retired_by", sa.Text),
        sa.Column("retired_at", UTCDateTime),
        sa.Index("ix_application_rules_kind_grade", "kind", "grade"),
    )
    sa.Table(
        "application_decisions", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("evaluation_id", sa.Integer, sa.ForeignKey("evaluations.id"), nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("year", sa.Integer),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("grade", sa.String(4)),
        sa.Column("budget", sa.Text),
        sa.Column("suggested", sa.Text),
        sa.Column("decided", sa.Text),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("rule_id", sa.Integer),  # the stored rule in force then; NULL: the default
        sa.Column("rule_kind", sa.Text),
        sa.Column("rule_action", sa.String(10)),
        sa.Column("rule_percent", sa.Text),
        sa.Column("rule_note", sa.Text),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("retired_by", sa.Text),
        sa.Column("retired_at", UTCDateTime),
        sa.Index("ix_application_decisions_evaluation_unit", "evaluation_id", "unit"),
    )



def tables_v10(md: sa.MetaData) -> None:
    """Tables added by schema version 10 (issue 24): report texts waiting for a person's review (待复核). Frozen.

    ``import`` of a folder publishes a report text only when nothing in it is uncertain; the others are kept here,
    as uploaded, with why they wait, until an evaluator publishes them after review or discards them."""
    sa.Table(
        "pending_reports", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("file_hash", sa.String(64), nullable=False, index=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("reasons", sa.Text, nullable=False),  # JSON list of why it waits (Chinese)
        sa.Column("submitted_by", sa.Text, nullable=False),
        sa.Column("submitted_at", UTCDateTime, nullable=False),
        sa.Column("resolved_by", sa.Text),
        sa.Column("resolved_at", UTCDateTime),
        sa.Column("resolution", sa.Text),  # published | discarded
        sa.Column("evaluation_id", sa.Integer),  # the evaluation it was published to
    )



def tables_v9(md: sa.MetaData) -> None:
    """Tables added by schema version 9 (issue 27): settings the store keeps for itself and never exports (the
    backup signing key, :mod:`evalcore.backup`). Frozen."""
    sa.Table(
        "store_settings", md,
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )



def tables_v6(md: sa.MetaData) -> None:
    """Tables added by schema version 6 (issue 25): unit accounts' units, the 整改 loop (a unit's reports and the
    bureau's decisions on an item) and the evidence files of a report. Frozen.

    ``rect_events`` is the loop's history, never changed: one row per step (report / accept / return), with who,
    when and the text; ``rect_files`` holds each evidence file's checked bytes with their sha256 digest, linked to
    the report it came with."""
    sa.Table(
        "user_units", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_name", sa.Text, nullable=False, index=True),
        sa.Column("unit", sa.Text, nullable=False),  # as typed (the canonical full name)
        sa.Column("unit_key", sa.Text, nullable=False),  # normalised, after the alias table (matching)
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("user_name", "unit_key", name="uq_user_units_user_unit"),
    )
    sa.Table(
        "rect_events", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("evaluation_id", sa.Integer, nullable=False),  # evaluations.id
        sa.Column("item_id", sa.Text, nullable=False),
        sa.Column("unit_key", sa.Text, nullable=False),  # the item's responsible unit, normalised
        sa.Column("kind", sa.String(20), nullable=False),  # report | accept | return
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("version_id", sa.Integer),  # accept: the version that closed the item
        sa.Index("ix_rect_events_item", "evaluation_id", "item_id"),
        sa.Index("ix_rect_events_unit", "unit_key"),
    )
    sa.Table(
        "rect_files", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.Integer, sa.ForeignKey("rect_events.id"), nullable=False, index=True),
        sa.Column("evaluation_id", sa.Integer, nullable=False),
        sa.Column("item_id", sa.Text, nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),  # pdf | jpg | png | docx | xlsx
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )



class ExactDecimal(sa.TypeDecorator[Decimal]):
    """Exact decimals (money in 万元, rates, scores) on both backends: PostgreSQL NUMERIC (exact, summed by
    SUM); SQLite has no decimal type (NUMERIC there is a float), so the text of the Decimal, summed exactly by
    the ``dsum`` aggregate the store registers on every SQLite connection (:func:`evalcore.archive.query.money_sum`).
    Never compare these columns with numbers in SQL on SQLite: the facts carry the flags the queries need."""

    impl = sa.Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.Text())
        return dialect.type_descriptor(sa.Numeric(asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> object:
        if value is None:
            return None
        value = Decimal(value)
        return format(value, "f") if dialect.name == "sqlite" else value

    def process_result_value(self, value: object, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return value if isinstance(value, Decimal) else Decimal(str(value))



def tables_v5(md: sa.MetaData) -> None:
    """Tables added by schema version 5 (issue 23): the facts of each version, written when it is stored
    (:mod:`evalcore.archive`). Frozen.

    ``fact_versions`` has one row per version once its facts are written: ``facts_of`` is the version whose fact
    rows describe it (itself, or for a rollback the version whose bytes it copies: a pointer, no rows copied);
    ``state`` is ``ok`` or ``unreadable`` (the current reader refuses the stored workbook: the version stays in
    the store, listed on the 数据管理 page as needing attention, with the reader's message in ``note``)."""
    sa.Table(
        "fact_versions", md,
        sa.Column("version_id", sa.Integer, primary_key=True, autoincrement=False),  # versions.id
        sa.Column("evaluation_id", sa.Integer, nullable=False, index=True),
        sa.Column("facts_of", sa.Integer, nullable=False, index=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("checked_at", UTCDateTime, nullable=False),
    )
    sa.Table(
        "fact_evaluations", md,
        sa.Column("version_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("evaluation_id", sa.Integer, nullable=False, index=True),
        sa.Column("region", sa.Text, nullable=False),
        sa.Column("year", sa.Integer, index=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("kind_inferred", sa.Boolean, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("evaluator", sa.Text, nullable=False),
        sa.Column("search_text", sa.Text, nullable=False),  # title region evaluator kind, lower case
        sa.Column("units", sa.Integer, nullable=False),  # funded or scored units
        # sums over those units (the portfolio's KPIs sum these per evaluation instead of every unit row)
        sa.Column("funded_units", sa.Integer, nullable=False),  # with a budget
        sa.Column("funded_budget", ExactDecimal),  # Σ budget of those
        sa.Column("units_executed", ExactDecimal),  # Σ executed, where stated
        sa.Column("complete_units", sa.Integer, nullable=False),  # in the funds-weighted rate
        sa.Column("complete_budget", ExactDecimal),
        sa.Column("complete_executed", ExactDecimal),
        sa.Column("budget", ExactDecimal),  # budget.overall (万元)
        sa.Column("executed", ExactDecimal),
        sa.Column("rate", ExactDecimal),  # unrounded %
        sa.Column("grade_you", sa.Integer, nullable=False),
        sa.Column("grade_liang", sa.Integer, nullable=False),
        sa.Column("grade_zhong", sa.Integer, nullable=False),
        sa.Column("grade_cha", sa.Integer, nullable=False),
        sa.Column("grade_none", sa.Integer, nullable=False),
        sa.Column("grades_derived", sa.Integer, nullable=False),  # graded units whose grade the report does not state
        sa.Column("problems", sa.Integer, nullable=False),
        sa.Column("problem_categories", sa.Integer, nullable=False),
        sa.Column("recommendations", sa.Integer, nullable=False),
        sa.Column("rect_items", sa.Integer, nullable=False),
        sa.Column("rect_closed", sa.Integer, nullable=False),  # closed by their current status
        sa.Column("rect_illustrative", sa.Boolean, nullable=False),
        sa.Column("scores_illustrative", sa.Boolean, nullable=False),
    )
    sa.Table(
        "fact_units", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version_id", sa.Integer, nullable=False, index=True),
        sa.Column("evaluation_id", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),  # order in the workbook
        sa.Column("unit", sa.Text, nullable=False),  # 简称 (the key)
        sa.Column("name", sa.Text, nullable=False),  # 全称 as typed ("" when none)
        sa.Column("name_key", sa.Text, nullable=False, index=True),  # matching.normalise(全称)
        sa.Column("short_key", sa.Text, nullable=False),  # matching.normalise(简称)
        sa.Column("region_key", sa.Text, nullable=False),  # matching.normalise(地区)
        sa.Column("prefixed_key", sa.Text, nullable=False),  # matching.region_prefixed(地区, 简称)
        sa.Column("unit_type", sa.Text, nullable=False),  # 单位类型
        sa.Column("counted", sa.Boolean, nullable=False),  # funded or scored (the portfolio's unit results)
        sa.Column("budget", ExactDecimal),
        sa.Column("executed", ExactDecimal),
        sa.Column("rate", ExactDecimal),  # unrounded %
        sa.Column("rate_complete", sa.Boolean, nullable=False),  # in the funds-weighted rate
        sa.Column("score", ExactDecimal),
        sa.Column("grade", sa.Text, nullable=False),  # 优/良/中/差 or 无等次
        sa.Column("grade_stated", sa.Boolean, nullable=False),  # False: derived from the score by the bands
        sa.Column("problems", sa.Integer, nullable=False),  # problem items naming the unit
        sa.Index("ix_fact_units_short", "region_key", "short_key"),
    )
    sa.Table(
        "fact_eval_grades", md,  # per evaluation and 等次: the counted units (the portfolio's grade figures)
        sa.Column("version_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("grade", sa.Text, primary_key=True),
        sa.Column("evaluation_id", sa.Integer, nullable=False),
        sa.Column("units", sa.Integer, nullable=False),
        sa.Column("funded_units", sa.Integer, nullable=False),  # with a budget
        sa.Column("funded_budget", ExactDecimal),  # Σ budget of those
    )
    sa.Table(
        "fact_unit_dimensions", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version_id", sa.Integer, nullable=False, index=True),
        sa.Column("evaluation_id", sa.Integer, nullable=False),
        sa.Column("unit", sa.Text, nullable=False),
        sa.Column("indicator", sa.Text, nullable=False),  # a level-1 indicator (维度)
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("points", ExactDecimal, nullable=False),
        sa.Column("score", ExactDecimal),
    )
    sa.Table(
        "fact_problems", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version_id", sa.Integer, nullable=False, index=True),
        sa.Column("evaluation_id", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("item", sa.Text, nullable=False),
        sa.Column("category_no", sa.Integer, nullable=False),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("theme", sa.Text, nullable=False),  # evalcore.problem_themes, default rules
        sa.Column("keyword", sa.Text, nullable=False),
        sa.Column("by_item", sa.Boolean, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("unit", sa.Text),  # the unit named (简称), if any
    )
    sa.Table(
        "fact_recommendations", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version_id", sa.Integer, nullable=False, index=True),
        sa.Column("evaluation_id", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("item", sa.Text, nullable=False),
        sa.Column("category_no", sa.Integer, nullable=False),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("answers", sa.Text, nullable=False),  # problem ids or categories, 、-joined
    )
    sa.Table(
        "fact_rectifications", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version_id", sa.Integer, nullable=False, index=True),
        sa.Column("evaluation_id", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("item", sa.Text, nullable=False),
        sa.Column("problem", sa.Text, nullable=False),
        sa.Column("unit", sa.Text),  # responsible unit (简称)
        sa.Column("status", sa.Text, nullable=False),  # current status
        sa.Column("closed", sa.Boolean, nullable=False),  # current status is a closed one
        sa.Column("deadline", sa.Date),
        sa.Column("closed_on", sa.Date),  # the date it last entered a closed status
        sa.Column("progress", ExactDecimal),
        # with a dated history: status before the first change, first and last change dates
        sa.Column("initial_closed", sa.Boolean, nullable=False),
        sa.Column("first_change", sa.Date),
        sa.Column("last_change", sa.Date),
    )
    sa.Table(
        "fact_rect_changes", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version_id", sa.Integer, nullable=False),
        sa.Column("item", sa.Text, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),  # order among changes of the same date
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("closed", sa.Boolean, nullable=False),  # the new status is a closed one
        sa.Index("ix_fact_rect_changes_item", "version_id", "item", "day"),
    )



def tables_v11(md: sa.MetaData) -> None:
    """Tables added by schema version 11 (issue 23): per-version roll-ups of the facts
    (:mod:`evalcore.facts.rollup`), written in the publish transaction with the facts. Frozen.

    The bin columns are the portfolio page's histogram bins (``rate_k``: 预算执行率 in [10k, 10k+10), k = 0..10;
    ``score_k``: 得分 in [40+5k, 45+5k), k = 0..12)."""
    sa.Table(
        "fact_rollups", md,
        sa.Column("version_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("evaluation_id", sa.Integer, nullable=False),
        *(sa.Column(f"rate_{k}", sa.Integer, nullable=False) for k in range(11)),
        *(sa.Column(f"score_{k}", sa.Integer, nullable=False) for k in range(13)),
        sa.Column("rect_last_change", sa.Date),  # the latest dated status change of any item
        sa.Column("rect_open_dated", sa.Integer, nullable=False),  # items open now that have a deadline
        sa.Column("rect_open_first_deadline", sa.Date),
        sa.Column("rect_open_last_deadline", sa.Date),
    )
    sa.Table(
        "fact_rollup_themes", md,
        sa.Column("version_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("theme", sa.Text, primary_key=True),
        sa.Column("evaluation_id", sa.Integer, nullable=False),
        sa.Column("categories", sa.Integer, nullable=False),  # problem categories of the theme
        sa.Column("items", sa.Integer, nullable=False),
        sa.Column("titles", sa.Text, nullable=False),  # those categories' titles, sorted, joined by U+001F
    )
    sa.Table(
        "fact_rollup_rect_units", md,  # per version and responsible unit ("" for none): its 整改 items
        sa.Column("version_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("unit", sa.Text, primary_key=True),
        sa.Column("evaluation_id", sa.Integer, nullable=False),
        sa.Column("items", sa.Integer, nullable=False),
        sa.Column("open_dated", sa.Integer, nullable=False),  # open now, with a deadline
        sa.Column("open_first_deadline", sa.Date),
        sa.Column("open_last_deadline", sa.Date),
    )
    sa.Table(
        "fact_unit_names", md,  # every matching.normalise(全称) of a counted unit of any version
        sa.Column("name_key", sa.Text, primary_key=True),
    )



# indexes of migration 11 on the fact tables of migration 5 (name, table, columns)
INDEXES_V11 = (
    ("ix_fact_units_counted_name", "fact_units", ("version_id", "counted", "name_key")),
    ("ix_fact_units_name_counted", "fact_units", ("name_key", "counted", "version_id")),
    ("ix_fact_problems_theme", "fact_problems", ("theme", "version_id")),
    ("ix_fact_rollup_themes_theme", "fact_rollup_themes", ("theme", "version_id")),
    ("ix_evaluations_updated", "evaluations", ("updated_at", "id")),  # the picker's recent evaluations
)

def tables_v12(md: sa.MetaData) -> None:
    """Tables added by schema version 12 (issue 23): the portfolio's figures summed over the evaluations it shows
    (:mod:`evalcore.facts.totals`), kept by difference when what an evaluation shows changes (publish, 整改
    update, rollback, archive), in the same transaction. Frozen.

    ``fact_shown`` is the version whose facts each shown evaluation adds (not archived, active version readable);
    the ``fact_group_*`` tables are summed per (year, region, kind, evaluator): year 0 when the report states none;
    the ``fact_total_*`` tables over every shown evaluation (the unfiltered portfolio's 整改 deadlines)."""
    def key() -> list[sa.Column]:
        return [sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
                sa.Column("region", sa.Text, primary_key=True), sa.Column("kind", sa.Text, primary_key=True),
                sa.Column("evaluator", sa.Text, primary_key=True)]

    sa.Table(
        "fact_shown", md,
        sa.Column("evaluation_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("version_id", sa.Integer, nullable=False, index=True),  # fact_versions.facts_of of the active one
        sa.Column("rect_ratio", sa.Float),  # 整改 items closed now ÷ items (NULL: no items): the 整改率 chart's order
        # the portfolio's order of evaluations (newest year first, no year last, region, title): -year (0: none)
        sa.Column("year_order", sa.Integer, nullable=False),
        sa.Column("region", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Index("ix_fact_shown_rect_ratio", "rect_ratio", "evaluation_id"),
        sa.Index("ix_fact_shown_order", "year_order", "region", "title", "evaluation_id"),
    )
    sa.Table(
        "fact_group_totals", md, *key(),
        sa.Column("evaluations", sa.Integer, nullable=False),
        sa.Column("units", sa.Integer, nullable=False),
        sa.Column("funded_units", sa.Integer, nullable=False),
        sa.Column("funded_budget", ExactDecimal),
        sa.Column("units_executed", ExactDecimal),
        sa.Column("complete_units", sa.Integer, nullable=False),
        sa.Column("complete_budget", ExactDecimal),
        sa.Column("complete_executed", ExactDecimal),
        sa.Column("grades_derived", sa.Integer, nullable=False),
        sa.Column("rect_illustrative", sa.Integer, nullable=False),  # evaluations with illustrative 整改 items
        sa.Column("rect_evaluations", sa.Integer, nullable=False),  # evaluations with 整改 items
        sa.Column("rect_items", sa.Integer, nullable=False),
        sa.Column("rect_closed", sa.Integer, nullable=False),  # closed by their current status
        *(sa.Column(f"rate_{k}", sa.Integer, nullable=False) for k in range(11)),
        *(sa.Column(f"score_{k}", sa.Integer, nullable=False) for k in range(13)),
    )
    sa.Table(
        "fact_group_grades", md, *key(), sa.Column("grade", sa.Text, primary_key=True),
        sa.Column("evaluations", sa.Integer, nullable=False),  # evaluations with a row for the 等次
        sa.Column("units", sa.Integer, nullable=False),
        sa.Column("funded_units", sa.Integer, nullable=False),
        sa.Column("funded_budget", ExactDecimal),
    )
    sa.Table(
        "fact_group_themes", md, *key(), sa.Column("theme", sa.Text, primary_key=True),
        sa.Column("evaluations", sa.Integer, nullable=False),
        sa.Column("categories", sa.Integer, nullable=False),
        sa.Column("items", sa.Integer, nullable=False),
    )
    sa.Table(
        "fact_group_theme_titles", md, *key(), sa.Column("theme", sa.Text, primary_key=True),
        sa.Column("title", sa.Text, primary_key=True),  # a problem category's title
        sa.Column("evaluations", sa.Integer, nullable=False),
    )
    sa.Table(
        "fact_total_deadlines", md,  # 整改 items open now with a deadline, per responsible unit ("" for none)
        sa.Column("unit", sa.Text, primary_key=True),
        sa.Column("deadline", sa.Date, primary_key=True),
        sa.Column("open_items", sa.Integer, nullable=False),
    )
    sa.Table(
        "fact_total_names", md,  # counted units of the shown evaluations per matching.normalise(全称) (not "")
        sa.Column("name_key", sa.Text, primary_key=True),
        sa.Column("units", sa.Integer, nullable=False),
    )
    sa.Table(
        "fact_total_rect_units", md,  # evaluations whose 整改 items name the responsible unit ("" for none)
        sa.Column("unit", sa.Text, primary_key=True),
        sa.Column("evaluations", sa.Integer, nullable=False),
    )


def tables_v13(md: sa.MetaData) -> None:
    """Table added by schema version 13 (issue 23): a version's 一级指标 (维度) scores per unit as **one row**, a
    JSON document, instead of a row per unit and indicator in ``fact_unit_dimensions`` (200 rows for 50 units of
    four dimensions: the largest part of the facts' insert at publish; nothing filters or sums them in SQL,
    :func:`evalcore.archive.query.unit_dimensions` reads a version's whole list). Migration 13 moves the rows
    of ``fact_unit_dimensions`` into it (that table stays, empty, unwritten). Frozen."""
    sa.Table(
        "fact_dimension_sets", md,
        sa.Column("version_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("evaluation_id", sa.Integer, nullable=False),
        # JSON: [[unit, indicator, name, points, score], …] in the order of scoring.dimension_table's rows;
        # points and score as exact decimal text (score null when not scored)
        sa.Column("dimensions", sa.Text, nullable=False),
    )


# indexes of migration 12 on the tables of migration 11 (name, table, columns)
INDEXES_V12 = (
    ("ix_fact_rollups_last_change", "fact_rollups", ("rect_last_change",)),  # versions with a change after a day
)

# The current schema, for queries (the result of running every migration; a test compares the two).
METADATA = sa.MetaData()
tables_v1(METADATA)
METADATA.tables["evaluations"].append_column(sa.Column("archived_at", UTCDateTime))  # migration 2
tables_v2(METADATA)
sa.Index("ix_audit_log_actor", METADATA.tables["audit_log"].c.actor)  # migration 3
sa.Index("ix_audit_log_action", METADATA.tables["audit_log"].c.action)
sa.Index("ix_audit_log_evaluation", METADATA.tables["audit_log"].c.evaluation_id)
sa.Index("ix_audit_log_at_id", METADATA.tables["audit_log"].c.at, METADATA.tables["audit_log"].c.id)
tables_v3(METADATA)
tables_v4(METADATA)
tables_v5(METADATA)
sa.Index("ix_evaluations_active_version", METADATA.tables["evaluations"].c.active_version_id)  # migration 5
METADATA.tables["users"].append_column(sa.Column("email", sa.Text, nullable=False, server_default=""))  # 6
tables_v6(METADATA)
tables_v7(METADATA)
tables_v9(METADATA)
tables_v10(METADATA)
tables_v11(METADATA)
for _name, _table, _cols in INDEXES_V11:  # migration 11
    sa.Index(_name, *(METADATA.tables[_table].c[c] for c in _cols))
tables_v12(METADATA)
for _name12, _table12, _cols12 in INDEXES_V12:  # migration 12
    sa.Index(_name12, *(METADATA.tables[_table12].c[c] for c in _cols12))
tables_v13(METADATA)
T_VERSION = METADATA.tables["schema_version"]
T_EVAL = METADATA.tables["evaluations"]
T_VER = METADATA.tables["versions"]
T_CHANGE = METADATA.tables["changes"]
T_USER = METADATA.tables["users"]
T_FAIL = METADATA.tables["sign_in_failures"]
T_AUDIT = METADATA.tables["audit_log"]
T_WEB = METADATA.tables["web_sessions"]
T_ALIAS = METADATA.tables["unit_aliases"]
T_RULE = METADATA.tables["application_rules"]
T_DECISION = METADATA.tables["application_decisions"]
T_PENDING = METADATA.tables["pending_reports"]
T_SETTINGS = METADATA.tables["store_settings"]
T_USER_UNIT = METADATA.tables["user_units"]
T_RECT_EVENT = METADATA.tables["rect_events"]
T_RECT_FILE = METADATA.tables["rect_files"]
T_FACT_VER = METADATA.tables["fact_versions"]
T_FACT_EVAL = METADATA.tables["fact_evaluations"]
T_FACT_UNIT = METADATA.tables["fact_units"]
T_FACT_DIM = METADATA.tables["fact_unit_dimensions"]
T_FACT_DIM_SET = METADATA.tables["fact_dimension_sets"]
T_FACT_GRADE = METADATA.tables["fact_eval_grades"]
T_FACT_PROBLEM = METADATA.tables["fact_problems"]
T_FACT_REC = METADATA.tables["fact_recommendations"]
T_FACT_RECT = METADATA.tables["fact_rectifications"]
T_FACT_RECT_CHANGE = METADATA.tables["fact_rect_changes"]
T_FACT_ROLLUP = METADATA.tables["fact_rollups"]
T_FACT_ROLLUP_THEME = METADATA.tables["fact_rollup_themes"]
T_FACT_UNIT_NAME = METADATA.tables["fact_unit_names"]
T_FACT_ROLLUP_RECT_UNIT = METADATA.tables["fact_rollup_rect_units"]
T_FACT_SHOWN = METADATA.tables["fact_shown"]
T_GROUP_TOTAL = METADATA.tables["fact_group_totals"]
T_GROUP_GRADE = METADATA.tables["fact_group_grades"]
T_GROUP_THEME = METADATA.tables["fact_group_themes"]
T_GROUP_TITLE = METADATA.tables["fact_group_theme_titles"]
T_TOTAL_DEADLINE = METADATA.tables["fact_total_deadlines"]
T_TOTAL_RECT_UNIT = METADATA.tables["fact_total_rect_units"]
T_TOTAL_NAME = METADATA.tables["fact_total_names"]

VERSION_COLUMNS = [c for c in T_VER.c if c.name != "data"]
