"""A thin wrapper of ours around streamlit-aggrid.

``grid_options`` is pure (DataFrame + column specs -> AG Grid options) and unit-tested; ``show_table`` renders.
AppTest cannot drive a custom component, so tests check the wrapper's inputs rather than the grid itself.
Cell text is always rendered by AG Grid as text (no HTML renderers), so workbook content cannot inject markup.
streamlit-aggrid turns strings of the form "::JSCODE::…::JSCODE::" into functions when ``allow_unsafe_jscode`` is on,
but only inside gridOptions and never in the row data (its front end skips ``rowData``); workbook text only ever
travels as row data (checked with such a cell by tests/browser/test_hostile.py). A long word wraps inside a
wrapping cell (overflow-wrap: anywhere); other cells clip it with "…".
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import pandas as pd

from evalcore.numbers import fmt_amount, fmt_rate, fmt_score
from evalcore.workbook.unit_columns import UNIT_COLUMNS

from . import responsive
from .theme import FONT_FAMILY, INK, PRIMARY

FORMATTERS = {
    "amount": lambda v: fmt_amount(v, ""),
    "rate": fmt_rate,
    "score": fmt_score,
    "text": lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v),
    "date": lambda v: "" if v is None or pd.isna(v) else v.isoformat(),
    "int": lambda v: "" if v is None or pd.isna(v) else str(int(v)),
}


@dataclass(frozen=True)
class GridColumn:
    field: str  # column of the DataFrame
    header: str  # Chinese header
    kind: str = "text"  # amount | rate | score | text | date | int
    width: int | None = None
    flex: int | None = None
    wrap: bool = False
    filter: bool = True


NUMERIC = ("amount", "rate", "score", "int")
# How a per-unit column is shown (its header is the workbook's: evalcore.workbook.unit_columns).
UNIT_KINDS = {"budget": "amount", "executed": "amount", "unspent": "amount", "rate": "rate", "stated_rate": "rate",
              "score": "score", "stated_score": "score"}


def unit_column(field: str, width: int | None = None, flex: int | None = None, wrap: bool = False,
                of: str | None = None) -> GridColumn:
    """A column of a per-unit grid under the header every table uses for it (the workbook's own words, from
    :data:`evalcore.workbook.unit_columns.UNIT_COLUMNS`); ``of``: the column it shows when the frame names it
    otherwise (a grade as text, say)."""
    key = of or field
    return GridColumn(field, UNIT_COLUMNS[key], UNIT_KINDS.get(key, "text"), width=width, flex=flex, wrap=wrap)

# Our own constant comparator (no workbook content in it): sorts "14,331.38" / "82.69%" / "—" as numbers.
NUMERIC_COMPARATOR = """function(a, b) {
  const n = v => { const x = parseFloat(String(v).replace(/[,%]/g, '')); return isNaN(x) ? -Infinity : x; };
  return n(a) - n(b);
}"""


# streamlit-aggrid fixes its grid's box to the width it measured when mounted: 0 px for a grid in a closed
# expander, which then stays blank when opened. The box follows its frame instead (our constant CSS).
GRID_CSS = {"div:has(> div > .ag-root-wrapper)": {"width": "100% !important"}}


def _missing(v: Any) -> bool:
    """None, NaN, NaT or pd.NA: a blank cell. Callers pass frames as they are (no ``.where(notna, None)`` first)."""
    return v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and pd.isna(v))


def format_cell(kind: str, value: Any) -> str:
    if _missing(value):
        return "—" if kind in NUMERIC else ""
    if kind in ("amount", "rate", "score") and not isinstance(value, Decimal):
        value = Decimal(str(value))
    return FORMATTERS[kind](value)


def display_frame(df: pd.DataFrame, cols: list[GridColumn]) -> pd.DataFrame:
    """The strings a reader sees: Decimals formatted half-up (no float ever reaches the table)."""
    data = {c.header: [format_cell(c.kind, v) for v in df[c.field]] for c in cols}
    return pd.DataFrame(data, columns=[c.header for c in cols])


# --- a phone (issue 28): the figures that matter on screen, never cut, headers never one character per line ----
PHONE_KEY_FIELDS = ("score", "grade", "rate", "deduction")  # 得分, 等次, 执行率, 扣分: next to the row's name
PHONE_TEXT_MAX_PX = 150  # a text column wraps within this width on a phone
CELL_PADDING_PX = 26  # AG Grid's cell padding (balham) and the borders
_WIDE_PX, _NARROW_PX = 15, 8.5  # a CJK character and a digit / Latin letter at the grid's 14 px font


def text_px(text: str) -> float:
    """About how wide ``text`` is drawn at the grid's 14 px font."""
    return sum(_WIDE_PX if ord(ch) >= 0x2E80 or ch in "（）：，；、" else _NARROW_PX for ch in text)


