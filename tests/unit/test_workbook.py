"""evalcore.workbook: the sample validates and round-trips; every bad workbook gives a located Chinese message."""
from __future__ import annotations

import dataclasses
import io
import os
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import sample_data
from evalcore import budget, scoring
from evalcore.model import Evaluation
from evalcore.workbook import (
    SPEC,
    Message,
    ReadResult,
    read_workbook,
    workbook_bytes,
    write_workbook,
)
from sample_data import build

D = Decimal
CJK = re.compile(r"[\u4e00-\u9fff]")
FILE_SHEET = "（文件）"

Mutate = Callable[[openpyxl.Workbook], object]
MakeWorkbook = Callable[..., Path]


# --- helpers: edit one cell of the sample by header and key -----------------------------------------------

def _col(ws, header: str) -> int:
    for cell in ws[1]:
        if cell.value == header:
            return cell.column
    raise KeyError(header)


def _row(ws, header: str, value: object, nth: int = 1) -> int:
    """The Excel row of the nth record whose ``header`` column holds ``value``."""
    col = _col(ws, header)
    seen = 0
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=col).value == value:
            seen += 1
            if seen == nth:
                return row
    raise KeyError((header, value))


def _set(ws, key_header: str, key: object, header: str, value: object, nth: int = 1) -> int:
    row = _row(ws, key_header, key, nth)
    ws.cell(row=row, column=_col(ws, header)).value = value
    return row


