"""Parse a published 绩效评价结果 text into an :class:`~evalcore.model.Evaluation`.

What it reads, and the rules it follows (documented here because the user sees the results as data):

Structure
    The text is read line by line. Markdown heading marks (``#``…) and bold markers (``**``) only say "this line is a
    heading"; the hierarchy comes from the numbering, because real documents mix heading levels freely. Sections are
    the lines numbered in the style of the first section-like heading (usually 一、), or unnumbered headings when the
    document numbers none. A section is classified by its title: 问题 → problems, 建议/对策 → recommendations,
    成效/成果/效益 → achievements, 结论/评价结果 → conclusion, anything else → information (figures are read there).
    Inside a problems / recommendations / achievements section, the first numbering style met (（一）, 1., 1、, （1）,
    ①, or unnumbered headings) marks the categories; a deeper numbering, 一是…二是… inside a paragraph, or （1）…（2）…
    inside a paragraph marks the items; a paragraph without markers is one item. A numbered line "（一）标题。正文"
    whose first sentence is short is a category with its title and body on one line. When no category has a body, the
    numbered lines are the items of a single category named after the section.

    Item text is kept verbatim: only the numbering, the 一是 marker and markdown markers are removed, and a sentence
    broken across lines (a page break: "…项\\n\\n目预算执行率…") is joined.

Figures
    Budgets, executed amounts, execution rates (预算执行率 / 资金执行率 / 执行率 / 支付率 / 支出率), scores and grades
    are read from the sentences outside the problems / recommendations / achievements sections, and from tables. Each
    figure belongs to the unit named nearest before it in the sentence (or, failing that, the unit the paragraph is
    about); "分别为" lists are matched to the units listed in order; "均为" grades go to every unit scored in the
    sentence. A figure with no unit is a total (资金总额 …) when other units have figures, and the figure of the only
    unit (or of "本项目" when no unit is named) otherwise. Amounts in 元 or 亿元 are converted to 万元 (a note says so).
    PDF text: a page number left at the start of a continued line is dropped, and “.” ends a sentence.
    Nothing is derived: a budget missing from the text stays missing even when executed and rate are given.

Units
    "全称（以下简称“简称”）" defines a unit (key = 简称 as written, name = 全称). An organisation named as the
    subject of a figure without a definition becomes a unit keyed by the name as written; a region-prefixed form of a
    known 简称 (长沙市数据局 for 市数据局) is the same unit. The finance bureau and the evaluator are not units.
    The unit the report states it is about (the organisation opening its title, a 部门名称 line, the site's 发布机构
    when the report writes that name: :func:`.meta.own_unit`) takes the figures the text gives no unit, before
    "本项目"; with it, an organisation opening a clause of running text makes no new unit.

Recommendations → problems
    Recommendation category n answers problem category n (answers=("Pn",)) only when both sections have the same
    number of categories and every pair of titles shares a content word (two characters); the seed's six pairs do.
    Otherwise no links are made and a note says why.

Never invent
    A figure is taken only when its words make its meaning clear. 总投资 / 投资 is not a budget; 到位 / 拨付 / 下达 /
    申请 / 发行 amounts are not budget or spending (a 下达 amount is the budget only when the text writes it as one:
    下达…预算 in its sentence, or the sentence's executed amount over it is the 预算执行率 the sentence states;
    :mod:`.roles`); 其中 / 包括 / 用于 lists are components; 涉及… and sentences
    about N个项目 give sums, never one unit's figure; a percentage or score after 未达到 / ≥ / 目标值 or before 的需 /
    以上 is a target or a form instruction; N个项目评为优 is a distribution. A result that makes no sense (a rate above
    150%, executed above 150% of the budget) is dropped with a warning quoting its sentence (``ParseResult.warnings``).
    A paragraph 无。/ 暂无 / 未发现问题 is zero items; a form's instruction ((200字以内)) is no item.

Self-evaluation forms and flattened tables (see :mod:`.forms`)
    项目支出 / 部门整体支出绩效自评表 flattened one cell per line, with ``|`` or on one line: the 年度资金总额 row
    gives budget (全年 / 调整后 before 年初), executed and rate, 实施单位 the unit, the 存在问题 / 改进措施 cells the
    findings; such a text's money sentences and section-like column titles are not read. A results table whose 单位
    column is the same on every row is read by its 项目名称 column; a one-row table without a 单位 column is about the
    evaluated body; a table written one cell per line (序号, …, 1, …, 2, …) is rebuilt into rows.

Provenance
    Every figure keeps its line and the sentence or cells it was read from (``stated["sources"]``), every item its line
    (``stated["finding_sources"]``); :mod:`.provenance` turns them into the ``--json`` output and the spans the import
    page highlights. Figures looked for and not found are listed (``stated["not_found"]``).

Modules: :mod:`.lines` (lines, sections), :mod:`.units`, :mod:`.numbers_found` (figures read from sentences and
tables), :mod:`.items` (findings), :mod:`.meta` (title, bands, the report's own unit), :mod:`.forms`, :mod:`.result`
(ParseResult, constants); this module runs them.

Everything the parser saw but could not place (a figure whose unit or meaning is unclear, a lead-in sentence before
一是, a table inside the problems section, a conflicting second value for the same figure) is listed in
``ParseResult.unplaced`` with its line number and a reason in Chinese.
"""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from ..model import (
    DEFAULT_BANDS,
    Achievement,
    BudgetLine,
    Evaluation,
    GradeBand,
    Meta,
    Problem,
    Recommendation,
    Unit,
    UnitResult,
)
from ..numbers import HUNDRED, round2
from .forms import Cell, Form, find_forms, flattened_tables, is_none_statement, is_pair_label, is_total_row
from .items import INLINE_END, INLINE_PROBLEMS, INLINE_RECS, FindingsReader, Group, paragraph_items
from .lines import Line, money_subsections, nested_findings, read_lines, split_sections, title_like
from .meta import (
    EVALUATOR,
    NOT_REGION,
    REGION,
    WHOLE_TITLE,
    bigrams,
    body_subject,
    guess_title,
    named_project,
    overview_org,
    own_unit,
    parse_bands,
    recurring_subject,
    site_line,
    site_publisher,
    title_parts,
    title_unit,
)
from .numbers_found import GRADE_NORMAL, Fact, FigureReader, as_grade, as_number
from .prose_units import listed_parts, listed_projects
from .result import FIGURE_KINDS, IMPLAUSIBLE_RATE, SYNTHETIC_UNIT, UNCERTAIN_MARK, ParseResult, Unplaced
from .text import norm, strip_end_punct
from .units import (
    ALIAS,
    ALIASES,
    EVALUATOR_CONTEXT,
    NOT_A_UNIT,
    ORG_BAD,
    ORG_SUFFIX,
    ROLE_UNIT,
    Units,
    name_before,
    name_list_before,
    region_variants,
)


