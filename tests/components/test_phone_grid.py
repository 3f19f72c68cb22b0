"""A grid on a phone (issue 28): the row's name, then 得分 / 等次 / 执行率; number columns as wide as their widest
figure, text columns wrapping; headers on at most two lines of at least two characters; the first column pinned."""
from decimal import Decimal as D

import pandas as pd

from components.responsive import filter_label
from components.table import (
    PHONE_TEXT_MAX_PX,
    GridColumn,
    display_frame,
    grid_options,
    header_px,
    phone_columns,
    text_px,
)

COLS = [
    GridColumn("unit", "单位", width=120),
    GridColumn("name", "单位全称", flex=1),
    GridColumn("budget", "预算（万元）", "amount", width=120),
    GridColumn("rate", "预算执行率", "rate", width=95),
    GridColumn("score", "得分", "score", width=80),
    GridColumn("grade", "等次", width=70),
]


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"unit": ["市数据局", "市数据中心"], "name": ["长沙市数据局", "长沙市大数据中心"],
                         "budget": [D("3400.06"), D("10931.32")], "rate": [D("82.69"), D("98.36")],
                         "score": [D("86.98"), D("86.38")], "grade": ["良", "良"]}).astype(object)


def test_phone_columns_put_the_figures_that_matter_first_and_whole():
    frame = display_frame(_frame(), COLS)
    cols = phone_columns(frame, COLS)
    assert [c.field for c in cols] == ["unit", "score", "grade", "rate", "name", "budget"]
    by = {c.field: c for c in cols}
    assert by["budget"].width >= text_px("10,931.32") + 20  # never "10,93…"
    assert by["rate"].width >= text_px("98.36%") + 20
    assert by["name"].wrap and by["name"].width <= PHONE_TEXT_MAX_PX  # wraps, never "长沙市大…"
    assert all(c.flex is None and not c.filter for c in cols)


def test_a_rank_column_does_not_take_the_name_s_place():
    cols = [GridColumn("rank", "排名", "int", width=70), *COLS]
    frame = _frame().assign(rank=[1, 2]).astype(object)
    assert [c.field for c in phone_columns(display_frame(frame, cols), cols)][:4] == ["unit", "score", "grade",
                                                                                        "rate"]


def test_headers_wrap_on_at_most_two_lines_of_two_characters():
    assert header_px("编号") >= text_px("编号")  # one line
    assert header_px("预算（万元）") >= text_px("预算（") and header_px("预算（万元）") < text_px("预算（万元）")
    assert header_px("实际执行（万元）") >= text_px("实际执行")


def test_phone_grid_options_pin_the_name_with_exact_widths():
    frame = display_frame(_frame(), COLS)
    cols = phone_columns(frame, COLS)
    opts = grid_options(display_frame(_frame(), cols), cols, height=300, phone=True)
    defs = opts["columnDefs"]
    assert defs[0]["pinned"] == "left" and all("pinned" not in d for d in defs[1:])
    assert all("flex" not in d and d["width"] == d["minWidth"] for d in defs)
    desktop = grid_options(frame, COLS, height=300)
    assert all("pinned" not in d for d in desktop["columnDefs"])
    assert [d["field"] for d in desktop["columnDefs"]] == [c.header for c in COLS]  # a desktop is unchanged


def test_filter_button_says_how_many_are_set():
    assert filter_label(0) == "筛选" and filter_label(2) == "筛选（已选 2 项）"
