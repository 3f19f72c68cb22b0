"""Issue 24, seventh pass: what an amount, a rate or a score in running text is (its role), each mechanism shown on
texts made for the test (synthetic), beside a text where it must not fire (docs/reporttext.md, "Seventh pass: roles
in prose")."""
from __future__ import annotations

from evalcore.reporttext import parse_report

HEAD = "甲县水利局2022年度项目支出绩效自评报告\n一、项目基本情况\n"


def units(text: str) -> dict:
    return parse_report(text).stated.get("units", {})


# -- the next item of a list takes its role only from the item right before it ---------------------------------------

ITEMS = ("项目绩效自评报告\n一、项目基本情况\n"
         "甲市科学技术局项目资金总预算为2455.5万元,其中部门预算项目支出87.5万元,专项预算支出2350万元。\n"
         "2021年部门预算项目支出87.5万元,分别是科技活动交流经费5万元,科技项目评审费18万元,"
         "科技型中小企业办公室(双创办)工作经费18万元,科技项目监管经费9万元。\n")


def test_an_item_after_items_of_no_role_takes_no_role_from_further_back() -> None:
    got = units(ITEMS)
    assert got["甲市科学技术局"]["budget"] == "2455.5"
    # the cost item named after an office (…办公室工作经费18万元) follows two items whose role no word gives: it is
    # no office's spending
    assert not any("办公室" in k for k in got), got


def test_the_next_item_right_after_an_amount_with_a_role_still_takes_it() -> None:
    got = units("2022年度部门整体支出绩效评价结果\n一、评价结果\n"
                "甲县水利局实际支出100万元,乙县教育局120万元。\n")
    assert got["甲县水利局"]["executed"] == "100" and got["乙县教育局"]["executed"] == "120"
