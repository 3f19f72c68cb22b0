"""Issue 24, seventh pass: the noise that stored copies of published reports carry (spam of mirror sites, page
numbers, OCR misreadings …), removed before the parser reads the text while every line keeps its number. Each
mechanism is shown on texts made for the test (synthetic), beside a text where it must not fire
(docs/reporttext.md, "Seventh pass: noise")."""
from __future__ import annotations

from evalcore.reporttext import parse_report, parse_report_file
from evalcore.reporttext.formats import Document, Where
from evalcore.reporttext.noise import clean, clean_text
from evalcore.reporttext.source import read_source


def parsed(text: str):
    return parse_report_file(text.encode("utf-8"), "报告.txt")


def units(text: str) -> dict:
    return parsed(text).stated.get("units", {})


def test_lines_keep_their_number_and_the_text_as_it_came_is_kept() -> None:
    raw = "标题\n下达澳门金沙城中心_欧洲杯足球网-【投注官网平台】资金100万元\n\n末行"
    doc = read_source(raw.encode("utf-8"), "a.txt")
    assert doc.text.count("\n") == raw.count("\n")
    assert doc.original == raw
    assert parsed(raw).original_text == raw
    # a PDF's or web page's place of each line (page, line) is kept as it is: the lines did not move
    pdf = Document(raw.replace("\n\n", "\n—2—\n"), "a.pdf", [Where(1, 1), Where(1, 2), Where(2, 0), Where(2, 1)],
                   kind="pdf")
    cleaned = clean(pdf)
    assert cleaned.where == pdf.where and cleaned.text.split("\n")[2] == "" and cleaned.original == pdf.text
    plain = "标题\n资金100万元"
    assert read_source(plain.encode("utf-8"), "a.txt").original == ""  # nothing removed: nothing kept twice


# -- spam inserted by mirror sites -------------------------------------------------------------------------------

SPAM = "澳门金沙城中心_欧洲杯足球网-【投注官网平台】"
REPORT = ("甲县林业局2022年度项目支出绩效自评报告\n"
          "一、基本情况\n"
          "2022年项目预算资金100万元，实际支出95万元，预算执行率95%。\n"
          "二、自评结论\n"
          "经自评，本项目自评得分92分，评价等级为优。\n")


def test_spam_inserted_in_the_title_and_mid_sentence_is_removed() -> None:
    spammed = (SPAM + REPORT).replace("项目预算资金", "项目预算" + SPAM + "资金").replace(
        "甲县林业局2022", "甲县林业局" + SPAM + ":2022")
    want = {"甲县林业局": {"budget": "100", "executed": "95", "rate": "95", "score": "92", "grade": "优"}}
    assert units(REPORT) == want
    assert units(spammed) == want
    assert parsed(spammed).evaluation.meta.title == "甲县林业局2022年度项目支出绩效自评报告"
    # every figure's line is the line of the text as it came (the spam is still there)
    result = parsed(spammed)
    original = result.original_text.split("\n")
    assert result.original_text == spammed
    for kind, source in result.stated["sources"]["甲县林业局"].items():
        assert source["shown"].rstrip("%分万元") in original[source["line"] - 1], kind
    assert SPAM in original[2] and SPAM not in result.source_text
    assert units(spammed) != parse_report(spammed).stated.get("units", {})  # the raw text reads otherwise


def test_the_spams_name_glued_to_the_words_before_it_is_cut_at_its_betting_word() -> None:
    glued = "四川省林业和草原局澳门金沙城中心_欧洲杯足球网-【投注官网平台】:下达资金"
    assert clean_text(glued) == "四川省林业和草原局下达资金"
    # a spam name without a betting word before its _ is kept rather than cut at a guess (the report's words stay)
    assert clean_text("下达林业局开云体育_华体会官网平台-【官方】444.2万元") == "下达林业局开云体育444.2万元"


