"""Issue 24, sixth pass: several evaluated units in running text and whose figures a sentence gives, each mechanism
shown on texts made for the test (synthetic), beside a text where it must not fire (docs/reporttext.md, "Sixth pass:
units in running text")."""
from __future__ import annotations

from evalcore.reporttext import parse_report


def units(text: str) -> dict:
    return parse_report(text).stated.get("units", {})


# -- a list of evaluated projects, one numbered paragraph each -------------------------------------------------------

PROJECTS = ("某县财政局关于2021年度重点项目绩效评价结果的公告\n"
            "1、甲村农田道路建设项目,铺建砂石路11公里。2021年下达资金197万元,实际已支付186.98万元。"
            "最终绩效评价总得分为91.8分,评价等级为优秀。\n"
            "2、乙村道路,巷道硬化建设项目,乙乡人民政府已修建道路5.7公里。实际已支付289.14万元。"
            "最终绩效评价总得分为90.36分,评价等级为良好。\n")


def test_numbered_paragraphs_each_opening_with_a_project_and_its_result_give_each_project_its_figures() -> None:
    assert units(PROJECTS) == {
        "甲村农田道路建设项目": {"executed": "186.98", "score": "91.8", "grade": "优"},
        "乙村道路,巷道硬化建设项目": {"executed": "289.14", "score": "90.36", "grade": "良"}}
    # the organisation the second paragraph's running text names (乙乡人民政府) gets nothing, nor does 本项目
    assert "乙乡人民政府" not in units(PROJECTS) and "本项目" not in units(PROJECTS)


def test_one_project_paragraph_or_paragraphs_without_a_result_are_no_list() -> None:
    one = units(PROJECTS.split("2、")[0])
    assert "甲村农田道路建设项目" not in one
    # paragraphs without a result of their own (the parts of one evaluated project) are no list of evaluated projects
    plain = PROJECTS.replace("最终绩效评价总得分为91.8分,评价等级为优秀。", "").replace(
        "最终绩效评价总得分为90.36分,评价等级为良好。", "")
    assert not {"甲村农田道路建设项目", "乙村道路,巷道硬化建设项目"} & set(units(plain))
    # two paragraphs naming the same project are one project's, not a list
    same = PROJECTS.replace("乙村道路,巷道硬化建设项目", "甲村农田道路建设项目")
    assert "乙村道路,巷道硬化建设项目" not in units(same)


# -- whose figures: a clause about the report's own unit (…我中心, …本局) is no organisation --------------------------

OWN = ("2024年度部门决算绩效自评情况\n"
       "一是2024年部门年初预算1022.89万元,年中调整预算为1781.86万元,全年执行数1767.21万元。"
       "市财政将部分预算资金346.87万元,统一计入我中心财政拨款收入,具体为医疗补助收入11.60万元。\n")


def test_a_clause_ending_in_a_pronoun_and_an_organisation_word_is_the_reports_own_unit() -> None:
    got = units(OWN)
    assert "统一计入我中心" not in got
    assert got == {"本项目": {"budget": "1781.86", "executed": "1767.21"}}
    # the same clause with an organisation's own name makes it the unit the figures are given to, as before
    named = units(OWN.replace("统一计入我中心", "统一计入甲县数据管理中心"))
    assert [k for k in named if k.endswith("数据管理中心")] and "本项目" not in named


# -- the next item of a list takes its kind and its role from the item before it -------------------------------------

LIST = ("某县水利局2024年度部门整体支出绩效自评报告\n"
        "项目支出总额656.93万元。其中,本级项目8个,本级项目支出385.58万元;对下转移支付项目0个,对下转移支付0万元。\n"
        "2024年部门年中调整预算为1781.86万元,全年执行数1767.21万元。\n")


def test_an_amount_after_a_component_of_a_list_is_a_component_too() -> None:
    # 对下转移支付0万元 follows the component 本级项目支出385.58万元 of a 其中 list: a component, not executed
    assert units(LIST) == {"某县水利局": {"budget": "1781.86", "executed": "1767.21"}}
    # an amount after a figure that is no component keeps taking its kind, as before (“A局100万元；B局200万元”)
    plain = "某县财政局关于部门预算执行情况的报告\n甲县水利局预算支出100万元；甲县教育局200万元。\n"
    assert units(plain) == {"甲县水利局": {"executed": "100"}, "甲县教育局": {"executed": "200"}}


# -- an enumeration of projects and their figures in one sentence ----------------------------------------------------

