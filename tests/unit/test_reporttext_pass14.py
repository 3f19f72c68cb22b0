"""Issue 24, fourteenth session: mechanisms met on fit texts (synthetic texts written for each mechanism, not corpus
texts), each beside a text where it must not fire (docs/reporttext.md, "Fourteenth session")."""
from __future__ import annotations

from decimal import Decimal

from evalcore.reporttext import parse_report
from evalcore.reporttext.meta import title_unit
from evalcore.reporttext.review import figure_rows
from evalcore.reporttext.source import read_document


def results(text: str) -> dict[str, tuple]:
    ev = parse_report(text).evaluation
    return {r.unit: (r.stated_score, r.stated_grade) for r in ev.results}


def money(text: str) -> dict[str, tuple]:
    ev = parse_report(text).evaluation
    return {b.unit: (b.budget, b.executed, b.stated_rate) for b in ev.budget_lines}


def test_a_value_alone_under_a_heading_that_names_the_figure_is_that_figure() -> None:
    head = "甲市图书馆2022年度项目支出绩效自评报告\n\n一、自评结论\n\n(一)自评得分\n\n"
    after = "\n\n(二)绩效目标完成情况\n\n指标均已完成。\n"
    assert results(head + "100分。" + after) == {"甲市图书馆": (Decimal("100"), None)}
    assert results(head.replace("自评得分", "自评等级") + "优秀" + after) == {"甲市图书馆": (None, "优")}
    # the heading names no figure: a bare 100分 is no score of the report
    assert results(head.replace("自评得分", "指标分值") + "100分。\n\n(二)绩效目标完成情况\n") == {}
    # a paragraph with more than the value is read as it stands (here: a weight, no score)
    assert results(head + "满分为100分,按指标逐项打分。\n") == {}
    # the heading's label reaches the next paragraph only
    assert results(head + "指标均已完成。\n\n100分。\n") == {}


def test_figures_no_sentence_gives_a_unit_go_to_the_titled_project_not_to_an_organisation_merely_mentioned() -> None:
    text = ("甲县2020年第一批公路安全生命防护工程绩效自评报告\n\n一、项目基本情况\n\n"
            "该项目通过由县交通运输局、应急管理局和县交警大队联合组成的验收组验收,项目验收合格率为100%。\n\n"
            "二、项目资金情况\n\n项目预算56万元,实际支出54.6万元。\n")
    ev = parse_report(text).evaluation
    assert money(text) == {"本项目": (Decimal("56"), Decimal("54.6"), None)}
    assert ev.unit("本项目").name == "甲县第一批公路安全生命防护工程"
    # the organisation mentioned is given a figure by its own sentence: it keeps it, and the loose figure goes with it
    named = text.replace("项目预算56万元", "应急管理局预算56万元")
    assert money(named) == {"应急管理局": (Decimal("56"), Decimal("54.6"), None)}


def test_a_title_naming_only_generic_words_names_no_project() -> None:
    assert title_unit("项目实施绩效自评报告 篇14") == ""
    assert title_unit("专项资金管理使用情况绩效评价报告") == ""
    assert title_unit("甲县农村公路养护工程项目实施绩效自评报告") == "甲县农村公路养护工程项目"


def test_a_semicolon_before_the_next_class_of_the_same_money_keeps_the_other_list() -> None:
    head = "甲市文化和旅游局2024年度部门整体支出绩效评价报告\n\n一、预算批复及资金基本情况\n\n"
    text = head + "支出预算2,326.45万元,其中:基本支出1,474.15万元;项目支出852.30万元。总支出决算数为2,083.79万元。\n"
    assert money(text) == {"甲市文化和旅游局": (Decimal("2326.45"), Decimal("2083.79"), None)}
    # a ； before a clause that is no class of the money ends the list: what follows is read as it stands
    other = head + "支出预算2,326.45万元,其中:基本支出1,474.15万元;全年实际支出2,083.79万元。\n"
    assert money(other) == {"甲市文化和旅游局": (Decimal("2326.45"), Decimal("2083.79"), None)}


