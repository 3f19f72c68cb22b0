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


# -- another year's figure, or a plan, is not the year's --------------------------------------------------------------

def test_a_figure_of_the_year_before_or_of_a_plan_is_not_the_years() -> None:
    assert units(HEAD + "上年预算300万元，本年实际支出270万元。\n") == {"甲县水利局": {"executed": "270"}}
    assert units(HEAD + "上年度评价得分88分，本年度自评得分92分。\n") == {"甲县水利局": {"score": "92"}}
    assert units(HEAD + "上年度预算执行率为95%，本年度预算执行率为98%。\n") == {"甲县水利局": {"rate": "98"}}
    assert units(HEAD + "2023年拟安排资金500万元。\n") == {}
    assert units(HEAD + "预计支出500万元。\n") == {}


def test_the_years_own_figures_beside_them_are_read() -> None:
    # 计划安排资金 is the budget (the corpus's rule), 上年结转 in its own clause touches no other clause
    assert units(HEAD + "2022年计划安排资金300万元。\n") == {"甲县水利局": {"budget": "300"}}
    assert units(HEAD + "项目预算300万元，上年结转50万元，实际支出280万元，预算执行率为93.33%。\n") == {
        "甲县水利局": {"budget": "300", "executed": "280", "rate": "93.33"}}
    assert units(HEAD + "本年度自评得分92分，较上年提高4分。\n") == {"甲县水利局": {"score": "92"}}


# -- a band of a scoring rule is no score and no grade ----------------------------------------------------------------

def test_a_score_or_grade_that_defines_a_band_is_no_result() -> None:
    assert units(HEAD + "本次评价按百分制，90-100分为优秀等级，80-89分为良好等级。\n") == {}
    assert units(HEAD + "评分结果90分（含）以上为“优”，80分以上为“良”。\n") == {}
    assert units(HEAD + "自评得分为90分以上的项目有3个。\n") == {}


def test_a_result_beside_a_band_is_read() -> None:
    assert units(HEAD + "项目自评得分92分，达到90分以上，评价等级为优秀。\n") == {
        "甲县水利局": {"score": "92", "grade": "优"}}
    assert units(HEAD + "经评价，该项目最终得分85.82,等级为良。\n") == {"甲县水利局": {"score": "85.82", "grade": "良"}}


# -- a score only as the evaluation's verdict: not an indicator's, right after its weight or its percentage -----------

def test_a_bare_score_right_after_an_indicators_weight_or_percentage_is_that_indicators() -> None:
    assert units(HEAD + "项目决策指标分值20分，得分18分。\n") == {}
    assert units(HEAD + "资金到位率100%，得分5分。\n") == {}


def test_a_score_said_as_the_evaluations_is_read_after_other_figures() -> None:
    assert units(HEAD + "设置决策、过程、产出、效益4个一级指标，经评价，得分92分，等级为优。\n") == {
        "甲县水利局": {"score": "92", "grade": "优"}}
    assert units(HEAD + "预算执行率100%，综合得分95分。\n") == {"甲县水利局": {"rate": "100", "score": "95"}}


# -- an amount's role is read from its own clause, never from an earlier clause of the sentence ----------------------

def test_a_role_word_in_an_earlier_clause_gives_an_amount_no_role() -> None:
    assert units(HEAD + "为加强预算管理，项目资金300万元。\n") == {}
    assert units(HEAD + "项目实施过程中严格执行预算，共投入300万元。\n") == {}


def test_a_role_word_before_a_labels_colon_or_an_enumerations_comma_is_the_clauses() -> None:
    assert units(HEAD + "项目预算资金：300万元。\n") == {"甲县水利局": {"budget": "300"}}
    assert units(HEAD + "全年实际支出：270万元、预算：300万元。\n") == {
        "甲县水利局": {"executed": "270", "budget": "300"}}


# -- an execution rate: 执行率 / 支出率 / 支付率 / 执行进度, never another progress or rate -------------------

def test_an_execution_progress_is_the_execution_rate() -> None:
    assert units(HEAD + "截至年底，预算执行进度为85%。\n") == {"甲县水利局": {"rate": "85"}}


def test_other_progresses_and_rates_are_not() -> None:
    for text in ("截至年底，资金执行进度达到序时进度的90%。", "项目支付进度为85%。",
                 "工程进度达到85%。",
                 "资金到位率100%，项目完成率98%，满意度95%，合格率100%。"):
        assert units(HEAD + text + "\n") == {}, text


