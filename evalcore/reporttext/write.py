"""Write the 结果 text of an evaluation in the seed report's structure, every figure taken from the data.

    # {标题}
    {引言：评价机构对 全称（以下简称“简称”）… 实施的{年度}{项目}实施了绩效评价}
    ## 一、项目基本情况
    ## 二、项目预算资金安排、管理、使用情况      资金总额 / 其中各单位 / 实际执行与执行率
    ## 三、项目的产出成果及效益情况分析          （一）领域 + 一是…二是…
    ## 四、存在的主要问题                       （一）类别 + 一是…二是…
    ## 五、建议                                 （一）类别 + 一是…二是…
    ## 六、评价结论                             得分与等次

The figure sentences are the seed's own patterns, e.g. “2023年信息化建设和运维项目资金总额为14331.38万元。其中：
市数据局3400.06万元；市数据中心10931.32万元。” and “市数据局实际执行项目资金预算2811.47万元，项目预算执行率为82.69%。”
Numbers are formatted half-up to 2 decimals. A rate is the report's stated rate when there is one, else the one computed
from the amounts; a missing figure is left out of the sentence (never “None”), a zero budget says the rate cannot be
computed. Sections with nothing to say are left out and the rest renumbered. The 评价结论 is the stored conclusion when
the scores and grades it states agree with the data, otherwise sentences written from the data.
"""
from __future__ import annotations

import io
import re
from collections.abc import Callable
from decimal import Decimal

from ..budget import execution_rate
from ..findings import cn_number
from ..model import Evaluation
from ..numbers import fmt2
from ..textutil import join_phrase
from .lines import Line
from .numbers_found import GRADE_NORMAL, FigureReader
from .result import SYNTHETIC_UNIT
from .units import Units

_END = "。；;！!？?"

# --- text from the data in markdown -----------------------------------------------------------------------
#
# A markdown viewer must show a unit name, an item or the conclusion exactly as typed: never a link, an image,
# HTML, emphasis, a heading, a list, a table, a formula, an emoji or an autolink. So every character of data text
# that markdown (CommonMark, GitHub's extensions, the common math / emoji / highlight extensions) gives a meaning
# is backslash-escaped, and so is a list or heading marker at the start of a line. Only characters with a meaning
# are escaped, so the figures (“86.98分”, “82.69%”) read as before. The parser (``parse.strip_md``) removes a
# backslash before any ASCII punctuation, as CommonMark does, so ``parse-report`` of this text gives back the data.

_MD_ANYWHERE = re.compile(r"([\\`*_\[\]<>&~|$#:@{}^=!])")
# a list item (- x, + x, 1. x, 1) x), a thematic break or setext underline (---) at the start of a line
_MD_LINE_START = re.compile(r"(?m)^([ \t]*)(?:(-|\+(?=[ \t]|$))|(\d{1,9})([.)])(?=[ \t]|$))")
_MD_WWW = re.compile(r"(?i)(www)\.")


def md_escape(text: str) -> str:
    """Data text for a markdown file: shown literally by a markdown viewer, read back unchanged by the parser."""
    text = _MD_ANYWHERE.sub(r"\\\1", text)
    text = _MD_WWW.sub(r"\1\\.", text)  # a GitHub autolink starts at “www.”
    return _MD_LINE_START.sub(lambda m: m.group(1) + (f"\\{m.group(2)}" if m.group(2)
                                                      else f"{m.group(3)}\\{m.group(4)}"), text)


def _same(text: str) -> str:
    return text


def _amount(value: Decimal) -> str:
    return f"{fmt2(value)}万元"


def _items_paragraph(items: list[str], esc: Callable[[str], str] = _same) -> list[str]:
    """One item: the item. Several: 一是…二是… in one paragraph (the seed's form) when every item ends a sentence;
    otherwise one numbered line each."""
    if len(items) == 1:
        return [esc(items[0])]
    # (an item that starts with a comma or a colon reads as part of its 一是 marker: numbered lines keep it)
    if all(i.strip() and i.strip()[-1] in _END and i[:1] not in "，,：: \u3000" for i in items):
        return ["".join(f"{cn_number(k)}是{esc(text)}" for k, text in enumerate(items, start=1))]
    return [f"{k}．{esc(text)}" for k, text in enumerate(items, start=1)]


def _groups(pairs) -> list[tuple[str, list[str]]]:
    out: dict[int, tuple[str, list[str]]] = {}
    for no, title, text in pairs:
        out.setdefault(no, (title, []))[1].append(text)
    return [out[k] for k in sorted(out)]


def _unit_name(ev: Evaluation, key: str) -> str:
    unit = ev.unit(key)
    return (unit.name or unit.key) if unit else key


