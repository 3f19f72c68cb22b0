"""Issue 24, twelfth session: more of the ways a report names what it evaluates, found by probing the parser with the
usual phrasings of reports (synthetic texts, not corpus texts): a title's fund or department in brackets on the line
under it, 对…进行了重点绩效评价, 对…项目2021年度资金使用情况开展了自评, and a department's overview that opens with its
name. Each beside a text where it must not fire (docs/reporttext.md, "Twelfth session")."""
from __future__ import annotations

from evalcore.reporttext import parse_report
from evalcore.reporttext.result import SYNTHETIC_UNIT

FIGURES = ("\n一、项目基本情况\n该项目年初预算120万元，全年执行110万元，预算执行率91.67%。\n"
           "二、绩效评价结论\n经评价，该项目综合得分92分，等级为优。\n")


def names(text: str) -> dict[str, str]:
    return {u.key: u.name for u in parse_report(text).evaluation.units}


def figures(text: str) -> dict[str, dict[str, str]]:
    return parse_report(text).stated.get("units", {})


def test_a_fund_in_brackets_on_the_line_under_a_generic_title_names_the_project() -> None:
    text = "2021年度项目支出绩效自评报告\n（农村公路养护项目）" + FIGURES
    assert names(text) == {SYNTHETIC_UNIT: "农村公路养护项目"}
    assert figures(text)[SYNTHETIC_UNIT]["budget"] == "120"
    # a bracketed line that is no name (a date, a note) is not taken
    assert names("2021年度项目支出绩效自评报告\n（2022年3月）" + FIGURES) == {SYNTHETIC_UNIT: ""}
    assert names("2021年度项目支出绩效自评报告\n（征求意见稿）" + FIGURES) == {SYNTHETIC_UNIT: ""}


def test_a_department_in_brackets_under_a_department_title_is_the_unit() -> None:
    text = "2021年度部门整体支出绩效自评报告\n（甲县交通运输局）" + FIGURES
    assert set(figures(text)) == {"甲县交通运输局"}


def test_an_evaluation_a_finance_bureau_made_of_a_project_names_the_project() -> None:
    text = ("绩效评价报告\n为进一步加强财政资金管理，根据有关规定，"
            "甲县财政局组织对2021年农村公路养护项目进行了重点绩效评价。" + FIGURES)
    assert names(text) == {SYNTHETIC_UNIT: "农村公路养护项目"}
    # no project word: no name
    assert names("绩效评价报告\n甲县财政局组织对部分单位进行了重点绩效评价。" + FIGURES) == {SYNTHETIC_UNIT: ""}


def test_a_self_evaluation_of_a_projects_use_of_funds_in_a_year_names_the_project() -> None:
    text = "绩效自评报告\n根据县财政局要求，我局对农村公路养护项目2021年度资金使用情况开展了自评。" + FIGURES
    assert names(text) == {SYNTHETIC_UNIT: "农村公路养护项目"}


def test_a_departments_overview_opening_with_its_name_names_the_unit_when_nothing_else_does() -> None:
    text = ("一、部门基本情况\n甲县交通运输局是县政府工作部门，内设5个股室。\n二、预算执行情况\n"
            "全年预算数120万元，全年执行数110万元，预算执行率91.67%。\n")
    assert set(figures(text)) == {"甲县交通运输局"}
    on_its_line = ("（一）单位概况：甲县图书馆成立于1980年，是公益一类事业单位。\n二、预算执行情况\n"
                   "全年预算数120万元，全年执行数110万元。\n")
    assert set(figures(on_its_line)) == {"甲县图书馆"}
    # a sentence that does not open with the name, a pronoun, or a firm evaluating others: no unit from it
    for opening in ("为改善出行条件，甲县交通运输局实施农村公路养护。", "我局是县政府工作部门。",
                    "甲会计师事务所是本次评价的第三方机构。"):
        text = f"一、部门基本情况\n{opening}\n二、预算执行情况\n全年预算数120万元，全年执行数110万元。\n"
        assert set(figures(text)) == {SYNTHETIC_UNIT}, opening
    # a report that names its project keeps its figures on the project
    project = ("2021年度农村公路养护项目绩效自评报告\n一、部门基本情况\n甲县交通运输局是县政府工作部门。\n"
               "二、预算执行情况\n全年预算数120万元，全年执行数110万元。\n")
    assert set(figures(project)) == {SYNTHETIC_UNIT}
    assert names(project)[SYNTHETIC_UNIT] == "农村公路养护项目"


# -- money and units in running text ---------------------------------------------------------------------------------

