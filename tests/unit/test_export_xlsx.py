"""evalcore.export.xlsx: the results workbook carries the report's figures and wording, and no formulas."""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import openpyxl
import pytest

from evalcore import rectification
from evalcore.export.xlsx import PCT, export_xlsx, neutralise
from evalcore.model import (
    BudgetLine,
    Evaluation,
    Meta,
    Problem,
    Recommendation,
    RectificationItem,
    StatusChange,
    Unit,
)

D = Decimal
AS_OF = dt.date(2024, 12, 31)
SHEETS = ["概览", "预算执行", "评分", "问题", "建议", "整改", "整改记录", "结果应用"]


def _load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _header_row(ws) -> int:
    """The table header's row: 2 under a 示例数据 line, else 1."""
    first = ws.cell(row=1, column=1).value
    return 2 if isinstance(first, str) and first.startswith("示例数据") else 1


def _records(ws) -> list[dict[str, object]]:
    head = _header_row(ws)
    headers = [c.value for c in ws[head]]
    return [dict(zip(headers, row, strict=False))
            for row in ws.iter_rows(min_row=head + 1, values_only=True) if any(v is not None for v in row)]


def _find_row(ws, first: str, column: int = 1) -> int:
    for row in range(1, ws.max_row + 1):
        if ws.cell(row=row, column=column).value == first:
            return row
    raise KeyError(first)


@pytest.fixture(scope="module")
def sample_wb(ev: Evaluation) -> openpyxl.Workbook:
    return _load(export_xlsx(ev, AS_OF))


# --- neutralise ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    '=HYPERLINK("http://x","y")', "@SUM(A1)", "+1", "-2", "=1+1", "  =1", "\n=1", "\u3000=1",
    "＝1", "＋1", "－1", "＠SUM(A1)", "\t1", "\rabc", " \t@x",
])
def test_neutralise_prefixes_formula_like_text(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["", "个别项目进度滞后。", "a=b", "P1-1", "（一）类别", "'quoted", "100%", " 1"])
def test_neutralise_leaves_other_text(text: str) -> None:
    assert neutralise(text) == text


# --- the sample -------------------------------------------------------------------------------------------

def test_sheets_in_order(sample_wb: openpyxl.Workbook) -> None:
    assert sample_wb.sheetnames == SHEETS


def test_overview_has_the_seed_figures(sample_wb: openpyxl.Workbook) -> None:
    ws = sample_wb["概览"]
    assert ws["A1"].value == "2023年度长沙市信息化建设和运维项目绩效评价结果"
    head = _find_row(ws, "单位")
    headers = [c.value for c in ws[head]]
    col = {h: i + 1 for i, h in enumerate(headers) if h}

    def unit_row(key: str) -> dict[str, object]:
        row = _find_row(ws, key)
        return {h: ws.cell(row=row, column=c).value for h, c in col.items()}

    dsj, center, third = unit_row("市数据局"), unit_row("市数据中心"), unit_row("数智科技集团")
    assert (dsj["预算金额（万元）"], dsj["实际执行金额（万元）"], dsj["预算执行率"]) == (3400.06, 2811.47, 82.69)
    assert (dsj["得分"], dsj["等次"]) == (86.98, "良")
    assert (center["预算金额（万元）"], center["实际执行金额（万元）"]) == (10931.32, 10752.13)
    assert center["预算执行率"] == 98.36
    assert (center["得分"], center["等次"]) == (86.38, "良")
    assert third["预算金额（万元）"] is None and third["说明"] == "无预算安排"
    assert unit_row("合计")["预算金额（万元）"] == 14331.38
    # the rate is the percentage value with a % format: shown as 82.69%
    rate_cell = ws.cell(row=_find_row(ws, "市数据局"), column=col["预算执行率"])
    assert rate_cell.number_format == PCT
    assert ws.cell(row=_find_row(ws, "市数据局"), column=col["预算金额（万元）"]).number_format == "0.00"

    # problem and recommendation counts per category, and 整改 as of the date
    total = _find_row(ws, "合计（6 类）")
    assert ws.cell(row=total, column=4).value == 19
    assert ws.cell(row=total, column=7).value == 18


def test_overview_rectification_figures_match_findings(ev: Evaluation, sample_wb: openpyxl.Workbook) -> None:
    ws = sample_wb["概览"]
    rs = rectification.rectification_summary(ev, AS_OF)
    head = _find_row(ws, "整改事项")
    labels = [c.value for c in ws[head]]
    values = dict(zip(labels, [c.value for c in ws[head + 1]], strict=True))
    assert values["整改事项"] == rs.total == 19
    assert values["已整改"] == rs.closed
    assert values["逾期未整改"] == rs.overdue
    assert D(str(values["整改率"])) == rs.rate.quantize(D("0.01"))
    assert "示例数据" in ws.cell(row=head - 1, column=1).value