def test_a_reports_own_words_are_no_spam() -> None:
    for text in ("| 棋牌活动 | 10 | 9 |", "福利彩票发行中心彩票公益金_项目 50万元", "宁夏福彩APP_升级改版",
                 "体育中心足球场建设项目", "项目编号 ZJ_2022_001", "文件 report_2022_final.pdf"):
        assert clean_text(text) == text


# -- page numbers and page footers of a PDF's text ----------------------------------------------------------------

BROKEN = ("甲县林业局2022年度项目支出绩效自评报告\n"
          "一、基本情况\n"
          "2022年项目预算资金100万元，实际支出{a}\n"
          "{footer}\n"
          "{b}，预算执行率95%，较好地完成了年度目标。\n"
          "二、自评结论\n"
          "经自评，本项目自评得分92分，评价等级为优。\n")
FOOTERS = ("—3—", "- 3 -", "－ 3 －", "第 3 页 共 9 页", "第3页/共9页", "共9页 第3页", "Page 3 of 9")


def test_a_page_footer_that_breaks_a_sentence_is_removed_and_the_sentence_joined() -> None:
    whole = units(BROKEN.format(a="95万元", footer="", b="").replace("\n\n，", "，"))
    assert whole["甲县林业局"]["executed"] == "95"
    for a, b in (("95", "万元"), ("9", "5万元")):  # an amount the page broke from its unit, or a number broken
        for footer in FOOTERS:
            text = BROKEN.format(a=a, footer=footer, b=b)
            assert units(text) == whole, (a, footer)
            if not footer.startswith("Page"):  # the raw text reads no executed amount, or a wrong one (5)
                assert parse_report(text).stated["units"]["甲县林业局"].get("executed") != "95", (a, footer)
    # inside a line, a space stands where the footer was: two numbers stay two
    assert clean_text("年度资金总额 10 第3页共9页 20") == "年度资金总额 10 20"


def test_a_page_number_is_never_the_title() -> None:
    text = "—23—\n（二）项目支出绩效自评结果。\n本年度项目预算资金100万元，实际支出95万元，预算执行率95%。\n"
    assert parse_report(text).evaluation.meta.title == "—23—"  # as the raw text reads
    assert parsed(text).evaluation.meta.title != "—23—"


def test_numbers_and_dashes_that_are_no_page_footer_stay() -> None:
    for text in ("3", "-", "10-20", "第三页", "共3页", "—23—资金", "得分 — 100 — 95", "| — | 23 | — |"):
        assert clean_text(text) == text


# -- OCR misreadings in numbers ----------------------------------------------------------------------------------

OCR = ("甲县林业局2022年度项目支出绩效自评报告\n"
       "一、基本情况\n"
       "2022年项目预算资金{budget}，实际支出{executed}，预算执行率97.20%，较好地完成了年度目标。\n")


def test_ocr_misreadings_in_amounts_are_read_back() -> None:
    want = {"budget": "1234.56", "executed": "1200.00", "rate": "97.20"}
    assert units(OCR.format(budget="1,234.56万元", executed="1,200.00万元"))["甲县林业局"] == want
    for budget, executed in (("1，234.56万元", "1，200.00万元"),  # a full-width comma grouping thousands
                             ("1，234.56万兀", "1，2OO.00万兀"),  # 兀 for 元, O for 0
                             ("1,234.56万兀", "12O0.00 兀")):  # 兀 after a space, an amount in 元
        text = OCR.format(budget=budget, executed=executed)
        got = units(text)["甲县林业局"]
        assert got["budget"] == "1234.56" and got["rate"] == "97.20", budget
        assert parse_report(text).stated["units"]["甲县林业局"].get("budget") != "1234.56", budget  # raw: misread
    assert units(OCR.format(budget="1，234.56万兀", executed="1，2OO.00万兀"))["甲县林业局"] == want


