"""Issue 24, eleventh session: a conversion site's pinyin removed before reading, names compared in one script,
carried-over money as the year's budget by its rate, 实际全年执行, and the fund a transfer payment's outline names.
Each mechanism on texts made for the test (synthetic), beside a text where it must not fire (docs/reporttext.md,
"Eleventh session")."""
from __future__ import annotations

from evalcore.reporttext import parse_report, parse_report_file
from evalcore.reporttext.noise import clean_text
from evalcore.reporttext.result import SYNTHETIC_UNIT
from evalcore.reporttext.score import score_result


def parsed(text: str):
    return parse_report_file(text.encode("utf-8"), "报告.txt")


# -- pinyin residue ----------------------------------------------------------------------------------------------

def test_pinyin_a_conversion_site_prints_after_characters_is_removed_and_lines_keep_their_number() -> None:
    raw = "標題\n項(xiàng)目預(yù)算資(zī)金100萬(wàn)元\n\n末行"
    cleaned = clean_text(raw)
    assert cleaned.split("\n") == ["標題", "項目預算資金100萬元", "", "末行"]
    # a bracket that is no syllable after a character stays: (A), (B/A), (2022), an English word, a bracket after
    # a digit
    for kept in ("预算数(A)执行数(B)执行率(B/A)", "项目(2022年)", "简称(EPA)", "100(ā)"):
        assert clean_text(kept) == kept


def test_a_report_with_pinyin_residue_is_read_as_the_words_it_spells() -> None:
    text = ("甲縣林業(yè)局2022年度項(xiàng)目支出績(jì)效自評(píng)報(bào)告\n"
            "一、基本情(qíng)況(kuàng)\n"
            "項(xiàng)目預(yù)算資(zī)金100萬(wàn)元，實(shí)際支出95萬(wàn)元，預(yù)算執(zhí)行率95%。\n"
            "二、自評(píng)結(jié)論(lùn)\n經(jīng)自評(píng)，自評(píng)得分92分，評(píng)價(jià)等級(jí)為優(yōu)。\n")
    got = parsed(text).stated["units"]
    assert got == {"甲县林业局": {"budget": "100", "executed": "95", "rate": "95", "score": "92", "grade": "优"}}, got
    # the line still points at the text as it came
    assert parsed(text).original_text == text


def test_an_annotation_written_as_published_matches_the_name_the_parser_reads() -> None:
    """The scorer compares names in simplified characters without pinyin: a sidecar writes 黃岡市檔案館 or 數(shù)字化
    as the page did, the parser reads 黄冈市档案馆."""
    result = parsed("黃岡市檔案館2020年度項目績效自評報告\n一、基本情況\n"
                    "項目預算10萬元，實際支出10萬元，預算執行率100%。\n")
    expected = {"units": [{"name": "數(shù)字化專項經(jīng)費", "aliases": ["黃岡市檔案館"], "budget": "10",
                           "executed": "10", "rate": "100", "score": None, "grade": None}],
                "problems": None, "recommendations": None}
    verdicts = {o.figure: o.verdict for o in score_result(result, expected).outcomes}
    assert verdicts == {f"數(shù)字化專項經(jīng)費.{k}": "right" for k in ("budget", "executed", "rate")}, verdicts
    # another name is still another unit
    other = dict(expected, units=[dict(expected["units"][0], aliases=["黃岡市財政局"])])
    assert {o.verdict for o in score_result(result, other).outcomes} == {"missing", "invented"}


# -- money ---------------------------------------------------------------------------------------------------------

HEAD = "甲县农业农村局2024年度项目支出绩效自评报告\n一、项目资金执行情况\n"


def test_money_carried_over_is_the_budget_when_the_stated_rate_says_so() -> None:
    got = parsed(HEAD + "项目全年预算结转资金合计680.315万元，实际全年执行预算资金合计233.64万元，预算执行率34.3%。\n")
    unit = got.stated["units"]["甲县农业农村局"]
    assert unit == {"budget": "680.315", "executed": "233.64", "rate": "34.3"}, unit
    # without a rate that fits, a carried-over amount stays no budget
    got = parsed(HEAD + "上年结转资金合计680.315万元，实际全年执行资金合计233.64万元，预算执行率50%。\n")
    assert "budget" not in got.stated["units"]["甲县农业农村局"]
    # and a surplus over which the executed amount gives the rate is not taken: only money carried over is a budget
    got = parsed(HEAD + "项目结余资金合计680.315万元，实际全年执行资金合计233.64万元，预算执行率34.3%。\n")
    assert "budget" not in got.stated["units"]["甲县农业农村局"]