def _field_row(ws, label: str) -> int:
    for row in range(1, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == label:
            return row
    raise KeyError(label)


def _score_row(ws, unit: str, indicator: str, expert: str) -> int:
    cu, ci, ce = _col(ws, "单位"), _col(ws, "指标编号"), _col(ws, "专家")
    for row in range(2, ws.max_row + 1):
        if (ws.cell(row=row, column=cu).value, ws.cell(row=row, column=ci).value,
                ws.cell(row=row, column=ce).value) == (unit, indicator, expert):
            return row
    raise KeyError((unit, indicator, expert))


def _read(path: Path) -> ReadResult:
    result = read_workbook(path)  # must never raise for bad input
    for m in result.errors + result.warnings:
        assert isinstance(m, Message)
        assert CJK.search(m.message), m
        assert m.sheet, m
    return result


def _find(messages: list[Message], sheet: str, row: int | None, column: str) -> Message:
    hits = [m for m in messages if (m.sheet, m.row, m.column) == (sheet, row, column)]
    assert hits, f"no message at {sheet} row {row} “{column}”; got: {[str(m) for m in messages]}"
    return hits[0]


def _assert_error(result: ReadResult, sheet: str, row: int | None, column: str, *words: str) -> Message:
    assert not result.ok
    assert result.evaluation is None
    m = _find(result.errors, sheet, row, column)
    assert m.level == "error"
    for word in words:
        assert word in m.message or word in m.value, (word, str(m))
    text = str(m)
    assert sheet in text
    if row:
        assert f"第{row}行" in text
    if column:
        assert f"“{column}”" in text
    return m


def _assert_warning(result: ReadResult, sheet: str, row: int | None, column: str, *words: str) -> Message:
    assert result.errors == [], [str(m) for m in result.errors]
    assert result.ok
    assert result.evaluation is not None
    m = _find(result.warnings, sheet, row, column)
    assert m.level == "warning"
    for word in words:
        assert word in m.message or word in m.value, (word, str(m))
    return m


# --- the sample -------------------------------------------------------------------------------------------

def test_sample_validates_cleanly(sample_result: ReadResult) -> None:
    assert sample_result.ok
    assert sample_result.errors == []
    assert sample_result.warnings == []
    assert isinstance(sample_result.evaluation, Evaluation)


def test_sample_content(ev: Evaluation) -> None:
    assert ev.meta.title == "2023年度长沙市信息化建设和运维项目绩效评价结果"
    assert ev.meta.year == 2023
    assert [u.key for u in ev.units] == ["市数据局", "市数据中心", "数智科技集团"]
    assert ev.meta.illustrative == frozenset({"scores", "rectification"})
    assert ev.is_illustrative("scores") and ev.is_illustrative("rectification")
    assert ev.meta.illustrative_note  # 示例数据 is labelled, with a note
    assert ev.meta.closed_statuses == ("已整改",)
    assert ev.meta.expert_method == "mean"
    assert "86.98" in ev.meta.conclusion and "86.38" in ev.meta.conclusion
    assert len(ev.scores) == 2 * 19 * 3
    assert all(isinstance(b.budget, Decimal) for b in ev.budget_lines)


def test_committed_sample_equals_its_source(ev: Evaluation, source_ev: Evaluation) -> None:
    assert ev == source_ev


def test_build_check_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert build.main(["--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_build_check_detects_a_stale_workbook(make_workbook: MakeWorkbook,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = make_workbook(lambda wb: _set(wb["问题"], "问题编号", "P1-1", "问题内容", "改过的问题。"))
    assert build.main(["--check", "--out", str(path)]) == 1
    assert "stale" in capsys.readouterr().out


def test_build_writes_a_valid_workbook(tmp_path: Path, source_ev: Evaluation) -> None:
    out = tmp_path / "built.xlsx"
    assert build.build(out) == source_ev
    assert read_workbook(out).evaluation == source_ev


# --- writing and reading back ----------------------------------------------------------------------------

def test_round_trip_through_a_file(tmp_path: Path, source_ev: Evaluation) -> None:
    path = tmp_path / "rt.xlsx"
    write_workbook(source_ev, path)
    result = read_workbook(path)
    assert result.errors == [] and result.warnings == []
    assert result.evaluation == source_ev


def test_round_trip_through_bytes_and_streams(source_ev: Evaluation) -> None:
    data = workbook_bytes(source_ev)
    assert data[:2] == b"PK"
    assert read_workbook(data).evaluation == source_ev
    assert read_workbook(io.BytesIO(data)).evaluation == source_ev
    buf = io.BytesIO()
    write_workbook(source_ev, buf)
    assert read_workbook(buf.getvalue()).evaluation == source_ev


def test_round_trip_of_an_altered_evaluation(tmp_path: Path, source_ev: Evaluation) -> None:
    meta = dataclasses.replace(source_ev.meta, grade_bands=scoring.parse_bands("A:85;B:70;C:0"),
                               expert_method="trimmed_mean", illustrative=frozenset({"rectification"}),
                               rate_target=D("95.5"))
    results = tuple(dataclasses.replace(r, stated_grade="A" if r.stated_score >= 85 else "B")
                    for r in source_ev.results)
    altered = dataclasses.replace(source_ev, meta=meta, results=results)
    path = tmp_path / "altered.xlsx"
    write_workbook(altered, path)
    result = read_workbook(path)
    assert result.errors == []
    assert result.evaluation == altered


def test_written_headers_follow_the_spec(tmp_path: Path, source_ev: Evaluation) -> None:
    path = tmp_path / "h.xlsx"
    write_workbook(source_ev, path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [s.name for s in SPEC]
    for spec in SPEC:
        ws = wb[spec.name]
        header = [c.value for c in ws[1]]
        if spec.layout == "fields":
            assert header == ["字段", "内容"]
            assert [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)] == \
                [c.header for c in spec.columns]
        else:
            assert header == [c.header for c in spec.columns]
        assert ws.freeze_panes == "A2"


# --- errors: one change to the sample each ----------------------------------------------------------------

def test_missing_required_sheet(make_workbook: MakeWorkbook) -> None:
    result = _read(make_workbook(lambda wb: wb.remove(wb["单位"])))
    _assert_error(result, "单位", None, "", "缺少")


def test_missing_meta_sheet(make_workbook: MakeWorkbook) -> None:
    result = _read(make_workbook(lambda wb: wb.remove(wb["评价信息"])))
    _assert_error(result, "评价信息", None, "", "缺少")


def test_missing_required_column(make_workbook: MakeWorkbook) -> None:
    def mutate(wb: openpyxl.Workbook) -> None:
        ws = wb["预算执行"]
        ws.cell(row=1, column=_col(ws, "预算金额（万元）")).value = "预算"

    result = _read(make_workbook(mutate))
    _assert_error(result, "预算执行", 1, "预算金额（万元）", "缺少必填列")
    assert any(m.sheet == "预算执行" and m.column == "预算" for m in result.warnings)  # the unknown header


@pytest.mark.parametrize(("value", "words"), [
    ("abc", ("数值",)),
    (-1, ("负数",)),
    ("-0.01", ("负数",)),
    ("3400.06元", ("万元",)),  # 元 is not 万元: refused, with the converted figure in the message
    ("二千", ("数值",)),
])
def test_bad_number_in_budget(make_workbook: MakeWorkbook, value: object, words: tuple[str, ...]) -> None:
    # ("3400.06万元" is read as 3400.06 with a warning: see tests/unit/test_bad_files.py::wan_in_number)
    rows = {}

    def mutate(wb: openpyxl.Workbook) -> None:
        rows["r"] = _set(wb["预算执行"], "单位", "市数据局", "预算金额（万元）", value)

    result = _read(make_workbook(mutate))
    assert rows["r"] == 2
    m = _assert_error(result, "预算执行", 2, "预算金额（万元）", *words)
    if isinstance(value, str):
        assert m.value == value


def test_error_quotes_the_cell_as_excel_shows_it(make_workbook: MakeWorkbook) -> None:
    # Excel shows an integer cell -1 as "-1"; calamine hands it over as the float -1.0. The message's
    # （现为“…”） must quote what the evaluator typed, not "-1.0".
    result = _read(make_workbook(lambda wb: _set(wb["预算执行"], "单位", "市数据局", "预算金额（万元）", -1)))
    m = _assert_error(result, "预算执行", 2, "预算金额（万元）", "负数")
    assert m.value == "-1"
    assert "（现为“-1”）" in str(m)


def test_percent_sign_in_a_rate_cell(make_workbook: MakeWorkbook) -> None:
    result = _read(make_workbook(lambda wb: _set(wb["预算执行"], "单位", "市数据中心", "报告执行率（%）", "98.36%")))
    _assert_error(result, "预算执行", 3, "报告执行率（%）", "百分号")


def test_empty_required_cell(make_workbook: MakeWorkbook) -> None:
    rows = {}

    def mutate(wb: openpyxl.Workbook) -> None:
        rows["r"] = _set(wb["问题"], "问题编号", "P3-2", "问题内容", None)

    result = _read(make_workbook(mutate))
    assert rows["r"] == 8
    _assert_error(result, "问题", 8, "问题内容", "必填")


def test_unknown_unit_in_budget(make_workbook: MakeWorkbook) -> None:
    result = _read(make_workbook(lambda wb: _set(wb["预算执行"], "单位", "市数据中心", "单位", "市统计局")))
    m = _assert_error(result, "预算执行", 3, "单位", "单位")
    assert m.value == "市统计局"


def test_unknown_unit_in_rectification(make_workbook: MakeWorkbook) -> None:
    result = _read(make_workbook(lambda wb: _set(wb["整改"], "整改编号", "Z05", "责任单位", "市财政局")))
    _assert_error(result, "整改", 6, "责任单位", "市财政局")


def test_duplicate_problem_id(make_workbook: MakeWorkbook) -> None:
    result = _read(make_workbook(lambda wb: _set(wb["问题"], "问题编号", "P1-2", "问题编号", "P1-1")))
    _assert_error(result, "问题", 3, "问题编号", "重复", "第2行", "P1-1")


def test_indicator_points_not_summing(make_workbook: MakeWorkbook) -> None:
    rows = {}

    def mutate(wb: openpyxl.Workbook) -> None:
        ws = wb["指标体系"]
        _set(ws, "指标编号", "A11", "分值", 3)  # A11 + A12 = 6, but A1 has 5 points
        rows["A1"] = _row(ws, "指标编号", "A1")

    result = _read(make_workbook(mutate))
    m = _assert_error(result, "指标体系", rows["A1"], "分值", "A1")
    assert "6" in m.message and "5" in m.message


def test_top_level_points_not_100(make_workbook: MakeWorkbook) -> None:
    def mutate(wb: openpyxl.Workbook) -> None:
        ws = wb["指标体系"]
        _set(ws, "指标编号", "D", "分值", 35)
        _set(ws, "指标编号", "D1", "分值", 29)
        _set(ws, "指标编号", "D13", "分值", 15)

    result = _read(make_workbook(mutate))
    m = _assert_error(result, "指标体系", None, "分值", "100")
    assert "105" in m.message


def test_score_above_its_points(make_workbook: MakeWorkbook) -> None:
    rows = {}

    def mutate(wb: openpyxl.Workbook) -> None:
        ws = wb["指标评分"]
        rows["r"] = _score_row(ws, "市数据局", "A11", "专家B")
        ws.cell(row=rows["r"], column=_col(ws, "得分")).value = 2.5  # A11 has 2 points

    result = _read(make_workbook(mutate))
    m = _assert_error(result, "指标评分", rows["r"], "得分", "超过")
    assert "2" in m.message
    assert m.value == "2.5"


def test_score_for_an_unknown_or_parent_indicator(make_workbook: MakeWorkbook) -> None:
    rows = {}

    def mutate(wb: openpyxl.Workbook) -> None:
        ws = wb["指标评分"]
        rows["unknown"] = _score_row(ws, "市数据局", "A11", "专家A")
        ws.cell(row=rows["unknown"], column=_col(ws, "指标编号")).value = "Z99"
        rows["parent"] = _score_row(ws, "市数据局", "A12", "专家A")
        ws.cell(row=rows["parent"], column=_col(ws, "指标编号")).value = "A1"

    result = _read(make_workbook(mutate))
    _assert_error(result, "指标评分", rows["unknown"], "指标编号", "指标体系")
    _assert_error(result, "指标评分", rows["parent"], "指标编号", "末级")


def test_deadline_not_a_date(make_workbook: MakeWorkbook) -> None:
    result = _read(make_workbook(lambda wb: _set(wb["整改"], "整改编号", "Z01", "整改期限", "明年")))
    m = _assert_error(result, "整改", 2, "整改期限", "日期")
    assert m.value == "明年"


@pytest.mark.parametrize("value", ["2024-02-30", "2024/13/01", "30/06/2024"])
def test_impossible_or_ambiguous_dates(make_workbook: MakeWorkbook, value: str) -> None:
    result = _read(make_workbook(lambda wb: _set(wb["整改"], "整改编号", "Z02", "整改期限", value)))
    _assert_error(result, "整改", 3, "整改期限", "日期")


def test_text_dates_are_accepted(make_workbook: MakeWorkbook) -> None:
    def mutate(wb: openpyxl.Workbook) -> None:
        _set(wb["整改"], "整改编号", "Z01", "整改期限", "2024年6月30日")
        _set(wb["整改"], "整改编号", "Z02", "整改期限", "2024/12/31")

    result = _read(make_workbook(mutate))
    assert result.ok, [str(m) for m in result.errors]
    items = {it.id: it for it in result.evaluation.rectification}
    assert items["Z01"].deadline.isoformat() == "2024-06-30"
    assert items["Z02"].deadline.isoformat() == "2024-12-31"


def test_unknown_rectification_status(make_workbook: MakeWorkbook) -> None:
    result = _read(make_workbook(lambda wb: _set(wb["整改"], "整改编号", "Z02", "整改状态", "已完成")))
    m = _assert_error(result, "整改", 3, "整改状态", "整改状态")
    assert m.value == "已完成"
    assert "已整改" in m.message  # lists the allowed statuses


def test_unknown_status_in_history(make_workbook: MakeWorkbook) -> None:
    result = _read(make_workbook(lambda wb: _set(wb["整改记录"], "整改编号", "Z01", "新状态", "完成了")))
    _assert_error(result, "整改记录", 2, "新状态", "整改状态")


def test_history_for_an_unknown_item(make_workbook: MakeWorkbook) -> None:
    result = _read(make_workbook(lambda wb: _set(wb["整改记录"], "整改编号", "Z01", "整改编号", "Z99")))
    _assert_error(result, "整改记录", 2, "整改编号", "整改")


def test_grade_not_in_the_bands(make_workbook: MakeWorkbook) -> None:
    result = _read(make_workbook(lambda wb: _set(wb["评价结果"], "单位", "市数据局", "报告等次", "甲")))
    m = _assert_error(result, "评价结果", 2, "报告等次", "甲")
    assert all(g in m.message for g in ("优", "良", "中", "差"))


def test_score_above_100_in_results(make_workbook: MakeWorkbook) -> None:
    result = _read(make_workbook(lambda wb: _set(wb["评价结果"], "单位", "市数据中心", "报告得分", 186.38)))
    _assert_error(result, "评价结果", 3, "报告得分", "100")


def test_recommendation_answering_a_missing_problem(make_workbook: MakeWorkbook) -> None:
    result = _read(make_workbook(lambda wb: _set(wb["建议"], "建议编号", "R2-1", "对应问题", "P9")))
    _assert_error(result, "建议", 5, "对应问题", "P9")


def test_inconsistent_category_name(make_workbook: MakeWorkbook) -> None:
    result = _read(make_workbook(lambda wb: _set(wb["问题"], "问题编号", "P1-2", "问题类别", "资金管理")))
    _assert_error(result, "问题", 3, "问题类别", "第2行")


def test_bad_grade_bands_in_meta(make_workbook: MakeWorkbook) -> None:
    result = _read(make_workbook(lambda wb: wb["评价信息"].cell(row=_field_row(wb["评价信息"], "等次划分"),
                                                                column=2, value="优90")))
    assert not result.ok
    m = next(m for m in result.errors if m.sheet == "评价信息" and m.column == "等次划分")
    assert "优90" in m.message


def test_meta_field_errors_name_the_row(make_workbook: MakeWorkbook) -> None:
    # Every error names sheet, row and column (DESIGN: "every error with sheet/row/column"). For a 字段 | 内容
    # sheet the row is the field's row, which the reader knows.
    rows = {}

    def mutate(wb: openpyxl.Workbook) -> None:
        ws = wb["评价信息"]
        rows["bands"] = _field_row(ws, "等次划分")
        ws.cell(row=rows["bands"], column=2).value = "优90"
        rows["illustrative"] = _field_row(ws, "示例数据")
        ws.cell(row=rows["illustrative"], column=2).value = "指标得分；预算"

    result = _read(make_workbook(mutate))
    _assert_error(result, "评价信息", rows["bands"], "等次划分")
    _assert_error(result, "评价信息", rows["illustrative"], "示例数据", "预算")


def test_meta_number_field(make_workbook: MakeWorkbook) -> None:
    rows = {}

    def mutate(wb: openpyxl.Workbook) -> None:
        ws = wb["评价信息"]
        rows["year"] = _field_row(ws, "年度")
        ws.cell(row=rows["year"], column=2).value = "二〇二三"

    result = _read(make_workbook(mutate))
    _assert_error(result, "评价信息", rows["year"], "年度", "数值")


def test_several_errors_are_all_reported(make_workbook: MakeWorkbook) -> None:
    def mutate(wb: openpyxl.Workbook) -> None:
        _set(wb["预算执行"], "单位", "市数据局", "预算金额（万元）", "abc")
        _set(wb["预算执行"], "单位", "市数据中心", "实际执行金额（万元）", -5)
        _set(wb["整改"], "整改编号", "Z03", "整改期限", "明年")

    result = _read(make_workbook(mutate))
    _assert_error(result, "预算执行", 2, "预算金额（万元）")
    _assert_error(result, "预算执行", 3, "实际执行金额（万元）")
    _assert_error(result, "整改", 4, "整改期限")


# --- warnings: the workbook is still usable ---------------------------------------------------------------

def test_executed_above_budget_is_a_warning(make_workbook: MakeWorkbook) -> None:
    result = _read(make_workbook(lambda wb: _set(wb["预算执行"], "单位", "市数据局", "实际执行金额（万元）", 4000)))
    _assert_warning(result, "预算执行", 2, "实际执行金额（万元）", "超过")
    assert budget.unit_rates(result.evaluation)["市数据局"].executed == D(4000)


def test_stated_rate_differing_is_a_warning(make_workbook: MakeWorkbook) -> None:
    result = _read(make_workbook(lambda wb: _set(wb["预算执行"], "单位", "市数据局", "报告执行率（%）", 83.5)))
    m = _assert_warning(result, "预算执行", 2, "报告执行率（%）", "82.69")
    assert m.value == "83.5"
    assert budget.rate_disagreements(result.evaluation) == [("市数据局", D("83.5"), D("82.69"))]


def test_unknown_extra_sheet_is_a_warning(make_workbook: MakeWorkbook) -> None:
    def mutate(wb: openpyxl.Workbook) -> None:
        wb.create_sheet("草稿")["A1"] = "随手记"

    result = _read(make_workbook(mutate))
    _assert_warning(result, "草稿", None, "", "忽略")
    assert len(result.warnings) == 1


def test_instructions_sheet_is_not_unknown(make_workbook: MakeWorkbook) -> None:
    def mutate(wb: openpyxl.Workbook) -> None:
        wb.create_sheet("填写说明")["A1"] = "说明"

    result = _read(make_workbook(mutate))
    assert result.ok
    assert result.warnings == []


def test_published_score_disagreeing_with_breakdown_is_a_warning(make_workbook: MakeWorkbook) -> None:
    result = _read(make_workbook(lambda wb: _set(wb["评价结果"], "单位", "市数据局", "报告得分", 87.5)))
    m = _assert_warning(result, "评价结果", 2, "报告得分", "86.98")
    assert "以报告得分为准" in m.message
    us = scoring.all_unit_scores(result.evaluation)["市数据局"]
    assert us.total == D("87.5")  # the published figure stays authoritative
    assert us.breakdown_disagrees


def test_altered_expert_score_is_a_breakdown_warning(make_workbook: MakeWorkbook) -> None:
    def mutate(wb: openpyxl.Workbook) -> None:
        ws = wb["指标评分"]
        ws.cell(row=_score_row(ws, "市数据中心", "D21", "专家C"), column=_col(ws, "得分")).value = 5.2

    result = _read(make_workbook(mutate))
    _assert_warning(result, "评价结果", 3, "报告得分")


def test_a_missing_expert_score_is_a_warning_on_the_indicator(make_workbook: MakeWorkbook) -> None:
    """One expert's row of one indicator deleted: the indicator's mean (and the unit's total) moves; with the
    unit's 报告得分 also gone nothing would disagree, so the gap itself is said, on the indicator's first row."""
    def mutate(wb: openpyxl.Workbook) -> None:
        ws = wb["指标评分"]
        ws.delete_rows(_score_row(ws, "市数据局", "A12", "专家B"))
        ws = wb["评价结果"]
        ws.delete_rows(_row(ws, "单位", "市数据局"))

    result = _read(make_workbook(mutate))
    ws_row = 5  # 市数据局 A11 专家A/B/C are rows 2-4; A12 starts at row 5
    m = _assert_warning(result, "指标评分", ws_row, "专家", "A12", "专家B", "2 位专家")
    assert "市数据局" in m.message and "漏填" in m.message


def test_experts_who_each_score_some_indicators_are_no_gap(make_workbook: MakeWorkbook) -> None:
    """专家C scores only some indicators of 市数据中心 by design: no expert scored every other indicator and
    not this one, so nothing is said beyond what scoring itself reports."""
    def mutate(wb: openpyxl.Workbook) -> None:
        ws = wb["指标评分"]
        ce, cu, ci = _col(ws, "专家"), _col(ws, "单位"), _col(ws, "指标编号")
        for row in range(ws.max_row, 1, -1):
            if ws.cell(row=row, column=ce).value == "专家C" and ws.cell(row=row, column=cu).value == "市数据中心" \
                    and str(ws.cell(row=row, column=ci).value).startswith(("A", "B")):
                ws.delete_rows(row)

    result = _read(make_workbook(mutate))
    assert not [m for m in result.warnings if m.sheet == "指标评分" and m.column == "专家"], \
        [str(m) for m in result.warnings]


def test_stated_grade_disagreeing_is_a_warning(make_workbook: MakeWorkbook) -> None:
    result = _read(make_workbook(lambda wb: _set(wb["评价结果"], "单位", "市数据局", "报告等次", "优")))
    _assert_warning(result, "评价结果", 2, "报告等次", "良")


def test_zero_budget_is_a_warning_not_a_crash(make_workbook: MakeWorkbook) -> None:
    def mutate(wb: openpyxl.Workbook) -> None:
        _set(wb["预算执行"], "单位", "市数据局", "预算金额（万元）", 0)
        _set(wb["预算执行"], "单位", "市数据局", "实际执行金额（万元）", 0)
        _set(wb["预算执行"], "单位", "市数据局", "报告执行率（%）", None)

    result = _read(make_workbook(mutate))
    _assert_warning(result, "预算执行", 2, "预算金额（万元）", "执行率")
    r = budget.unit_rates(result.evaluation)["市数据局"]
    assert r.rate is None and r.reason == budget.ZERO_BUDGET
    us = scoring.all_unit_scores(result.evaluation)["市数据局"]
    assert us.computed_total is None  # the rule-scored 预算执行率 leaf cannot be scored
    assert us.total == D("86.98")


def test_unknown_column_is_a_warning(make_workbook: MakeWorkbook) -> None:
    def mutate(wb: openpyxl.Workbook) -> None:
        ws = wb["问题"]
        ws.cell(row=1, column=ws.max_column + 1).value = "整改建议"

    result = _read(make_workbook(mutate))
    _assert_warning(result, "问题", 1, "整改建议", "忽略")


# --- not a workbook at all --------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [b"not a workbook", b"", "单位,预算\n市数据局,3400.06\n".encode(),
                                  b"PK\x03\x04" + bytes(200), os.urandom(2048)],
                         ids=["text", "empty", "csv", "fake-zip", "random"])
def test_non_xlsx_bytes(data: bytes) -> None:
    result = read_workbook(data)
    assert not result.ok
    assert result.evaluation is None
    assert len(result.errors) == 1
    m = result.errors[0]
    assert m.sheet == FILE_SHEET
    assert CJK.search(m.message)
    assert "Excel" in m.message or "xlsx" in m.message


@pytest.mark.parametrize("content", [b"", "单位,预算\n市数据局,3400.06\n".encode()], ids=["empty", "csv"])
def test_non_xlsx_files(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "data.xlsx"
    path.write_bytes(content)
    result = read_workbook(path)
    assert [m.sheet for m in result.errors] == [FILE_SHEET]
    assert read_workbook(str(path)).errors[0].sheet == FILE_SHEET


def test_truncated_workbook(tmp_path: Path) -> None:
    path = tmp_path / "cut.xlsx"
    path.write_bytes(sample_data.WORKBOOK.read_bytes()[:3000])
    result = read_workbook(path)
    assert result.evaluation is None
    assert result.errors and result.errors[0].sheet == FILE_SHEET


def test_missing_file(tmp_path: Path) -> None:
    result = read_workbook(tmp_path / "nope.xlsx")
    assert [m.sheet for m in result.errors] == [FILE_SHEET]


# --- lenient input that must be accepted ------------------------------------------------------------------

def test_full_width_digits_in_a_number_cell_are_refused_with_the_number_to_type(make_workbook: MakeWorkbook) -> None:
    def mutate(wb: openpyxl.Workbook) -> None:
        _set(wb["预算执行"], "单位", "市数据局", "预算金额（万元）", "３４００．０６")
        _set(wb["预算执行"], "单位", "市数据局", "实际执行金额（万元）", "2,811.47")  # thousands commas are fine

    result = _read(make_workbook(mutate))
    [m] = result.errors
    assert (m.sheet, m.row, m.column) == ("预算执行", 2, "预算金额（万元）")
    assert "全角" in m.message and "应填 3400.06" in m.message


def test_a_unit_referred_to_by_its_full_name_resolves(make_workbook: MakeWorkbook) -> None:
    def mutate(wb: openpyxl.Workbook) -> None:
        _set(wb["预算执行"], "单位", "市数据局", "单位", "长沙市数据局")
        _set(wb["整改"], "整改编号", "Z02", "责任单位", "长沙市数据局")

    result = _read(make_workbook(mutate))
    assert result.errors == [], [str(m) for m in result.errors]
    ev = result.evaluation
    assert [b.unit for b in ev.budget_lines] == ["市数据局", "市数据中心"]
    assert next(it for it in ev.rectification if it.id == "Z02").unit == "市数据局"


@pytest.mark.parametrize("name", ["市数据局  ", "  市数据局", "市数据局\u3000", "市数据 局"])
def test_a_unit_name_with_stray_spaces_is_refused_naming_the_listed_unit(make_workbook: MakeWorkbook,
                                                                       name: str) -> None:
    result = _read(make_workbook(lambda wb: _set(wb["预算执行"], "单位", "市数据局", "单位", name)))
    [m] = result.errors
    assert (m.sheet, m.row, m.column, m.value) == ("预算执行", 2, "单位", name)
    assert "空格" in m.message and "改为“市数据局”" in m.message


def test_numbers_stored_as_text(make_workbook: MakeWorkbook) -> None:
    result = _read(make_workbook(lambda wb: _set(wb["评价结果"], "单位", "市数据局", "报告得分", " 86.98 ")))
    assert result.ok and result.warnings == []
    assert result.evaluation.results[0].stated_score == D("86.98")


def test_blank_rows_are_skipped(make_workbook: MakeWorkbook) -> None:
    def mutate(wb: openpyxl.Workbook) -> None:
        wb["问题"].insert_rows(5, amount=2)

    result = _read(make_workbook(mutate))
    assert result.ok
    assert len(result.evaluation.problems) == 19


def test_message_str_and_dict() -> None:
    m = Message("预算执行", 2, "预算金额（万元）", "abc", "应为数值")
    assert str(m) == "预算执行 第2行“预算金额（万元）”列：应为数值（现为“abc”）"
    assert m.as_dict() == {"level": "error", "sheet": "预算执行", "row": 2, "column": "预算金额（万元）",
                           "value": "abc", "message": "应为数值"}
    assert str(Message("单位", None, "", "", "缺少必需的工作表")) == "单位：缺少必需的工作表"


# --- a budget line that lacks its budget or its executed amount -------------------------------------------
# Published reports sometimes state only what was executed and the rate, or only the budget: the line reads,
# the unit's rate is “无法计算” with a reason, totals sum what is known and say so, and nothing downstream breaks.

AS_OF = __import__("datetime").date(2026, 11, 28)


def _without(wb: openpyxl.Workbook, unit: str, header: str) -> int:
    return _set(wb["预算执行"], "单位", unit, header, None)


def _lacking_budget(make_workbook: MakeWorkbook) -> Path:
    return make_workbook(lambda wb: _without(wb, "市数据局", "预算金额（万元）"), name="缺少预算.xlsx")


def test_a_line_without_a_budget_reads_with_the_reason(make_workbook: MakeWorkbook) -> None:
    result = _read(_lacking_budget(make_workbook))
    assert result.ok, [str(m) for m in result.errors]
    ev = result.evaluation
    line = ev.budget_lines[0]
    assert (line.unit, line.budget, line.executed, line.stated_rate) == ("市数据局", None, D("2811.47"), D("82.69"))
    r = budget.unit_rates(ev)["市数据局"]
    assert (r.budget, r.executed, r.rate, r.unspent) == (None, D("2811.47"), None, None)
    assert r.reason == "缺少预算金额，无法计算执行率"
    total = budget.overall(ev)
    assert (total.budget, total.executed, total.rate) == (D("10931.32"), D("13563.60"), None)
    assert total.reason == ("缺少预算金额（2 项中 1 项未列明），无法计算执行率；"
                            "预算合计 10931.32 万元只含已列明的 1 项")
    # the rule-scored 预算执行率 leaf cannot be scored, and says why; the published score stays authoritative
    us = scoring.all_unit_scores(ev)["市数据局"]
    assert us.computed_total is None and us.total == D("86.98")
    assert "B11" not in us.node_scores and "缺少预算金额" in us.notes["B11"]
    # the stated rate cannot be checked (a warning from the audit, not an error)
    assert any(m.row == 2 and m.column == "报告执行率（%）" for m in result.warnings), [str(m) for m in
                                                                                     result.warnings]
    # written back (exports, the store's versions) and read again, the line still lacks its budget
    back = read_workbook(workbook_bytes(ev))
    assert back.ok and back.evaluation.budget_lines == ev.budget_lines


def test_a_line_without_an_executed_amount_or_rate_warns(make_workbook: MakeWorkbook) -> None:
    def mutate(wb: openpyxl.Workbook) -> None:
        _without(wb, "市数据中心", "实际执行金额（万元）")
        _without(wb, "市数据中心", "报告执行率（%）")

    result = _read(make_workbook(mutate))
    m = _assert_warning(result, "预算执行", 3, "实际执行金额（万元）", "无法计算", "补填")
    assert CJK.search(m.message)
    r = budget.unit_rates(result.evaluation)["市数据中心"]
    assert (r.budget, r.executed, r.rate) == (D("10931.32"), None, None)
    assert r.reason == "缺少实际执行金额，无法计算执行率"


def test_a_line_with_neither_amount_nor_rate_is_an_error(make_workbook: MakeWorkbook) -> None:
    def mutate(wb: openpyxl.Workbook) -> None:
        for header in ("预算金额（万元）", "实际执行金额（万元）", "报告执行率（%）"):
            _without(wb, "市数据局", header)

    m = _assert_error(_read(make_workbook(mutate)), "预算执行", 2, "预算金额（万元）", "都没有填写", "删除这一行")
    assert "报告执行率" in m.message  # how to fix it when the report states only the rate


def test_a_line_with_only_a_stated_rate_reads(make_workbook: MakeWorkbook) -> None:
    def mutate(wb: openpyxl.Workbook) -> None:
        _without(wb, "市数据局", "预算金额（万元）")
        _without(wb, "市数据局", "实际执行金额（万元）")

    result = _read(make_workbook(mutate))
    assert result.ok, [str(m) for m in result.errors]
    r = budget.unit_rates(result.evaluation)["市数据局"]
    assert (r.budget, r.executed, r.rate) == (None, None, None)
    assert r.reason == "缺少预算金额、缺少实际执行金额，无法计算执行率"
    assert budget.stated_rates(result.evaluation)["市数据局"] == D("82.69")


def test_the_budget_columns_are_still_template_columns(make_workbook: MakeWorkbook) -> None:
    # Cells may be blank, the column may not be missing (see test_missing_required_column), and the template
    # says the cells are optional.
    from evalcore.workbook import BUDGET, column_note

    for key in ("budget", "executed"):
        col = BUDGET.column(key)
        assert not col.required and col.column_required
        assert column_note(col).startswith("选填")
    result = _read(make_workbook(lambda wb: wb["预算执行"].delete_cols(_col(wb["预算执行"], "实际执行金额（万元）"))))
    _assert_error(result, "预算执行", 1, "实际执行金额（万元）", "缺少必填列")


def test_summary_command_on_a_line_without_a_budget(make_workbook: MakeWorkbook,
                                                    run_cli: Callable[..., Any]) -> None:
    import json

    path = _lacking_budget(make_workbook)
    for extra in (["--json"], []):
        proc = run_cli("summary", str(path), "--as-of", "2026-11-28", *extra)
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
    done = run_cli("summary", str(path), "--json", "--as-of", "2026-11-28")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    unit = data["units"][0]
    assert (unit["unit"], unit["budget"], unit["executed"], unit["execution_rate"], unit["stated_rate"]) == (
        "市数据局", None, "2811.47", None, "82.69")
    assert unit["rate_note"] == "缺少预算金额，无法计算执行率"
    assert (unit["score"], unit["grade"]) == ("86.98", "良")
    assert data["totals"]["budget"] == "10931.32" and data["totals"]["execution_rate"] is None
    assert "只含已列明的 1 项" in data["totals_note"]


@pytest.mark.parametrize("fmt", ["xlsx", "pptx", "html", "md", "docx"])
def test_exports_of_a_line_without_a_budget(make_workbook: MakeWorkbook, fmt: str) -> None:
    from evalcore.cli import export_bytes

    ev = _read(_lacking_budget(make_workbook)).evaluation
    data = export_bytes(ev, fmt, AS_OF)
    assert len(data) > 1000
    if fmt == "xlsx":
        wb = openpyxl.load_workbook(io.BytesIO(data))
        text = [str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v is not None]
        assert "缺少预算金额，无法计算执行率" in text  # the unit's and the line's reason, not 无预算安排
        assert any("只含已列明的 1 项" in t for t in text)  # the total says it is partial
        assert "None" not in text
    if fmt in ("html", "md"):
        body = data.decode("utf-8")
        assert "None" not in re.sub(r"<script.*?</script>", "", body, flags=re.S)
        assert "2811.47" in body or "2,811.47" in body  # the known executed amount is shown


def test_slides_do_not_call_a_partial_sum_the_total(make_workbook: MakeWorkbook) -> None:
    from evalcore.export.slides import slide_plan

    ev = _read(_lacking_budget(make_workbook)).evaluation
    plan = slide_plan(ev, AS_OF)
    text = " ".join(s for slide in plan for s in slide.sentences)
    assert "资金总额为10931.32万元" not in text  # 10931.32 is only the part of the budget that is stated
    figures = next(slide for slide in plan if slide.kind == "figures")
    tile = next(t for t in figures.tiles if t.label == "预算总额")
    assert tile.value == "10,931.32 万元" and "只含已列明" in tile.note
    budget_slide = next(slide for slide in plan if slide.kind == "budget")
    assert "市数据局实际执行项目资金2811.47万元，报告所列预算执行率为82.69%。" in budget_slide.sentences
    assert "市数据局：缺少预算金额，无法计算执行率" in budget_slide.footnotes


# --- numbers that would make the reader enumerate ----------------------------------------------------------

def test_a_huge_category_number_is_an_error_not_an_enumeration(make_workbook: MakeWorkbook) -> None:
    """Found by hypothesis: 类别序号 10^10 once made the gap check build a set of every number below it."""
    result = _read(make_workbook(lambda wb: _set(wb["问题"], "问题编号", "P1-1", "类别序号", 10**10)))
    m = _assert_error(result, "问题", 2, "类别序号", "不能大于 9999")
    assert m.value == str(10**10)


def test_a_wide_gap_in_category_numbers_is_one_warning(make_workbook: MakeWorkbook) -> None:
    def mutate(wb: openpyxl.Workbook) -> None:
        for pid in ("P6-1",):
            _set(wb["问题"], "问题编号", pid, "类别序号", 9999)

    result = _read(make_workbook(mutate))
    gaps = [m for m in result.warnings if "不连续" in m.message]
    assert len(gaps) == 1 and "第 6～9998 类" in gaps[0].message, [str(m) for m in gaps]
