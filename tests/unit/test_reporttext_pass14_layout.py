"""Issue 24, fourteenth session: the same report written another common way reads the same (full-width figures, a
blank line after every row of a table copied with spaces). Found by rewriting fit texts in such ways and comparing
the scores (docs/reporttext.md, "Fourteenth session"); synthetic texts here."""
from __future__ import annotations

from decimal import Decimal

from evalcore.reporttext import parse_report
from evalcore.reporttext.source import read_document


def money(text: str) -> dict[str, tuple]:
    read, name = read_document(text.encode("utf-8"), "page.txt")
    ev = parse_report(read, source_name=name).evaluation
    return {b.unit: (b.budget, b.executed, b.stated_rate) for b in ev.budget_lines}


def results(text: str) -> dict[str, tuple]:
    read, name = read_document(text.encode("utf-8"), "page.txt")
    ev = parse_report(read, source_name=name).evaluation
    return {r.unit: (r.stated_score, r.stated_grade) for r in ev.results}


def test_figures_in_full_width_characters_are_read_as_the_same_figures() -> None:
    half = ("甲县水利局2023年度部门整体支出绩效自评报告\n\n一、预算执行情况\n\n"
            "全年预算1234.56万元，实际支出1200.00万元，预算执行率97.20%。\n\n二、评价结论\n\n自评得分为95.5分，等级为优。\n")
    wide = half.translate(str.maketrans("0123456789.%", "０１２３４５６７８９．％"))
    assert wide != half
    assert money(wide) == money(half) == {"甲县水利局": (Decimal("1234.56"), Decimal("1200.00"), Decimal("97.20"))}
    assert results(wide) == results(half) == {"甲县水利局": (Decimal("95.5"), "优")}
    read, _ = read_document(wide.encode("utf-8"), "page.txt")
    assert len(read) == len(wide)  # one character for one: every figure's place in the line stays where it was


TABLE = ("甲区2023年度绩效自评结果公开汇总表\n"
         "序号 项目名称 项目实施单位 预算数 执行数 执行率\n"
         "1 城乡居民医疗保险补贴 甲区医疗保障局 3543.2 3543.2 100%\n"
         "2 信息设备购置经费 甲区医疗保障局 2.391 2.391 100%\n"
         "3 离休干部医药费项目 甲区医疗保障局 348.064 300 86.19%\n")


def test_a_table_copied_with_spaces_and_a_blank_line_after_every_row_is_one_table() -> None:
    dense = money(TABLE)
    assert len(dense) == 3 and dense["离休干部医药费项目"] == (Decimal("348.064"), Decimal("300"), Decimal("86.19"))
    assert money(TABLE.replace("\n", "\n\n")) == dense
    # a blank line then prose ends the table: the prose's figures are no row
    after = TABLE.replace("\n", "\n\n") + "\n说明：以上数据来自部门决算，共计3893.655万元。\n"
    assert money(after) == dense


FLAT = ("2022年度地方政府专项债券项目资金绩效评价情况表\n序号\n项目单位\n项目名称\n发行金额(亿元)\n评价结果\n备注\n"
        "1\n甲市教育基建中心\n甲市第二职业学校迁建工程\n1.9\n优\n\n2\n甲市水务集团\n甲市供水管网工程\n0.8\n良\n\n")


def test_tables_in_full_width_figures_are_read_as_the_same_tables() -> None:
    wide = TABLE.translate(str.maketrans("0123456789.%", "０１２３４５６７８９．％"))
    assert money(wide) == money(TABLE) and len(money(TABLE)) == 3
    flat_wide = FLAT.translate(str.maketrans("0123456789.%", "０１２３４５６７８９．％"))
    assert sorted(g for _, g in results(FLAT).values()) == ["优", "良"]
    assert results(flat_wide) == results(FLAT)  # a table flattened one cell a line, its row numbers full-width


