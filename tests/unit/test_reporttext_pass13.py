"""Issue 24, thirteenth session: form layouts and phrasings met on the texts promoted from check to fit (synthetic
texts written for each mechanism, not corpus texts), each beside a text where it must not fire (docs/reporttext.md,
"Thirteenth session")."""
from __future__ import annotations

from decimal import Decimal

from evalcore.reporttext import parse_report
from evalcore.reporttext.forms import find_forms
from evalcore.reporttext.review import figure_rows


def money(text: str) -> dict[str, tuple]:
    ev = parse_report(text).evaluation
    return {b.unit: (b.budget, b.executed, b.stated_rate) for b in ev.budget_lines}


def doubts(text: str) -> list[str]:
    return [r.uncertain for r in figure_rows(parse_report(text)) if r.uncertain]


HEBEI_HEAD = ("甲县民政局2020年度预算项目绩效自评表\n"
              "一、基本情况 项目名称: 百岁老人高龄津贴 是否为专项资金: 实施(主管)单位 甲县民政局 金额单位: 万元\n"
              "二、预算执行情况 预算安排情况(调整后) 资金到位情况 资金执行情况 预算执行进度(%)\n")


def test_a_money_row_flattened_as_label_value_pairs_is_read_and_its_trailing_progress_is_the_rate() -> None:
    text = HEBEI_HEAD + "预算数 6.84 到位数 6.84 执行数 6.84 100.00\n其中:财政资金 6.84 其中:财政资金 6.84\n"
    assert money(text) == {"甲县民政局": (Decimal("6.84"), Decimal("6.84"), Decimal("100.00"))}
    assert doubts(text) == []  # labels written out and a rate the amounts give: nothing to doubt
    # a trailing number the amounts do not give is no rate
    other = HEBEI_HEAD + "预算数 10 到位数 10 执行数 8 100.00\n"
    assert money(other) == {"甲县民政局": (Decimal("10"), Decimal("8"), None)}
    # words that are no money labels between the values: not a form row
    assert find_forms(HEBEI_HEAD + "人数 19 户数 12 执行数 6.84\n") == []


def test_a_header_line_whose_row_label_carries_its_unit_as_a_cell_of_its_own_is_a_header() -> None:
    text = ("项目支出绩效自评表\n项目名称 科技特派员创业行动经费\n主管部门 甲县科学技术局 实施单位 甲县科学技术局\n"
            "项目资金      (万元)   年初预算数 全年预算数 全年执行数 分值  执行率 得分\n"
            "年度资金总额: 25 25 20 10 80.00% 8.00\n其中:本年财政拨款 25 25 20\n总分   100 90.00\n")
    form = find_forms(text)[0]
    assert form.row is not None and form.figure("budget") == 25 and form.figure("executed") == 20
    assert form.figure("rate") == Decimal("80.00")


def test_a_second_form_cut_in_its_header_still_opens_its_projects_part() -> None:
    form = ("项目资金      (万元)   年初预算数 全年预算数 全年执行数 分值  执行率 得分\n"
            "年度资金总额: 25 25 25 10 100.00% 10.00\n总分   100 100.00\n")
    text = ("甲县科学技术局2022年项目支出绩效目标表\n项目支出绩效自评表\n项目名称 科技特派员创业行动经费\n"
            "主管部门 甲县科学技术局 实施单位 甲县科学技术局\n" + form +
            "项目名称 地震经费\n主管部门 甲县科学技术局 实施单位 甲县科学技术局\n"
            "项目资金                    (万元)   年初预算数 全年预算数 全年执行")
    assert money(text) == {"科技特派员创业行动经费": (Decimal("25"), Decimal("25"), Decimal("100.00"))}
    # a 项目名称 repeated with no form after it (a site's metadata) opens no part
    meta = ("甲县科学技术局2022年项目支出绩效目标表\n项目名称 科技特派员创业行动经费\n"
            "主管部门 甲县科学技术局 实施单位 甲县科学技术局\n" + form + "项目名称 地震经费\n")
    assert set(money(meta)) != {"科技特派员创业行动经费", "地震经费"}


def test_a_total_row_with_a_cell_too_many_is_read_leftwards_from_its_percentage_when_the_amounts_give_it() -> None:
    head = ("甲县特殊教育补助资金转移支付整体绩效目标自评表\n"
            "项目资金(万元) 年初预算数 全年预算数(A) 全年执行数(B) 分值 预算执行率(B/A) 得分\n")
    text = head + "年度资金总额: 28.1 28.1 28.1 28.1 10 100% 10\n"
    (unit, figures), = money(text).items()
    assert figures == (Decimal("28.1"), Decimal("28.1"), Decimal("100"))
    assert any("多了单元格" in d for d in doubts(text))  # a person confirms the alignment
    # read leftwards the amounts do not give the percentage: nothing is read
    assert money(head + "年度资金总额: 30 28.1 20 26 10 100% 10\n") == {}


