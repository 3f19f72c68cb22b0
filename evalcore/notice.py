"""整改通知书 (issue 25): the notice a finance bureau sends one evaluated unit, as a .docx in the usual official
layout: the title, a 文号 placeholder (the bureau fills in its number), the addressee, what the evaluation found,
the unit's 整改 items with their deadlines and status, what to do and by when, and the signature block (the
bureau, its seal, the date left for the bureau to fill in).

Pure: an :class:`~evalcore.model.Evaluation` in, bytes out (python-docx). Fonts: 方正小标宋/黑体 for the title, 仿宋
for the body, Times New Roman for Latin (set on every run, East Asian included). Nothing invented: the bureau's
name, the 文号 and the date are blanks for the bureau, never made up.
"""
from __future__ import annotations

import datetime as dt
import io

from .matching import normalise
from .model import Evaluation, RectificationItem, Unit
from .reporttext.write import BODY_FONT, HEADING_FONT, set_fonts

DOC_NUMBER_PLACEHOLDER = "〔　　　　〕　　号"


def find_unit(ev: Evaluation, name: str) -> Unit | None:
    """The unit of the evaluation named ``name`` (its 简称 or 全称, compared normalised)."""
    wanted = normalise(name)
    return next((u for u in ev.units if wanted and wanted in (normalise(u.key), normalise(u.name))), None)


def unit_items(ev: Evaluation, unit: Unit) -> list[RectificationItem]:
    return [it for it in ev.rectification if it.unit == unit.key]


def notice_docx(ev: Evaluation, unit: Unit, *, as_of: dt.date | None = None) -> bytes:
    """The 整改通知书 for ``unit`` of ``ev``: every 整改 item of the unit, open ones first marked."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    items = unit_items(ev, unit)
    closed = ev.meta.closed_statuses
    document = docx.Document()
    document.styles["Normal"].font.size = Pt(14)

    def para(text: str, *, font: str = BODY_FONT, size: float = 14, bold: bool = False, align=None,
             indent: bool = False):
        p = document.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(28)
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
        set_fonts(run, font)
        return p

    para("整改通知书", font=HEADING_FONT, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(DOC_NUMBER_PLACEHOLDER, align=WD_ALIGN_PARAGRAPH.CENTER)
    full = unit.name or unit.key
    para(f"{full}：")
    title = ev.meta.title or "绩效评价"
    para(f"根据《{title}》，你单位在预算资金使用和项目管理中存在的问题需要整改。现将整改事项通知如下，"
         "请按期完成整改，并在整改期限内通过 EvalBoard 绩效评价看板“我的整改”页报送整改情况和佐证材料。",
         indent=True)
    para("一、整改事项", font=HEADING_FONT)
    problems = {p.id: p.text for p in ev.problems}
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("序号", "存在的问题", "整改事项", "整改期限", "当前状态"), strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        set_fonts(run, HEADING_FONT)
    for n, it in enumerate(items, start=1):
        status = it.status + ("" if it.status in closed else "（待整改）")
        values = (str(n), problems.get(it.problem or "", ""), it.task,
                  it.deadline.isoformat() if it.deadline else "未规定", status)
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(text)
            run.font.size = Pt(11)
            set_fonts(run, BODY_FONT)
    if not items:
        para("（本次评价没有列出你单位的整改事项。）", indent=True)
    open_items = [it for it in items if it.status not in closed]
    dated = sorted(it.deadline for it in open_items if it.deadline)
    para("二、整改要求", font=HEADING_FONT)
    para("（一）逐项制定整改措施，明确责任人和完成时限，按期完成整改。", indent=True)
    para("（二）整改完成后，报送整改情况说明及佐证材料（制度文件、合同、支付凭证等），经财政部门审核销号。",
         indent=True)
    if dated:
        para(f"（三）尚未完成的 {len(open_items)} 项整改事项，最迟应于 {dated[-1].isoformat()} 前完成；"
             f"最早的一项整改期限为 {dated[0].isoformat()}。", indent=True)
    if as_of is not None:
        para(f"（以上状态截至 {as_of.isoformat()}。）", size=12, indent=True)
    para("")
    para("（财政部门名称并盖章）", align=WD_ALIGN_PARAGRAPH.RIGHT)
    para("　　年　　月　　日", align=WD_ALIGN_PARAGRAPH.RIGHT)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
