"""A province's archive (issue 23), read side: the figures the cross-evaluation pages need, queried from the fact
rows the store writes when a version is stored.

- :mod:`.query`: SQLAlchemy Core queries over the active versions' facts (portfolio, themes, 整改, unit trends,
  per-unit facts for other pages), the same on SQLite and PostgreSQL;
- :mod:`.picker`: the evaluation picker's search over the stored evaluations.

The write side, the fact rows and roll-ups written inside the store's transactions, is :mod:`evalcore.facts`,
below the store; this package is above it (docs/architecture.md). The workbook bytes stay the record of what was
published; the facts are derived from them and can always be rebuilt (``python -m evalcore upgrade --refresh``).
"""