def test_an_organisation_passing_money_down_is_the_funder_not_the_unit() -> None:
    text = ("2022年度甲市中小企业发展资金绩效自评报告\n一、资金情况\n"
            "2022年度省工业和信息化厅下达甲市中小企业发展资金500万元。\n截至年底，资金实际支出480万元。\n")
    got = figures(text)
    assert "省工业和信息化厅" not in got, got
    assert got[SYNTHETIC_UNIT]["executed"] == "480"
    # an organisation spending money keeps it
    spent = "甲县水利局2022年度项目支出绩效自评报告\n一、资金情况\n甲县水利局全年预算100万元，实际支出90万元。\n"
    assert figures(spent)["甲县水利局"] == {"budget": "100", "executed": "90"}


def test_a_label_carrying_the_unit_right_before_a_bare_value_without_a_colon() -> None:
    text = ("甲项目绩效评价报告\n一、项目基本信息计划安排资金(万元)299.4实际支出(万元)290.4二、支出明细情况\n")
    assert figures(text)[SYNTHETIC_UNIT] == {"budget": "299.4", "executed": "290.4"}


def test_a_value_after_a_list_of_parts_ended_by_a_bare_number_is_no_part() -> None:
    """A form run together: 其中:中央财政…市县财政299.4 (a bare number the reader does not take) ends the parts; the
    spending after it is the project's."""
    text = ("甲项目绩效评价报告\n一、项目基本信息计划安排资金(万元)299.4实际到位资金(万元)299.4其中:中央财政省财政"
            "市县财政299.4其它实际支出(万元)290.4二、支出明细情况\n")
    assert figures(text)[SYNTHETIC_UNIT] == {"budget": "299.4", "executed": "290.4"}
    # a part named after 其中 stays a part
    parts = "甲项目绩效评价报告\n一、资金情况\n项目预算100万元，其中中央资金60万元。\n"
    assert figures(parts)[SYNTHETIC_UNIT] == {"budget": "100"}


# -- a results table copied with spaces --------------------------------------------------------------------------------

SPACED = ("甲区医疗保障局2023年度绩效自评\n部门绩效自评结果公开汇总表\n单位:万元\n"
          "序号 项目名称 项目实施单位 预算数(调整后) 执行数(至2023年底) 结余数 结余交回财政数 自评得分 "
          "自评结果应用意见\n"
          "中央 省级 市级 区级\n"
          "1 城乡居民医疗保险补贴资金 甲区医疗保障局       3543.206 3543.206 0   100  \n"
          "2 医疗救助补助资金 甲区医疗保障局 28       28 0   100  \n"
          "3 退休人员社会化管理补助资金 甲区医疗保障局   30.542     20.542 10   91  \n"
          "4 两级补助资金 甲区医疗保障局 10 5     15 0   100  \n")


def test_a_results_table_whose_empty_cells_are_spaces_is_read_by_its_columns() -> None:
    got = figures(SPACED)
    assert got["城乡居民医疗保险补贴资金"] == {"budget": "3543.206", "executed": "3543.206", "score": "100"}
    assert got["医疗救助补助资金"] == {"budget": "28", "executed": "28", "score": "100"}
    assert got["退休人员社会化管理补助资金"] == {"budget": "30.542", "executed": "20.542", "score": "91"}
    # two source cells hold an amount: the budget is their sum, which the table does not write
    assert got["两级补助资金"] == {"executed": "15", "score": "100"}


def test_a_row_that_does_not_split_into_the_headers_cells_ends_the_table() -> None:
    note = "注：本表数据来源于部门决算 以及 各单位 自评\n"
    text = SPACED.replace("3 退休人员社会化管理补助资金", note + "3 退休人员社会化管理补助资金")
    got = figures(text)
    assert {"城乡居民医疗保险补贴资金", "医疗救助补助资金"} <= set(got)
    assert "退休人员社会化管理补助资金" not in got


def test_a_project_name_in_a_form_run_together_names_the_project() -> None:
    text = ("甲县财政支出项目绩效评价报告项目名称2021年度农村垃圾清运经费项目实施单位甲县环境卫生管理处项目主管部门"
            "甲县住房和城乡建设局一、项目基本信息计划安排资金(万元)299.4实际支出(万元)299.4二、支出明细情况\n")
    assert names(text)[SYNTHETIC_UNIT] == "农村垃圾清运经费"
    # a 项目名称 followed by no form label: nothing glued is taken
    other = "甲县财政支出项目绩效评价报告\n项目名称见附表一、项目基本信息计划安排资金(万元)299.4实际支出(万元)299.4\n"
    assert names(other) == {SYNTHETIC_UNIT: ""}


