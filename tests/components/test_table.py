"""The aggrid wrapper's inputs: what a reader sees, and the grid options (AppTest cannot drive the grid)."""
from decimal import Decimal

import pandas as pd

from components.table import GridColumn, display_frame, estimate_height, grid_options

COLS = [
    GridColumn("unit", "单位", width=120),
    GridColumn("budget", "预算（万元）", "amount"),
    GridColumn("rate", "执行率", "rate"),
    GridColumn("text", "内容", flex=2, wrap=True),
]


def frame():
    return pd.DataFrame({
        "unit": ["市数据局", "数智科技集团"],
        "budget": [Decimal("14331.38"), None],
        "rate": [Decimal("82.685"), None],
        "text": ["<script>alert(1)</script>", "短"],
    })


def test_display_frame_formats_decimals_half_up_and_marks_missing():
    out = display_frame(frame(), COLS)
    assert list(out.columns) == ["单位", "预算（万元）", "执行率", "内容"]
    assert out.iloc[0].tolist() == ["市数据局", "14,331.38", "82.69%", "<script>alert(1)</script>"]
    assert out.iloc[1].tolist() == ["数智科技集团", "—", "—", "短"]


def test_grid_options_headers_alignment_and_no_html_renderer():
    opts = grid_options(display_frame(frame(), COLS), COLS, height=300)
    defs = {d["field"]: d for d in opts["columnDefs"]}
    assert defs["预算（万元）"]["type"] == "rightAligned" and "comparator" in defs["预算（万元）"]
    assert defs["内容"]["wrapText"] and defs["内容"]["autoHeight"]
    assert all("cellRenderer" not in d for d in opts["columnDefs"])  # text is shown as text
    assert opts["localeText"]["noRowsToShow"] == "没有数据"


def test_estimate_height_grows_with_rows_and_is_capped():
    small = estimate_height(display_frame(frame(), COLS), COLS)
    big = pd.concat([frame()] * 50, ignore_index=True)
    assert 80 < small < 200
    assert estimate_height(display_frame(big, COLS), COLS) == 640


def test_paged_and_selectable_grid_options():
    import pandas as pd

    from components.table import GridColumn, grid_options, selected_value
    cols = [GridColumn("unit", "单位"), GridColumn("score", "得分", "score")]
    frame = pd.DataFrame({"单位": ["甲", "乙"], "得分": ["90.00", "80.00"]})
    opts = grid_options(frame, cols, height=400, page_size=15, selectable=True)
    assert opts["pagination"] is True and opts["paginationPageSize"] == 15
    assert 15 in opts["paginationPageSizeSelector"]
    assert opts["rowSelection"]["mode"] == "singleRow"
    plain = grid_options(frame, cols, height=400)
    assert "pagination" not in plain and "rowSelection" not in plain
    # the selected row comes back with the displayed (Chinese) headers
    assert selected_value(pd.DataFrame([{"单位": "乙", "得分": "80.00"}]), cols, "unit") == "乙"
    assert selected_value(None, cols, "unit") is None