def header_px(header: str) -> int:
    """A header's width on a phone: on one line up to 4 characters, else on two lines of at least 2 characters
    each (AG Grid wraps a header to its column's width; a column one character wide reads 编/号)."""
    shown = header if len(header) <= 4 else header[:math.ceil(len(header) / 2)]
    return math.ceil(text_px(shown)) + CELL_PADDING_PX


def phone_columns(frame: pd.DataFrame, cols: list[GridColumn]) -> list[GridColumn]:
    """The columns of a grid on a phone: the row's name first, then 得分 / 等次 / 执行率 / 扣分, then the rest; each
    number column as wide as its widest figure (never "10,93…"), each text column wrapping within
    ``PHONE_TEXT_MAX_PX`` (never "单位0…"); ``frame`` is the displayed frame (``display_frame``)."""
    if not cols:
        return cols
    first = next((c for c in cols if c.kind == "text"), cols[0])  # the row's name (单位, 编号), not a rank
    rest = [c for c in cols if c is not first]
    key = sorted((c for c in rest if c.field in PHONE_KEY_FIELDS), key=lambda c: PHONE_KEY_FIELDS.index(c.field))
    out = []
    for c in [first, *key, *(c for c in rest if c not in key)]:
        values = [str(v) for v in frame[c.header]] if c.header in frame else []
        widest = math.ceil(max((text_px(v) for v in values), default=0)) + CELL_PADDING_PX
        width = max(header_px(c.header), widest if c.kind != "text" else min(widest, PHONE_TEXT_MAX_PX))
        out.append(replace(c, width=width, flex=None, wrap=c.wrap or c.kind == "text", filter=False))
    return out


def grid_options(df: pd.DataFrame, cols: list[GridColumn], height: int | None = None, page_size: int | None = None,
                 selectable: bool = False, phone: bool = False) -> dict[str, Any]:
    """AG Grid options for the displayed frame: Chinese headers, numeric columns right-aligned, wrapping text.

    ``page_size``: AG Grid's own paging (it renders one page of rows, never every row in the DOM);
    ``selectable``: a click selects one row (the page reads it back, e.g. to open a unit)."""
    column_defs = []
    for c in cols:
        text_filter = c.filter and c.kind not in NUMERIC  # number columns sort; text columns filter
        d: dict[str, Any] = {"field": c.header, "headerName": c.header, "sortable": True, "resizable": True,
                             "filter": "agTextColumnFilter" if text_filter else False}
        if c.kind in NUMERIC:
            d["type"] = "rightAligned"
            d["cellStyle"] = {"fontVariantNumeric": "tabular-nums"}
            d["comparator"] = NUMERIC_COMPARATOR
        if c.width:
            # a share of the row, never less than its own width: tables fit a 1280-px laptop without scrolling
            d["flex"] = c.width
            d["minWidth"] = max(56, int(c.width * 0.6))
            if c.kind == "date":  # "2024-06-30" and the filter icon, never cut to "2024-0…"
                d["minWidth"] = max(d["minWidth"], 112)
        if c.flex:
            d["flex"] = c.flex * 200
            d["minWidth"] = 140
        if c.wrap:
            d["wrapText"] = True
            d["autoHeight"] = True
            # a long word (a URL, 2,000 characters without a space) wraps inside the cell too
            d["cellStyle"] = {"lineHeight": "1.5", "paddingTop": "6px", "paddingBottom": "6px",
                              "overflowWrap": "anywhere"}
        if phone:  # phone_columns: exact widths, the row's name pinned while the other columns scroll
            d.pop("flex", None)
            d["width"] = d["minWidth"] = c.width
            if c is cols[0]:
                d["pinned"] = "left"
        column_defs.append(d)
    opts: dict[str, Any] = {
        "columnDefs": column_defs,
        "defaultColDef": {"suppressMovable": True, "wrapHeaderText": True, "autoHeaderHeight": True},
        "rowHeight": ROW_HEIGHT,
        "headerHeight": HEADER_HEIGHT,
        "animateRows": False,
        "suppressCellFocus": True,
        "enableCellTextSelection": True,
        "localeText": LOCALE_ZH,
    }
    if height is None:
        opts["domLayout"] = "autoHeight"
    if page_size:
        opts["pagination"] = True
        opts["paginationPageSize"] = page_size
        opts["paginationPageSizeSelector"] = sorted({page_size, 20, 50, 100})
    if selectable:
        opts["rowSelection"] = {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True}
    return opts