def test_a_pipe_table_keeping_its_empty_cells_is_read_by_column_position() -> None:
    text = ("部门预算项目支出绩效自评表(2023年度) | | | | | | | | | | |\n"
            "项目名称 | | 退耕还林工程建设专项工作经费 | | | | | | | | |\n"
            "主管部门 | | 甲市林业局 | | | | | 实施单位(盖章) | 甲市林业局 | | |\n"
            "预算执行情况(10分) | 年度预算数(万元) | 年初预算 | 调整后预算数 | 预算执行数 | | | 预算执行率 | 权重 |"
            " 得分 | 原因 |\n"
            "| 总额 | 5.00 | 6.00 | 4.80 | | | 80.00% | 10 | | |\n"
            "| 其中:财政资金 | 5.00 | 6.00 | 4.80 | | | 80.00% | / | / | |\n")
    assert list(money(text).values()) == [(Decimal("6.00"), Decimal("4.80"), Decimal("80.00"))]
    # columns that do not give the stated rate: not read
    wrong = text.replace("80.00%", "90.00%")
    assert list(money(wrong).values()) in ([], [(None, None, None)])


def test_wan_without_yuan_before_a_conjunction_is_money_but_not_before_a_noun() -> None:
    text = ("农村厕所革命建设项目绩效自评报告\n一、项目概况\n"
            "1、资金计划。甲村乡村振兴示范村建设项目预算资金13.971129万并且全部到位。\n")
    assert money(text) == {"本项目": (Decimal("13.971129"), None, None)}
    assert money("农村厕所革命建设项目绩效自评报告\n一、项目概况\n项目惠及群众1.2万人次。\n") == {}


COUNTY_FORM = ("2022年度项目支出绩效自评表\n单位名称:甲县供销合作社联合社 填报日期:2023年4月15日\n项目名称\n"
               "甲县乙牧业专业合作社生猪养殖场建设项目\n主管部门\n甲县供销合作社联合社\n项目实施单位\n甲县乙牧业专业合作社\n"
               "预算执行情况(万元)\n(20分)\n预算数(A)\n执行数(B)\n执行率(B/A)\n得分\n(20分*执行率)\n"
               "年度财政资金总额\n50\n10\n20\n4\n年度绩效目标\n(80分)\n")


def test_a_column_titles_formula_in_a_cell_of_its_own_continues_the_header() -> None:
    (figures,) = money(COUNTY_FORM).values()
    assert figures == (Decimal("50"), Decimal("10"), Decimal("20"))


def test_a_forms_figures_given_to_the_unit_that_filled_it_in_while_it_names_another_project_go_to_review() -> None:
    result = parse_report(COUNTY_FORM)
    assert any("项目名称为“甲县乙牧业专业合作社生猪养殖场建设项目”" in w["message"] for w in result.warnings)
    # the same form filled in by the project's own unit (its name holds the project's) raises nothing
    own = COUNTY_FORM.replace("甲县乙牧业专业合作社生猪养殖场建设项目", "甲县供销合作社联合社生猪养殖场建设项目")
    assert not [w for w in parse_report(own).warnings if "项目名称为" in w["message"]]


def test_a_form_stating_its_money_in_yuan_over_its_rows_is_read_in_wan_yuan() -> None:
    head = ("| 公开14表 | 项目名称 | 营养改善计划专项资金 | 主管部门 | 甲县教育体育局 | 实施单位 | 甲县中学 |"
            " 项目资金 (元) |\n"
            "| 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n")
    text = head + "| 年度资金总额 | 400000 | 387664.62 | 380000 | 10 | 98.02% | 9.8 |\n"
    (figures,) = money(text).values()
    assert figures == (Decimal("38.766462"), Decimal("38"), Decimal("98.02"))
    # the same form in 万元 is read as written
    wan = text.replace("项目资金 (元)", "项目资金 (万元)").replace("387664.62", "38.77").replace("380000", "38")
    assert list(money(wan.replace("400000", "40")).values()) == [(Decimal("38.77"), Decimal("38"), Decimal("98.02"))]