class _Parser:
    def __init__(self, text: str, source_name: str) -> None:
        self.text = text
        self.source_name = source_name
        self.unplaced: list[Unplaced] = []
        self.notes: list[str] = []
        self.units = Units()
        self.excluded: dict[str, str] = {}
        self.warnings: list[dict] = []
        self.own: tuple[str, str] | None = None  # (name, where): the unit the report states it is about
        self.titled = ""  # the project or fund the title names, with its region: 本项目's full name
        self.names: list[tuple[str, str]] = []  # the names the text gives what it is about (ParseResult.names)
        self.whole = False  # the title says the report evaluates a department's (a unit's) whole spending
        self.parts: set[int] = set()  # lines of a list of a fund's projects with their shares (listed_parts)

    def run(self) -> ParseResult:
        lines = read_lines(self.text)
        head: list[Line] = []
        counted = 0  # the first 15 lines that are not the site's metadata or navigation (a long block pushes the
        for ln in lines:  # title down the page)
            if ln.num is not None and ln.num.style == "cn_dun" or counted >= 15:
                break
            head.append(ln)
            counted += 0 if site_line(ln) else 1
        title, title_lines = guess_title(head, self.source_name)
        intro, sections = split_sections([ln for ln in lines if all(ln is not t for t in title_lines)])
        year, region, project = title_parts(title)
        self.whole = bool(WHOLE_TITLE.search(norm(title)))
        titled, named, evaluated = title_unit(title), named_project(lines), body_subject(lines)
        if re.search(r"篇\s*[0-9一二三四五六七八九十]+$|精选\s*\d+\s*篇", norm(title)):
            # a model-essay site's collection heading (…绩效自评报告 篇1): the report's own sentence names what it is
            evaluated = body_subject([ln for ln in lines if all(ln is not t for t in title_lines)])
            titled = "" if evaluated else titled
        recurring = "" if titled or named or evaluated else recurring_subject(lines)
        self.titled = titled or named or evaluated or recurring
        self.names = [(n, where) for n, where in ((titled, "报告标题所述项目"), (named, "“项目名称”一行"),
                                                  (evaluated, "正文所述评价对象"),
                                                  (recurring, "开头几行反复出现的项目")) if n]
        all_text = [ln for ln in lines if ln.cells is None]
        if year is None:
            for ln in all_text:
                ym = re.search(r"(20\d{2})\s*年度", norm(ln.text))
                if ym:
                    year = int(ym.group(1))
                    break
        evaluator = ""
        for ln in all_text:
            em = EVALUATOR.search(norm(ln.text))
            if em:
                e = em.group("e")
                cut = e.rfind("委托") + 2 if "委托" in e else 0
                evaluator = ln.text[em.start("e") + cut:em.end("e")].strip()
                break
        if not region and evaluator:
            rm = REGION.match(norm(evaluator))
            if rm and not NOT_REGION.search(rm.group("r")):
                region = rm.group("r")
        self.own = own_unit(title, lines) or (None if self.titled else overview_org(lines))
        if self.own is not None:
            self.names.append(self.own)
        else:
            published = site_publisher(title, lines)
            if published:
                self.names.append((published, "网页的发布机构或来源"))
        if self.own is not None and not region:
            rm = REGION.match(norm(self.own[0]))
            if rm and not NOT_REGION.search(rm.group("r")) and len(rm.group("r")) < len(self.own[0]) - 1:
                region = rm.group("r")  # the region of the unit the report is about
        self.units.region = region_variants(region)
        if self.own is not None:
            self.units.expected = self.own[0]  # “水利局…” in the text is this unit
        for ln in all_text:
            self._definitions(ln)

        # the page's header above the title (the site's name 甲县人民政府, its section 政务公开): no unit, no figure
        top = title_lines[0].no if title_lines else 0
        figure_lines: list[Line] = [ln for ln in intro if not (
            ln.no < top and ln.cells is None and len(ln.text) <= 20 and not re.search(r"\d|[，,。；;]", ln.text))]
        conclusion: list[str] = []
        findings: dict[str, list[Group]] = {"problems": [], "recs": [], "achievements": []}
        reader = FindingsReader()
        for sec in money_subsections(nested_findings(sections)):
            if sec.kind in ("problems", "recs", "achievements", "problems+recs"):
                if sec.kind == "achievements":
                    # a section of results may still state the evaluation's verdict (自评绩效等级为“优”，分数为97分):
                    # those sentences are read for their score and grade, nothing else of the section
                    verdicts = [ln for ln in sec.lines if ln.cells is None and _VERDICT_LINE.search(norm(ln.text))]
                    if verdicts:
                        figure_lines.append(Line(0, ""))
                        figure_lines.extend(verdicts)
                for kind, groups in reader.read(sec).items():
                    if kind not in findings:
                        continue
                    if findings[kind]:
                        offset = len(findings[kind])
                        for g in groups:
                            g.no += offset
                    findings[kind].extend(groups)
                continue
            if sec.kind == "conclusion":
                conclusion.extend(ln.text for ln in sec.lines if ln.cells is None)
            figure_lines.append(Line(0, ""))  # a section boundary
            if sec.heading is not None and sec.heading.cells is None and _HEADING_FIGURE.search(norm(sec.heading.text)):
                # a short numbered item taken for a heading (2.乙项目，评价得分84分，等级为良。) still states figures
                figure_lines.append(sec.heading)
            figure_lines.extend(sec.lines)
        self.unplaced.extend(reader.unplaced)
        self.notes.extend(reader.notes)

        figures = FigureReader(self.units)
        figures.year = year
        listed = listed_projects(figure_lines)
        parts = self.parts = set() if listed else listed_parts(figure_lines)
        if listed:
            self.notes.append(f"第{min(listed)}行起的{len(listed)}个编号段落各以一个项目开头并列出其评价结果，"
                              "各段的数值归于该项目")
        table: list[Line] = []
        before: list[Line] = []
        heading_unit: str | None = None  # a heading that names a unit: the paragraphs under it are about it
        heading_label = ""  # the line before was a heading naming a figure and nothing else (（一）自评得分)
        for ln in figure_lines + [Line(0, "")]:
            if ln.cells is not None:
                table.append(ln)
                continue
            if table:
                self.notes.extend(figures.table(table, before))
                table = []
            if not ln.no:
                heading_unit = None
                heading_label = ""
                continue
            num = ln.num
            if (num is not None or ln.headingish) and title_like(num.rest if num else ln.text):
                heading_unit = figures.subject(ln.text)  # "（一）常德市教育局": the paragraphs below are about it
            names_figure = _FIGURE_HEADING.match(strip_end_punct(norm(num.rest if num else ln.text)))
            first = len(figures.facts)
            if heading_label and _BARE_VALUE.match(norm(ln.text)):
                # "（一）自评得分" then a paragraph of its own "100分。": the heading names what the value is
                figures.paragraph(replace(ln, text=heading_label + "为" + ln.text), heading_unit)
            else:
                figures.paragraph(ln, heading_unit)
            heading_label = names_figure.group(0) if names_figure else ""
            if ln.no in parts:  # a fund's project with its share: no figure of the whole (nor of 本项目)
                for f in figures.facts[first:]:
                    if f.kind in ("budget", "executed", "unknown") and f.unit is None:
                        f.breakdown = True
            if ln.no in listed:  # an item of a list of evaluated projects: its figures are that project's
                key = self.units.define(listed[ln.no])
                for f in figures.facts[first:]:
                    if f.kind in FIGURE_KINDS and not f.aggregate:
                        f.unit, f.total = key, False
            before.append(ln)
        for rows in flattened_tables(self.text):
            lines_ = [Line(r[0].line_no, " | ".join(c.text for c in r), cells=[c.text for c in r]) for r in rows]
            self.notes.append(f"第{rows[0][0].line_no}行起的表格为每格一行的形式，已按表头还原为{len(rows) - 1}行")
            self.notes.extend(figures.table(lines_, []))
        for kind, groups in self._inline_findings(figure_lines, findings).items():
            findings[kind] = groups
        forms = find_forms(self.text)
        if forms:
            self._form_figures(forms, figures)
            findings = self._form_findings(forms, findings)
        self.unplaced.extend(figures.unplaced)
        self.notes.extend(figures.notes)
        for scale, nos in figures.scale_lines.items():
            how = {"元": "÷10000", "千元": "÷10", "亿元": "×10000"}[scale]
            where = "、".join(map(str, sorted(set(nos))))
            self.notes.append(f"金额单位为{scale}的数值已按 {how} 换算为万元（第{where}行）")

        bands = parse_bands(self.text)
        if bands:
            self.notes.append("报告列明了等次划分：" + "；".join(f"{b.grade} ≥ {b.lower}" for b in bands))
        stated: dict = {"units": {}}
        # the units the figure text is about (a unit named only in a problem is not the subject of the figures)
        about = {k for ln in figure_lines if ln.no for _, _, k in self.units.mentions(ln.text)}
        about |= {f.unit for f in figures.facts if f.unit is not None}
        units, budget_lines, results, totals = self._resolve(figures.facts, stated, bands or DEFAULT_BANDS, about)
        meta = Meta(title=title, year=year, region=region, evaluator=evaluator, project=project,
                    conclusion="\n".join(conclusion), source=self.source_name, grade_bands=bands or DEFAULT_BANDS,
                    stated_total_budget=totals.get("budget"), stated_total_executed=totals.get("executed"))
        achievements = tuple(Achievement(g.no, g.title, seq, text)
                             for g in findings["achievements"] for seq, (text, _) in enumerate(g.items, start=1))
        unit_keys = [u.key for u in units]
        problems = []
        for g in findings["problems"]:
            cat_unit = self._unit_named(g.title, unit_keys, whole=True)
            for seq, (text, _) in enumerate(g.items, start=1):
                unit = self._unit_named(text, unit_keys) or cat_unit
                problems.append(Problem(f"P{g.no}-{seq}", g.no, g.title, seq, text, unit))
        links = self._links(findings["problems"], findings["recs"])
        recommendations = tuple(
            Recommendation(f"R{g.no}-{seq}", g.no, g.title, seq, text, links.get(g.no, ()))
            for g in findings["recs"] for seq, (text, _) in enumerate(g.items, start=1))
        for kind, label in (("problems", "问题"), ("recs", "建议"), ("achievements", "成效")):
            said = reader.stated_counts.get(kind)
            if said is not None:
                stated.setdefault("stated_counts", {})[kind] = said
                if said != len(findings[kind]):
                    self.notes.append(f"报告称{label}有{said}个方面，实际识别出{len(findings[kind])}个类别，请核对")
        stated["counts"] = {
            "problems": len(problems), "recommendations": len(recommendations), "achievements": len(achievements),
            "problem_categories": len(findings["problems"]), "recommendation_categories": len(findings["recs"]),
            "achievement_areas": len(findings["achievements"]),
        }
        ev = Evaluation(meta, tuple(units), tuple(budget_lines), (), (), tuple(results), achievements,
                        tuple(problems), recommendations)
        self.unplaced.sort(key=lambda u: u.line_no)
        stated["finding_headings"] = {  # per item, the heading it was found under (the review's count doubts)
            kind: [g.heading for g in findings[key] for _ in g.items] for kind, key in (("problems", "problems"),
                                                                                         ("recommendations", "recs"))}
        stated["finding_sources"] = {
            kind: [{"line": ln.no, "text": text, "category": g.title} for g in findings[key] for text, ln in g.items]
            for kind, key in (("problems", "problems"), ("recommendations", "recs"), ("achievements", "achievements"))}
        if not stated["units"]:
            stated["not_found"] = {"": list(FIGURE_KINDS)}
        mentioned = [(u.name or u.key, "正文") for u in units if u.key != SYNTHETIC_UNIT]
        names: dict[str, tuple[str, str]] = {}
        for n, where in [*self.names, *mentioned]:
            names.setdefault(n, (n, where))
        return ParseResult(ev, self.unplaced, list(dict.fromkeys(self.notes)), stated, self.warnings, self.text,
                           names=list(names.values()))

    # -- findings written inline in a paragraph ---------------------------------------------------------------

    def _inline_findings(self, lines: list[Line], findings: dict[str, list[Group]]) -> dict[str, list[Group]]:
        """“存在的问题：一是…二是…。下一步改进措施：一是…” inside a paragraph of a report that has no such sections."""
        out: dict[str, list[Group]] = {}
        for kind, label, title in (("problems", INLINE_PROBLEMS, "存在的问题"), ("recs", INLINE_RECS, "改进措施")):
            if findings[kind]:
                continue
            group = Group(1, title)
            labels: list[str] = []
            for ln in lines:
                if not ln.no or ln.cells is not None:
                    continue
                n = norm(ln.text)
                for m in label.finditer(n):
                    end = INLINE_END.search(n, m.end())
                    segment = ln.text[m.end():end.start() if end else len(n)].strip()
                    if not segment:
                        continue
                    if is_none_statement(segment):
                        self.notes.append(f"第{ln.no}行“{m.group(0).rstrip('：: ')}”为“{segment}”，即没有{title}")
                        continue
                    lead, items = paragraph_items(segment)
                    if lead:
                        self.unplaced.append(Unplaced(ln.no, lead, "条目之前的引导语，未作为条目导入"))
                    group.items.extend((i, ln) for i in items)
                    labels.append(m.group(0).rstrip("：: "))
            group.heading = "、".join(dict.fromkeys(labels))
            if group.items:
                self.notes.append(f"“{title}”写在段落之中（第{group.items[0][1].no}行），{len(group.items)}个条目归入一个类别")
                out[kind] = [group]
        return out

    # -- self-evaluation forms -----------------------------------------------------------------------------

    def _form_figures(self, forms: list[Form], figures: FigureReader) -> None:
        """The figures of each form's 年度资金总额 row replace whatever the sentences said about money."""
        with_money = [f for f in forms if f.row is not None]
        for form in forms:
            if form.row is None:
                self.notes.extend(form.notes)  # why its money was not read
        if not with_money:
            return
        kept = []
        for f in figures.facts:
            if f.kind in ("budget", "executed", "rate") or (f.kind == "received" and not f.breakdown):
                self.unplaced.append(Unplaced(f.line.no, f.line.text,
                                              f"{f.shown}：本文含绩效自评表，预算执行情况以表内数为准，未采用"))
            else:
                kept.append(f)
        figures.facts[:] = kept
        for form in with_money:
            self.notes.extend(form.notes)
            unit = self._form_unit(form)
            row = form.row
            assert row is not None
            line = Line(row.label.line_no, row.text(), cells=[row.label.text] + [c.text for c in row.cells])
            for kind in ("budget", "executed", "rate"):
                value = form.figure(kind)
                if value is None:
                    continue
                label = {"budget": "全年预算数（调整后预算数）", "executed": "全年执行数", "rate": "执行率"}[kind]
                if kind == "budget" and row.values.get("budget") is None:
                    label = "年初预算数"
                fiscal = not (is_total_row(row.label.text) or is_pair_label(row.label.text)
                              or row.label.text.startswith(("年度资金总额", "资金总额", "总额", "合计")))
                cell = form.cell(kind)
                at = line if cell is None else Line(cell.line_no, line.text, cells=line.cells)
                figures.facts.append(Fact(kind, value, unit, at, shown=f"{label} {cell.text if cell else value}",
                                           adjusted=kind == "budget" and row.values.get("budget") is not None,
                                           uncertain=form.doubt or ("自评表合计行未填，取自“其中：财政拨款”一行"
                                                                    if fiscal else "")))
            if form.unit and not form.project:
                self.notes.append(f"自评表第{row.label.line_no}行的金额归于实施单位“{form.unit}”")
            if form.named and form.unit and form.unit_label in ("单位名称", "部门(单位)名称") and unit and not (
                    _same_subject(form.named, self.units.names.get(unit) or unit)):
                # the form's figures go to the unit that filled it in, while it is about a project of its own name
                filler = self.units.names.get(unit) or unit
                self.warnings.append({"line": row.label.line_no, "text": row.text(), "message": (
                    f"自评表的项目名称为“{form.named}”，其金额归于“{filler}”，请核对被评价的单位或项目名称")})
        for form in forms:
            unit = self._form_unit(form)
            given: list[tuple[str, Cell, Decimal | str]] = []
            if form.score is not None:
                given.append(("score", *form.score))
            if form.grade is not None:
                given.append(("grade", *form.grade))
            for kind, cell, figure in given:
                figures.facts.append(Fact(kind, figure, unit, Line(cell.line_no, cell.text, cells=[cell.text]),
                                           shown=f"自评表{'总分' if kind == 'score' else '等级'} {cell.text}",
                                           uncertain=form.score_doubt if kind == "score" else ""))

    def _form_unit(self, form: Form) -> str | None:
        """The unit a form's figures go to: its project when the text holds several projects' forms, else its
        实施单位 (None: the report's own unit or 本项目)."""
        if form.project:
            return self.units.define(form.project)
        return self.units.resolve(form.unit) if form.unit else None

    def _form_findings(self, forms: list[Form], findings: dict[str, list[Group]]) -> dict[str, list[Group]]:
        """In a form the 存在问题 / 改进措施 cells are the findings; headings such as 偏差原因分析及改进措施 are
        column titles, not sections."""
        out: dict[str, list[Group]] = {"problems": [], "recs": [], "achievements": []}
        # a report's prose before its form (a 综述 paragraph listing 发现的主要问题：一是…), the form itself naming no
        # findings: the prose's problems and recommendations stand
        first = min((f.first_line for f in forms if f.first_line), default=0)
        prose_only = first and not any(f.problems or f.recommendations or f.finding_rows for f in forms)
        for kind, attr, title in (("problems", "problems", "存在问题"), ("recs", "recommendations", "改进措施"),
                                  ("achievements", "", "")):
            for g in findings[kind]:
                if prose_only and kind != "achievements" and g.items and all(ln.no < first for _, ln in g.items):
                    out[kind].append(g)
                    continue
                for _, ln in g.items:
                    self.unplaced.append(Unplaced(ln.no, ln.text, "本文为绩效自评表，表头、单元格或说明文字不作为条目"))
            for form in forms if attr else ():
                if form.finding_rows.get(attr):  # 存在问题 / 改进措施 as a table's columns: one item per filled cell
                    group = Group(len(out[kind]) + 1, title, heading=title)
                    for c in form.finding_rows[attr]:
                        group.items.extend((text, Line(c.line_no, c.text)) for text in paragraph_items(c.text)[1])
                    out[kind].append(group)
                    self.notes.append(f"第{group.items[0][1].no}行起表格的“{title}”一栏有{len(group.items)}条")
                    continue
                cell = getattr(form, attr)
                if cell is None:
                    continue
                label, content = cell
                if content is None:
                    self.notes.append(f"第{label.line_no}行“{label.text}”一栏只有填表说明，未列{title}")
                    continue
                if is_none_statement(content):
                    self.notes.append(f"第{label.line_no}行“{label.text}”一栏为“{content}”，即没有{title}")
                    continue
                _, items = paragraph_items(content)
                group = Group(len(out[kind]) + 1, title, heading=label.text)
                ln = Line(label.line_no, content)
                group.items.extend((text, ln) for text in items)
                out[kind].append(group)
        return out

    # -- units named in the text ---------------------------------------------------------------------------

    def _definitions(self, ln: Line) -> None:
        n = norm(ln.text)
        for m in ALIASES.finditer(n):  # A局、B中心（以下分别简称“A”“B”）
            keys = re.findall(r"[“\"「『‘']([^”\"」』’']{2,20})[”\"」』’']", m.group("keys"))
            names = []
            for part in re.split(r"[、，,]", name_list_before(ln.text, m.start())):
                both = re.match(rf"^(.+?{ORG_SUFFIX})(?:和|及|与)(.+)$", part.strip())
                names.extend([both.group(1), both.group(2)] if both else [part.strip()])
            names = [x for x in names if x]
            if len(keys) >= 2 and len(names) >= len(keys):
                for key, name in zip(keys, names[-len(keys):], strict=True):
                    if not NOT_A_UNIT.search(name) and re.search(rf"{ORG_SUFFIX}$", name + key):
                        self.units.define(key, name)
        for m in ALIAS.finditer(n):
            key = ln.text[m.start("key"):m.end("key")]
            name = name_before(ln.text, m.start(), self.units.region)
            if not (re.search(rf"{ORG_SUFFIX}$", key) or re.search(rf"{ORG_SUFFIX}$", name)):
                continue
            start = m.start() - len(name)
            before = n[max(0, start - 4):start]
            after = n[m.end():m.end() + 6]
            if (NOT_A_UNIT.search(name) or NOT_A_UNIT.search(key) or EVALUATOR_CONTEXT.search(before)
                    or re.match(r"\s*(?:作为|组成)", after)):
                self.excluded[key] = name
                continue
            if name and (ORG_BAD.search(name) and not re.search(rf"{ORG_SUFFIX}$", name)):
                name = ""
            self.units.define(key, name if name != key else "")
        for m in ROLE_UNIT.finditer(n):
            org = ln.text[m.start("org"):m.end("org")]
            if not NOT_A_UNIT.search(org) and not ORG_BAD.search(org):
                self.units.resolve(org)

    def _unit_named(self, text: str, keys: list[str], whole: bool = False) -> str | None:
        if whole:
            key = self.units.match(strip_end_punct(text))
            return key if key in keys else None
        found = {k for _, _, k in self.units.mentions(text) if k in keys}
        return found.pop() if len(found) == 1 else None

    # -- results that make no sense --------------------------------------------------------------------------

    def _drop_implausible(self, per: dict[str, dict[str, Decimal | str]], chosen: dict) -> None:
        """A rate far above 100%, or an amount executed far beyond the budget, means one of the figures is not what its
        words seemed to say: both are dropped, with a warning quoting the sentences, rather than stored."""
        for key, slot in per.items():
            rate = slot.get("rate")
            if isinstance(rate, Decimal) and rate > IMPLAUSIBLE_RATE:
                f = chosen[(key, "rate")]
                self._warn(f, f"{key} 的执行率 {rate}% 远高于100%，不合常理，未导入")
                del slot["rate"]
            budget, executed = slot.get("budget"), slot.get("executed")
            if isinstance(budget, Decimal) and isinstance(executed, Decimal) and budget > 0 and (
                    executed / budget * HUNDRED > IMPLAUSIBLE_RATE):
                computed = round2(executed / budget * HUNDRED)
                for kind in ("budget", "executed"):
                    f = chosen[(key, kind)]
                    if self.whole:
                        # a department's year: its final accounts hold what was added during the year, passed on and
                        # carried over, often far beyond the budget it opened with; both amounts stand, for review
                        f.uncertain = "；".join(x for x in (f.uncertain, (
                            f"实际执行 {executed} 万元是预算 {budget} 万元的 {computed}%（部门整体支出的决算含年中"
                            "追加、转移支付和结转，可能远超年初预算），请核对两者是否同一口径")) if x)
                        continue
                    self._warn(f, f"{key} 的实际执行 {executed} 万元是预算 {budget} 万元的 {computed}%，不合常理"
                                  f"（可能把分项经费或总投资当作预算），{_label(kind)}未导入")
                    del slot[kind]

    def _warn(self, f: Fact, message: str) -> None:
        self.warnings.append({"line": f.line.no, "text": f.line.text, "message": message})
        self.unplaced.append(Unplaced(f.line.no, f.line.text, f"{f.shown}：{message}"))

    # -- recommendation -> problem links -------------------------------------------------------------------

    def _links(self, problems: list[Group], recs: list[Group]) -> dict[int, tuple[str, ...]]:
        if not problems or not recs:
            return {}
        if len(problems) != len(recs):
            self.notes.append(f"建议类别（{len(recs)}个）与问题类别（{len(problems)}个）数量不同，未建立建议与问题的对应关系")
            return {}
        for p, r in zip(problems, recs, strict=True):
            if not (bigrams(p.title) & bigrams(r.title)):
                self.notes.append(f"建议“{r.title}”与同序号的问题“{p.title}”没有共同用语，未建立建议与问题的对应关系")
                return {}
        self.notes.append(f"建议类别与问题类别数量相同（{len(recs)}个）且逐一对应，建议第n类对应问题第n类")
        return {r.no: (f"P{p.no}",) for p, r in zip(problems, recs, strict=True)}

    # -- figures to units, budget lines, results -----------------------------------------------------------

    def _unplaced(self, f: Fact, reason: str) -> None:
        self.unplaced.append(Unplaced(f.line.no, f.line.text, f"{f.shown}：{reason}"))

    def _resolve(self, facts: list[Fact], stated: dict, bands: tuple[GradeBand, ...],
                 about: set[str]) -> tuple[list[Unit], list[BudgetLine], list[UnitResult], dict]:
        keyed = [f for f in facts if f.unit is not None and f.kind in ("budget", "executed", "rate", "score", "grade")
                 and not f.breakdown]
        loose = [f for f in facts if f.unit is None and f.kind in ("budget", "executed", "rate", "score", "grade")
                 and not f.breakdown]
        for f in facts:
            if f.breakdown:
                what = "分项得分" if f.kind == "score" else "分项的执行率" if f.kind == "rate" else (
                    "按项目列出的分项金额") if f.line.no in self.parts else (
                    "按用途列出的分项金额" if "其中" not in f.line.text and re.search(r"[:：]\s*(?:支持|用于)",
                                                                             f.line.text)
                    else "“其中”之后未点名单位的分项金额")
                self.unplaced.append(Unplaced(f.line.no, f.line.text, f"{f.shown}：{what}，未导入"))
            elif f.kind == "received":
                self._unplaced(f, "到位、拨付、下达、申请或融资的金额，不是预算或实际执行金额，未导入")
            elif f.kind == "scope":
                self._unplaced(f, "评价涉及的资金范围，不是预算或实际执行金额，未导入")
            elif f.kind == "investment":
                self._unplaced(f, "总投资或计划投资，不是预算或实际执行金额，未导入")
            elif f.kind == "other":
                self._unplaced(f, "结余、结转、配套等金额，不是预算或实际执行金额，未导入")
            elif f.kind == "unknown":
                unnamed = "，也未能对应到具体单位" if f.unit is None else ""
                self._unplaced(f, f"无法判断是预算还是实际执行金额{unnamed}，未导入")
        totals: dict[str, Decimal] = {}
        money_kinds = ("budget", "executed", "rate")
        keyed_money = any(f.kind in money_kinds for f in keyed)
        keyed_score = any(f.kind in ("score", "grade") for f in keyed)
        candidates = [k for k in self.units.keys if k in about]
        own_note = ""
        if self.own is not None and not candidates:
            candidates = [self.units.resolve(self.own[0])]  # the text names no unit: the one the report states
            own_note = f"（取自{self.own[1]}）"
        elif self.own is not None and len(candidates) == 1 and not any(f.unit == candidates[0] for f in keyed):
            # the report states its own unit and its text mentions one other organisation (项目实施单位为…) without
            # giving it a figure: the figures no sentence gives a unit are the report's own unit's
            own_key = self.units.resolve(self.own[0])
            if own_key not in candidates:
                candidates = [own_key]
                own_note = f"（取自{self.own[1]}）"
        sole = candidates[0] if len(candidates) == 1 else None
        if (sole is not None and self.own is None and self.names and self.names[0][1] == "报告标题所述项目"
                and not any(f.unit == sole for f in keyed) and not self.units.names.get(sole)):
            # the title names a project and the text mentions one organisation in passing (no figure of its own, no
            # definition 以下简称…): the figures no sentence gives a unit are the project's (项目整体), not its
            sole = None
        several = len({f.unit for f in keyed}) >= 2
        attached: list[Fact] = []
        rest: list[Fact] = []
        used_synthetic = False
        for f in loose:
            money = f.kind in money_kinds
            if f.aggregate:  # several projects' sum: never one unit's figure
                rest.append(f)
                continue
            if sole is not None:  # one unit in the whole report: its figures, totals included (合计 wins below)
                f.unit = sole
                attached.append(f)
                continue
            if (money and keyed_money) or (not money and keyed_score) or several:
                rest.append(f)  # several named units (a table of eight): an unnamed figure is no ninth unit
                continue
            if money or used_synthetic or not keyed_money:
                f.unit = SYNTHETIC_UNIT
                used_synthetic = True
            else:
                rest.append(f)
                continue
            attached.append(f)
        if attached:
            what = "、".join(dict.fromkeys(_label(f.kind) for f in attached))
            if sole is not None:
                self.notes.append(f"报告只点名了一个单位（{sole}{own_note}），未注明单位的{what}归于该单位")
            else:
                self.units.define(SYNTHETIC_UNIT, self.titled)
                named = f"，全称取自报告标题：{self.titled}" if self.titled else ""
                self.notes.append(f"报告未把{what}对应到具体单位，归于“{SYNTHETIC_UNIT}”（项目整体{named}）")
        keyed = keyed + attached
        loose = rest
        for f in loose:
            if f.kind in ("budget", "executed") and f.total:
                if f.kind in totals and totals[f.kind] != f.value:
                    self.unplaced.append(Unplaced(f.line.no, f.line.text, f"{f.shown}：与前文所列总额不同，未采用"))
                    continue
                amount = f.value
                assert isinstance(amount, Decimal), f"a total amount is a number, not the text {amount!r}"
                totals.setdefault(f.kind, amount)
            elif f.kind == "rate" and f.total:
                stated["total_rate"] = f"{f.value}"
                self.unplaced.append(Unplaced(f.line.no, f.line.text,
                                              f"{f.shown}：总体执行率（工作簿中没有对应栏目，仅供核对）"))
            else:
                self.unplaced.append(Unplaced(f.line.no, f.line.text, f"{f.shown}：未能对应到具体单位，未导入"))
        for f in keyed:
            if f.kind == "grade" and str(f.value) in GRADE_NORMAL:
                self.notes.append(f"等次“{f.value}”按“{GRADE_NORMAL[str(f.value)]}”录入（第{f.line.no}行）")
                f.value = GRADE_NORMAL[str(f.value)]
        per: dict[str, dict[str, Decimal | str]] = {}
        # Several values for one unit's figure: a 调整后 budget wins, then one written as a total (合计 / 总额: the
        # parts before it are components), then the first. The others are listed as unplaced.
        chosen: dict[tuple[str, str], Fact] = {}
        for f in keyed:
            assert f.unit is not None  # keyed: named in the text, or attached to a unit above
            figure = (f.unit, f.kind)
            best = chosen.get(figure)
            if best is None or (f.kind in ("budget", "score") and f.adjusted and not best.adjusted) or (
                    f.kind in ("budget", "executed") and f.total and not best.total and not best.adjusted):
                chosen[figure] = f
        for f in keyed:
            assert f.unit is not None
            value = f.value
            best = chosen[(f.unit, f.kind)]
            if f is not best:
                if best.value != f.value:
                    why = ("另列有调整后预算，以调整后预算为准" if best.adjusted else "另列有合计数，以合计数为准"
                           if best.total else f"前文已列{_label(f.kind)} {best.value}，数值不同")
                    self.unplaced.append(Unplaced(f.line.no, f.line.text, f"{f.shown}：{f.unit} {why}，未采用"))
                continue
            per.setdefault(f.unit, {})[f.kind] = value
        self._drop_implausible(per, chosen)
        for key in per:
            if key not in self.units.keys:
                self.units.define(key)
        for key, name in self.excluded.items():
            if key in per and key not in self.units.keys:
                self.units.define(key, name)
        units = [Unit(k, self.units.names.get(k, "")) for k in self.units.keys]
        budget_lines = []
        results = []
        grades = {b.grade for b in bands}
        for u in units:
            slot = per.get(u.key, {})
            doubt = "；".join(chosen[(u.key, k)].uncertain for k in ("budget", "executed", "rate")
                             if k in slot and chosen[(u.key, k)].uncertain)
            if any(k in slot for k in ("budget", "executed", "rate")):
                budget_lines.append(BudgetLine(u.key, as_number(slot.get("budget")), as_number(slot.get("executed")),
                                               stated_rate=as_number(slot.get("rate")),
                                               note=f"{UNCERTAIN_MARK}{doubt}" if doubt else ""))
            if "score" in slot or "grade" in slot:
                grade = as_grade(slot.get("grade"))
                note = ""
                if grade is not None and grade not in grades:
                    note = f"报告等次为“{grade}”"
                    self.notes.append(f"{u.key} 的等次“{grade}”不在等次划分（{'、'.join(sorted(grades))}）之中，"
                                      "已写入说明，请在“评价信息”中设置等次划分后再填")
                    grade = None
                results.append(UnitResult(u.key, as_number(slot.get("score")), grade, note))
            shown = {k: str(v) for k, v in slot.items()}
            if shown:
                stated["units"][u.key] = shown
                sources = stated.setdefault("sources", {}).setdefault(u.key, {})
                for kind in slot:
                    f = chosen[(u.key, kind)]
                    sources[kind] = {"line": f.line.no, "text": f.line.text, "shown": f.shown,
                                  "uncertain": f.uncertain or None}
                stated.setdefault("not_found", {})[u.key] = [k for k in FIGURE_KINDS if k not in slot]
        if totals:
            stated["total_budget"] = str(totals["budget"]) if "budget" in totals else None
            stated["total_executed"] = str(totals["executed"]) if "executed" in totals else None
        if "total_rate" in stated and totals.get("budget") and totals.get("executed") is not None:
            computed = round2(totals["executed"] / totals["budget"] * HUNDRED)
            if computed != round2(Decimal(stated["total_rate"])):
                self.notes.append(f"报告所列总体执行率 {stated['total_rate']}% 与按总额计算的 {computed}% 不一致")
        return units, budget_lines, results, totals


