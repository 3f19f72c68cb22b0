"""The archive's write side (issue 23): a version's fact rows and roll-ups, written inside the store's own
transactions (publish, import, rollback, 整改 update, first run), filled by migration 11 and when a store opens.

- :mod:`.rows`: pure: one evaluation -> its fact rows (the same rules as :mod:`evalcore.portfolio`);
- :mod:`.write`: writing them in the transaction that stores the version (a rollback: one pointer row);
- :mod:`.rollup`: the per-version roll-ups the portfolio's aggregates read, written with the facts;
- :mod:`.totals`: the portfolio's figures summed over the shown evaluations (per year, region, kind and
  evaluator; 整改 deadlines per unit), kept by difference in the same transactions (migration 12);
- :mod:`.bulk`: inserting the rows in few statements (one per table on SQLite, one in all on PostgreSQL);
- :mod:`.upgrade`: filling the facts of versions stored before the tables existed, and the versions the
  current reader refuses (``python -m evalcore upgrade``, :mod:`evalcore.upgrade_cli`).

Below the store: the store calls it, it never imports the store (only :mod:`evalcore.tables`, the domain, and the
workbook reader to fill old versions; ``upgrade`` takes anything with the store's ``reading``/``writing``
transactions). The read side, the queries the pages use, is :mod:`evalcore.archive`, above the store
(docs/architecture.md, docs/archive.md).
"""