def test_实际全年执行预算资金_is_money_spent() -> None:
    got = parsed(HEAD + "项目预算资金合计300万元，实际全年执行预算资金合计240万元。\n").stated["units"]
    got = got["甲县农业农村局"]
    assert got == {"budget": "300", "executed": "240"}, got


# -- names ---------------------------------------------------------------------------------------------------------

FIGURES = "二、资金情况\n项目预算1000万元，实际支出900万元，预算执行率90%。\n"


def full_names(text: str) -> dict[str, str]:
    return {u.key: u.name for u in parse_report(text).evaluation.units}


def test_the_fund_a_transfer_payments_outline_names_is_本项目s_name() -> None:
    for heading, want in (("(一)中央下达广西水污染防治资金预算和区域绩效目标情况", "广西水污染防治资金"),
                          ("(一)下达水稻集中育秧设施建设项目转移支付预算和绩效目标情况", "水稻集中育秧设施建设项目")):
        text = "一、绩效目标分解下达情况\n" + heading + "\n" + FIGURES
        assert full_names(text) == {SYNTHETIC_UNIT: want}, heading
    # a 下达 with no 预算和绩效目标 after it names nothing
    assert full_names("一、基本情况\n上级下达资金用于农村公路养护。\n" + FIGURES) == {SYNTHETIC_UNIT: ""}


def test_a_numbered_line_taken_for_the_title_names_its_project_without_the_number() -> None:
    assert full_names("2.农机购置补贴项目绩效自评报告\n" + FIGURES) == {SYNTHETIC_UNIT: "农机购置补贴项目"}


# -- common phrasings of a score, a rate and a labelled amount -------------------------------------------------------

WATER = "甲县水利局2022年度项目支出绩效自评报告\n一、基本情况\n"


def stated(sentence: str) -> dict:
    return parse_report(WATER + sentence + "\n").stated.get("units", {}).get("甲县水利局", {})


def test_a_score_written_with_得_alone_or_as_the_verdicts_is_read() -> None:
    assert stated("总分100分，该项目得92.5分，等级为优。") == {"score": "92.5", "grade": "优"}
    assert stated("本项目共得92.5分，评定为优。") == {"score": "92.5", "grade": "优"}
    assert stated("综合评价结果：88分。") == {"score": "88"}
    assert stated("绩效自评结果：良好（88分）") == {"score": "88", "grade": "良"}
    # a band of the scoring rule in brackets after a grade, or a verdict's band, is no score
    for band in ("评价等次为“良”(80分≤得分<90分)。", "评价等级为优（90分以上）。", "评价等级为优（90-100分）。",
                 "评价结果为“优”(满分100分)。"):
        assert "score" not in stated(band), band
    assert stated("评价结果：80分以上为优。") == {} and stated("自评结果为80-90分。") == {}
    # an indicator's 得 stays the indicator's
    assert "score" not in stated("预算执行率指标得10分。")


def test_支出进度_is_an_execution_rate_and_confirms_the_budget() -> None:
    assert stated("项目资金120万元，已支出108万元，支出进度90%。") == {"budget": "120", "executed": "108", "rate": "90"}
    assert stated("项目资金120万元，已支出108万元，工程进度90%。") == {"executed": "108"}


def test_a_label_that_carries_the_amounts_unit_reads_the_bare_value_after_it() -> None:
    got = stated("预算数（万元）：120\n执行数（万元）：108\n执行率：90%")
    assert got == {"budget": "120", "executed": "108", "rate": "90"}, got
    got = stated("预算数（元）：1200000\n执行数（元）：1080000")
    assert got == {"budget": "120", "executed": "108"}, got
    # a count, a year or a percentage after such a label is no amount
    assert stated("资金（万元）：2022年度") == {} and stated("项目数（万元）：3个") == {}


# -- a form copied as label: / value cells; a transfer payment's form title ------------------------------------------