def _wrap(text: str, width: int = 36) -> str:
    """Prose lines cut every ``width`` characters (never inside a number), as a PDF's text layer gives them."""
    out = []
    for line in text.split("\n"):
        cur = ""
        for ch in line:
            cur += ch
            if len(cur) >= width and not ch.isdigit() and ch not in ".,":
                out.append(cur)
                cur = ""
        out.append(cur)
    return "\n".join(out)


LISTED = ("甲县2021年10个重点项目绩效评价报告公开\n\n"
          "按照有关文件要求,我县选择10个2021年县级重点项目,委托第三方机构开展了重点项目绩效评价,经县人民政府审定,现按规定予以公开:\n\n"
          "1、甲乡南村农田道路建设项目,铺建砂石路11公里、修建4个桥涵以及配套设施、新建林间道路450平方米及相关配套实施。"
          "2021年下达财政专项扶贫资金197万元,截止到2021年12月31日,实际已支付186.98万元,支付完成率为94.91%。"
          "第三方机构最终绩效评价总得分为91.8分,评价等级为优秀。\n\n"
          "2、甲乡北村旅游扶贫交易市场建设项目,新建30平方米管理用房一座,场地硬化3000平方米。2021年度下达财政专项扶贫资金108万元,"
          "截至2021年12月31日,实际已支付101.59万元,支付完成率为94.06%。第三方机构最终绩效评价总得分为90.76分,评价等级为优秀。\n")


def test_a_text_hard_wrapped_at_a_fixed_width_reads_as_the_text_written_a_paragraph_a_line() -> None:
    assert len(results(LISTED)) == 2 and len(money(LISTED)) == 2
    wrapped = _wrap(LISTED)
    assert wrapped.count("\n") >= LISTED.count("\n") + 8  # numbered paragraphs cut into lines of 36 characters
    assert results(wrapped) == results(LISTED)
    assert money(wrapped) == money(LISTED)
    # a line cut at the width before a short rest that would pass for a title (…现将2024年 / 度绩效情况报告如下:)
    whole = ("甲镇人民政府2024年度绩效自评报告\n\n根据上级财政部门关于年度绩效自评工作的通知要求,"
             "我镇迅速成立自评工作小组,明确分工、核查资料、分析成效,全面开展绩效自评工作,现将2024年度绩效情况报告如下:\n\n一、单位基本情况\n\n"
             "甲镇人民政府为县级政府下属行政单位,执行政府会计准则制度,机构核定编制107人,无下属二级预算单位。\n\n"
             "二、收支与绩效目标\n\n2024年度财政拨款收入合计2024.05万元(均为一般公共预算收入),财政拨款支出合计2024.05万元,"
             "预算执行率100%。核心绩效目标:资金支出率≥98%、支出及时率≥97%,圆满完成年度重点任务,提升群众满意度。\n")
    assert money(_wrap(whole)) == money(whole) != {}


REPORT = ("甲县江池镇人民政府2023年度绩效自评报告\n\n一、基本情况\n\n"
          "全年预算3587.78万元,实际支出3400.00万元,预算执行率94.76%。\n\n"
          "二、存在的问题\n\n(一)预算编制不够精准。\n\n三、改进建议\n\n(一)提高预算编制质量。\n")
FIELDS = [("索引号", "11500230008689586D/2024-00016"), ("发文字号", ""), ("主题分类", "财政"), ("体裁分类", "其他"),
          ("发布机构", "甲县江池镇人民政府"), ("有效性", ""), ("成文日期", "2024-04-15"), ("发布日期", "2024-04-24")]
META = ("您当前所在位置:首页>甲县江池镇人民政府>政务公开>法定主动公开内容\n\n"
        + "".join(f"[ {k} ] {v}\n" for k, v in FIELDS) * 2)
NAV = ("首页 > 信息公开 > 财政信息 > 绩效管理\n发布时间：2023-06-26 09:34  来源：本站  浏览次数：128\n"
       "【字体：大 中 小】 打印本页 关闭窗口\n\n")