def test_letters_and_commas_that_are_no_misreading_stay() -> None:
    for text in ("突兀", "H2O", "CO2", "PM2.5与臭氧(o3)污染协同控制", "满意度100%o5新建", "10oz", "No.3",
                 "分别为100，200万元", "第1，2，3项", "2，345"):
        assert clean_text(text) == text


# -- a form's executed and rate cells run together after a budget written with its unit -----------------------------

FORM = ("某县项目支出绩效自评表\n"
        "项目名称：乙村饮水工程\n"
        "实施单位：某县水利局\n"
        "项目资金（万元） 全年预算数 全年执行数 执行率\n"
        "{row}\n"
        "其他资金\n")


def test_executed_and_rate_run_together_after_the_budget_are_split_by_arithmetic_and_marked() -> None:
    from evalcore.reporttext.review import doubts

    exact = parse_report(FORM.format(row="年度资金总额：120万元108.0090.00%"))
    assert exact.stated["units"]["某县水利局"] == {"budget": "120", "executed": "108.00", "rate": "90.00"}
    # 47.68 ÷ 50 is 95.36%: the form states 95.00%; the one cut within a point is taken, for a person to confirm
    near = parse_report(FORM.format(row="年度资金总额50万元47.6895.00%"))
    assert near.stated["units"]["某县水利局"] == {"budget": "50", "executed": "47.68", "rate": "95.00"}
    for result in (exact, near):
        assert any("相连的表格单元格" in d for d in doubts(result))


def test_cells_run_together_that_no_cut_explains_are_not_read() -> None:
    for row in ("年度资金总额50万元12.3480%",  # 12.34 ÷ 50 is 24.68%: no cut gives a rate near its amounts
                "年度资金总额50万元47.6890%",  # 47.68 ÷ 50 is 95.36%, not 90%; 4 and 7.6890% is no form's rate
                "年度资金总额50万元，执行47.68万元，执行率95.36%"):  # cells not run together: read as before
        got = parse_report(FORM.format(row=row)).stated["units"].get("某县水利局", {})
        assert got.get("executed") in (None, "47.68") and got.get("rate") in (None, "95.36"), row
    assert "executed" not in parse_report(FORM.format(row="年度资金总额50万元12.3480%")).stated["units"]["某县水利局"]


# -- a document site's notices ----------------------------------------------------------------------------------------

def test_a_document_sites_notices_are_removed_and_the_sentence_its_preview_broke_joined() -> None:
    head = ("《甲县林业局2022年度项目支出绩效自评报告.docx》由会员分享，可在线阅读，更多相关请在某某文库上搜索。\n"
            "资源ID:68000429\n资源大小:13.33KB\n全文页数:2页\n下载积分:15金币\n快捷下载\n会员登录下载\n"
            "- 1、本文档由用户上传，某某文库整理发布，可阅读全部内容。\n")
    text = head + BROKEN.format(a="95", footer="还剩3页未读，继续阅读", b="万元")
    whole = units(BROKEN.format(a="95万元", footer="", b="").replace("\n\n，", "，"))
    assert units(text) == whole
    assert parse_report(text).stated["units"] != whole  # the raw text reads otherwise (its title, the broken amount)
    assert parsed(text).evaluation.meta.title == "甲县林业局2022年度项目支出绩效自评报告"
    for notice in head.split("\n")[:-1]:
        assert clean_text(notice) == "", notice


def test_a_reports_own_lines_about_downloads_and_members_stay() -> None:
    for text in ("来源：甲县林业局", "发布机构：甲县林业局", "下载", "会员", "（三）继续阅读推广活动",
                 "资源共享平台建设资金50万元", "全文共分三个部分", "本项目由用户单位上传资料，经审核后发放补贴。"):
        assert clean_text(text) == text, text


# -- a site's own lines above the title ------------------------------------------------------------------------------