def test_a_year_right_after_the_last_part_of_a_list_opens_a_new_clause() -> None:
    head = "优抚对象生活补助经费转移支付绩效自评报告\n一、基本情况\n"
    text = head + ("2023年收到财政资金共2330.9万元,其中:中央资金1372.7万元,其他资金859.6万元2023年支出2310.4万元,"
                   "其中中央资金1352.2万元\n")
    assert money(text) == {"本项目": (None, Decimal("2310.4"), None)}
    # without the year the amount stays a part of the list
    assert money(text.replace("万元2023年支出", "万元、支出")) == {}


def test_money_set_out_by_its_uses_is_parts_not_a_budget() -> None:
    head = "甲县体育强省转移支付绩效自评报告\n一、基本情况\n"
    uses = head + "2023年我县体育强省资金安排是:支持体育设施建设5万元,支持青少年竞技体育13万元。\n"
    assert money(uses) == {}
    assert "按用途列出的分项金额" in parse_report(uses).unplaced[0].reason
    assert money(head + "2023年我县体育强省资金安排是:100万元。\n") == {"本项目": (Decimal("100"), None, None)}


def test_a_results_tables_grade_column_titled_dangci_with_glossed_grades_is_read() -> None:
    rows = ["序号", "单位", "项目", "评价档次", "1", "甲管委会", "大数据平台建设", "良好", "2", "甲管委会",
            "综合配套工程", "中(一般)", "3", "乙中心", "招商引智专项资金", "中(一般)"]
    text = "甲县财政局关于2024年财政支出绩效评价结果的通报\n具体项目情况如下:\n\n" + "\n\n".join(rows) + "\n"
    grades = {r.unit: r.stated_grade for r in parse_report(text).evaluation.results}
    assert grades == {"大数据平台建设": "良", "综合配套工程": "中", "招商引智专项资金": "中"}
    # a bracket that is no gloss of the grade is not read as one
    odd = text.replace("中(一般)", "中(见附件)")
    assert {r.unit: r.stated_grade for r in parse_report(odd).evaluation.results} == {"大数据平台建设": "良"}


def test_a_verdict_stated_in_a_section_of_results_is_read_and_nothing_else_of_it() -> None:
    text = ("甲县农村公路养护项目绩效自评报告\n一、基本情况\n项目预算100万元。\n二、绩效情况\n"
            "完成投资500万元，惠及群众2万人。根据专项资金使用情况，自评绩效等级为“优”，分数为97分。\n")
    ev = parse_report(text).evaluation
    assert [(r.stated_score, r.stated_grade) for r in ev.results] == [(Decimal("97"), "优")]
    assert [(b.budget, b.executed) for b in ev.budget_lines] == [(Decimal("100"), None)]
    # 分数 outside a verdict is no score
    other = "甲县学校绩效自评报告\n一、基本情况\n学生体育测试平均分数为87分。\n"
    assert not parse_report(other).evaluation.results


def test_a_money_title_run_into_its_paragraph_in_a_results_section_is_read() -> None:
    text = ("甲资金2022年度绩效自评报告\n一、绩效目标分解下达情况\n2022年甲资金预算数30075万元。\n二、绩效情况分析\n"
            "(一)资金投入情况分析。2022年资金执行总量29675万元,预算执行率为98.67%。\n"
            "(二)总体绩效目标完成情况分析。完成投资500万元。\n")
    assert money(text) == {"本项目": (Decimal("30075"), Decimal("29675"), Decimal("98.67"))}


def test_a_score_written_after_jixiao_ziping_alone_is_read_for_a_person_to_confirm() -> None:
    text = "甲县林业局专项支出绩效自评报告\n经全面综合评价,我局2021年度专项支出绩效自评 98分。现将具体情况报告如下:\n"
    result = parse_report(text)
    assert [(r.unit, r.stated_score) for r in result.evaluation.results] == [("甲县林业局", Decimal("98"))]
    assert doubts(text)  # no 得分 written: a person confirms
    assert not parse_report("甲县林业局专项支出绩效自评报告\n本次绩效自评共涉及98个项目。\n").evaluation.results


def test_a_reports_prose_findings_before_a_form_that_names_none_stand() -> None:
    prose = ("甲项目绩效自评报告\n甲项目绩效自评综述:项目绩效自评得分为100分。发现的主要问题及原因:一是预算编制不细;"
             "二是监督力度不够。下一步改进建议:一是细化预算;二是合理设置绩效目标;三是加强监管。\n")
    form = ("项目资金(万元) 年初预算数 全年预算数 全年执行数 分值 执行率 得分\n"
            "年度资金总额: 4000 4000 4000 10 100.00% 10.00\n")
    ev = parse_report(prose + form).evaluation
    assert (len(ev.problems), len(ev.recommendations)) == (2, 3)
    # a form with its own 存在问题 cell: the form's findings are the text's
    own = parse_report(prose + form + "存在问题\n资金拨付较慢\n").evaluation
    assert len(own.problems) == 1