def test_money_due_is_not_money_spent_and_a_titles_execution_words_are_not_the_funds_name() -> None:
    text = ("2024年甲专项资金预算执行情况绩效自评报告\n一、资金情况\n该项目预算共安排546.23万元；"
            "2024年应支付贴息资金444.86万元，实际支付355.16万元，执行率65%。\n")
    assert names(text) == {SYNTHETIC_UNIT: "甲专项资金"}
    assert figures(text)[SYNTHETIC_UNIT] == {"budget": "546.23", "executed": "355.16", "rate": "65"}
    assert names("2021年度乙项目资金使用情况绩效评价报告" + FIGURES) == {SYNTHETIC_UNIT: "乙项目资金"}


def test_a_numbered_items_run_in_title_says_what_its_amounts_are() -> None:
    text = ("甲县渔政执法经费项目绩效评价报告\n一、项目概况\n1、项目内容：渔政执法。"
            "2、资金安排。渔政执法经费共计4.8万元。"
            "3、专项资金的使用。公务船艇维修35800元，办公经费12200元，共计48000元。\n")
    assert figures(text)[SYNTHETIC_UNIT] == {"budget": "4.8", "executed": "4.8"}
    # a run-in title that names no money, or words that say what the amount is, win
    other = ("甲县渔政执法经费项目绩效评价报告\n一、项目概况\n2、工作开展。渔政执法经费共计4.8万元。"
             "3、资金安排。上年结余资金2万元。\n")
    assert figures(other) == {}


# -- a department's base-data table with a column a year ---------------------------------------------------------------

YEARS = ("甲市总工会2022年绩效自评附表\n来源：市总工会\n2022年度部门整体支出绩效评价基础数据表\n经费控制情况(万元) |\n"
         "2021年决算数 |\n2022年预算数 |\n2022年决算数 |\n支出总额 |\n1274.38 |\n1342.49 |\n1340.00 |\n"
         "基本支出 |\n606.44 |\n719.99 |\n719.99 |\n")


def test_a_base_data_table_is_read_by_the_latest_years_columns() -> None:
    got = figures(YEARS)
    assert got == {"甲市总工会": {"budget": "1342.49", "executed": "1340.00"}}, got
    # a trade union is an organisation: the title that opens with one names the unit
    assert set(figures(YEARS.replace("来源：市总工会\n", ""))) == {"甲市总工会"}


def test_a_base_data_table_without_the_latest_years_spending_is_not_read() -> None:
    plan = YEARS.replace("2021年决算数", "2022年决算数").replace("2022年决算数 |\n支出总额", "2023年预算数 |\n支出总额")
    assert figures(plan) == {}
    short = YEARS.replace("1340.00 |\n", "")  # a value missing: the cells do not line up
    assert "budget" not in figures(short).get("甲市总工会", {})


# -- a web page's header ---------------------------------------------------------------------------------------------

def test_a_sites_name_and_section_above_the_title_are_neither_the_unit_nor_the_title() -> None:
    page = "甲县人民政府\n政务公开\n甲县2021年农村公路养护项目绩效自评报告" + FIGURES
    assert names(page) == {SYNTHETIC_UNIT: "甲县农村公路养护项目"}
    assert parse_report(page).evaluation.meta.title == "甲县2021年农村公路养护项目绩效自评报告"
    # a department's name on the line above the title is the title's first line, and the unit
    dept = "甲县人民政府门户网站\n甲县交通运输局\n2021年农村公路养护项目绩效自评报告" + FIGURES
    assert set(figures(dept)) == {"甲县交通运输局"}


def test_a_notices_verb_is_no_part_of_a_projects_name() -> None:
    title = "关于公开2021年度项目绩效自评结果的公告"
    assert names(title + FIGURES)[SYNTHETIC_UNIT] != "公开项目"


def test_a_forms_total_score_row_with_empty_cells_between_its_values() -> None:
    rows = [["项目名称", "农村公路养护项目"], ["主管部门", "甲县交通运输局", "实施单位", "甲县公路事务中心"],
            ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
            ["", "年度资金总额", "100", "120", "110", "10", "91.67%", "9.17"],
            ["总分", "", "", "", "", "100", "", "92.5"]]
    text = "2021年度项目支出绩效自评表\n" + "\n".join("| " + " | ".join(r) + " |" for r in rows) + "\n"
    got = figures(text)["甲县公路事务中心"]
    assert got == {"budget": "120", "executed": "110", "rate": "91.67", "score": "92.5"}, got
    # the 分值 100 alone (no score in the row) is no score
    alone = text.replace(" | 92.5 |", " |  |")
    assert "score" not in figures(alone)["甲县公路事务中心"]