def test_a_sites_column_date_and_empty_labels_are_never_part_of_the_title() -> None:
    report = REPORT.replace("甲县林业局2022年度项目支出绩效自评报告", "2022年度甲县林业局项目支出绩效自评报告")
    for site in ("政府信息公开", "2024年03月19日 星期二 |", "文号 | 浏览量 |", "站群导航", "设为首页"):
        text = site + "\n" + report
        if site != "政府信息公开":  # (a site's section name the title guess itself leaves out since issue 24's twelfth
            # session: tests/unit/test_reporttext_pass12.py)
            assert parse_report(text).evaluation.meta.title != "2022年度甲县林业局项目支出绩效自评报告", site  # raw
        assert parsed(text).evaluation.meta.title == "2022年度甲县林业局项目支出绩效自评报告", site
    assert clean_text("- 浏览量") == clean_text("- 文 号") == clean_text("时效性:") == ""


def test_a_sites_labels_with_their_values_and_a_reports_own_lines_stay() -> None:
    for text in ("发布机构：甲县林业局", "文号 | 甲财〔2022〕3号 |", "索引号: 01526405-X/2024", "（三）信息公开情况",
                 "2024年03月19日", "首页 > 政务公开 > 财政", "政府信息公开工作经费10万元"):
        assert clean_text(text) == text, text


def test_spam_as_an_official_site_and_a_line_of_spam_keywords_are_removed() -> None:
    official = "开云·(中国)官方网站-登录入口"
    spammed = REPORT.replace("项目预算资金", "项目预算" + official + "资金")
    assert units(spammed) == units(REPORT)
    assert official not in parsed(spammed).source_text
    # the brand glued to the report's words is kept rather than cut at a guess
    assert clean_text("下达开云·(中国)官方网站-登录入口2022年资金") == "下达开云2022年资金"
    assert clean_text("华体会(中国)官网-IOS/安卓通用版/手机APP下载:2022年度") == "华体会2022年度"
    assert clean_text("半岛·BOB(中国)官方网站报告") == "半岛报告"
    keywords = "精品水蜜桃久久久久久久,暖暖 免费 高清 日本 在线,最近制服丝袜中文字幕在线,亚洲色婷婷综合开心网"
    assert clean_text(keywords) == ""


def test_a_reports_china_and_its_own_words_are_no_official_site_spam() -> None:
    for text in ("根据(中国)官网信息", "中国官方网站建设项目", "甲县(中国)有限公司", "欧美同学会经费10万元",
                 "组织赴日韩、欧美等地考察，开展成人教育和午夜时段巡逻", "采购国产设备，免费在线培训", "AV设备采购"):
        assert clean_text(text) == text, text


def test_an_executed_cell_that_kept_its_unit_or_a_budget_cell_followed_by_a_space_is_split_too() -> None:
    from evalcore.reporttext.review import doubts

    def read(row: str):
        result = parse_report(FORM.format(row=row))
        return result.stated["units"].get("某县水利局", {}), [d for d in doubts(result) if "相连的表格单元格" in d]

    # the executed cell kept its unit: the cut is known; the amounts give the rate, so no doubt of the split
    assert read("年度资金总额50万元47.68万元95.36%") == ({"budget": "50", "executed": "47.68", "rate": "95.36"}, [])
    got, marked = read("年度资金总额50万元47.68万元95.00%")  # within a point: read, for a person to confirm
    assert got == {"budget": "50", "executed": "47.68", "rate": "95.00"} and marked
    assert read("年度资金总额50万元47.68万元80%")[0] == {"budget": "50"}  # far from the amounts: not read
    # the budget cell followed by a space, then the executed and rate cells run together
    got, marked = read("年度资金总额50 47.6895.36%")
    assert got == {"budget": "50", "executed": "47.68", "rate": "95.36"} and marked
    # cells separated by spaces are read by the form reader as before
    assert read("年度资金总额 50 47.68 95.36%")[0] == {"budget": "50", "executed": "47.68", "rate": "95.36"}
