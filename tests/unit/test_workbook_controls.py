"""Direction controls and other invisible controls (issue 13): dropped from every cell by the reader with a
warning, and by the app's plain-text helpers, so that nothing reverses the app's own words after a text."""
from __future__ import annotations

import sys
import unicodedata

import badfiles
import pytest

from components.text import file_stem, plain, plain_inline, shown
from evalcore.workbook import read_workbook, visible_text

RLO = "\u202e"
CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e",
            "\u200f", "\u061c", "\x07", "\x1b", "\x85",
            # issue 27: every format character (category Cf), zero-width and tag characters among them
            "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\U000e0061", "\U000e0001", "\u2064"]


@pytest.mark.parametrize("ch", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_visible_text_drops_each_control(ch: str) -> None:
    assert visible_text(f"醴陵市{ch}数据局") == "醴陵市数据局"


def test_visible_text_keeps_tabs_line_breaks_and_ordinary_text() -> None:
    text = "第一行\t表格\r\n第二行 “引号” ＆ emoji 👩💻 \u3000全角空格"
    assert visible_text(text) == text


def test_an_open_override_in_a_title_and_a_unit_is_dropped_with_a_warning() -> None:
    parts, cell = badfiles.sheet_parts(), badfiles.cell_xml
    data = badfiles.edit_zip({
        parts["评价信息"]: badfiles.put_cell("B2", cell("B2", f"{RLO}2021年度醴陵市评价")),
        parts["单位"]: badfiles.put_cell("B2", cell("B2", f"长沙市{RLO}数据局")),
    })
    result = read_workbook(data)
    assert result.ok, [str(m) for m in result.errors]
    ev = result.evaluation
    assert ev.meta.title == "2021年度醴陵市评价"
    assert ev.units[0].name == "长沙市数据局"
    notes = [m for m in result.warnings if "控制字符" in m.message]
    assert {(m.sheet, m.row) for m in notes} == {("评价信息", 2), ("单位", 2)}
    assert all("请" in m.message for m in notes)


def test_a_unit_reference_with_a_control_resolves_to_the_listed_unit() -> None:
    result = read_workbook(badfiles.set_cell("预算执行", 2, "单位", f"市数据{RLO}局"))
    assert result.ok, [str(m) for m in result.errors]
    assert [b.unit for b in result.evaluation.budget_lines][0] == "市数据局"


def test_the_plain_text_helpers_drop_controls() -> None:
    for helper in (plain, plain_inline, shown, file_stem):
        assert RLO not in helper(f"标题{RLO}：2021"), helper.__name__
        assert "\u2067" not in helper("标题\u2067 地区"), helper.__name__
    assert shown(f"年度：2021 地区：{RLO}醴陵市") == "年度：2021 地区：醴陵市"


def test_every_format_character_is_dropped() -> None:
    """Every character of Unicode category Cf (as this Python knows them) and every control character except tab
    and line breaks: the one cleaning function drops them all."""
    kept = {"\t", "\n", "\r"}
    chars = [chr(cp) for cp in range(sys.maxunicode + 1)
             if unicodedata.category(chr(cp)) in ("Cf", "Cc") and chr(cp) not in kept]
    assert len(chars) > 150
    text = "长沙" + "".join(chars) + "数据局"
    assert visible_text(text) == "长沙数据局"


INVISIBLE = ("\u200b", "\u200d", "\U000e0061", "\ufeff", "\u00ad")


@pytest.mark.parametrize("ch", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_zero_width_and_tag_characters_leave_unit_names_where_the_message_says_so(ch: str) -> None:
    """The unit's key and full name with an invisible character: the stored evaluation has neither, the other
    sheets' references to the unit still resolve, and the warning says it was removed (issue 27)."""
    parts, cell = badfiles.sheet_parts(), badfiles.cell_xml
    data = badfiles.edit_zip({parts["单位"]: lambda xml: badfiles.put_cell("B2", cell("B2", f"长沙市{ch}数据局"))(
        badfiles.put_cell("A2", cell("A2", f"市数据{ch}局"))(xml))})
    result = read_workbook(data)
    assert result.ok, [str(m) for m in result.errors]
    ev = result.evaluation
    assert ev.units[0].key == "市数据局" and ev.units[0].name == "长沙市数据局"
    assert all(ch not in u.key + (u.name or "") for u in ev.units)
    assert "市数据局" in {b.unit for b in ev.budget_lines}
    notes = [m for m in result.warnings if m.sheet == "单位" and m.row == 2]
    assert {m.column for m in notes} == {"单位简称", "单位全称"}
    assert all("已删除" in m.message for m in notes)