def test_budget_sheet(sample_wb: openpyxl.Workbook) -> None:
    recs = _records(sample_wb["预算执行"])
    units = {(r["单位"], r["明细"]): r for r in recs}
    assert units[("市数据局", "单位合计")]["预算执行率"] == 82.69
    assert units[("市数据中心", "单位合计")]["预算执行率"] == 98.36
    assert units[("市数据局", "项目")]["实际执行金额（万元）"] == 2811.47
    assert units[("数智科技集团", "单位合计")]["说明"] == "无预算安排"
    assert units[("合计", "全部单位")]["预算金额（万元）"] == 14331.38
    ws = sample_wb["预算执行"]
    assert ws.freeze_panes == "A2"
    # formats and styles hold on every row (they are shared between cells with the same combination)
    rate_col = [c.value for c in ws[1]].index("预算执行率") + 1
    rated = [ws.cell(row=r, column=rate_col) for r in range(2, ws.max_row + 1)]
    assert all(c.number_format == PCT for c in rated if c.value is not None) and len(rated) == 6
    totals = [r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=4).value in ("单位合计", "全部单位")]
    assert totals and all(ws.cell(row=r, column=5).font.b for r in totals)
    assert not ws.cell(row=3, column=5).font.b  # a project line
    assert ws.cell(row=3, column=2).alignment.wrap_text and ws.cell(row=3, column=2).alignment.indent == 1


def test_scores_sheet(ev: Evaluation, sample_wb: openpyxl.Workbook) -> None:
    ws = sample_wb["评分"]
    assert ws.freeze_panes == "A3"  # the 示例数据 line and the header stay in view
    recs = _records(ws)
    finals = {r["单位"]: r for r in recs if r["指标名称"] == "评价得分"}
    assert (finals["市数据局"]["得分"], finals["市数据局"]["等次"]) == (86.98, "良")
    assert (finals["市数据中心"]["得分"], finals["市数据中心"]["等次"]) == (86.38, "良")
    dims = [r for r in recs if r["单位"] == "市数据局" and r["层级"] == 1]
    assert sum(D(str(r["分值"])) for r in dims) == 100
    leaf = next(r for r in recs if r["单位"] == "市数据局" and r["指标编号"] == "B13")
    assert leaf["扣分"] == 1 and "结转资金" in leaf["扣分说明"]
    # every indicator appears once per scored unit, parents before their children
    ids = [r["指标编号"] for r in recs if r["单位"] == "市数据局" and r["指标编号"]]
    assert sorted(ids) == sorted(i.id for i in ev.indicators)
    by_id = {i.id: i for i in ev.indicators}
    for pos, iid in enumerate(ids):
        parent = by_id[iid].parent
        if parent:
            assert ids.index(parent) < pos


def test_problems_and_recommendations_verbatim_in_order(ev: Evaluation, sample_wb: openpyxl.Workbook) -> None:
    problems = _records(sample_wb["问题"])
    assert len(problems) == 19
    assert [p["问题编号"] for p in problems] == [p.id for p in ev.problems]
    assert [p["问题内容"] for p in problems] == [p.text for p in ev.problems]
    ws = sample_wb["问题"]
    assert all(ws.cell(row=r, column=5).alignment.wrap_text for r in range(2, 21))
    per_cat = [sum(1 for p in problems if p["类别序号"] == n) for n in range(1, 7)]
    assert per_cat == [2, 3, 5, 5, 3, 1]

    recs = _records(sample_wb["建议"])
    assert len(recs) == 18
    assert [r["建议内容"] for r in recs] == [r.text for r in ev.recommendations]
    assert [sum(1 for r in recs if r["类别序号"] == n) for n in range(1, 7)] == [3, 3, 3, 4, 2, 3]
    first = recs[0]
    assert first["对应问题"] == "P1"
    assert first["对应问题编号"] == "P1-1、P1-2"
    assert first["对应问题类别"] == "（一）资金使用管理效率有待提高"


def test_illustrative_labels(ev: Evaluation, sample_wb: openpyxl.Workbook) -> None:
    note = ev.meta.illustrative_note
    assert note
    for name in ("评分", "整改", "整改记录"):
        line = sample_wb[name]["A1"].value
        assert line.startswith("示例数据：") and note in line, name
    assert sample_wb["概览"]["A2"].value.startswith("示例数据：")
    for name in ("预算执行", "问题", "建议"):
        assert not str(sample_wb[name]["A1"].value).startswith("示例数据")


