"""The grids of 单位对比, 单位详情 and 评价总览 take a per-unit column's header and format from the one list
(components.table.unit_column over evalcore.workbook.unit_columns)."""
from __future__ import annotations

from components.table import unit_column
from evalcore.workbook.unit_columns import UNIT_COLUMNS


def test_a_grid_column_takes_the_header_and_the_format_from_the_one_list():
    for key, header in UNIT_COLUMNS.items():
        assert unit_column(key).header == header
    assert [unit_column(k).kind for k in ("budget", "executed", "unspent", "rate", "stated_rate", "score", "unit")] \
        == ["amount", "amount", "amount", "rate", "rate", "score", "text"]
    shown_as = unit_column("grade_text", of="grade")
    assert (shown_as.field, shown_as.header) == ("grade_text", "等次")
