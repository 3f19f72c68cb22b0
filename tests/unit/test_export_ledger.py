"""结果应用台账 (xlsx, docx), the 结果应用 sheet of the results workbook and the 演示 slide (issue 26), on the seed:
both units 良, budgets 3400.06 and 10931.32 万元."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import docx
import openpyxl

from evalcore import application as app
from evalcore.export.ledger import ledger_docx, ledger_xlsx
from evalcore.export.slides import application_slide
from evalcore.export.xlsx import export_xlsx
from evalcore.model import BudgetLine, Evaluation, Meta, Unit, UnitResult


def _cut(ev):
    kind = app.rows_from_evaluation(ev, 1)[0].kind
    rules = app.default_rules().with_rule(app.check_rule(kind, "良", "cut", "37.5", "示例"))
    return app.suggest_all(app.rows_from_evaluation(ev, 1), rules)


def test_ledger_xlsx_has_every_unit_the_totals_and_decisions(ev: Evaluation):
    suggestions = _cut(ev)
    decision = app.decide(suggestions[1], "changed", "10000.00", "保留运维经费")
    table = app.with_decisions(suggestions, [decision])
    wb = openpyxl.load_workbook(io.BytesIO(ledger_xlsx(table, app.totals(suggestions))))
    rows = list(wb["结果应用台账"].iter_rows(values_only=True))
    head = rows[0]
    body = {r[head.index("单位")]: r for r in rows[1:3]}
    a, b = body["长沙市数据局"], body["长沙市大数据中心"]
    col = {name: head.index(name) for name in head}
    assert (a[col["预算（万元）"]], a[col["建议调整（万元）"]], a[col["建议下年度预算（万元）"]]) == (
        3400.06, -1275.02, 2125.04)
    assert (b[col["决定"]], b[col["决定预算（万元）"]], b[col["决定−建议（万元）"]]) == ("调整后决定", 10000.0, 3167.93)
    assert a[head.index("决定")] == "未记录" and "保留运维经费" in b[head.index("说明")]
    assert rows[3][0] == "合计" and rows[3][head.index("建议下年度预算（万元）")] == 8957.11
    text = "\n".join(str(c) for r in rows for c in r if c)
    assert "据评价结果调减预算 5,374.27 万元" in text and "docs/results.md" in text


def test_ledger_docx_lists_the_units_and_the_total(ev: Evaluation):
    suggestions = _cut(ev)
    doc = docx.Document(io.BytesIO(ledger_docx(app.with_decisions(suggestions, []), app.totals(suggestions))))
    paragraphs = "\n".join(p.text for p in doc.paragraphs)
    assert "结果应用台账" in paragraphs and "据评价结果调减预算 5,374.27 万元" in paragraphs
    cells = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert cells[1][:6] == ["长沙市数据局", "良", "调减 37.5%", "3,400.06", "-1,275.02", "2,125.04"]


def test_the_results_workbook_sheet_and_the_slide_use_the_default_rules_and_say_so(ev: Evaluation):
    wb = openpyxl.load_workbook(io.BytesIO(export_xlsx(ev, dt.date(2025, 1, 1))))
    rows = list(wb["结果应用"].iter_rows(values_only=True))
    assert rows[1][:4] == ("长沙市数据局", "良", "报告所列", "保持") and rows[1][5:8] == (3400.06, 0, 3400.06)
    assert rows[3][0] == "合计" and rows[3][7] == 14331.38
    assert any("默认结果应用规则" in str(r[0]) for r in rows if r[0])
    slide = application_slide(ev)
    assert slide.kind == "application" and slide.table is not None
    assert slide.table.rows[0] == ("长沙市数据局", "良", "保持", "3,400.06", "0.00", "3,400.06")
    assert "默认规则" in " ".join(slide.footnotes) and "调减预算 0.00 万元" in slide.sentences[0]


def test_the_slide_marks_derived_grades_and_units_without_a_budget():
    ev = Evaluation(Meta("测试", year=2024, kind="专项资金"), units=(Unit("甲"), Unit("乙")),
                    budget_lines=(BudgetLine("甲", D("200"), D("100")),),
                    results=(UnitResult("甲", D("72.5")), UnitResult("乙", D("95"), "优")))
    slide = application_slide(ev)
    assert slide.table.rows[0][:3] == ("甲", "中（推算）", "调减 10%") and slide.table.rows[0][4] == "-20.00"
    assert slide.table.rows[1][3:] == ("—", "—", "—")
    assert any("未列预算" in s for s in slide.sentences) and any("按得分推算" in f for f in slide.footnotes)


def test_the_sheet_and_the_slide_follow_the_bureaus_rules_when_given(ev: Evaluation):
    kind = app.rows_from_evaluation(ev, 1)[0].kind
    rules = app.default_rules().with_rule(app.check_rule(kind, "良", "cut", "37.5", "本局规定"))
    assert app.default_rules().is_default and not rules.is_default
    slide = application_slide(ev, rules)
    assert slide.table is not None
    assert slide.table.rows[0] == ("长沙市数据局", "良", "调减 37.5%", "3,400.06", "-1,275.02", "2,125.04")
    assert "财政部门设定的结果应用规则" in slide.sentences[0] and "调减预算 5,374.27 万元" in slide.sentences[0]
    assert not any("默认规则" in f for f in slide.footnotes)
    wb = openpyxl.load_workbook(io.BytesIO(export_xlsx(ev, dt.date(2024, 9, 1), rules)))
    texts = [str(c.value) for row in wb["结果应用"].iter_rows() for c in row if c.value is not None]
    assert "规则" in texts and "默认规则" not in texts
    assert any("财政部门设定的结果应用规则" in t and "5,374.27" in t for t in texts)