def test_a_line_of_the_sites_accessibility_buttons_is_no_part_of_the_title() -> None:
    text = ("无障碍浏览 长者模式\n甲市文化和旅游局2024年度部门整体支出绩效评价报告(摘 要)\n2025/08/20\n\n"
            "二、绩效评价结论\n\n甲市文化和旅游局2024年部门整体支出绩效评价等级为“良好”。\n")
    read, name = read_document(text.encode("utf-8"), "page.txt")  # as a file comes in: the site's noise cleaned
    ev = parse_report(read, source_name=name).evaluation
    assert ev.meta.title.startswith("甲市文化和旅游局2024年度")
    assert {r.unit: r.stated_grade for r in ev.results} == {"甲市文化和旅游局": "良"}
    assert "无障碍浏览" in parse_report(text).evaluation.meta.title  # (parse_report alone reads the text as given)


def test_a_departments_final_accounts_far_beyond_its_opening_budget_stand_for_review() -> None:
    whole = ("甲县交通运输局2020年度部门整体支出绩效自评报告\n\n一、部门整体支出情况\n\n"
             "2020年部门年初预算安排6600.78万元。年末决算收入72506.66万元,支出60901.78万元。\n")
    assert money(whole) == {"甲县交通运输局": (Decimal("6600.78"), Decimal("60901.78"), None)}
    doubts = [r.uncertain for r in figure_rows(parse_report(whole)) if r.uncertain]
    assert len(doubts) == 2 and all("部门整体支出的决算含年中追加" in d for d in doubts)
    # a project's amount spent far beyond its budget is still taken for a misreading: neither is imported
    project = whole.replace("部门整体支出绩效自评报告", "农村公路养护项目绩效自评报告")
    project = project.replace("部门年初预算", "项目年初预算")
    result = parse_report(project)
    assert money(project) == {}
    assert any("不合常理" in w["message"] for w in result.warnings)


def test_money_set_out_by_its_economic_classes_is_parts_not_the_amount_spent() -> None:
    head = "甲县2016年学生资助专项项目绩效评价报告\n\n一、资金情况\n\n项目批复预算350万元。"
    text = head + "资金统筹安排使用,人员费用207.33万元,公用支出142.67万元,不存在截流、挪用项目资金情况。\n"
    assert money(text) == {"本项目": (Decimal("350"), None, None)}
    # one class alone in its sentence is read as it stands
    alone = head + "全年实际支出人员费用207.33万元。\n"
    assert money(alone) == {"本项目": (Decimal("350"), Decimal("207.33"), None)}


def test_the_numbered_items_of_a_funds_parts_are_parts_to_the_end_of_the_sentence() -> None:
    head = "甲市2022年度省级中小企业发展专项资金绩效评价报告\n\n一、资金情况\n\n年初预算安排专项资金2166万元。"
    text = head + ("已分配资金中:(1)服务体系建设资金实际分配400.00万元,资金到位率为100%;(2)贷款贴息实际分配1746.00万元;"
                   "(3)计提工作经费20.00万元,实际支出17.05万元,资金支出率85%。\n")
    result = parse_report(text)
    assert money(text) == {"本项目": (Decimal("2166"), None, None)}
    assert any("分项的执行率" in u.reason for u in result.unplaced)
    # after the sentence the fund's own spending is read again
    later = text + "截至年底,专项资金实际支出2000万元,执行率92.34%。\n"
    assert money(later) == {"本项目": (Decimal("2166"), Decimal("2000"), Decimal("92.34"))}


def test_a_funds_projects_listed_with_their_shares_in_wan_without_yuan_give_no_figure_of_the_whole() -> None:
    text = ("关于抗疫特别国债执行情况绩效自评报告\n\n一、资金安排情况\n\n"
            "㈠甲市南城区中水调节池工程项目。安排资金7000万,主要用于新建调节池及泵房管网等配套设施。\n\n"
            "㈡甲市北城区供水管网工程项目。安排资金5000万,主要用于管网改造。\n\n"
            "㈢甲市人民医院改扩建项目。安排资金2000万,主要用于病房楼建设。\n")
    assert money(text) == {}
    assert money(text.replace("万,", "万元,")) == {}
