"""Issue 24: a report about one project or fund that names no organisation of its own still names the project in its
title. Its figures stay with 本项目 (a doubt a person settles), but 本项目's full name is the title's project, with
its regions and without its years or the report's own words, so that the review, the workbook and the portfolio
know which project it is. Every text here is made for the test (synthetic), in the shapes published titles take."""
from __future__ import annotations

from evalcore.reporttext import parse_report
from evalcore.reporttext.meta import title_parts, title_unit
from evalcore.reporttext.result import SYNTHETIC_UNIT
from evalcore.reporttext.review import doubts, figure_rows, subject_choices
from evalcore.reporttext.units import ORG_BAD

FIGURES = "一、基本情况\n项目预算1000万元，实际支出900万元，预算执行率90%。\n二、自评结论\n自评得分92分，等级为优。\n"


def full_names(text: str) -> dict[str, str]:
    return {u.key: u.name for u in parse_report(text).evaluation.units}


def test_the_titles_project_without_years_file_suffix_or_the_reports_words() -> None:
    for title, want in (
            ("江西省省级公共文化专项资金和省级体彩公益金专项转移支付2021年度绩效自评报告.docx",
             "江西省省级公共文化专项资金和省级体彩公益金专项转移支付"),
            ("2022年度湖南省安全生产预防及应急专项资金绩效自评报告", "湖南省安全生产预防及应急专项资金"),
            ("昌都市卡若区2022年度社会福利机构运行及人员经费项目绩效评价报告",
             "昌都市卡若区社会福利机构运行及人员经费项目"),
            ("旌德县2020年农村电商提质增效工程绩效评价自评报告", "旌德县农村电商提质增效工程"),
            ("镜湖区残联中央转移支付2023年度绩效自评报告(残疾人事业发展补助资金)", "残疾人事业发展补助资金"),
            ("某县2018-2020年度农村公路建设项目绩效评价报告", "某县农村公路建设项目")):
        assert title_unit(title) == want, title


def test_a_title_that_names_no_project_gives_no_name() -> None:
    for title in ("绩效自评报告", "2022年度绩效评价结果公示", "某县人民政府关于绩效管理工作的通知",
                  "红河州数据发展中心2024年度项目支出绩效单位自评报告",
                  "某县农业农村局2022年度部门整体支出绩效自评报告"):
        assert title_unit(title) == "", title


def test_title_parts_project_drops_inner_years_and_a_second_region() -> None:
    assert title_parts("2023年度长沙市信息化建设和运维项目绩效评价结果") == (2023, "长沙市", "信息化建设和运维项目")
    assert title_parts("昌都市卡若区2022年度社会福利机构运行及人员经费项目绩效评价报告") == (
        2022, "昌都市", "社会福利机构运行及人员经费项目")
    assert title_parts("城乡义务教育补助经费转移支付2023年度绩效自评报告")[2] == "城乡义务教育补助经费转移支付"


def test_figures_given_to_the_project_carry_the_titles_name_and_stay_a_doubt() -> None:
    result = parse_report("2022年度湖南省安全生产预防及应急专项资金绩效自评报告\n" + FIGURES)
    assert set(result.stated["units"]) == {SYNTHETIC_UNIT}
    assert full_names("2022年度湖南省安全生产预防及应急专项资金绩效自评报告\n" + FIGURES) == {
        SYNTHETIC_UNIT: "湖南省安全生产预防及应急专项资金"}
    assert any("全称取自报告标题：湖南省安全生产预防及应急专项资金" in n for n in result.notes)
    assert doubts(result), "figures given to 本项目 are still for a person to confirm"
    assert all("（报告标题所述项目为“湖南省安全生产预防及应急专项资金”）" in r.uncertain for r in figure_rows(result))


def test_an_organisation_the_title_opens_with_is_still_the_unit() -> None:
    assert full_names("某县农业农村局2022年度耕地地力保护补贴资金绩效自评报告\n" + FIGURES) == {"某县农业农村局": ""}


