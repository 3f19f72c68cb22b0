"""A province's archive (issue 23): the figures the cross-evaluation pages need, written as rows of the store
when a version is stored, and the queries that read them.

- :mod:`.facts`: pure: one evaluation -> its fact rows (the same rules as :mod:`evalcore.portfolio`);
- :mod:`.write`: writing them inside the store's transaction (publish, import, rollback, 整改 update, first run)
  and filling them for versions stored before the tables existed (``python -m evalcore upgrade``, or on open);
- :mod:`.totals`: the portfolio's figures summed over the shown evaluations (per year, region, kind and
  evaluator; 整改 deadlines per unit), kept by difference in the same transactions;
- :mod:`.query`: SQLAlchemy Core queries over the active versions' facts (portfolio, themes, 整改, unit trends,
  per-unit facts for other pages), the same on SQLite and PostgreSQL.

The workbook bytes stay the record of what was published; the facts are derived from them and can always be
rebuilt (``python -m evalcore upgrade --refresh``).
"""
