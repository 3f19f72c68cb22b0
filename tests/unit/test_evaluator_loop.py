"""The evaluator's loop (issue 28, item 9): one error per mistake, a name suggestion for an unknown unit, errors
in sheet and row order, and the workbook back with the bad cells highlighted and commented."""
import io

import openpyxl

from evalcore.workbook import read_workbook
from evalcore.workbook.annotate import ERROR_FILL, annotate
from sample_data import WORKBOOK


def _apply(changes) -> bytes:
    wb = openpyxl.load_workbook(WORKBOOK)
    for sheet, row, header, value in changes:
        ws = wb[sheet]
        col = [c.value for c in ws[1]].index(header) + 1
        ws.cell(row=row, column=col).value = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_blank_problem_text_is_one_error():
    result = read_workbook(_apply([("问题", 3, "问题内容", None)]))
    assert [(m.sheet, m.row, m.column) for m in result.errors] == [("问题", 3, "问题内容")]  # not its 整改 too


def test_an_unknown_unit_gets_a_suggestion():
    result = read_workbook(_apply([("预算执行", 2, "单位", "市数据")]))
    [error] = result.errors
    assert "是否为“市数据局”" in error.message


def test_errors_in_sheet_and_row_order():
    result = read_workbook(_apply([("问题", 4, "问题内容", None), ("预算执行", 3, "单位", "不存在的单位"),
                                   ("问题", 2, "问题内容", None)]))
    assert [(m.sheet, m.row) for m in result.errors] == [("预算执行", 3), ("问题", 2), ("问题", 4)]


def test_the_workbook_back_with_its_bad_cells_marked():
    data = _apply([("问题", 3, "问题内容", None)])
    result = read_workbook(data)
    marked = openpyxl.load_workbook(io.BytesIO(annotate(data, result.errors, result.warnings)))
    ws = marked["问题"]
    col = [c.value for c in ws[1]].index("问题内容") + 1
    cell = ws.cell(row=3, column=col)
    assert cell.fill.fgColor.rgb.endswith(ERROR_FILL)
    assert "必填项为空" in cell.comment.text
    assert ws.cell(row=2, column=col).comment is None  # only the bad cell
