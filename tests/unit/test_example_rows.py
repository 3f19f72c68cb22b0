"""Template examples can't slip through (issue 28, item 3): the 产出成效 example left in an otherwise filled
workbook is refused before publishing, with a message naming its sheet and row; the seed's own "（示例）" labels
(illustrative deductions) are not taken for the template's examples."""
import io

import openpyxl
import pytest

from evalcore.auth import Actor
from evalcore.store import PublishError
from evalcore.template import example_record
from evalcore.workbook import ACHIEVEMENTS, read_workbook
from evalcore.workbook.spec import EXAMPLE_MARK
from sample_data import WORKBOOK


def _with_example_row() -> tuple[bytes, int]:
    wb = openpyxl.load_workbook(WORKBOOK)
    ws = wb[ACHIEVEMENTS.name]
    example = example_record(ACHIEVEMENTS)
    ws.append([example[c.key] for c in ACHIEVEMENTS.columns])
    row = ws.max_row
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), row


def test_the_seed_is_not_an_example():
    assert read_workbook(WORKBOOK).ok  # its 指标评分 notes say "（示例）", which is not the template's mark


def test_an_example_row_left_in_is_refused_by_sheet_and_row():
    data, row = _with_example_row()
    result = read_workbook(data)
    assert not result.ok
    assert [(m.sheet, m.row, m.column) for m in result.errors] == [(ACHIEVEMENTS.name, row, "内容")]
    assert EXAMPLE_MARK in result.errors[0].message and "删除这一行" in result.errors[0].message


def test_an_example_row_cannot_be_published(stores, tmp_path):
    data, row = _with_example_row()
    store = stores(f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(PublishError) as info:
        store.publish(data, file_name="filled.xlsx", by=Actor("李评价", "evaluator"))
    assert f"{ACHIEVEMENTS.name} 第{row}行" in str(info.value.messages[0])