def test_without_a_project_in_the_title_本项目_has_no_full_name() -> None:
    assert full_names("绩效自评报告\n" + FIGURES) == {SYNTHETIC_UNIT: ""}


def test_a_clause_with_我区_or_opening_with_由_is_no_organisation() -> None:
    text = ("一、绩效目标分解下达情况\n"
            "全年预算1000万元由我区糖业发展办公室统筹安排，实际支出900万元，预算执行率90%。\n")
    assert "由我区糖业发展办公室" not in full_names(text)
    named = "一、绩效目标分解下达情况\n广西糖业发展办公室全年预算1000万元，实际支出900万元，预算执行率90%。\n"
    assert "广西糖业发展办公室" in full_names(named)


def test_a_duty_in_a_list_of_functions_is_no_organisation() -> None:
    text = ("2024年度部门整体支出绩效自评报告\n一、部门、单位基本情况\n职能职责:\n7、负责与社会各界妇女的联络。\n"
            "8、承办区委、区政府交办的其他事项。\n二、一般公共预算支出情况\n"
            "2024年部门预算财政安排公共财政拨款资金共157.71万元,实际支出157.71万元。\n")
    assert not any(k.startswith("承办") for k in full_names(text))


def test_without_a_project_in_the_title_本项目_is_named_by_the_reports_项目名称() -> None:
    text = "绩效自评报告\n一、项目基本情况\n项目名称：甲县农村公路养护工程。项目预算资金300万元，实际支出240万元。\n"
    assert full_names(text) == {SYNTHETIC_UNIT: "甲县农村公路养护工程"}
    titled = "2022年度乙县饮水安全工程绩效自评报告\n" + text.split("\n", 1)[1]
    assert full_names(titled) == {SYNTHETIC_UNIT: "乙县饮水安全工程"}, "the title comes first"
    unnamed = "绩效自评报告\n一、项目基本情况\n项目名称：无。项目预算资金300万元，实际支出240万元。\n"
    assert full_names(unnamed) == {SYNTHETIC_UNIT: ""}


def test_a_transfer_payment_or_a_county_match_named_in_the_title_is_a_project() -> None:
    for title, want in (
            ("无为市危房改造转移支付2022年度绩效自评报告", "无为市危房改造转移支付"),
            ("建档立卡个人缴费县级配套绩效自评表.xlsx", "建档立卡个人缴费县级配套"),
            ("某县2023年度农机购置与应用奖补绩效自评报告", "某县农机购置与应用奖补")):
        assert title_unit(title) == want, title
    assert full_names("无为市危房改造转移支付2022年度绩效自评报告\n" + FIGURES) == {
        SYNTHETIC_UNIT: "无为市危房改造转移支付"}


def test_the_unit_the_report_states_takes_its_unattached_figures_before_another_organisation_it_mentions() -> None:
    # the title names the report's own unit; the body names the unit that carried the work out, without a figure:
    # the figures no sentence gives a unit are the report's own unit's, not the other organisation's
    body = ("\n一、基本情况\n项目实施单位为某县供水服务中心。\n项目预算1000万元，实际支出900万元，预算执行率90%。\n"
            "二、自评结论\n自评得分92分，等级为优。\n")
    for head, where in (("某县水利局2022年度农村饮水安全工程项目绩效自评报告", "标题"),
                        ("农村饮水安全工程项目绩效自评报告\n单位名称：某县水利局", "“单位名称”一行")):
        result = parse_report(head + body)
        assert set(result.stated["units"]) == {"某县水利局"}, head
        assert any(f"报告只点名了一个单位（某县水利局（取自{where}））" in n for n in result.notes), head
    # a figure a sentence gives the other organisation keeps it the report's one unit, as before
    keyed = parse_report("某县水利局2022年度农村饮水安全工程项目绩效自评报告" + body.replace(
        "项目实施单位为某县供水服务中心。", "项目实施单位为某县供水服务中心。某县供水服务中心预算执行率90%。"))
    assert set(keyed.stated["units"]) == {"某县供水服务中心"}
    # with no unit of its own stated, the one organisation the text names still takes the figures, as before
    assert set(parse_report("绩效自评报告" + body).stated["units"]) == {"某县供水服务中心"}