FOOTER = ("\n\n【打印本页】【关闭窗口】\n主办单位：甲县人民政府办公室  版权所有\n"
          "网站标识码：5002300001  备案号：渝ICP备12345678号\n联系我们 | 网站地图\n")


def test_a_long_metadata_block_above_the_title_and_a_sites_footer_below_change_nothing() -> None:
    def read(text: str) -> tuple:
        doc, name = read_document(text.encode("utf-8"), "page.txt")
        ev = parse_report(doc, source_name=name).evaluation
        return (ev.meta.title, {b.unit: (b.budget, b.executed) for b in ev.budget_lines}, len(ev.problems),
                len(ev.recommendations))

    plain = read(REPORT)
    assert plain == ("甲县江池镇人民政府2023年度绩效自评报告",
                     {"甲县江池镇人民政府": (Decimal("3587.78"), Decimal("3400.00"))}, 1, 1)
    assert read(NAV + META + "\n" + REPORT) == plain  # the title is found below 20 lines of the site's block
    assert read(REPORT + FOOTER) == plain  # the footer is no more recommendations


def test_a_table_copied_with_spaces_that_runs_over_a_page_break_is_one_table() -> None:
    rows = TABLE.split("\n")
    broken = "\n".join([*rows[:3], "", "— 2 —", "", *rows[3:]])  # a PDF's page number between two rows
    assert money(broken) == money(TABLE) and len(money(TABLE)) == 3
    # a second table with a header of its own after a blank line is not read as rows of the first
    second = TABLE + "\n序号 项目名称 项目实施单位 预算数 执行数 执行率\n1 乙项目 乙局 10 10 100%\n"
    assert "项目名称" not in money(second)


def test_a_tables_only_filled_cell_holding_paragraphs_is_read_as_prose() -> None:
    page = ("<html><body><h1>甲市2021年污水处理费项目绩效评价报告</h1><table>"
            "<tr><td>项目名称</td></tr><tr><td>甲市2021年污水处理费项目</td></tr>"
            "<tr><td>项目基本情况</td></tr><tr><td>项目背景:污水处理是攸关千家万户的民生问题,与经济社会发展密切相关。"
            "2021年甲市财政安排污水处理费项目预算支出合计25,674.55万元,资金主要用于支付各污水处理公司的污水处理服务费。</td></tr>"
            "</table></body></html>")
    read, name = read_document(page.encode("utf-8"), "page.html")
    ev = parse_report(read, source_name=name).evaluation
    assert [(b.budget, b.executed) for b in ev.budget_lines] == [(Decimal("25674.55"), None)]
    assert "| 项目名称 |" in read  # (the page's rows as the reader writes them; a short cell alone is still a cell)


def test_a_pdfs_lines_that_reach_the_right_edge_join_into_their_paragraph() -> None:
    from evalcore.reporttext.formats import Where, pdf_paragraphs

    def line(no: int, text: str, x1: float, indent: float = 0) -> tuple:
        top = 100 + no * 14
        return ({"x0": 50 + indent, "x1": x1, "top": top, "bottom": top + 10}, text, Where(page=1, line=no))

    full = 50 + 36 * 10  # 36 characters of 10 points
    lines = [line(1, "1、甲乡南村农田道路建设项目,铺建砂石路11公里、修建4个桥涵以及配套设施。", full),
             line(2, "2021年下达财政专项扶贫资金197万元,实际已支付186.98万元,支付完成率为", full),
             line(3, "94.91%。", 50 + 8 * 10),
             line(4, "2、甲乡北村旅游扶贫交易市场建设项目,新建30平方米管理用房一座,场地硬化3", full),
             line(5, "000平方米。", 50 + 10 * 10)]
    joined = pdf_paragraphs(lines, [])
    assert [t for _, t, _ in joined] == [
        "1、甲乡南村农田道路建设项目,铺建砂石路11公里、修建4个桥涵以及配套设施。2021年下达财政专项扶贫资金197万元,"
        "实际已支付186.98万元,支付完成率为94.91%。",
        "2、甲乡北村旅游扶贫交易市场建设项目,新建30平方米管理用房一座,场地硬化3000平方米。"]
    assert [w.line for _, _, w in joined] == [1, 4]  # a paragraph keeps the place of its first line
    # a table between two lines, or a line far below, keeps them apart
    assert len(pdf_paragraphs(lines[:2], [(50, 125, 400, 127)])) == 2
    far = [lines[0], ({**lines[1][0], "top": 300, "bottom": 310}, lines[1][1], lines[1][2])]
    assert len(pdf_paragraphs(far, [])) == 2