def test_a_forms_money_copied_as_label_colon_value_cells_is_read() -> None:
    text = ("食品监管补助资金区域绩效目标自评表\n\n专项名称\n\n食品监管补助资金\n\n预算执行情况\n\n预算数:\n\n2.38\n\n"
            "执行数:\n\n2.38\n\n20\n\n其中:中央补助\n\n2.38万元\n")
    result = parse_report(text)
    assert result.stated["units"] == {SYNTHETIC_UNIT: {"budget": "2.38", "executed": "2.38"}}
    assert full_names(text) == {SYNTHETIC_UNIT: "食品监管补助资金"}  # 区域绩效目标自评表: the form's own words
    # column titles (no colon) followed by values are a header row, not pairs: nothing is read from them so
    titles = text.replace("预算数:", "预算数").replace("执行数:", "执行数")
    assert "executed" not in parse_report(titles).stated.get("units", {}).get(SYNTHETIC_UNIT, {})
    # a budget written so with no executed amount near it is no form's money part
    alone = text.replace("执行数:\n\n2.38\n\n", "")
    assert parse_report(alone).stated.get("units", {}) == {}


# -- results tables whose cells are separated by tabs or spaces; short numbered result items -------------------------

NOTICE = "某市财政局关于2022年度重点项目绩效评价结果的公告\n"
TWO = {"市交通运输局": {"score": "92.5", "grade": "优"}, "市林业局": {"score": "84", "grade": "良"}}


def test_a_results_table_with_cells_separated_by_tabs_or_spaces_is_read_as_a_table() -> None:
    rows = [["序号", "项目名称", "主管部门", "评价得分", "评价等级"],
            ["1", "农村公路养护项目", "市交通运输局", "92.5", "优"],
            ["2", "城区绿化项目", "市林业局", "84", "良"]]
    for sep in ("\t", " ", "   "):
        text = NOTICE + "".join(sep.join(r) + "\n" for r in rows)
        assert parse_report(text).stated.get("units") == TWO, repr(sep)
    money = ("序号 单位名称 预算数(万元) 执行数(万元) 执行率 得分 等级\n1 市交通运输局 100 90 90% 92.5 优\n"
             "2 市林业局 200 150 75% 84 良\n")
    got = parse_report(NOTICE + money).stated["units"]
    assert got["市林业局"] == {"budget": "200", "executed": "150", "rate": "75", "score": "84", "grade": "良"}, got
    # a row whose name holds a space no longer splits into the header's cells: the table ends before it
    broken = NOTICE + " ".join(rows[0]) + "\n" + " ".join(rows[1]) + "\n2 城区 绿化项目 市林业局 84 良\n"
    assert set(parse_report(broken).stated.get("units", {})) == {"市交通运输局"}
    # a sentence of words is no header: a line of prose stays prose
    prose = NOTICE + "本次 评价 项目 得分 较高\n甲 乙 丙 丁 戊\n"
    assert parse_report(prose).stated.get("units", {}) == {}


def test_short_numbered_result_items_are_each_their_projects_even_when_taken_for_headings() -> None:
    text = NOTICE + "1.农村公路养护项目，评价得分92.5分，等级为优；\n2.城区绿化项目，评价得分84分，等级为良。\n"
    got = parse_report(text).stated["units"]
    assert got == {"农村公路养护项目": {"score": "92.5", "grade": "优"}, "城区绿化项目": {"score": "84", "grade": "良"}}
    # headings without a figure of their own stay headings
    headed = NOTICE + "一、评价结果\n1.农村公路养护项目\n该项目评价得分92.5分，等级为优。\n"
    assert set(parse_report(headed).stated["units"]) <= {"农村公路养护项目", SYNTHETIC_UNIT}


def test_a_发布单位_line_names_the_sites_publisher() -> None:
    # (支付进度 stays no execution rate: test_reporttext_roles keeps a project's payment progress apart)
    text = "2022年度部门整体支出绩效自评报告\n发布单位：甲县农业农村局\n" + FIGURES
    assert ("甲县农业农村局", "网页的发布机构或来源") in parse_report(text).names