# -- spending or a rate as of a date before the year's end is not the year's -----------------------------------------

def test_spending_or_a_rate_as_of_a_date_before_the_years_end_is_not_the_years() -> None:
    assert units(HEAD + "截至6月底，预算执行进度为45%。\n") == {}
    assert units(HEAD + "上半年支出120万元。\n") == {}
    # the budget beside it is the year's
    assert units(HEAD + "截至2022年9月30日，已支出100万元，全年预算300万元。\n") == {"甲县水利局": {"budget": "300"}}


def test_spending_or_a_rate_at_the_years_end_or_after_it_is_read() -> None:
    assert units(HEAD + "截至9月底，资金执行率为75%；截至12月底，执行率为100%。\n") == {"甲县水利局": {"rate": "100"}}
    assert units(HEAD + "截至2022年12月31日，实际支出270万元，执行率90%。\n") == {
        "甲县水利局": {"executed": "270", "rate": "90"}}
    assert units(HEAD + "截至2023年3月，项目资金已支出300万元。\n") == {"甲县水利局": {"executed": "300"}}


# -- a target, or a scoring rule's condition, is no result -----------------------------------------------------------

def test_a_rate_aimed_at_or_a_rules_condition_is_no_result() -> None:
    notice = ("甲县财政局关于下达2022年农村公路养护资金的通知\n各乡镇：\n"
              "现下达你单位2022年农村公路养护资金300万元，请及时拨付，确保资金执行率达到100%。\n")
    assert units(notice) == {}
    assert units(HEAD + "预算执行率（10分）：执行率100%的得10分，每降低1%扣0.5分。\n") == {}


def test_a_rate_followed_by_its_items_score_is_read() -> None:
    assert units(HEAD + "预算执行率为98%，得分9.8分。\n") == {"甲县水利局": {"rate": "98"}}
    assert units(HEAD + "预算执行率98%得分9.8分。\n") == {"甲县水利局": {"rate": "98"}}


# -- money passed down (下达) is the budget only when written as one: 下达…预算 in its sentence ----------------------

DOWN = ("2022年度中央财政林业改革发展资金转移支付绩效自评报告\n一、绩效目标分解下达情况\n"
        "根据《甲省财政厅关于下达2022年中央财政林业改革发展资金预算的通知》(甲财资环〔2022〕34号)"
        "下达我县2022年中央财政林业改革发展转移支付资金921.25万元,包含天保工程区管护补助、森林防火补助。\n")


def test_a_down_amount_under_a_down_budget_notice_in_its_sentence_is_the_budget() -> None:
    got = parse_report(DOWN)
    assert list(got.stated["units"].values()) == [{"budget": "921.25"}]
    assert got.stated["sources"][next(iter(got.stated["units"]))]["budget"]["uncertain"]  # marked for review


def test_a_down_amount_not_written_as_a_budget_is_none() -> None:
    assert units(DOWN.replace("预算的通知", "的通知")) == {}
    # 下达预算指标 in an earlier clause, and an amount whose own clause does not say 下达
    assert units("甲区2024年度衔接资金绩效自评报告\n一、基本情况\n"
                 "及时下达预算指标并分配落实到项目,2024年衔接推进乡村振兴补助资金1749万元,"
                 "全部在规定时限内及时下达拨付给区乡村振兴主管部门。\n") == {}


def test_a_down_amount_is_the_budget_by_a_rate_only_when_the_rate_is_the_budgets() -> None:
    # the rate states its denominator: 预算执行率 is the budget's, so the 下达 amount it gives is the budget
    assert units(HEAD + "上级下达资金300万元，实际支出240万元，预算执行率80%。\n") == {
        "甲县水利局": {"budget": "300", "executed": "240", "rate": "80"}}
    # 执行率 alone does not say whose: the 下达 amount stays money passed down (the corpus rule)
    assert units(HEAD + "上级下达资金300万元，实际支出240万元，执行率80%。\n") == {
        "甲县水利局": {"executed": "240", "rate": "80"}}
    # money of no stated role (资金) is still the budget the rate confirms
    assert units(HEAD + "项目资金300万元，实际支出240万元，执行率80%。\n") == {
        "甲县水利局": {"budget": "300", "executed": "240", "rate": "80"}}


