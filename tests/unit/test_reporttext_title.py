"""The title of a report saved from a government site: the site's navigation above it is never the title."""
from __future__ import annotations

import pytest

from evalcore.reporttext import parse_report

BODY = "\n一、基本情况\n\n项目预算资金300万元，实际支出240万元。\n"


@pytest.mark.parametrize("nav", [
    "首页 政务公开 财政预决算\n当前位置：首页 > 政务公开 > 财政预决算",
    "您现在的位置:首页\n > 基本信息公开 > 工作信息 > 其他业务信息",
    "政务公开 > 财政 > 财政专题 > 2023市级部门专题",
    "• 首页\n  • 政务公开\n  • 互动交流\n  [ 索引号 ] 11500000009276433Y/2024-00751 [ 发文字号 ]\n"
    "  [ 成文日期 ] 2024-12-25 [ 发布日期 ] 2024-12-25",
    "第一文秘网    > 范文写作",
])
def test_site_navigation_is_not_the_title(nav: str) -> None:
    title = "甲县水利局2023年度农村供水项目绩效评价报告"
    result = parse_report(f"{nav}\n\n{title}\n{BODY}", source_name="page.html")
    assert result.evaluation.meta.title == title


def test_a_form_title_after_the_navigation_is_the_title() -> None:
    text = ("首页 政务公开 财政预决算\n当前位置：首页 > 政务公开 > 财政预决算\n就业补助资金绩效自评表\n"
            "发布时间：2024-05-20 来源：本站\n" + BODY)
    assert parse_report(text, source_name="form.pdf").evaluation.meta.title == "就业补助资金绩效自评表"


def test_a_title_without_navigation_is_kept() -> None:
    """A short first line is still a title when nothing else is (a 决算 page names no 评价 or 报告)."""
    text = "北京市甲局2023年度部门决算\n\n日期:2024-09-01 来源:北京市甲局\n" + BODY
    assert parse_report(text, source_name="x.txt").evaluation.meta.title == "北京市甲局2023年度部门决算"


def test_a_title_a_pdf_line_broke_before_its_last_word_is_joined() -> None:
    """The same report printed to PDF and saved as a web page gets one title, so import makes one evaluation."""
    pdf = "三门县甲局2024年度专项债券项目资金绩效评价\n情况表\n发布时间：2024-05-20 来源：本站\n" + BODY
    web = "三门县甲局2024年度专项债券项目资金绩效评价情况表\n发布时间：2024-05-20 来源：本站\n" + BODY
    titles = {parse_report(t, source_name="x").evaluation.meta.title for t in (pdf, web)}
    assert titles == {"三门县甲局2024年度专项债券项目资金绩效评价情况表"}


def test_a_section_after_the_title_is_not_joined_to_it() -> None:
    text = "甲县乙局2023年度项目绩效评价报告\n一、基本情况\n项目预算资金300万元，实际支出240万元。\n"
    assert parse_report(text, source_name="x").evaluation.meta.title == "甲县乙局2023年度项目绩效评价报告"


@pytest.mark.parametrize("block", [
    "您现在所在的位置: 网站首页> 市公安局> 部门项目\n索引号: 1134/202203-00360 组配分类: 部门项目\n"
    "发布机构: 市公安局 主题分类: 公安\n名称: 甲市公安局禁毒项目绩效支出自评表 文号:\n发布日期: 2022-03-17",
    "标题:甲市公安局禁毒项目绩效支出自评表 | |||\n索引号:5706/2023-00020 | 发文字号: | \n"
    "成文日期:2023-04-27 | 公开日期:2023-04-27 |",
    "本篇文章464字,读完约1分钟。\n\n标题:“甲市公安局禁毒项目绩效支出自评表”\n\n地址:http://example.com/258.html",
])
def test_a_title_the_sites_metadata_block_states_is_the_title(block: str) -> None:
    """名称: / 标题: of the page's metadata block, without the next field (文号:), the empty cells or the quotes:
    not the field's label with it, nor the file's name."""
    result = parse_report(f"{block}\n{BODY}", source_name="page_123.html")
    assert result.evaluation.meta.title == "甲市公安局禁毒项目绩效支出自评表"


def test_a_heading_is_still_the_title_before_the_metadata_block() -> None:
    text = "# 甲县乙局2023年度项目绩效评价报告\n名称: 政府信息公开\n" + BODY
    assert parse_report(text, source_name="x").evaluation.meta.title == "甲县乙局2023年度项目绩效评价报告"


@pytest.mark.parametrize("line", ["项目名称:甲县农村供水项目", "单位名称:甲县水利局 填报日期:2023年3月20日",
                                  "名称: 2023年"])
def test_other_name_fields_are_not_the_title(line: str) -> None:
    text = f"甲县乙局2023年度项目绩效评价报告\n{line}\n" + BODY
    assert parse_report(text, source_name="x").evaluation.meta.title == "甲县乙局2023年度项目绩效评价报告"


def test_a_metadata_table_run_together_gives_its_title_and_unit() -> None:
    """标      题 … (a metadata table's cells with the label spaced out and no colon): the title, and the unit the
    title names, without the label glued to it."""
    text = ("标      题 甲自治区发展和改革委员会2020年度预算绩效管理考核自评报告\n"
            "索引号 000014349/2021-00107 文      号\n发布机构 自治区政府办公厅 发布日期 2021-04-20 10:04:04\n\n" + BODY)
    result = parse_report(text, source_name="x.html")
    assert result.evaluation.meta.title == "甲自治区发展和改革委员会2020年度预算绩效管理考核自评报告"
    assert not any("标题" in u.key for u in result.evaluation.units)


@pytest.mark.parametrize("label", ["附件3", "附件 2：", "附件一", "附件:"])
def test_an_attachment_label_is_not_part_of_the_title(label: str) -> None:
    title = "甲市雪亮工程转移支付2020年度绩效自评报告"
    assert parse_report(f"{label}\n{title}\n{BODY}", source_name="x").evaluation.meta.title == title
