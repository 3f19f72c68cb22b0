"""The table of figures a report gave, beside its text on 数据管理 › 从报告文本导入."""
from __future__ import annotations

from components.manage.report_text import figures_table
from evalcore.reporttext import parse_report


def test_what_was_not_found_shows_no_none() -> None:
    text = "# 甲县水利局2023年度项目绩效自评报告\n\n一、资金情况\n\n项目预算资金300万元，实际支出240万元。\n"
    table = figures_table(parse_report(text))
    assert "未找到" in set(table["项目"])
    cells = [str(v) for v in table.to_numpy().ravel()]
    assert not any(c in {"None", "nan", "NaN", "<NA>"} for c in cells), cells
    found = table[table["项目"] != "未找到"]
    assert set(found["行号"]) == {"5"} and set(found["数值"]) >= {"300.00", "240.00"}