def test_more_of_the_ways_an_overview_names_its_project() -> None:
    figs = ("\n二、资金情况\n该项目年初预算120万元，全年执行110万元，预算执行率91.67%。\n"
            "三、绩效评价结论\n经评价，该项目综合得分92分，等级为优。\n")
    for opening in ("一、项目基本情况\n本项目为农村公路养护项目，由县公路事务中心实施。",
                    "一、项目基本情况\n（一）项目背景\n农村公路养护项目是县委县政府确定的民生实事。",
                    "一、项目概况\n（一）项目基本情况\n1.项目名称：农村公路养护项目"):
        assert names("绩效自评报告\n" + opening + figs) == {SYNTHETIC_UNIT: "农村公路养护项目"}, opening
    fund = "绩效自评报告\n一、基本情况\n2021年度农村公路养护专项资金主要用于县乡道路养护。" + figs
    assert names(fund) == {SYNTHETIC_UNIT: "农村公路养护专项资金"}
    # a document cited is not the project's name given
    cited = "绩效自评报告\n一、基本情况\n根据《甲县农村公路养护项目实施方案》，项目主要建设内容为道路养护。" + figs
    assert names(cited) == {SYNTHETIC_UNIT: ""}


def test_budgeted_spending_set_against_money_spent_is_the_budget() -> None:
    head = "甲县交通运输局2021年度部门整体支出绩效自评报告\n一、部门基本情况\n"
    got = figures(head + "全年预算支出1000万元，实际支出950万元。\n")
    assert got["甲县交通运输局"] == {"budget": "1000", "executed": "950"}
    # 预算支出 alone stays what it was (ambiguous: budgeted or spent)
    alone = figures(head + "全年预算支出1000万元。\n")
    assert "budget" not in alone.get("甲县交通运输局", {})


def test_income_in_the_final_accounts_is_not_spending_and_a_zero_budget_is_no_units() -> None:
    head = "甲区文学艺术界联合会部门整体支出绩效评价报告\n一、基本情况\n"
    text = (head + "2021年甲区文学艺术界联合会预算收入决算数为92.50万元。2021年全年预算支出决算数为112.22万元。"
            "“三公”经费今年年初预算安排0万元，实际开支0万元。\n")
    assert figures(text)["甲区文学艺术界联合会"] == {"executed": "112.22"}


def test_a_templates_prompts_are_no_items_and_its_answer_none_says_there_are_none() -> None:
    text = ("2022年度校园维修改造项目绩效自评报告\n一、自评情况\n项目预算资金100万元，实际支出95万元。\n"
            "（三）存在的问题和原因\n项目经费执行进度不均衡。\n（四）下一步拟改进措施\n"
            "1.下一步拟改进措施，包括项目整改和绩效目标调整完善等相关内容。\n无\n2.拟与预算安排相结合情况。\n")
    result = parse_report(text)
    assert len(result.evaluation.problems) == 1
    assert result.evaluation.recommendations == ()
    # a real measure under the prompt is an item
    answered = text.replace("内容。\n无\n", "内容。\n加强预算执行进度管理。\n")
    assert [r.text for r in parse_report(answered).evaluation.recommendations] == ["加强预算执行进度管理。"]


def test_the_line_under_a_contents_list_is_no_item() -> None:
    text = ("甲工程绩效评价报告\n目录\n五、存在问题及原因分析\n六、有关建议\n报告正文\n")
    assert parse_report(text).evaluation.recommendations == ()


# -- a results publication in prose --------------------------------------------------------------------------------

NOTICE = "甲县财政局关于2022年度重点绩效评价结果的公告\n"
THREE = {"甲县农村公路养护项目": {"score": "92", "grade": "优"},
         "甲县义务教育薄弱环节改善项目": {"score": "85", "grade": "良"},
         "甲县城乡医疗救助资金": {"score": "78", "grade": "中"}}


def test_numbered_results_of_projects_and_funds_are_each_their_own() -> None:
    """A project named 薄弱环节改善 is no problems section; a fund (…资金) is an evaluated object as a project is."""
    text = NOTICE + ("1.甲县农村公路养护项目，评价得分92分，等级为优。\n"
                     "2.甲县义务教育薄弱环节改善项目，评价得分85分，等级为良。\n"
                     "3.甲县城乡医疗救助资金，评价得分78分，等级为中。\n")
    assert figures(text) == THREE
    assert parse_report(text).evaluation.problems == ()