RATES = ("某镇2023年度转移支付资金绩效自评报告\n"
         "2.10个项目均完工，其中3个项目资金执行100%，剩余甲村道路硬化项目资金执行99.97%；乙村美丽乡村项目99.89%，"
         "丙村水毁修复项目95.6%，大别山区生态补偿资金86.02%。\n")


def test_projects_enumerated_with_their_rates_in_one_sentence_each_get_their_rate() -> None:
    assert units(RATES) == {"甲村道路硬化项目": {"rate": "99.97"}, "乙村美丽乡村项目": {"rate": "99.89"},
                            "丙村水毁修复项目": {"rate": "95.6"}, "大别山区生态补偿资金": {"rate": "86.02"}}
    scores = "某县财政局关于重点项目绩效评价结果的公告\n经评价，甲村道路项目综合得分92分，乙村饮水工程88.5分。\n"
    assert units(scores) == {"甲村道路项目": {"score": "92"}, "乙村饮水工程": {"score": "88.5"}}


def test_an_enumeration_whose_first_item_does_not_say_what_its_figure_is_or_a_single_item_is_not_read() -> None:
    # 甲项目95%，乙项目90%: a completion rate? a share of the money? the text does not say
    unsaid = RATES.replace("剩余甲村道路硬化项目资金执行99.97%", "剩余甲村道路硬化项目99.97%")
    assert units(unsaid) == {}
    # one project with its rate is no enumeration (a report's own project is not made a unit by it)
    one = "某县水利局2023年度项目支出绩效自评报告\n甲村道路硬化项目资金执行99.97%，项目均已完工。\n"
    assert "甲村道路硬化项目" not in units(one)
    # a count of projects is nobody's name: 3个项目资金执行100% gives no unit
    assert not [k for k in units(RATES) if "3个" in k]
    # money named by its source or level, or a department's kinds of spending, are no projects
    own = "某县水利局2022年度项目支出绩效自评报告\n"
    assert units(own + "其中中央资金执行100%，省级资金98%，县级配套资金95%。\n") == {}
    assert units(own + "人员经费执行100%，公用经费98%。\n") == {}


# -- a number that is not the unit's figure: a bracketed score closing a paragraph scores that item ------------------

ITEM = ("某区衔接资金绩效自评报告\n一、资金保障情况\n1.本级预算安排衔接资金情况\n"
        "2021年某区安排本级预算衔接资金1016万元，与上年相比净增加10万元。\n"
        "2021年区级衔接资金投入只增不减，稳中有升。（自评得分5分）\n")


def test_a_bracketed_score_closing_a_paragraph_is_the_items_not_the_evaluations() -> None:
    assert "score" not in units(ITEM).get("本项目", {})
    # the evaluation's score in brackets inside its sentence, or written as the verdict, is still read
    inside = ITEM + "二、自评结论\n经自评，评价等级为优（自评得分92分），各项目标均已完成。\n"
    assert units(inside)["本项目"]["score"] == "92"
    verdict = ITEM + "二、自评结论\n经自评，本项目自评得分92分。\n"
    assert units(verdict)["本项目"]["score"] == "92"


# -- a number that is not the unit's figure: an average over several -------------------------------------------------

def test_an_average_is_nobodys_own_figure() -> None:
    head = "某县水利局2022年度项目支出绩效自评报告\n"
    assert units(head + "全县共有15个项目开展自评，平均得分92分，平均执行率95.5%。\n") == {}
    # the unit's own score and rate beside it are read
    own = head + "全县项目平均得分90分。本项目自评得分92分，预算执行率95.5%。\n"
    assert units(own) == {"某县水利局": {"score": "92", "rate": "95.5"}}


# -- problems stated inline with their causes (主要问题及原因：一是…) ---------------------------------------------

def test_problems_stated_inline_with_their_causes_are_counted() -> None:
    text = ("某县医保中心2024年度部门决算绩效自评情况\n所有项目均开展了绩效自评。"
            "自评发现的主要问题及原因：一是预算调整率较大，主要原因是年中追加了补助资金。"
            "下一步改进措施：加强年初预算数据测算。\n")
    ev = parse_report(text).evaluation
    assert (len(ev.problems), len(ev.recommendations)) == (1, 1)
    # “问题及原因” without a colon is running text, not a label
    plain = text.replace("主要问题及原因：", "主要问题及原因")
    assert len(parse_report(plain).evaluation.problems) == 0