def test_rectification_and_history(ev: Evaluation, sample_wb: openpyxl.Workbook) -> None:
    items = _records(sample_wb["整改"])
    assert [r["整改编号"] for r in items] == [it.id for it in ev.rectification]
    status_col = f"状态（截至 {AS_OF.isoformat()}）"
    expected = rectification.rectification_items(ev, AS_OF)
    assert [r[status_col] for r in items] == list(expected["status"])
    assert [r["逾期"] == "是" for r in items] == list(expected["overdue"])
    assert [r["整改期限"].date() for r in items] == [it.deadline for it in ev.rectification]

    history = _records(sample_wb["整改记录"])
    table = rectification.history_table(ev)
    assert len(history) == len(table) == sum(len(it.history) for it in ev.rectification) > 0
    assert [(r["整改编号"], r["日期"].date(), r["新状态"]) for r in history] == list(
        zip(table["id"], table["date"], table["new_status"], strict=True))


# --- formulas -----------------------------------------------------------------------------------------------

DANGEROUS = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1", "-2", "\t=1", "＝1+1", " =2", "#N/A"]


def _hostile() -> Evaluation:
    meta = Meta(title="=1+1", region="@x")
    units = (Unit("=cmd|' /C calc'!A0", "+甲"), Unit("乙"))
    lines = (BudgetLine("=cmd|' /C calc'!A0", D("100"), D("-2"), project="-项目"),
             BudgetLine("乙", D("50"), D("25")))
    problems = tuple(Problem(f"P1-{i}", 1, "=类别", i, text) for i, text in enumerate(DANGEROUS, start=1))
    recs = (Recommendation("R1-1", 1, "+建议", 1, "@建议", ("P1",)),)
    change = StatusChange("Z1", dt.date(2024, 1, 1), "未开始", "整改中", D("10"), "=note", "-by")
    rect = (RectificationItem("Z1", "P1-1", "=task", "乙", dt.date(2024, 6, 30), "整改中", D("10"), "+n", (change,),
                              "=HYPERLINK(\"http://x\")"),)
    return Evaluation(meta, units, lines, problems=problems, recommendations=recs, rectification=rect)


def test_no_formula_survives() -> None:
    data = export_xlsx(_hostile(), AS_OF)
    wb = _load(data)
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not re.match(r"\s*[=+\-@＝＋－＠]", cell.value), (ws.title, cell.coordinate, cell.value)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        assert len(sheets) == len(SHEETS)
        for name in sheets:
            root = ElementTree.fromstring(zf.read(name))
            assert not [el for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "f"], name


def test_formula_like_text_is_kept_as_literal_text() -> None:
    wb = _load(export_xlsx(_hostile(), AS_OF))
    texts = [r["问题内容"] for r in _records(wb["问题"])]
    assert texts == [neutralise(t) for t in DANGEROUS]
    assert texts[:4] == ["'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(A1)", "'+1", "'-2"]
    assert texts[-1] == "#N/A"  # a string, not an error value
    ws = wb["问题"]
    cell = ws.cell(row=2, column=5)
    assert cell.data_type == "s" and cell.quotePrefix
    assert ws.cell(row=9, column=5).data_type == "s"


def test_negative_numbers_stay_numbers() -> None:
    wb = _load(export_xlsx(_hostile(), AS_OF))
    recs = _records(wb["预算执行"])
    line = next(r for r in recs if r["明细"] == "项目" and r["项目名称"] == "'-项目")
    assert line["实际执行金额（万元）"] == -2
    assert line["预算执行率"] == -2
    ws = wb["预算执行"]
    row = next(c.row for c in ws["B"] if c.value == "'-项目")
    assert ws.cell(row=row, column=6).data_type == "n"


def test_control_characters_are_dropped_not_fatal() -> None:
    ev = Evaluation(Meta(title="控制字符"), problems=(Problem("P1-1", 1, "类别", 1, "响铃\x07问题\x1f"),))
    wb = _load(export_xlsx(ev, AS_OF))
    assert _records(wb["问题"])[0]["问题内容"] == "响铃问题"


# --- sparse evaluations -----------------------------------------------------------------------------------

def test_zero_budget_and_no_scores_exports() -> None:
    ev = Evaluation(Meta(title="零预算评价"), (Unit("甲"),), (BudgetLine("甲", D(0), D(0)),))
    wb = _load(export_xlsx(ev, AS_OF))
    assert wb.sheetnames == SHEETS
    recs = _records(wb["预算执行"])
    unit = next(r for r in recs if r["单位"] == "甲" and r["明细"] == "单位合计")
    assert unit["预算执行率"] is None and unit["说明"] == "预算为 0，无法计算执行率"
    assert wb["评分"]["A2"].value == "无评分数据"
    assert wb["问题"]["A2"].value == "无问题"
    assert wb["整改"]["A2"].value == "无整改事项"
    for name in ("评分", "整改", "整改记录"):
        assert not str(wb[name]["A1"].value).startswith("示例数据")


def test_empty_evaluation_exports() -> None:
    wb = _load(export_xlsx(Evaluation(Meta(title="")), AS_OF))
    assert wb.sheetnames == SHEETS
    assert wb["概览"]["A1"].value == "绩效评价结果"