def test_预算支出_that_a_budget_arranges_is_the_budget() -> None:
    assert stated("2021年市财政安排该项目预算支出合计25,674.55万元。") == {"budget": "25674.55"}
    # 预算支出 with no arranging is left as it was read (an amount spent under the budget)
    assert stated("2021年该项目预算支出合计300万元。") == {"executed": "300"}


def test_总分值_is_the_scale_never_a_score() -> None:
    assert stated("本次评价指标分四大部分，总分值为100分。") == {}


# -- what the report's sentences say it evaluates; an attachment's title -------------------------------------------

def test_本项目_is_named_by_the_project_the_reports_sentences_put_before_its_evaluation() -> None:
    for opening, want in (
            ("为加强预算绩效管理，我局组织开展了2022年度农村公路养护资金绩效自评。", "农村公路养护资金"),
            ("2022年度农村公路养护项目绩效自评工作已完成，现将自评情况报告如下：", "农村公路养护项目"),
            ("按照要求，现就2022年度农村公路养护项目绩效自评情况报告如下：", "农村公路养护项目"),
            ("我单位2022年度农村公路养护项目绩效自评情况如下：", "农村公路养护项目"),
            ("现将2022年农村公路养护资金使用情况及绩效自评结果报告如下：", "农村公路养护资金"),
            ("（一）项目基本情况。农村公路养护资金主要用于…", "农村公路养护资金"),
            ("一、项目基本情况\n（一）项目概况\n农村公路养护项目是我县的重点民生工程。", "农村公路养护项目")):
        assert full_names(opening + "\n" + FIGURES) == {SYNTHETIC_UNIT: want}, opening
    # the report's own work, or a word that names no one project, names nothing
    for opening in ("为加强预算绩效管理，我局开展了部门整体支出绩效自评。", "现将重点项目绩效评价情况报告如下：",
                    "我局对所有项目开展了绩效自评。", "一、项目基本情况\n（一）项目概况\n项目于2022年3月开工。"):
        assert full_names(opening + "\n" + FIGURES) == {SYNTHETIC_UNIT: ""}, opening


def test_an_attachments_title_line_is_the_reports_title() -> None:
    text = ("附件2:合肥市瑶海区农林水务局2022年度项目支出部门评价报告(共15个).pdf\n"
            "ヽ|.Candy°,116 页 605.868 KB 访问 5422.97下载文档\n" + FIGURES)
    result = parse_report(text)
    assert ("合肥市瑶海区农林水务局", "标题") in result.names
    assert set(result.stated["units"]) == {"合肥市瑶海区农林水务局"}


def test_without_any_other_name_本项目_takes_the_project_its_opening_lines_name_and_the_text_repeats() -> None:
    text = ("一、基本情况\n2022年，我县实施农村公路养护项目，改善群众出行。\n" + FIGURES
            + "三、成效\n农村公路养护项目完成年度目标。\n")
    result = parse_report(text)
    assert full_names(text) == {SYNTHETIC_UNIT: "农村公路养护项目"}
    assert ("农村公路养护项目", "开头几行反复出现的项目") in result.names
    # named once only, or only by the money's source (中央财政资金: nor its piece 央财政资金), it names nothing
    once = "一、基本情况\n2022年，我县实施农村公路养护项目，改善群众出行。\n" + FIGURES
    source = "一、基本情况\n中央财政资金和省级资金共同支持。\n中央财政资金到位。\n" + FIGURES
    assert full_names(once) == {SYNTHETIC_UNIT: ""} and full_names(source) == {SYNTHETIC_UNIT: ""}
    # a title's project comes first
    titled = "2022年度甲县乡村公路养护资金绩效自评报告\n" + text
    assert full_names(titled) == {SYNTHETIC_UNIT: "甲县乡村公路养护资金"}


def test_a_name_read_from_a_sentence_never_starts_inside_the_year() -> None:
    """2023年度乙项目绩效评价报告: the report's sentence names 乙项目, not 度乙项目 (the name may be one character
    before its project word)."""
    result = parse_report("2023年度乙项目绩效评价报告\n一、基本情况\n项目预算资金300万元，实际支出240万元。\n")
    assert all(not name.startswith(("度", "年")) for name, _ in result.names), result.names
    assert full_names("为加强管理，我局开展了2022年度乙资金绩效自评。\n" + FIGURES) == {SYNTHETIC_UNIT: "乙资金"}