LOCALE_ZH = {
    "noRowsToShow": "没有数据", "loadingOoo": "加载中…", "filterOoo": "筛选…", "contains": "包含",
    "notContains": "不包含", "equals": "等于", "notEqual": "不等于", "startsWith": "开头是", "endsWith": "结尾是",
    "blank": "为空", "notBlank": "不为空", "andCondition": "且", "orCondition": "或", "applyFilter": "应用",
    "resetFilter": "重置", "clearFilter": "清除", "searchOoo": "搜索…", "page": "页", "of": "共", "to": "至",
    "more": "更多", "pageSizeSelectorLabel": "每页行数：", "firstPage": "第一页", "previousPage": "上一页",
    "nextPage": "下一页", "lastPage": "最后一页", "pageLastRowUnknown": "?",
}


# The grid's own theme. streamlit-aggrid's "streamlit" theme takes the second font of theme.font and asks Google
# Fonts for it, a download that never happens offline (the grid then falls back to a serif face); ours names the
# installed CJK font stack and loads nothing.
GRID_THEME_PARAMS = {
    "fontFamily": FONT_FAMILY,
    "fontSize": 14,
    "headerFontSize": 14,
    "accentColor": PRIMARY,
    "foregroundColor": INK,
    "headerBackgroundColor": "#f3f6fb",
}

ROW_HEIGHT = 36
HEADER_HEIGHT = 40
LINE_HEIGHT = 21


def estimate_height(frame: pd.DataFrame, cols: list[GridColumn], max_height: int = 640) -> int:
    """Pixel height that shows every row without empty space (wrapped text rows grow), capped at max_height."""
    total = HEADER_HEIGHT + 4
    # a header longer than its column wraps onto a second line (wrapHeaderText)
    if any(len(c.header) * 15 > (c.width or 140) * 0.6 for c in cols if not c.flex):
        total += LINE_HEIGHT
    wrapped = [c for c in cols if c.wrap]
    for _, row in frame.iterrows():
        lines = 1
        for c in wrapped:
            per_line = max(8, (c.width or 620) // 15)
            lines = max(lines, -(-len(str(row[c.header])) // per_line))
        total += max(ROW_HEIGHT, lines * LINE_HEIGHT + 14)
    if frame.empty:
        total += ROW_HEIGHT * 2
    return min(total, max_height)


def selected_value(rows: Any, cols: list[GridColumn], field: str) -> str | None:
    """The ``field`` value of the first selected row of a grid response (rows as displayed: Chinese headers)."""
    header = next(c.header for c in cols if c.field == field)
    if rows is None:
        return None
    records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else list(rows)
    for r in records:
        value = r.get(header)
        if value:
            return str(value)
    return None


def show_table(df: pd.DataFrame, cols: list[GridColumn], key: str, height: int | None = None,
               page_size: int | None = None, select: str | None = None) -> str | None:
    """Render a read-only table with streamlit-aggrid.

    ``page_size`` pages the rows (AG Grid's paging, with its own page-size picker). With ``select`` (a field of
    ``df`` shown as text) a click on a row selects it and the call returns that row's ``select`` value."""
    from st_aggrid import AgGrid, JsCode
    from st_aggrid.shared import StAggridTheme

    phone = responsive.is_phone()
    if phone:
        cols = phone_columns(display_frame(df, cols), cols)
    frame = display_frame(df, cols)
    height = height or estimate_height(frame, cols)
    opts = grid_options(frame, cols, height, page_size=page_size, selectable=select is not None, phone=phone)
    for d in opts["columnDefs"]:
        if "comparator" in d:
            d["comparator"] = JsCode(d["comparator"])
    # allow_unsafe_jscode only lets our constant comparator through; cells are never rendered as HTML.
    grid_theme = StAggridTheme(base="balham").withParams(**GRID_THEME_PARAMS)
    response = AgGrid(frame, gridOptions=opts, height=height, key=key, theme=grid_theme, allow_unsafe_jscode=True,
                      show_search=False, show_download_button=False, show_toolbar=False,
                      update_on=["selectionChanged"] if select is not None else [], custom_css=GRID_CSS)
    if select is None:
        return None
    return selected_value(response.selected_rows, cols, select)