Escape = Callable[[str], str]


def _intro(ev: Evaluation, esc: Escape = _same) -> str:
    m = ev.meta
    listed = [u for u in ev.units if u.key != SYNTHETIC_UNIT]
    parts = [f"{esc(u.name)}（以下简称“{esc(u.key)}”）" if u.name and u.name != u.key else esc(u.key)
             for u in listed]
    who = "、".join(parts[:-1]) + "和" + parts[-1] if len(parts) > 1 else (parts[0] if parts else "")
    year = f"{m.year}年度" if m.year else ""
    what = f"{year}{esc(m.project)}" if m.project else f"{year}项目"
    target = f"对{who}实施的{what}" if who else f"对{what}"
    return f"为加强财政支出管理，提高财政资金使用效益，{esc(m.evaluator)}{target}实施了绩效评价。现将评价情况报告如下："


def _budget_sentences(ev: Evaluation, esc: Escape = _same) -> list[str]:
    m = ev.meta
    year = f"{m.year}年" if m.year else ""
    project = esc(m.project) if m.project else "项目"
    sentences = []
    with_budget = [(b.unit, b.budget) for b in ev.budget_lines if b.budget is not None]
    listing = "；".join(f"{esc(unit)}{_amount(budget)}" for unit, budget in with_budget)
    if m.stated_total_budget is not None:
        sentences.append(join_phrase(f"{year}{project}", f"资金总额为{_amount(m.stated_total_budget)}。"))
        if listing:
            sentences.append(f"其中：{listing}。")
    elif len(with_budget) == 1:
        unit, budget = with_budget[0]
        who = "" if unit == SYNTHETIC_UNIT else esc(unit)
        sentences.append(join_phrase(f"{year}{who}{project}", f"预算资金为{_amount(budget)}。"))
    elif with_budget:
        sentences.append(join_phrase(f"{year}{project}", f"各单位预算资金：{listing}。"))
    for b in ev.budget_lines:
        parts = []
        if b.executed is not None:
            parts.append(f"{esc(b.unit)}实际执行项目资金预算{_amount(b.executed)}")
        rate = b.stated_rate
        if rate is None:
            rate = execution_rate(b.budget, b.executed).rate
        lead = "" if parts else esc(b.unit)
        if rate is not None:
            parts.append(f"{lead}项目预算执行率为{fmt2(rate)}%")
        elif b.budget is not None and b.budget == 0:
            parts.append(f"{lead}预算为0，无法计算执行率")
        if parts:
            sentences.append("，".join(parts) + "。")
    if m.stated_total_executed is not None:
        sentences.append(f"合计实际执行项目资金{_amount(m.stated_total_executed)}。")
    return sentences


def _conclusion_agrees(ev: Evaluation) -> bool:
    """Do the scores and grades the stored conclusion states match the data (and is anything stated at all)?"""
    text = ev.meta.conclusion.strip()
    if not text:
        return False
    units = Units()
    for u in ev.units:
        units.define(u.key, u.name)
    reader = FigureReader(units)
    for no, para in enumerate(text.splitlines(), start=1):
        if para.strip():
            reader.paragraph(Line(no, para.strip()))
    results = {r.unit: r for r in ev.results}
    lines = {b.unit: b for b in ev.budget_lines}
    only = {r.unit for r in ev.results} | {b.unit for b in ev.budget_lines}
    seen = set()
    for f in reader.facts:
        if f.kind not in ("score", "grade", "budget", "executed", "rate"):
            continue
        if f.unit is None and len(only) == 1 and not f.breakdown:
            f.unit = next(iter(only))  # as the parser reads it: a report about one unit
        if f.unit is None or f.breakdown:
            return False
        if f.kind == "grade":
            f.value = GRADE_NORMAL.get(str(f.value), f.value)
        if f.kind in ("score", "grade"):
            r = results.get(f.unit)
            data = None if r is None else (r.stated_score if f.kind == "score" else r.stated_grade)
            seen.add((f.unit, f.kind))
        else:
            b = lines.get(f.unit)
            data = None if b is None else {"budget": b.budget, "executed": b.executed, "rate": b.stated_rate}[f.kind]
        if data is None or (f.kind == "grade" and str(data) != str(f.value)) or (
                f.kind != "grade" and Decimal(str(data)) != f.value):
            return False
    wanted = {(r.unit, "score") for r in ev.results if r.stated_score is not None}
    wanted |= {(r.unit, "grade") for r in ev.results if r.stated_grade is not None}
    return wanted == seen and bool(wanted)


