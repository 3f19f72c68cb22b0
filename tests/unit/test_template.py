"""evalcore.template: the blank workbook is generated from the spec, has instructions, notes and drop-downs,
and its example rows form a valid evaluation."""
from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from evalcore.model import DEFAULT_STATUSES, Evaluation
from evalcore.template import build_template, example_record, template_bytes, write_template
from evalcore.workbook import (
    INSTRUCTIONS_SHEET,
    SPEC,
    UNITS,
    VALIDATION_RULES,
    ColumnSpec,
    SheetSpec,
    column_note,
    read_workbook,
    unit_list_ref,
    workbook_bytes,
)
from evalcore.workbook.spec import EXAMPLE_MARK


@pytest.fixture(scope="module")
def data() -> bytes:
    return template_bytes()


@pytest.fixture(scope="module")
def wb(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _validations(ws) -> list:
    return list(ws.data_validations.dataValidation)


def _covering(ws, ref: str) -> list:
    return [dv for dv in _validations(ws) if ref in dv]


def _validated(col: ColumnSpec) -> bool:
    return bool(col.choices) or col.kind in ("decimal", "int", "date")


def _cells(spec: SheetSpec) -> list[tuple[ColumnSpec, str, str]]:
    """(column, header cell, first data cell) of every column; for 评价信息 the field's label and value."""
    if spec.layout == "fields":
        return [(c, f"A{i}", f"B{i}") for i, c in enumerate(spec.columns, start=2)]
    letters = [openpyxl.utils.get_column_letter(i) for i in range(1, len(spec.columns) + 1)]
    return [(c, f"{x}1", f"{x}2") for c, x in zip(spec.columns, letters, strict=True)]


# --- the template is a valid workbook ---------------------------------------------------------------------

def test_template_passes_the_reader_but_its_examples_cannot_be_published(data: bytes) -> None:
    result = read_workbook(data, allow_examples=True)
    assert result.errors == [], [str(m) for m in result.errors]
    assert result.warnings == [], [str(m) for m in result.warnings]
    assert isinstance(result.evaluation, Evaluation)
    refused = read_workbook(data)  # as uploaded: every example row is an error naming its sheet and row
    assert refused.evaluation is None
    assert [(m.sheet, m.row) for m in refused.errors] == [(s.name, 2) for s in SPEC]
    assert all(EXAMPLE_MARK in m.message for m in refused.errors)


def test_examples_form_one_evaluation(data: bytes) -> None:
    ev = read_workbook(data, allow_examples=True).evaluation
    assert [u.key for u in ev.units] == ["市数据局"]
    assert ev.budget_lines[0].budget == ev.meta.stated_total_budget
    assert [i.id for i in ev.indicators] == [ev.scores[0].indicator]
    assert ev.results[0].stated_score == ev.scores[0].score
    assert ev.recommendations[0].answers == ("P1",)
    assert ev.rectification[0].history[-1].new_status == ev.rectification[0].status


def test_write_template_to_a_path_and_a_stream(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "模板.xlsx"
    write_template(path)
    write_template(str(tmp_path / "t2.xlsx"))
    buf = io.BytesIO()
    write_template(buf)
    for source in (path, tmp_path / "t2.xlsx", buf.getvalue()):
        assert read_workbook(source, allow_examples=True).ok
    assert openpyxl.load_workbook(path).sheetnames == openpyxl.load_workbook(io.BytesIO(data)).sheetnames


def test_sheets_in_spec_order_after_the_instructions(wb: openpyxl.Workbook) -> None:
    assert wb.sheetnames == [INSTRUCTIONS_SHEET, *[s.name for s in SPEC]]
    assert wb.active.title == INSTRUCTIONS_SHEET


# --- every data sheet: headers, notes, widths, examples ---------------------------------------------------

@pytest.mark.parametrize("spec", SPEC, ids=[s.key for s in SPEC])
def test_headers_are_bold_frozen_and_annotated(wb: openpyxl.Workbook, spec: SheetSpec) -> None:
    ws = wb[spec.name]
    assert ws.freeze_panes == "A2"
    assert all(cell.font.bold for cell in ws[1])
    if spec.layout == "fields":
        assert [c.value for c in ws[1]] == ["字段", "内容"]
    else:
        assert [c.value for c in ws[1]] == [c.header for c in spec.columns]
    for col, head, _ in _cells(spec):
        assert ws[head].value == col.header
        assert ws[head].comment is not None, f"{spec.name} {head} has no note"
        assert ws[head].comment.text == column_note(col)
        assert ("必填" if col.required else "选填") in ws[head].comment.text


@pytest.mark.parametrize("spec", [s for s in SPEC if s.layout == "table"], ids=lambda s: s.key)
def test_widths_and_example_row(wb: openpyxl.Workbook, spec: SheetSpec) -> None:
    ws = wb[spec.name]
    example = example_record(spec)
    assert ws.max_row == 2
    for col, head, first in _cells(spec):
        assert ws.column_dimensions[head[:-1]].width == col.width
        value = ws[first].value
        expected = example[col.key]
        if hasattr(value, "date") and not isinstance(expected, str):
            value = value.date()
        if expected is None:
            assert value is None
        elif col.kind == "decimal":
            assert float(value) == float(expected)  # written as a number, not as text
        else:
            assert value == expected, (spec.name, col.header, value, expected)
        if value is not None:
            assert ws[first].font.italic  # the example is grey italic


def test_meta_fields_hold_examples_or_defaults(wb: openpyxl.Workbook) -> None:
    meta = SPEC[0]
    ws = wb[meta.name]
    for col, _, value_cell in _cells(meta):
        wanted = col.example if col.example is not None else col.default
        if wanted is None:
            assert ws[value_cell].value is None
        else:
            assert str(ws[value_cell].value) == str(wanted)


# --- drop-downs and checks --------------------------------------------------------------------------------

@pytest.mark.parametrize("spec", SPEC, ids=[s.key for s in SPEC])
def test_every_checked_column_has_a_validation(wb: openpyxl.Workbook, spec: SheetSpec) -> None:
    ws = wb[spec.name]
    for col, _, first in _cells(spec):
        found = _covering(ws, first)
        if not _validated(col):
            assert found == [], (spec.name, col.header)
            continue
        assert len(found) == 1, (spec.name, col.header, found)
        dv = found[0]
        assert dv.allow_blank and dv.showErrorMessage
        assert any("\u4e00" <= ch <= "\u9fff" for ch in dv.error), dv.error
        if spec.layout == "table":
            assert f"{first[:-1]}1048576" in dv  # the whole column below the header
        if isinstance(col.choices, tuple) and col.choices:
            assert dv.type == "list"
            assert dv.formula1 == '"' + ",".join(col.choices) + '"'
        elif col.choices == "units":
            assert dv.type == "list"
            assert dv.formula1 == "'单位'!$A$2:$A$1001" == unit_list_ref()
            assert dv.errorStyle == "warning"  # a full name or a name with spaces is still accepted, with a warning
        elif col.choices == "statuses":
            assert dv.type == "list"
            assert dv.formula1 == '"' + ",".join(DEFAULT_STATUSES) + '"'
        elif col.kind == "date":
            assert dv.type == "date"
        else:
            assert dv.type == ("whole" if col.kind == "int" else "decimal")
            if col.minimum is not None:
                assert dv.formula1 == f"{col.minimum:f}"


def test_drop_down_kinds_are_all_present(wb: openpyxl.Workbook) -> None:
    formulas = {dv.formula1 for spec in SPEC for dv in _validations(wb[spec.name])}
    assert unit_list_ref() in formulas
    assert '"未开始,整改中,已整改,未整改"' in formulas
    assert '"评价人员打分,预算执行率按比例,分档计分,扣分制"' in formulas
    assert '"平均值,去掉最高分和最低分后平均"' in formulas


def test_unit_list_points_at_the_unit_short_names(wb: openpyxl.Workbook) -> None:
    assert wb[UNITS.name]["A1"].value == UNITS.columns[0].header == "单位简称"


def test_written_workbooks_share_the_drop_downs(source_ev: Evaluation) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(source_ev)))
    assert _covering(wb["预算执行"], "A2")[0].formula1 == unit_list_ref()
    statuses = _covering(wb["整改"], "F2")[0].formula1
    assert statuses == '"' + ",".join(source_ev.meta.statuses) + '"'
    assert wb["预算执行"]["D1"].comment.text == column_note(SPEC[2].column("budget"))
    assert INSTRUCTIONS_SHEET not in wb.sheetnames


# --- the instructions -------------------------------------------------------------------------------------

def test_instructions_describe_every_sheet_and_column(wb: openpyxl.Workbook) -> None:
    text = "\n".join(str(v) for row in wb[INSTRUCTIONS_SHEET].iter_rows(values_only=True) for v in row if v)
    for spec in SPEC:
        assert spec.name in text
        for col in spec.columns:
            assert col.header in text
            if isinstance(col.choices, tuple):
                assert "、".join(col.choices) in text
    for _, rule in VALIDATION_RULES:
        assert rule in text
    for word in ("万元", "必填", "选填", "错误", "警告", "另存为", "下拉", "150,000"):
        assert word in text, word


def test_build_template_is_deterministic_in_content() -> None:
    a, b = build_template(), build_template()
    for name in a.sheetnames:
        rows_a = [[c.value for c in r] for r in a[name].iter_rows()]
        assert rows_a == [[c.value for c in r] for r in b[name].iter_rows()]
