"""Problem themes: every problem category title of the sample reports lands where a person would put it; unknown
titles are 未归类; the rule table is data and its errors are Chinese messages."""
import pytest

from evalcore.problem_themes import (
    UNCLASSIFIED,
    classify,
    default_rules,
    is_generic,
    parse_rules,
    problem_themes,
    theme_counts_by_year,
)

# Every problem category title of the sample reports (sample_data/), with the theme a person would choose.
CHANGSHA_TITLES = {
    # 长沙 2023 (seed)
    "资金使用管理效率有待提高": "资金使用管理",
    "项目统筹集约建设体系有待完善": "项目管理",
    "项目实施管理过程欠严格规范": "项目管理",
    "项目产出效益有待提高": "产出与效益",
    "政府采购管理有待进一步规范": "政府采购",
    "绩效目标编制质量不高": "绩效目标管理",
}

# 大英县 2021 and 南县 2022 (示例数据)
SAMPLE_TITLES = {**CHANGSHA_TITLES, **{
    "预算编制的精准度有待提高": "预算编制与执行",
    "绩效目标设置不够量化": "绩效目标管理",
}}

# Titles from other published reports, as a person would sort them.
OTHER_TITLES = {
    "预算编制不够科学合理": "预算编制与执行",
    "预算执行进度偏慢": "预算编制与执行",
    "运维服务采购不规范": "政府采购",
    "运维绩效考核流于形式": "绩效目标管理",
    "固定资产管理不到位": "资产管理",
    "信息公开不及时": "信息公开",
    "内部控制制度不健全": "制度建设",
    "专项资金拨付不及时": "资金使用管理",
    "项目档案资料不完整": "项目管理",
    "群众满意度有待提升": "产出与效益",
}


@pytest.mark.parametrize("title,theme", [*SAMPLE_TITLES.items(), *OTHER_TITLES.items()])
def test_titles_land_where_a_person_would_put_them(title, theme):
    assert classify(title).theme == theme


@pytest.mark.parametrize("title", ["其他", "", "   ", "疫情影响", "人员变动频繁"])
def test_unknown_titles_are_unclassified(title):
    m = classify(title)
    assert m.theme == UNCLASSIFIED and m.keyword == ""


def test_full_width_and_spaces_do_not_matter():
    assert classify("政 府　采 购不规范").theme == "政府采购"


def test_rules_are_data_in_order():
    rules = parse_rules('[[theme]]\nname = "甲"\nkeywords = ["资金"]\n[[theme]]\nname = "乙"\nkeywords = ["管理"]\n')
    assert classify("资金管理", rules).theme == "甲"  # the first theme in the file wins
    assert classify("合同管理", rules).theme == "乙"
    names = [t.name for t in default_rules()]
    assert names[0] == "政府采购" and "项目管理" in names and UNCLASSIFIED not in names


@pytest.mark.parametrize("text,message", [
    ("[[theme]]\nname = \"\"\nkeywords = [\"a\"]\n", "缺少名称"),
    ("[[theme]]\nname = \"甲\"\nkeywords = [\"a\"]\n[[theme]]\nname = \"甲\"\nkeywords = [\"b\"]\n", "重复"),
    ("theme = [", "格式错误"),
    ("", "没有主题"),
])
def test_bad_rule_tables_are_refused_in_chinese(text, message):
    with pytest.raises(ValueError, match=message):
        parse_rules(text)


def test_problem_themes_and_counts_per_year(ev):
    df = problem_themes([(1, ev), (2, ev)])
    assert len(df) == 2 * 19
    assert set(df["category"]) == set(CHANGSHA_TITLES)
    counts = theme_counts_by_year(df)
    row = counts[(counts["theme"] == "项目管理")].iloc[0]
    # categories 2 and 3 (3 + 5 items) in each of the two evaluations
    assert (row["year"], row["evaluations"], row["categories"], row["items"]) == (2023, 2, 4, 16)


def test_sample_reports_every_category_title_is_in_the_table():
    """Every problem category of every sample workbook is one of the titles checked above (or a generic one)."""
    from sample_data.build_portfolio import SAMPLES, source_evaluation
    titles = {t for name in SAMPLES for _, t in source_evaluation(name).problem_categories}
    assert titles - set(SAMPLE_TITLES) == {"存在主要问题"}


@pytest.mark.parametrize("title,generic", [("存在主要问题", True), ("存在的主要问题", True), ("主要问题", True),
                                           ("存在问题", True), ("预算执行问题", False), ("其他", False)])
def test_generic_titles(title, generic):
    assert is_generic(title) is generic


def test_a_generic_category_is_classified_item_by_item():
    from evalcore.model import Evaluation, Meta, Problem
    ev = Evaluation(Meta(title="t", year=2021), problems=(
        Problem("P1-1", 1, "存在主要问题", 1, "该项目年终预算执行率为68.07%,预算执行进度较慢。"),
        Problem("P1-2", 1, "存在主要问题", 2, "该项目的绩效目标设置还需进一步完善。"),
        Problem("P1-3", 1, "存在主要问题", 3, "人员变动频繁。"),
    ))
    df = problem_themes([(9, ev)])
    assert list(df["theme"]) == ["预算编制与执行", "绩效目标管理", UNCLASSIFIED]
    assert df["by_item"].all()