def test_a_full_cycle_tracking_reports_kind_is_cut_from_the_name_its_title_gives() -> None:
    text = "2020年度甲省老旧小区改造补助资金全周期跟踪问效报告\n一、项目基本情况\n资金预算总额258172万元。\n"
    assert {u.key: u.name for u in parse_report(text).evaluation.units} == {"本项目": "甲省老旧小区改造补助资金"}


def units_of(text: str) -> dict[str, str]:
    return {u.key: u.name for u in parse_report(text).evaluation.units}


def test_a_townships_own_spending_named_by_its_title_is_the_unit() -> None:
    body = "\n一、基本情况\n预算100万元，实际支出90万元。\n"
    assert units_of("关于甲镇2023年度部门整体支出绩效自评的报告" + body) == {"甲镇": ""}
    assert units_of("乙乡2022年度部门整体支出绩效评价报告" + body) == {"乙乡": ""}
    # a township named in a project's title is no unit of its own
    assert "甲镇" not in units_of("甲镇2023年度农村公路养护项目绩效自评报告" + body)


def test_what_a_title_names_after_a_dash_is_the_project() -> None:
    body = "\n一、基本情况\n预算100万元，实际支出90万元。\n"
    assert units_of("甲县2021年度部门预算项目绩效自评报告——农村饮水安全工程维修养护" + body) == {
        "本项目": "农村饮水安全工程维修养护"}


def test_a_finance_bureau_in_a_results_tables_unit_column_is_one_of_the_units_evaluated() -> None:
    text = ("2023年度甲市区县部门预算项目绩效评价结果\n一、评价结果\n\n"
            "单位名称 预算数（万元） 执行数（万元） 执行率 得分 等级\n"
            "甲区教育局 1747.81 1711.36 97.91% 71.98 中\n甲区财政局 1175.63 723.01 61.50% 73.65 中\n"
            "乙会计师事务所 100 90 90.00% 80 良\n甲2区财政局 100 90 90.00% 80 良\n")
    assert set(money(text)) == {"甲区教育局", "甲区财政局", "甲2区财政局"}  # an evaluator's firm is still no unit


def test_an_approving_authority_a_lender_or_a_repayment_is_no_unit_and_a_debt_balance_no_budget() -> None:
    head = "2021年甲县财政决算情况\n一、基本情况\n"
    for sentence in ("经甲区人民政府同意，资金下达各县，其中安排610万元。",
                     "2021年归还政府债务本金10870万元，向外国政府借款17万元。",
                     "年初政府债务系统的债务余额135832万元，核定政府法定债务限额164635万元。"):
        result = parse_report(head + sentence + "\n")
        assert not [u.key for u in result.evaluation.units if u.key not in ("本项目",)], sentence
        assert not [b for b in result.evaluation.budget_lines if b.budget], sentence
    # a township named 向阳镇 or an 经济开发区 is still an organisation
    assert "向阳镇人民政府" in units_of("向阳镇人民政府2021年度部门整体支出绩效自评报告\n一、基本情况\n预算100万元。\n")


def test_a_report_forms_money_labels_with_their_unit_in_a_cell_of_their_own_are_read() -> None:
    cells = ["项目单位", "甲县林业局", "计划安排资金", "(万元)", "55", "实际到位资金", "(万元)", "55", "实际支出",
             "(万元)", "52", "结余(万元)", "3"]
    text = "甲县林业局森林防火专项项目支出绩效评价报告\n\n" + "\n\n".join(cells) + "\n"
    assert list(money(text).values()) == [(Decimal("55"), Decimal("52"), None)]
    # money received alone (到位) gives no budget
    assert not money(text.replace("计划安排资金", "实际到位资金"))


FORM_HEAD = ("甲县2022年度农村公路养护项目支出绩效自评表\n"
             "项目名称 | 农村公路养护项目 | 主管部门 | 甲县交通运输局 | 实施单位 | 甲县公路中心\n")


def test_a_forms_header_and_total_row_on_one_line_separated_by_spaces_are_read() -> None:
    text = FORM_HEAD + ("项目资金（万元） 年初预算数 全年预算数 全年执行数 分值 执行率 得分 "
                        "年度资金总额 100 100 95 10 95% 9.5\n")
    assert money(text) == {"甲县公路中心": (Decimal("100"), Decimal("95"), Decimal("95"))}