def test_a_pdf_grids_empty_columns_right_of_a_short_row_are_no_cells() -> None:
    from evalcore.reporttext.formats import pdf_row

    assert pdf_row(["387664.62", "387664.62", "10", "100%", "10", "其中:当年财政\n拨款", None, "", None]) == [
        "387664.62", "387664.62", "10", "100%", "10", "其中:当年财政拨款"]
    assert pdf_row(["项目", None, "96", ""]) == ["项目", "", "96"]  # an empty cell inside the row stays
    assert pdf_row([None, None]) == [""]


def test_a_sites_name_above_its_breadcrumb_is_no_first_line_of_the_title() -> None:
    head = "jbo竞博官网\njbo竞博官网 > 信息公开 > 财政信息 > 工作绩效工作管理\n甲县林业局2021年度专项支出绩效自评报告\n"
    body = "我局2021年度专项支出绩效自评98分。现将具体情况报告如下:\n一、项目基本情况\n甲县林业局为正科级单位。\n"

    def title(text: str) -> str:
        read, name = read_document(text.encode("utf-8"), "page.txt")
        return parse_report(read, source_name=name).evaluation.meta.title

    assert title(head + body) == "甲县林业局2021年度专项支出绩效自评报告"
    # a title broken over two lines with nothing between them is still joined
    two = "甲县林业局2021年度\n专项支出绩效自评报告\n" + body
    assert title(two) == "甲县林业局2021年度专项支出绩效自评报告"


def test_only_a_line_cut_at_the_wrapping_width_goes_on_in_the_next() -> None:
    from evalcore.reporttext.lines import read_lines

    cut = "甲县农业农村局组织开展了年度项目支出绩效自评工作现将自评情况报告如下"  # 34 characters, no punctuation
    filler = [f"第{k}段的内容写满了一整行文字而没有在行末结束句子所以它的下一行接续它" for k in range(6)]
    text = "\n".join([cut[:34], "余下的话", "专项资金管理使用情况", *filler, "结尾。"])
    lines = [ln.text for ln in read_lines(text)]
    assert lines[0] == cut[:34] + "余下的话"  # the cut line goes on in its rest …
    assert lines[1] == "专项资金管理使用情况"  # … but the rest, a short line, does not swallow the next line


def test_a_long_line_of_a_sites_words_that_ends_otherwise_is_read_at_once() -> None:
    """A pattern repeating a group with optional spaces on both sides took exponential time on such a line (40
    words: hours); read as words between separators it is immediate. The bound below is for "finishes at all", not
    a speed target."""
    import threading

    from evalcore.reporttext.noise import clean_text

    lines = [("打印  " * 40) + "x", ("首页   " * 40) + "x", ("索引号   " * 40) + "x"]
    out: list[str] = []
    worker = threading.Thread(target=lambda: out.append(clean_text("\n".join(lines))), daemon=True)
    worker.start()
    worker.join(60)
    assert out == ["\n".join(lines)]  # finished, and such a line is kept: it is not only the site's words
    assert clean_text("无障碍浏览 长者模式\n【打印本页】【关闭窗口】\n文 号 | 浏览量 |\n首页政务公开") == "\n\n\n"