# a heading line that states a figure of its own: an amount, a percentage or a score
# a sentence stating the evaluation's verdict: a grade or a total score (自评绩效等级为“优”，分数为97分)
_VERDICT_LINE = re.compile(r"(?:自评|评价|绩效|综合|考核)(?:绩效)?(?:等级|等次|结果|结论)\s*(?:为|是|:|：)\s*[“\"]?"
                           r"(?:优|良|中|差|合格|不合格)|(?:自评|评价|综合|总)(?:得分|分数|总分)\s*(?:为|是|:|：)?\s*\d")
_HEADING_FIGURE = re.compile(r"\d(?:\.\d+)?\s*(?:万元|亿元|元|%|分(?![钟之别值数级类期配担摊批]))")


# a heading that is the name of a figure and nothing else, and a paragraph that is a value and nothing else
_FIGURE_HEADING = re.compile(r"^(?:项目|单位|部门)?(?:绩效)?(?:自评|评价|综合|考核)(?:绩效)?(?:总)?"
                             r"(?:得分|分数|等级|等次|结果)$")
_BARE_VALUE = re.compile(r"^\s*(?:\d{1,3}(?:\.\d+)?\s*分|[“\"]?(?:优秀|优|良好|良|中|合格|差|不合格)[”\"]?)"
                         r"\s*[。.]?\s*$")


def _label(kind: str) -> str:
    return {"budget": "预算", "executed": "实际执行", "rate": "执行率", "score": "得分", "grade": "等次"}[kind]


def _same_subject(project: str, unit: str) -> bool:
    """Whether a form's 项目名称 and the unit its figures go to name one subject (one holds the other)."""
    a, b = (re.sub(r"\s|20\d{2}年度?", "", n) for n in (project, unit))
    return bool(a and b) and (a in b or b in a)


def parse_report(text: str, *, source_name: str = "") -> ParseResult:
    """Parse report text (markdown, plain text, or a .docx flattened by :func:`read_document`)."""
    return _Parser(text, source_name).run()