def test_a_forms_rate_written_as_a_fraction_is_a_percentage_when_the_amounts_give_it() -> None:
    row = ("| 项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n"
           "| 年度资金总额 | 100 | 100 | 95 | 10 | {} | 9.5 |\n")
    assert money(FORM_HEAD + row.format("0.95"))["甲县公路中心"][2] == Decimal("95")
    assert money(FORM_HEAD + row.format("0.5"))["甲县公路中心"][2] == Decimal("0.5")  # not what the amounts give


def test_the_publisher_of_a_departments_report_on_its_own_spending_is_its_unit() -> None:
    body = "一、部门概况\n2022年我局年初预算1000万元，全年支出950万元，预算执行率95%。\n"
    text = "2022年度部门整体支出绩效自评报告\n发布机构：甲县农业农村局\n" + body
    assert set(money(text)) == {"甲县农业农村局"}
    # a project's report published by a bureau it never names again keeps its project
    project = "2022年度高标准农田建设项目绩效自评报告\n发布机构：甲县农业农村局\n" + body.replace("我局", "项目")
    assert set(money(project)) == {"本项目"}


def counts(text: str) -> tuple[int, int]:
    ev = parse_report(text).evaluation
    return len(ev.problems), len(ev.recommendations)


FINDINGS_HEAD = "甲县农村公路养护项目绩效自评报告\n一、基本情况\n项目预算100万元。\n"


def test_recommendations_listed_inline_after_the_problems_are_each_an_item() -> None:
    text = FINDINGS_HEAD + ("二、存在问题和建议\n存在问题：1.预算编制不够细化；2.资金支付进度偏慢。"
                            "建议：1.细化预算编制；2.加快支付进度；3.加强监控。\n")
    assert counts(text) == (2, 3)


def test_experience_under_a_combined_experience_and_problems_heading_is_no_problem() -> None:
    text = FINDINGS_HEAD + ("五、主要经验及做法、存在的问题及原因分析\n（一）主要经验及做法\n项目管理规范。\n"
                            "（二）存在的问题及原因分析\n1.资金拨付不及时。\n2.档案管理不规范。\n六、有关建议\n加强资金拨付管理。\n")
    assert counts(text) == (2, 1)


def test_a_budget_marked_adjusted_in_brackets_wins_over_the_initial_one_and_a_year_before_a_township() -> None:
    text = ("2023年度丰都县甲镇部门整体支出绩效自评报告\n一、基本情况\n"
            "2023年度丰都县甲镇年初预算1848.31万元,全年(调整)预算数3587.78万元,全年执行数3500万元。\n")
    assert money(text) == {"丰都县甲镇": (Decimal("3587.78"), Decimal("3500"), None)}


def test_a_sites_section_name_above_the_title_is_no_title() -> None:
    text = ("公告公示\n\n您所在的位置: 网站首页 > 新闻中心 > 公告公示 > 正文\n\n"
            "2024年度城关镇社区卫生服务中心预算执行情况绩效自评报告\n\n一、基本情况\n"
            "2024年度,全年预算数为768.833013万元,其中基本支出329.948302万元。\n")
    assert set(money(text)) == {"城关镇社区卫生服务中心"}


def test_a_funds_projects_listed_with_their_shares_give_no_figure_of_the_whole() -> None:
    text = ("关于抗疫特别国债执行情况绩效自评报告\n一、绩效目标分解下达情况\n"
            "2020年,下达甲市抗疫特别国债资金4.54亿元。\n"
            "㈠甲市南城区中水调节池工程项目。安排资金7000万元,主要用于新建调节池。\n"
            "㈡甲市第二水厂工程项目。安排资金5000万元,主要用于新建水厂。\n")
    result = parse_report(text)
    assert money(text) == {}
    assert [u.reason.split("：")[1] for u in result.unplaced if u.line_no == 4] == ["按项目列出的分项金额，未导入"]
    # one project's paragraph alone is no list: its money stays the report's
    one = text.split("㈡")[0]
    assert money(one) == {"本项目": (Decimal("7000"), None, None)}


def test_a_parenthesised_ideograph_numbers_a_paragraph_as_its_bracketed_form_does() -> None:
    from evalcore.reporttext.text import numbering
    assert numbering("㈢乙工程项目。安排资金5000万元") == numbering("(三)乙工程项目。安排资金5000万元")


def test_a_kind_of_school_is_no_organisation_but_a_named_school_is() -> None:
    from evalcore.reporttext.units import ORG_BAD
    assert ORG_BAD.search("高等职业学校") and ORG_BAD.search("普通全日制专科学校")
    assert not ORG_BAD.search("甲县职业中等专业学校") and not ORG_BAD.search("甲市第一中学")
