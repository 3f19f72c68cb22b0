"""scripts/perturb_reports.py: its rewritings keep what a report says, and the parser reads a plain synthetic report
the same in every one of them (the corpus-wide measure is the script's; docs/reporttext.md, "Fourteenth session")."""
from __future__ import annotations

import pytest

from evalcore.reporttext import parse_report
from evalcore.reporttext.source import read_document
from scripts import perturb_reports as pr

REPORT = ("甲县水利局2023年度农村饮水安全工程维修养护项目绩效自评报告\n\n"
          "一、项目基本情况\n\n甲县水利局负责全县农村饮水安全工程的维修养护,项目覆盖全县12个乡镇,受益人口约8.6万人,"
          "年度内完成水源地保护、管网维修和水质检测等工作。\n\n"
          "二、项目资金情况\n\n2023年全年预算安排资金1234.56万元,实际支出1200.00万元,预算执行率为97.20%。\n\n"
          "三、绩效评价结论\n\n经自评,该项目自评得分为95.5分,评价等级为优。\n\n"
          "四、存在的问题\n\n(一)部分工程管护责任落实不到位。\n\n(二)维修资金使用进度偏慢。\n\n"
          "五、改进建议\n\n(一)压实管护责任。\n\n(二)加快资金支出进度。\n")


def _read(data: bytes, name: str) -> tuple:
    text, fname = read_document(data, name)
    ev = parse_report(text, source_name=fname).evaluation
    return ({b.unit: (b.budget, b.executed, b.stated_rate) for b in ev.budget_lines},
            {r.unit: (r.stated_score, r.stated_grade) for r in ev.results}, len(ev.problems), len(ev.recommendations))


def test_wrapping_never_cuts_a_number_and_keeps_table_rows() -> None:
    line = "2023年全年预算安排资金1234.56万元,实际支出1200.00万元,预算执行率为97.20%,项目按期完成全部建设内容。"
    parts = pr.wrap(line).split("\n")
    assert "".join(parts) == line and len(parts) > 1
    assert all(not (a[-1].isdigit() and b[0].isdigit()) for a, b in zip(parts, parts[1:], strict=False))
    row = "| 甲县水利局 | 1234.56 | 1200.00 | 97.20% | 95.5 | 优 | 农村饮水安全工程维修养护项目 |"
    assert pr.wrap(row) == row


@pytest.mark.parametrize("name", sorted(pr.REWRITINGS))
def test_a_plain_report_reads_the_same_in_every_rewriting(name: str) -> None:
    plain = _read(REPORT.encode("utf-8"), "report.txt")
    assert plain[0] and plain[1] and plain[2:] == (2, 2)
    rewritten = pr.REWRITINGS[name](REPORT)
    assert _read(rewritten.encode("utf-8"), "report.txt") == plain


def test_a_plain_report_reads_the_same_as_a_web_page_and_a_docx() -> None:
    plain = _read(REPORT.encode("utf-8"), "report.txt")
    page = pr.to_html(REPORT, pr.page_title(REPORT, "report"))
    assert _read(page.encode("utf-8"), "report.html") == plain
    assert _read(pr.to_docx(REPORT), "report.docx") == plain


def test_the_script_reads_only_fit_texts() -> None:
    from evalcore.reporttext.score import in_part

    texts = pr.fit_texts()
    assert texts and all(in_part(stem, expected, "fit") for stem, _, expected in texts)
