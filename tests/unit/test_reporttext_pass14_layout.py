"""Issue 24, fourteenth session: the same report written another common way reads the same (full-width figures, a
blank line after every row of a table copied with spaces). Found by rewriting fit texts in such ways and comparing
the scores (docs/reporttext.md, "Fourteenth session"); synthetic texts here."""
from __future__ import annotations

from decimal import Decimal

from evalcore.reporttext import parse_report
from evalcore.reporttext.source import read_document


def money(text: str) -> dict[str, tuple]:
    read, name = read_document(text.encode("utf-8"), "page.txt")
    ev = parse_report(read, source_name=name).evaluation
    return {b.unit: (b.budget, b.executed, b.stated_rate) for b in ev.budget_lines}


def results(text: str) -> dict[str, tuple]:
    read, name = read_document(text.encode("utf-8"), "page.txt")
    ev = parse_report(read, source_name=name).evaluation
    return {r.unit: (r.stated_score, r.stated_grade) for r in ev.results}


def test_figures_in_full_width_characters_are_read_as_the_same_figures() -> None:
    half = ("甲县水利局2023年度部门整体支出绩效自评报告\n\n一、预算执行情况\n\n"
            "全年预算1234.56万元，实际支出1200.00万元，预算执行率97.20%。\n\n二、评价结论\n\n自评得分为95.5分，等级为优。\n")
    wide = half.translate(str.maketrans("0123456789.%", "０１２３４５６７８９．％"))
    assert wide != half
    assert money(wide) == money(half) == {"甲县水利局": (Decimal("1234.56"), Decimal("1200.00"), Decimal("97.20"))}
    assert results(wide) == results(half) == {"甲县水利局": (Decimal("95.5"), "优")}
    read, _ = read_document(wide.encode("utf-8"), "page.txt")
    assert len(read) == len(wide)  # one character for one: every figure's place in the line stays where it was


TABLE = ("甲区2023年度绩效自评结果公开汇总表\n"
         "序号 项目名称 项目实施单位 预算数 执行数 执行率\n"
         "1 城乡居民医疗保险补贴 甲区医疗保障局 3543.2 3543.2 100%\n"
         "2 信息设备购置经费 甲区医疗保障局 2.391 2.391 100%\n"
         "3 离休干部医药费项目 甲区医疗保障局 348.064 300 86.19%\n")


def test_a_table_copied_with_spaces_and_a_blank_line_after_every_row_is_one_table() -> None:
    dense = money(TABLE)
    assert len(dense) == 3 and dense["离休干部医药费项目"] == (Decimal("348.064"), Decimal("300"), Decimal("86.19"))
    assert money(TABLE.replace("\n", "\n\n")) == dense
    # a blank line then prose ends the table: the prose's figures are no row
    after = TABLE.replace("\n", "\n\n") + "\n说明：以上数据来自部门决算，共计3893.655万元。\n"
    assert money(after) == dense


FLAT = ("2022年度地方政府专项债券项目资金绩效评价情况表\n序号\n项目单位\n项目名称\n发行金额(亿元)\n评价结果\n备注\n"
        "1\n甲市教育基建中心\n甲市第二职业学校迁建工程\n1.9\n优\n\n2\n甲市水务集团\n甲市供水管网工程\n0.8\n良\n\n")


def test_tables_in_full_width_figures_are_read_as_the_same_tables() -> None:
    wide = TABLE.translate(str.maketrans("0123456789.%", "０１２３４５６７８９．％"))
    assert money(wide) == money(TABLE) and len(money(TABLE)) == 3
    flat_wide = FLAT.translate(str.maketrans("0123456789.%", "０１２３４５６７８９．％"))
    assert sorted(g for _, g in results(FLAT).values()) == ["优", "良"]
    assert results(flat_wide) == results(FLAT)  # a table flattened one cell a line, its row numbers full-width