def _conclusion(ev: Evaluation, esc: Escape = _same) -> list[str]:
    if _conclusion_agrees(ev):
        return [esc(p.strip()) for p in ev.meta.conclusion.splitlines() if p.strip()]
    m = ev.meta
    year = f"{m.year}年度" if m.year else ""
    project = esc(m.project) if m.project else "项目"
    clauses = []
    scored = [r for r in ev.results if r.stated_score is not None]
    scored_grades = {r.stated_grade for r in scored}
    # the grade every scored unit shares (said once, after the scores), or None
    same_grade = (scored[0].stated_grade or None) if len(scored_grades) == 1 and len(scored) > 1 else None
    for r in ev.results:
        name = esc(_unit_name(ev, r.unit))
        if r.stated_score is not None:
            clause = f"{year}{name}{project}绩效评价得分为{fmt2(r.stated_score)}分"
            if r.stated_grade and not same_grade:
                clause += f"，绩效评价等次为“{esc(r.stated_grade)}”"
        elif r.stated_grade:
            clause = f"{year}{name}{project}绩效评价等次为“{esc(r.stated_grade)}”"
        else:
            continue
        clauses.append(clause)
    if not clauses:
        return [esc(m.conclusion.strip())] if m.conclusion.strip() else []
    text = "，".join(clauses)
    if same_grade:
        text += f"，绩效评价等次均为“{esc(same_grade)}”"
    return [text + "。"]


def _blocks(ev: Evaluation, esc: Escape = _same) -> list[tuple[str, str]]:
    """(kind, text): title, h1 (一、…), h2 (（一）…), p. ``esc`` is applied to every piece of data text."""
    m = ev.meta
    out: list[tuple[str, str]] = [("title", esc(m.title) if m.title else "绩效评价结果"), ("p", _intro(ev, esc))]
    sections: list[tuple[str, list[tuple[str, str]]]] = []
    basics = []
    if m.project:
        basics.append(("p", f"本次评价对象为{m.year or ''}{'年度' if m.year else ''}{esc(m.region)}{esc(m.project)}。"))
    if basics:
        sections.append(("项目基本情况", basics))
    budget = _budget_sentences(ev, esc)
    if budget:
        sections.append(("项目预算资金安排、管理、使用情况", [("p", "".join(budget))]))
    for title, pairs in (
        ("项目的产出成果及效益情况分析", [(a.area_no, a.area, a.text) for a in ev.achievements]),
        ("存在的主要问题", [(p.category_no, p.category, p.text) for p in ev.problems]),
        ("建议", [(r.category_no, r.category, r.text) for r in ev.recommendations]),
    ):
        groups = _groups(pairs)
        if not groups:
            continue
        blocks: list[tuple[str, str]] = []
        for k, (cat, items) in enumerate(groups, start=1):
            blocks.append(("h2", f"（{cn_number(k)}）{esc(cat)}"))
            blocks.extend(("p", p) for p in _items_paragraph(items, esc))
        sections.append((title, blocks))
    conclusion = _conclusion(ev, esc)
    if conclusion:
        sections.append(("评价结论", [("p", p) for p in conclusion]))
    for k, (title, blocks) in enumerate(sections, start=1):
        out.append(("h1", f"{cn_number(k)}、{title}"))
        out.extend(blocks)
    return out


def write_markdown(ev: Evaluation) -> str:
    """The 结果 text as markdown; data text is escaped (:func:`md_escape`) so that a viewer shows it literally."""
    marks = {"title": "# ", "h1": "## ", "h2": "### ", "p": ""}
    # a heading is one line: a line break in a title or a category would end it
    return "\n\n".join(marks[kind] + (text if kind == "p" else " ".join(text.split("\n")))
                       for kind, text in _blocks(ev, md_escape)) + "\n"


# --- .docx ------------------------------------------------------------------------------------------------

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"


def set_fonts(run, east_asian: str) -> None:
    from docx.oxml.ns import qn

    run.font.name = LATIN_FONT
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)


def write_docx(ev: Evaluation) -> bytes:
    """The same text as :func:`write_markdown` as a Word document: Title / Heading 1 / Heading 2 styles and body
    paragraphs, East Asian fonts set on every run (黑体 for headings, 仿宋 for the body, Times New Roman for Latin)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(14)
    level = {"title": 0, "h1": 1, "h2": 2}
    for kind, text in _blocks(ev):
        if kind == "p":
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(28)
            run = paragraph.add_run(text)
            set_fonts(run, BODY_FONT)
            continue
        paragraph = document.add_heading("", level=level[kind])
        run = paragraph.add_run(text)
        run.font.color.rgb = RGBColor(0, 0, 0)
        run.font.size = Pt({0: 20, 1: 16, 2: 15}[level[kind]])
        set_fonts(run, HEADING_FONT)
        if kind == "title":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