def test_the_reports_words_cut_the_project_wherever_they_stand_and_an_organisation_before_关于_is_no_project() -> None:
    for title, want in (
            ("镜湖区残联中央转移支付2023年度绩效自评报告(残疾人事业", "镜湖区残联中央转移支付"),  # a PDF line cut
            ("兰考县2016年“全面改薄”建设项目事后绩效评价良好", "兰考县“全面改薄”建设项目"),  # a news title's verdict
            ("关于2022年度某县农村公路养护项目绩效自评情况的报告", "某县农村公路养护项目"),
            ("某县水利局关于2022年度农村饮水安全工程项目绩效自评的报告", "农村饮水安全工程项目"),
            ("某县财政局关于2022年度项目支出绩效自评工作的报告", ""),
            ("某县财政支出政策绩效评价报告", "")):  # a form's own title
        assert title_unit(title) == want, title


def test_without_a_project_in_the_title_本项目_is_named_by_what_the_reports_sentences_say_it_evaluates() -> None:
    for sentence, want in (
            ("现将巩义市2023年度衔接资金绩效自评情况报告如下：", "巩义市衔接资金"),
            ("为加强预算绩效管理，市人社局对2022年度城乡居保市级补贴使用情况开展了财政绩效评价工作。",
             "城乡居保市级补贴"),
            ("本次评价对象为某县2022年度农村公路养护工程，评价范围为…", "某县农村公路养护工程")):
        text = "绩效自评报告\n" + sentence + "\n" + FIGURES
        assert full_names(text) == {SYNTHETIC_UNIT: want}, sentence
        assert (want, "正文所述评价对象") in parse_report(text).names
    # a sentence about the report's own work, or one naming no project or fund, names nothing
    for sentence in ("现将我局2022年度绩效自评情况报告如下：", "现将绩效自评情况报告如下：",
                     "局党组对此次绩效评价高度重视。"):
        assert full_names("绩效自评报告\n" + sentence + "\n" + FIGURES) == {SYNTHETIC_UNIT: ""}, sentence
    # the title's project comes first
    both = "2022年度甲县乡村公路养护资金绩效自评报告\n现将乙县衔接资金绩效自评情况报告如下：\n"
    assert full_names(both + FIGURES) == {SYNTHETIC_UNIT: "甲县乡村公路养护资金"}


def test_a_place_or_facility_a_project_builds_is_no_organisation() -> None:
    # 农村厕所 ends in 所 as 派出所 does, but a title opening with it names what the project builds, not who spends
    text = "农村厕所改造项目绩效评价报告\n一、基本情况\n项目预算资金850万元，全年执行数850万元，执行率100%。\n"
    assert full_names(text) == {SYNTHETIC_UNIT: "农村厕所改造项目"}
    for name in ("某县公共场所", "某镇充电站", "某县城区加油站点"):
        assert ORG_BAD.search(name), name
    for name in ("某县公安局城关派出所", "某县农业技术推广站", "某县环境监测站", "某县疾病预防控制所"):
        assert not ORG_BAD.search(name), name


def test_a_sites_publisher_the_report_does_not_name_is_offered_to_the_review_never_taken_as_the_unit() -> None:
    body = "\n一、基本情况\n我局项目预算资金300万元，实际支出240万元，执行率80%。\n"
    text = "2024年度转移支付衔接资金绩效自评报告\n发布时间:2025-03-12 信息来源:某区农业农村水利局" + body
    result = parse_report(text)
    assert set(result.stated["units"]) == {SYNTHETIC_UNIT}  # 我局 is no name: the publisher may be the one above
    assert ("某区农业农村水利局", "网页的发布机构或来源") in subject_choices(result)