def test_a_payment_completion_rate_is_the_execution_rate_and_makes_no_down_amount_a_budget() -> None:
    got = units("2021年度重点项目绩效评价结果\n一、评价结果\n"
                "1、甲村农田道路建设项目,铺建砂石路11公里。2021年下达财政专项扶贫资金197万元,截止到2021年12月31日,"
                "实际已支付186.98万元,支付完成率为94.91%。第三方机构最终绩效评价总得分为91.8分,评价等级为优秀。\n"
                "2、乙村旅游扶贫交易市场建设项目,新建管理用房一座。2021年度下达财政专项扶贫资金108万元,"
                "截至2021年12月31日,实际已支付101.59万元,支付完成率为94.06%。"
                "最终绩效评价总得分为90.76分,评价等级为优秀。\n")
    assert got["甲村农田道路建设项目"] == {"executed": "186.98", "rate": "94.91", "score": "91.8", "grade": "优"}
    second = got["乙村旅游扶贫交易市场建设项目"]
    assert second["rate"] == "94.06" and "budget" not in second
    # a completion rate of anything else (完成率, 任务完成率) is no execution rate
    assert units(HEAD + "项目任务完成率为100%。\n") == {}


# -- a stated grade in its common phrasings -------------------------------------------------------------------------

def test_a_grade_stated_in_its_common_phrasings_is_read() -> None:
    for text, grade in (("最终得分85.82,等级为良。", "良"), ("评价等次为“优”。", "优"), ("自评结果为“优秀”。", "优"),
                        ("经综合评定，评定为良好。", "良"), ("本项目综合评价为优。", "优"),
                        ("本项目评价结果为：优秀。", "优"), ("项目获评“优秀”等次。", "优"),
                        ("最终评定该项目为“良好”。", "良")):
        assert units(HEAD + text + "\n")["甲县水利局"]["grade"] == grade, text


def test_a_grade_word_that_states_no_verdict_is_not_read() -> None:
    for text in ("满意度调查中，群众评价为良好。", "评价等级分为优、良、中、差四个等次。", "该项目获评省级优秀工程。",
                 "评价结果为优的项目12个，良的5个。"):
        assert units(HEAD + text + "\n") == {}, text


# -- 总分为100分 setting out a rule's weights is the maximum, not a score --------------------------------------------

def test_a_total_of_100_that_sets_out_weights_is_the_maximum() -> None:
    assert units(HEAD + "评价总分为100分，其中决策20分。\n") == {}


def test_a_verdict_of_100_is_a_score() -> None:
    assert units(HEAD + "经评价，本项目自评总分为100分，等级为优。\n") == {
        "甲县水利局": {"score": "100", "grade": "优"}}
    assert units(HEAD + "自评得分为100分。\n") == {"甲县水利局": {"score": "100"}}


def test_a_bare_score_after_a_rate_is_the_verdict_when_its_sentence_states_the_grade() -> None:
    assert units(HEAD + "项目预算执行率为98.5%，得分95分，等级为优。\n") == {
        "甲县水利局": {"rate": "98.5", "score": "95", "grade": "优"}}


def test_the_evaluation_of_performance_goals_is_no_target() -> None:
    assert units(HEAD + "2022年度项目绩效目标自评得分95分。\n") == {"甲县水利局": {"score": "95"}}
    assert units(HEAD + "年度目标完成情况：预算执行率100%。\n") == {"甲县水利局": {"rate": "100"}}
    assert units(HEAD + "年度目标为预算执行率100%。\n") == {}


def test_a_rate_followed_by_its_deduction_is_a_result() -> None:
    assert units(HEAD + "预算执行率98%扣0.2分。\n") == {"甲县水利局": {"rate": "98"}}


def test_spending_planned_is_not_spending() -> None:
    assert units(HEAD + "项目计划支出300万元，实际支出270万元。\n") == {"甲县水利局": {"executed": "270"}}
    assert units(HEAD + "2022年计划安排资金300万元，实际支出270万元。\n") == {
        "甲县水利局": {"budget": "300", "executed": "270"}}


# -- the unit's name: a preposition opening the clause is not part of it -----------------------------------------

def test_the_implementing_unit_after_its_preposition_is_named_without_it() -> None:
    text = "2022年度农村公路养护资金绩效自评报告\n一、基本情况\n由甲县交通运输局组织实施，项目预算300万元。\n"
    assert units(text) == {"甲县交通运输局": {"budget": "300"}}
