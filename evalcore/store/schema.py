"""The database schema's migrations: the steps that create and upgrade the tables, recorded in
``schema_version``.

:data:`MIGRATIONS` is an ordered, append-only list; creating a database from nothing is running them all. The
tables themselves (:data:`evalcore.tables.METADATA`, the current schema for queries, the ``T_*`` tables and the
UTC time column) are in :mod:`evalcore.tables`, below the store, so that the archive's fact writer
(:mod:`evalcore.facts`), which migration 11 calls, can use them without importing the store.
"""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .. import auth
from ..facts.rollup import backfill
from ..facts.totals import rebuild
from ..facts.write import move_dimension_rows
from ..tables import (
    INDEXES_V11,
    INDEXES_V12,
    UTCDateTime,
    tables_v1,
    tables_v2,
    tables_v3,
    tables_v4,
    tables_v5,
    tables_v6,
    tables_v7,
    tables_v9,
    tables_v10,
    tables_v11,
    tables_v12,
    tables_v13,
)


def _migrate_001(conn: Connection) -> None:
    md = sa.MetaData()
    tables_v1(md)
    md.create_all(conn)


def _migrate_002(conn: Connection) -> None:
    md = sa.MetaData()
    tables_v2(md)
    md.create_all(conn)
    column_type = UTCDateTime().compile(dialect=conn.dialect)
    conn.exec_driver_sql(f"ALTER TABLE evaluations ADD COLUMN archived_at {column_type}")


def _migrate_003(conn: Connection) -> None:
    """Throttle keys instead of typed names; no typed text of a failed sign-in kept; audit log indexes.

    ``sign_in_failures.name`` now holds a key (see :meth:`Store.sign_in`); the old rows were keyed by whatever was
    typed as the name (a password typed there by mistake among them) and are dropped (they only throttle). Failed
    sign-ins recorded under a name that is no account are rewritten to "未知用户名", without the text."""
    conn.execute(sa.text("DELETE FROM sign_in_failures"))
    conn.execute(sa.text(
        "UPDATE audit_log SET actor = :unknown, target = '', summary = :summary, after = NULL "
        "WHERE action = 'sign_in_failed' AND actor NOT IN (SELECT name FROM users)"),
        {"unknown": auth.UNKNOWN_NAME, "summary": f"{auth.UNKNOWN_NAME}登录失败"})
    conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_audit_log_actor ON audit_log (actor)"))
    conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_audit_log_action ON audit_log (action)"))
    conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_audit_log_evaluation ON audit_log (evaluation_id)"))
    conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_audit_log_at_id ON audit_log (at, id)"))
    md = sa.MetaData()
    tables_v3(md)
    md.create_all(conn)


def _migrate_004(conn: Connection) -> None:
    md = sa.MetaData()
    tables_v4(md)
    md.create_all(conn)


def _migrate_007(conn: Connection) -> None:
    md = sa.MetaData()
    tables_v7(md)
    # the foreign key names evaluations, which this MetaData does not hold: give it the table to point at
    sa.Table("evaluations", md, sa.Column("id", sa.Integer, primary_key=True))
    for name in ("application_rules", "application_decisions"):
        md.tables[name].create(conn, checkfirst=True)  # rerun-safe, like create_all


def _migrate_010(conn: Connection) -> None:
    md = sa.MetaData()
    tables_v10(md)
    md.create_all(conn)


def _migrate_009(conn: Connection) -> None:
    """The settings table, with this store's backup signing key generated once, here."""
    import secrets
    md = sa.MetaData()
    tables_v9(md)
    md.create_all(conn)
    table = md.tables["store_settings"]
    if conn.scalar(sa.select(table.c.value).where(table.c.key == "backup_key")) is None:
        conn.execute(sa.insert(table).values(key="backup_key", value=secrets.token_hex(32)))


def _migrate_006(conn: Connection) -> None:
    md = sa.MetaData()
    tables_v6(md)
    md.create_all(conn)
    if "email" not in {c["name"] for c in sa.inspect(conn).get_columns("users")}:  # rerun-safe, like create_all
        conn.exec_driver_sql("ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT ''")


def _migrate_005(conn: Connection) -> None:
    """Create the fact tables; they are filled for the versions already stored when the store is opened
    (:meth:`evalcore.store.EvaluationsStore.fill_facts`, with a progress bar on a terminal). The index on
    ``evaluations.active_version_id`` serves the joins from facts to the active versions."""
    md = sa.MetaData()
    tables_v5(md)
    md.create_all(conn)
    conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_evaluations_active_version "
                         "ON evaluations (active_version_id)"))


def _migrate_011(conn: Connection) -> None:
    """Create the roll-up tables and indexes, and fill the roll-ups of every version whose facts are stored
    (from the fact rows: no workbook is read). Rerun-safe: only what is missing is created or written."""
    md = sa.MetaData()
    tables_v11(md)
    md.create_all(conn)
    for name, table, cols in INDEXES_V11:
        conn.execute(sa.text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({', '.join(cols)})"))
    backfill(conn)


def _migrate_012(conn: Connection) -> None:
    """Create the tables of the shown evaluations' totals and fill them from the stored facts (no workbook is
    read). Rerun-safe: the totals are computed again from the facts."""
    md = sa.MetaData()
    tables_v12(md)
    md.create_all(conn)
    for name, table, cols in INDEXES_V12:
        conn.execute(sa.text(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({', '.join(cols)})"))
    rebuild(conn)


def _migrate_013(conn: Connection) -> None:
    """Each version's dimension scores as one document (``fact_dimension_sets``) instead of a row per unit and
    indicator: the rows of ``fact_unit_dimensions`` moved (:func:`evalcore.facts.write.move_dimension_rows`; no
    workbook is read), that table left empty. Rerun-safe."""
    md = sa.MetaData()
    tables_v13(md)
    md.create_all(conn)
    move_dimension_rows(conn)


# (version, description, step): append only, never edit a released step.
MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (1, "评价、版本、整改修改记录", _migrate_001),
    (2, "账户、登录限流、审计日志；评价可归档", _migrate_002),
    (3, "登录限流按账户、地址计数；失败登录不记录所输入的用户名；审计日志索引；浏览器会话", _migrate_003),
    (4, "单位别名表（含历史）", _migrate_004),
    (5, "评价事实表：发布时写入各版本的评价、单位、问题、建议、整改数据", _migrate_005),
    (6, "单位填报账户、整改报送与审核、佐证材料；账户邮箱", _migrate_006),
    (7, "结果应用规则（含历史）与结果应用决定", _migrate_007),
    (9, "数据库自身的设置（备份签名密钥，不随备份导出）", _migrate_009),
    (10, "待复核的报告文本", _migrate_010),
    (11, "评价事实汇总表（各版本的直方图、整改、问题主题计数，单位全称）及索引", _migrate_011),
    (12, "总览合计表（按年度、地区、类型、机构汇总所显示的评价；整改期限按责任单位合计）", _migrate_012),
    (13, "单位维度得分改为每个版本一条记录（原逐单位、逐指标的记录移入，发布时少写约 200 行）", _migrate_013),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]
