"""Every per-unit table names its columns as the workbook's sheets do (evalcore.workbook.unit_columns): the grids
(tests/components/test_unit_grid_columns.py) and the Excel export."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl

from evalcore.export.xlsx import export_xlsx
from evalcore.model import Evaluation
from evalcore.workbook.spec import BUDGET, RESULTS, SCORES, UNITS
from evalcore.workbook.unit_columns import UNIT_COLUMNS


def test_the_headers_are_the_workbook_sheets_own_words():
    for key in ("unit", "project", "kind", "budget", "executed", "note"):
        assert UNIT_COLUMNS[key] == BUDGET.column(key).header
    assert (UNIT_COLUMNS["name"], UNIT_COLUMNS["role"]) == (UNITS.column("name").header, UNITS.column("role").header)
    assert UNIT_COLUMNS["stated_score"] == RESULTS.column("stated_score").header == "报告得分"
    assert UNIT_COLUMNS["stated_grade"] == RESULTS.column("stated_grade").header
    assert UNIT_COLUMNS["score"] == SCORES.column("score").header
    # a rate shows its "%" in every cell: the header is the sheet's without the unit
    assert BUDGET.column("stated_rate").header == "报告执行率（%）" and UNIT_COLUMNS["stated_rate"] == "报告执行率"
    assert UNIT_COLUMNS["budget"] == "预算金额（万元）" and UNIT_COLUMNS["executed"] == "实际执行金额（万元）"
    assert UNIT_COLUMNS["rate"] == "预算执行率"  # one name for it: never "执行率" in one grid and this in another


def test_the_excel_export_uses_the_same_headers(ev: Evaluation):
    wb = openpyxl.load_workbook(io.BytesIO(export_xlsx(ev, dt.date(2024, 12, 31))))
    budget_head = [c.value for c in wb["预算执行"][1]]
    assert budget_head == [UNIT_COLUMNS[k] if k else "明细" for k in (
        "unit", "project", "kind", None, "budget", "executed", "rate", "unspent", "stated_rate", "note")]
    overview = [[c.value for c in row] for row in wb["概览"].iter_rows()]
    head = next(r for r in overview if r[0] == UNIT_COLUMNS["unit"] and r[1] == UNIT_COLUMNS["name"])
    assert head[:8] == [UNIT_COLUMNS[k] for k in ("unit", "name", "role", "budget", "executed", "rate", "score",
                                                  "grade")]