def test_a_sentence_listing_projects_with_their_score_and_grade() -> None:
    text = NOTICE + ("经评价，甲县农村公路养护项目得分92分，等级为优；甲县义务教育薄弱环节改善项目得分85分，等级为良；"
                     "甲县城乡医疗救助资金得分78分，等级为中。\n")
    assert figures(text) == THREE
    # one project alone is no list: its grade is read as before
    one = NOTICE + "经评价，甲县农村公路养护项目得分92分，等级为优。\n"
    assert list(figures(one).values()) == [{"score": "92", "grade": "优"}]


def test_projects_listed_under_the_grade_they_were_given() -> None:
    text = NOTICE + ("评价结果为优的项目有：甲县农村公路养护项目（92分）；"
                     "评价结果为良的项目有：甲县义务教育薄弱环节改善项目（85分）；"
                     "评价结果为中的项目有：甲县城乡医疗救助资金（78分）。\n")
    assert figures(text) == THREE
    no_scores = NOTICE + "评为优秀的项目有：甲县农村公路养护项目、甲县城乡医疗救助资金。\n"
    assert figures(no_scores) == {"甲县农村公路养护项目": {"grade": "优"}, "甲县城乡医疗救助资金": {"grade": "优"}}
    # a count of projects by grade names none
    counts = NOTICE + "评价结果为优的项目有2个项目，评价结果为良的项目有1个项目。\n"
    assert figures(counts) == {}


# -- findings ------------------------------------------------------------------------------------------------------

HEAD = "甲县2021年农村公路养护项目绩效评价报告\n一、项目基本情况\n该项目年初预算120万元，全年执行110万元。\n"


def test_the_causes_under_the_problems_are_no_problems() -> None:
    text = HEAD + ("二、存在的问题及原因\n（一）存在的问题\n1.资金拨付较慢。\n2.档案不全。\n"
                   "（二）原因分析\n人员不足。\n三、改进建议\n1.加快拨付。\n2.完善档案。\n")
    ev = parse_report(text).evaluation
    assert [p.text for p in ev.problems] == ["资金拨付较慢。", "档案不全。"]
    assert len(ev.recommendations) == 2


def test_circled_items_on_one_line_are_each_an_item() -> None:
    text = HEAD + "二、存在的问题\n①资金拨付较慢；②档案不全。\n三、建议\n①加快拨付；②完善档案。\n"
    ev = parse_report(text).evaluation
    assert (len(ev.problems), len(ev.recommendations)) == (2, 2)
    one = parse_report(HEAD + "二、存在的问题\n①资金拨付较慢，影响进度。\n").evaluation
    assert len(one.problems) == 1


def test_a_combined_section_of_problems_each_followed_by_its_recommendation() -> None:
    text = HEAD + "二、存在的问题及改进建议\n（一）资金拨付较慢。建议加快拨付。\n（二）档案不全。建议完善档案。\n"
    ev = parse_report(text).evaluation
    assert [p.text for p in ev.problems] == ["资金拨付较慢。", "档案不全。"]
    assert [r.text for r in ev.recommendations] == ["建议加快拨付。", "建议完善档案。"]
    # a recommendation after a colon still opens the recommendations as before
    colon = HEAD + "二、存在的问题及改进建议\n资金拨付较慢。建议：一是加快拨付；二是完善档案。\n"
    ev = parse_report(colon).evaluation
    assert (len(ev.problems), len(ev.recommendations)) == (1, 2)


def test_a_model_essay_sites_collection_heading_gives_way_to_the_reports_own_sentence() -> None:
    text = ("某网整理的公共文化服务体系建设资金绩效自评报告(精选10篇),希望能帮助到大家。\n"
            "公共文化服务体系建设资金绩效自评报告 篇1\n"
            "根据要求，现就甲县2021年度中央财政补助公共文化服务体系建设专项资金绩效自评情况报告如下:\n"
            "一、基本情况\n2021年中央下达专项资金预算189.28万元。\n"
            "二、资金执行情况\n2021年专项资金共支182.564万元。支付农村公益电影放映补助经费19.536万元。"
            "一般公共支出75.76万元。\n")
    assert names(text) == {SYNTHETIC_UNIT: "甲县中央财政补助公共文化服务体系建设专项资金"}
    assert figures(text)[SYNTHETIC_UNIT] == {"budget": "189.28", "executed": "182.564"}
