"""A person's review of what the parser found, before anything is published (issue 24).

    doubts(result) -> [str]                      why the text needs a person before publishing ([] = nothing uncertain)
    figure_rows(result) -> [FigureRow]           every figure found, with where it came from and its doubt
    apply_review(result, rows) -> Reviewed       the evaluation with the evaluator's figures, and what was changed

A text is published without a person only when every figure in it is corroborated by the text itself (the third
doubt pass, docs/reporttext.md, "Certainty"): money when the unit's budget, executed amount and execution rate agree
(executed ÷ budget is the rate) or the figure is written twice; a score and a grade when they fall in one band, or a
lone one stated as the evaluation's verdict; a count of problems or recommendations when its items are numbered under
a heading that names them; a stated total when the units' amounts add up to it; the unit when the report's title or
a short name it defines names it. Everything else is uncertain, with a Chinese reason. A figure is also uncertain
when the parser says so (a 下达 amount taken as the budget because the stated rate confirms it, a form's total row
left empty …), when a figure was dropped as implausible, when the text gave two different values for one figure,
when the figures were given to "本项目" because the text names no unit, and by the older doubt rules (:data:`RULES`):
an amount of 0, a score below 60, 下达/到位/拨付/涉及 money taken as budget or spending, an amount converted from 元.
``import`` of a folder publishes a text only when :func:`doubts` is empty; the others wait for review (待复核).

The evaluator's table is the whole truth after review: a row changed is a correction, a row removed a removal, a new
row an addition. :func:`apply_review` applies them to the parsed evaluation (nothing else changes) and describes
them for the version's note; the store's audit entry of the publication records who published it.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from ..model import DEFAULT_BANDS, BudgetLine, Evaluation, GradeBand, Unit, UnitResult
from ..numbers import fmt2, round2
from ..scoring import grade_for
from .meta import parse_bands
from .numbers_found import rate_as_written
from .result import LABELS, SYNTHETIC_UNIT, UNCERTAIN_MARK, ParseResult
from .text import CJK, numbering

KINDS = ("budget", "executed", "rate", "score", "grade")
KIND_OF_LABEL = {v: k for k, v in LABELS.items()}
GRADES = ("优", "良", "中", "差")
CONFLICT_WORDS = ("数值不同", "与前文所列总额不同")


@dataclass(frozen=True)
class FigureRow:
    unit: str
    kind: str  # budget | executed | rate | score | grade
    value: str  # money in 万元 and rates in % with 2 decimals, grades as written
    line: int | None = None  # line of the text read
    where: str = ""  # 第2页第5行 / 第2页表1第3行 / 第5行
    text: str = ""  # the sentence or cells it was read from
    uncertain: str = ""  # why the parser is not sure ("" when it is)


@dataclass(frozen=True)
class Reviewed:
    evaluation: Evaluation
    changes: list[str]  # 更正 / 删除 / 补充, one per figure, in Chinese

    def note(self, source_name: str) -> str:
        base = f"由报告“{source_name}”解析导入，经人工核对"
        if not self.changes:
            return base + "，数值未改动"
        return base + "；" + "；".join(self.changes)


def where_label(where: dict | None, line: int | None) -> str:
    """第2页第5行, 第2页表1第3行, 表1第3行, or 第5行 (the parsed text's line) when the file gave no page."""
    if where:
        page = f"第{where['page']}页" if where.get("page") else ""
        if where.get("table"):
            return f"{page}表{where['table']}第{where['row']}行"
        if where.get("line"):
            return f"{page}第{where['line']}行"
    return f"第{line}行" if line else ""


def figure_rows(result: ParseResult) -> list[FigureRow]:
    stated = result.stated
    sources = stated.get("sources", {})
    synthetic = SYNTHETIC_UNIT in stated.get("units", {})
    rows = []
    for unit, figures in stated.get("units", {}).items():
        for kind in KINDS:
            if kind not in figures:
                continue
            raw = figures[kind]
            if kind == "grade" and raw not in GRADES:  # 合格, 达标…: never stored (the parser's note says so), so
                continue  # not offered as a figure the review would then refuse to publish
            value = raw if kind == "grade" else fmt2(Decimal(raw))
            src = sources.get(unit, {}).get(kind, {})
            line = src.get("line")
            where = result.where[line - 1] if line and result.where and line <= len(result.where) else None
            doubt = src.get("uncertain") or ""
            if unit == SYNTHETIC_UNIT and synthetic:
                titled = next((u.name for u in result.evaluation.units if u.key == SYNTHETIC_UNIT and u.name), "")
                said = f"（报告标题所述项目为“{titled}”）" if titled else ""
                doubt = "；".join(x for x in (doubt, f"报告未写明单位，归于“本项目”{said}，请核对单位") if x)
            doubt = "；".join(x for x in (doubt, rule_doubts(result, unit, kind, value, src)) if x)
            rows.append(FigureRow(unit, kind, value, line, where_label(where, line), src.get("text") or "", doubt))
    return rows


# Doubt rules (docs/reporttext.md, "Certainty"): why the parser's certainty is not enough for a figure. Each flags
# the figure for a person's review and never drops it. The first two passes kept a rule only when the check half of
# the tuned corpus did not publish more errors unreviewed and did not lose more published texts than errors it
# removed; the third pass (corroboration) is a principle, kept at its cost, which is reported.
Rule = Callable[[ParseResult, str, str, str, dict], str]
SOLE_UNIT = re.compile(r"报告只点名了一个单位（(.+?)），未注明单位的(.+?)归于该单位")
CLAUSE_END = "，,。；;：:！？!?\n|"


def _clause(src: dict) -> str:
    """The clause of the figure's sentence that holds it (between punctuation), or "" when it is not found."""
    text, shown = src.get("text") or "", src.get("shown") or ""
    at = text.find(shown) if shown else -1
    if at < 0:
        return ""
    start = max(text.rfind(c, 0, at) for c in CLAUSE_END) + 1
    ends = [i for i in (text.find(c, at + len(shown)) for c in CLAUSE_END) if i >= 0]
    return text[start:min(ends) if ends else len(text)]


REGION = re.compile(rf"^(?:[{CJK}]{{1,6}}?(?:自治区|自治州|省|市|县|区|州|旗))+")


def _stated_by_the_report(result: ParseResult, unit: str) -> bool:
    """The report itself says whose figures these are: the unit's name (or its full name) is in the report's title
    (the parser's, or a title-like line among the text's first five: short, no sentence punctuation),
    also without its region (“衡山县” before 贯塘乡人民政府), or the text defines it as a short name
    (“（以下简称“州数据发展中心”）”)."""
    head = [ln.strip() for ln in result.source_text.split("\n") if ln.strip()][:5]
    title = " ".join([result.evaluation.meta.title or ""] + [ln for ln in head if len(ln) <= 60
                                                               and not re.search(r"[。，,；;]", ln)])
    names = {unit} | {u.name for u in result.evaluation.units if u.key == unit and u.name}
    names |= {short for n in names for short in [REGION.sub("", n)] if len(short) >= 3}  # 贯塘乡人民政府
    if any(n and n in title for n in names):
        return True
    return bool(re.search(rf"简称\s*[“\"「]?{re.escape(unit)}[”\"」]?", result.source_text))


def _guessed_unit(result: ParseResult, unit: str, kind: str, value: str, src: dict) -> str:
    """Figures the text gives no unit, given to the one organisation its running text names, when neither the
    report's title, its 单位名称 / 发布机构 line (the parser's “取自…” notes) nor a short name the text defines says
    that organisation is the report's own: it may be another organisation the text mentions, or a fragment of a
    sentence (“统一计入我中心”). Before the third doubt pass this needed a pronoun (我, 本, 该, 其) in the name."""
    for note in result.notes:
        m = SOLE_UNIT.match(note)
        if m and m.group(1) == unit and LABELS[kind] in m.group(2).split("、") and not _stated_by_the_report(
                result, unit):
            return f"报告未写明这一数值属于哪个单位，归于正文中唯一点名的“{unit}”，请核对单位"
    return ""


def _zero_amount(result: ParseResult, unit: str, kind: str, value: str, src: dict) -> str:
    """A budget or executed amount of 0 is seldom a unit's figure of the year (“对下转移支付0万元”)."""
    if kind in ("budget", "executed") and Decimal(value) == 0:
        return "金额为0，请核对是否为该单位本年度的预算或执行数"
    return ""


def _low_score(result: ParseResult, unit: str, kind: str, value: str, src: dict) -> str:
    """A total score below 60 (差) is rare; a lower figure is more often one indicator's score (“自评得分5分”)."""
    if kind == "score" and Decimal(value) < 60:
        return "得分低于60分，可能是某一指标的得分或分值而非总分，请核对"
    return ""


MONEY_PASSED_ON = ("下达", "到位", "拨付", "涉及")


def _money_words(result: ParseResult, unit: str, kind: str, value: str, src: dict) -> str:
    """A budget or executed amount whose clause says the money was passed on, received or covered (下达, 到位,
    拨付, 涉及) rather than budgeted or spent (预算, 支出, 执行); 安排 is how budgets are written (预算安排)."""
    if kind not in ("budget", "executed"):
        return ""
    clause = _clause(src)
    words = [w for w in MONEY_PASSED_ON if w in clause]
    if words and not any(w in clause for w in ("预算", "支出", "执行")):
        return f"金额所在的句子写的是“{'、'.join(words)}”，请核对是否为{LABELS[kind]}"
    return ""


def _decimals(shown: str) -> int:
    """How many decimals the text wrote a figure with (“82.69%” → 2, “100%” → 0)."""
    m = re.search(r"\d+(?:\.(\d+))?", (shown or "").replace(",", ""))
    return len(m.group(1)) if m and m.group(1) else 0


def rate_agrees(budget: Decimal, executed: Decimal, rate: Decimal, decimals: int = 2) -> bool:
    """executed ÷ budget × 100 is the stated rate at 2 decimals half-up, or at the 1 or 0 decimals the text rounded
    the rate to."""
    if rate_as_written(budget, executed, round2(rate)):
        return True
    written = rate.quantize(Decimal(1).scaleb(-decimals)) if decimals < 2 else None
    return written is not None and written == rate and rate_as_written(budget, executed, written)


NUMBER_AT = r"(?<![\d.,]){}(?![\d])"
MONEY_AFTER = r"\s*(?:万元|万|元|亿元|千元|\s*\||\s*$)"  # its unit, or the end of a cell
UNIT_AFTER = {"budget": MONEY_AFTER, "executed": MONEY_AFTER, "rate": r"\s*[%％]", "score": r"\s*(?:分|\s*\||\s*$)"}


KIND_WORDS = {"budget": "预算|年初|全年|总额|安排|批复|资金|经费", "executed": "执行|支出|使用|实际|决算|支付|完成",
              "rate": "执行率|执行进度|支出率|支付率|支出进度|执行", "score": "得分|评分|总分|分数|自评分"}


def stated_twice(result: ParseResult, kind: str, src: dict) -> bool:
    """The figure, as the text writes it, stands in another place too (a form cell and a sentence, a summary and a
    section; outside the sentence or row it was read from): written twice with the same value, it confirms itself.
    Each place must say what the number is: money and scores followed by their unit or ending a cell, rates by %,
    and a word of the figure's kind (预算, 执行, 执行率, 得分 …) in the 20 characters before it, or in the header of
    its table — “100%” alone (满意度100%, 完成率100%) confirms no execution rate."""
    shown = (src.get("shown") or "").replace(",", "")
    m = re.search(r"\d+(?:\.\d+)?", shown)
    if not m or kind not in UNIT_AFTER:
        return False
    pattern = re.compile(NUMBER_AT.format(re.escape(m.group(0))) + UNIT_AFTER[kind], re.M)
    words = re.compile(KIND_WORDS[kind])
    lines = result.source_text.replace(",", "").split("\n")
    own = _own_lines(lines, src)
    if not own:  # its own place is not known: no other place can be told from it
        return False
    for k, line in enumerate(lines):
        if k + 1 in own:
            continue
        header = " ".join(x for x in lines[max(0, k - 15):k] if "|" in x) if "|" in line else ""
        if any(words.search(line[max(0, hit.start() - 20):hit.start()]) or words.search(header)
               for hit in pattern.finditer(line)):
            return True
    return False


def _own_lines(lines: list[str], src: dict) -> set[int]:
    """The lines (1-based) of the sentence or row a figure was read from: its line, and the lines after it that are
    part of the same paragraph (a PDF breaks a paragraph into several lines, a form flattened one cell per line is
    read as one row). Empty when the line is not known."""
    line, text = src.get("line") or 0, (src.get("text") or "").replace(",", "")
    if not line:
        return set()
    own = {line}
    k = line + 1
    while k <= len(lines) and lines[k - 1].strip() and lines[k - 1].strip() in text:
        own.add(k)
        k += 1
    return own


MONEY_KINDS = ("budget", "executed", "rate")


def _money_uncorroborated(result: ParseResult, unit: str, kind: str, value: str, src: dict) -> str:
    """The corroboration of money (docs/reporttext.md, “Third doubt pass”): a budget, an executed amount and an
    execution rate are certain when all three were read for the unit and agree (executed ÷ budget is the rate at 2
    decimals half-up, or at the 1 or 0 decimals the text rounded it to), or when the figure is written twice in the
    text with the same value. A lone amount or rate, two of the three, or three that disagree: a person looks. This
    subsumes the rate the amounts do not give (more than 1 point apart) and the rate the amounts cannot confirm."""
    if kind not in MONEY_KINDS:
        return ""
    figures = result.stated.get("units", {}).get(unit, {})
    sources = result.stated.get("sources", {}).get(unit, {})
    have = {k: figures.get(k) for k in MONEY_KINDS if figures.get(k) is not None}
    if len(have) == 3:
        budget, executed, rate = (Decimal(have[k]) for k in MONEY_KINDS)
        if rate_agrees(budget, executed, rate, _decimals(sources.get("rate", {}).get("shown") or "")):
            return ""
    if stated_twice(result, kind, src):
        return ""
    if len(have) == 3:
        computed = fmt2(Decimal(have["executed"]) / Decimal(have["budget"]) * 100) if Decimal(have["budget"]) else "—"
        return f"执行率与实际执行÷预算（{computed}%）不符，且该数值在文中只出现一次，请核对"
    missing = "、".join(LABELS[k] for k in MONEY_KINDS if k not in have)
    return (f"报告中未找到该单位的{missing}，{LABELS[kind]}无法由预算、实际执行与执行率互相核对，"
            f"且该数值在文中只出现一次，请核对")


STANDARD_BANDS = "90分及以上为优，80–90分为良，60–80分为中，60分以下为差"
VERDICT_SCORE = re.compile(r"(?:(?:自评|评价|综合|最终|总体|绩效)(?:得分|评分|分数|分值)|总得分|总分|自评分"
                           r"|[我本该](?:委|局|厅|办|单位|部门|院|中心|所|站|校|馆|队|会|处|室|项目)(?:总)?得分)"
                           r"\s*(?:[（(]分[）)])?\s*(?:为|是|达到|达|共计|计)?\s*[:：]?\s*$")
VERDICT_GRADE = re.compile(r"(?:等级|等次|级别|评价结果|自评结果|评定结果|结论|评定|评级)"
                           r"\s*(?:均为|为|是|评定为|确定为|认定为|评为|定为)?\s*[:：]?\s*[“\"「『]?$")


def bands_of(result: ParseResult) -> tuple[GradeBand, ...]:
    """The grade bands the text states (read as the parser reads them, :func:`.meta.parse_bands`), else the
    standard ones (≥90 优, 80–90 良, 60–80 中, <60 差)."""
    return parse_bands(result.source_text) or DEFAULT_BANDS


def is_verdict(kind: str, src: dict) -> bool:
    """The figure's own sentence states it as the evaluation's verdict: “自评得分为92分”, “综合得分：86.5”,
    “经自评，我委得分98分”, “评价等级为“优””: the words right before the figure, in its sentence, and no indicator
    (指标) named in its clause."""
    text, shown = src.get("text") or "", src.get("shown") or ""
    at = text.find(shown) if shown else -1
    if at < 0:
        return False
    start = max(text.rfind(c, 0, at) for c in "。；;！？!?\n") + 1
    before = text[start:at].rstrip(" |｜")
    if "指标" in before[max(before.rfind(c) for c in "，,：:") + 1:]:  # “产出指标得分30分”: one indicator's
        return False
    return bool((VERDICT_SCORE if kind == "score" else VERDICT_GRADE).search(before))


BY_POSITION = re.compile(r"第(\d+)行(?:起的表格为每格一行的形式|自评表的表头与数值连在一起|自评表一行少了单元格)")


def reading_doubt(result: ParseResult, src: dict) -> str:
    """Why the reading itself of a figure is fragile, whatever its words say: a row of a form the parser rebuilt or
    aligned by position (a table flattened one cell per line, header and values run together, a row short of a
    cell), or a line whose traditional characters were not all converted. "" when neither."""
    line, text = src.get("line") or 0, src.get("text") or ""
    if "|" in text and any(int(m.group(1)) <= line for n in result.notes for m in [BY_POSITION.match(n)] if m):
        return "取自按表头位置还原的表格行"
    lines = result.source_text.split("\n")
    if 0 < line <= len(lines) and _has_traditional(lines[line - 1]):
        return "所在行的繁体字未能全部转换"
    return ""


def _has_traditional(text: str) -> bool:
    try:
        from zhconv import convert
    except ImportError:  # pragma: no cover - zhconv is a requirement
        return False
    return convert(text, "zh-cn") != text


def _result_uncorroborated(result: ParseResult, unit: str, kind: str, value: str, src: dict) -> str:
    """The corroboration of the result (docs/reporttext.md, “Third doubt pass”): a score and a grade are certain when
    both were read for the unit and the score falls in the grade's band (the bands the text states, else the
    standard ones); a lone score or grade only when the text writes it twice or its own sentence is the evaluation's
    verdict (“自评得分为92分”, “评价等级为“优””) — and not when that sentence was read from a form row rebuilt by
    position or a line with traditional characters left unconverted (:func:`reading_doubt`)."""
    if kind not in ("score", "grade"):
        return ""
    figures = result.stated.get("units", {}).get(unit, {})
    score, grade = figures.get("score"), figures.get("grade")
    if score is not None and grade in GRADES:
        bands = bands_of(result)
        if grade_for(Decimal(score), bands) == grade:
            return ""
        told = "报告所列的等级区间" if bands != DEFAULT_BANDS else f"常用的等级区间（{STANDARD_BANDS}）"
        return f"得分{fmt2(Decimal(score))}分与等次“{grade}”不符合{told}，请核对"
    if kind == "score" and stated_twice(result, kind, src):
        return ""
    other = "等次" if kind == "score" else "得分"
    if is_verdict(kind, src):
        fragile = reading_doubt(result, src)
        if not fragile:
            return ""
        return (f"报告中未找到该单位的{other}，{LABELS[kind]}虽写作评价结论，但{fragile}，无法由{other}印证，"
                f"请核对{LABELS[kind]}")
    return (f"报告中未找到该单位的{other}，{LABELS[kind]}无法由{other}印证，且所在句子不是明确的评价结论"
            f"（如“自评得分为…分”“评价等级为“优””），请核对是否为该单位的{'总分' if kind == 'score' else '评价等次'}")


TABLE_IN_YUAN = re.compile(r"第(\d+)行的表格金额单位为元")


def _converted(result: ParseResult, unit: str, kind: str, value: str, src: dict) -> str:
    """An amount written in 元, 千元 or 亿元 and converted to 万元 (a misread unit moves it by orders of magnitude):
    the amount as shown carries the unit, or it is a cell of a table the parser read as being in 元."""
    if kind not in ("budget", "executed"):
        return ""
    shown, line = src.get("shown") or "", src.get("line") or 0
    in_yuan_table = "|" in (src.get("text") or "") and any(
        int(m.group(1)) <= line for n in result.notes for m in [TABLE_IN_YUAN.match(n)] if m)
    if re.search(r"(?<!万)元|亿", shown) or in_yuan_table:
        return "金额由元（或千元、亿元）换算为万元，请核对金额单位"
    return ""


ALL_RULES: dict[str, Rule] = {"guessed_unit": _guessed_unit, "zero_amount": _zero_amount, "low_score": _low_score,
                              "money_words": _money_words, "converted": _converted,
                              "money_uncorroborated": _money_uncorroborated,
                              "result_uncorroborated": _result_uncorroborated}
RULES: tuple[Rule, ...] = tuple(ALL_RULES.values())


def rule_doubts(result: ParseResult, unit: str, kind: str, value: str, src: dict) -> str:
    """What the doubt rules say of one figure (value as :func:`figure_rows` shows it; src its parser source), "" when
    none applies."""
    return "；".join(d for d in (rule(result, unit, kind, value, src) for rule in RULES) if d)


# A count of problems or recommendations has no figure row; its doubts are the text's own (docs/reporttext.md,
# "Certainty"). The parser's notes say which groups are a section's items under the section's own name.
PLAIN_GROUP = re.compile(r"“.+”部分未分类别，\d+个条目归入同一类别“(.+)”$|“(.+)”写在段落之中（第\d+行）")
COUNT_LABELS = {"problems": "问题", "recommendations": "建议"}


def count_doubts(result: ParseResult) -> list[str]:
    """The corroboration of a count of problems or recommendations (docs/reporttext.md, “Third doubt pass”): certain
    only when the items were found under a heading (or inline label, or form cell) that names 问题 / 建议, and every
    item is marked as one: a numbered line (1. （一） ① • …, numbered consecutively), one of several an ordinal marks
    in one paragraph (一是…二是…, （1）…), or the one paragraph under a category heading of its own. An item that is a
    whole unnumbered paragraph beside others (one paragraph may hold two problems, a lead-in or a closing remark may
    be counted as one), numbers that skip, or a heading that names neither (下一步工作打算, 改进措施): a person
    counts."""
    out = []
    for kind, (why, _) in count_checks(result).items():
        if why:
            label = COUNT_LABELS[kind]
            n = len(result.stated.get("finding_sources", {}).get(kind) or [])
            out.append(f"{label} · 条数 {n}：{'；'.join(why)}，请核对{label}的条数")
    return out


def count_checks(result: ParseResult) -> dict[str, tuple[list[str], list[str]]]:
    """Per kind (problems, recommendations) with items: why its count is uncertain (the parts of
    :func:`count_doubts`' message, [] when certain) and, per item in the parser's order, what makes that item
    doubtful ("" when nothing of its own: an item of an uncertain section is still shown as such by the review)."""
    plain = {m.group(1) or m.group(2) for n in result.notes for m in [PLAIN_GROUP.match(n)] if m}
    lines = result.source_text.split("\n")
    out: dict[str, tuple[list[str], list[str]]] = {}
    for kind, label in COUNT_LABELS.items():
        items = result.stated.get("finding_sources", {}).get(kind) or []
        if not items:
            continue
        headings = result.stated.get("finding_headings", {}).get(kind) or [""] * len(items)
        per_line: dict[tuple[int, str], int] = {}
        per_category: dict[str, int] = {}
        for it in items:
            per_line[(it["line"], it["category"])] = per_line.get((it["line"], it["category"]), 0) + 1
            per_category[it["category"]] = per_category.get(it["category"], 0) + 1
        why = []
        mine: list[list[str]] = [[] for _ in items]
        unnamed = sorted({h for h in headings if label not in h})
        if unnamed:
            names = "、".join(f"“{h}”" for h in unnamed[:2]) if any(unnamed) else "未写明的标题"
            why.append(f"条目所在的标题{names}未写明“{label}”")
            for i, h in enumerate(headings[:len(items)]):
                if label not in h:
                    mine[i].append(f"所在标题{'“' + h + '”' if h else ''}未写明“{label}”")
        loose: list[int] = []
        numbers: dict[str, list[int]] = {}
        for i, it in enumerate(items):
            no, category = it["line"], it["category"]
            num = numbering(lines[no - 1]) if 0 < no <= len(lines) else None
            if num is not None:
                if num.number is not None:
                    numbers.setdefault(category, []).append(num.number)
                continue
            if per_line[(no, category)] > 1 or (category not in plain and per_category[category] == 1):
                continue
            loose.append(no)
            mine[i].append("没有编号，一段文字算作一条")
        if loose:
            loose = sorted(set(loose))
            at = "、".join(f"第{n}行" for n in loose[:3]) + ("等" if len(loose) > 3 else "")
            why.append(f"{at}的条目没有编号（一段文字算作一条），条数取决于段落的划分")
        skipped = [c for c, ns in numbers.items() if len(ns) > 1 and ns != list(range(ns[0], ns[0] + len(ns)))]
        if skipped:
            why.append(f"“{skipped[0]}”下的条目编号不连续")
            for i, it in enumerate(items):
                if it["category"] in skipped:
                    mine[i].append("所在类别的条目编号不连续")
        out[kind] = (why, ["；".join(m) for m in mine])
    return out


TOTAL_LABELS = {"total_budget": ("budget", "资金总额"), "total_executed": ("executed", "实际执行总额")}


def total_doubts(result: ParseResult) -> list[str]:
    """The corroboration of a stated total (资金总额, shown on the dashboard beside the units' figures; it has no row in
    the review's table): certain when it is the sum of the units' own amounts (to a cent per unit, the text's
    rounding) or the text writes it twice; otherwise a person looks."""
    out = []
    units = result.stated.get("units", {})
    for key, (kind, label) in TOTAL_LABELS.items():
        total = result.stated.get(key)
        if total is None:
            continue
        parts = [Decimal(f[kind]) for f in units.values() if f.get(kind) is not None]
        if parts and abs(sum(parts) - Decimal(total)) <= Decimal("0.01") * len(parts):
            continue
        digits = fmt2(Decimal(total))
        written = re.escape(digits.rstrip("0").rstrip(".") if "." in digits else digits)
        if len(re.findall(NUMBER_AT.format(written) + MONEY_AFTER, result.source_text.replace(",", ""), re.M)) >= 2:
            continue
        why = "与各单位金额之和不符" if parts else "报告中未找到各单位的金额"
        out.append(f"{label} {digits}：{why}，且该数值在文中只出现一次，请核对{label}")
    return out


def doubts(result: ParseResult) -> list[str]:
    """Why this text must be seen by a person before it is published; empty when nothing in it is uncertain."""
    out = [f"{r.unit} · {LABELS[r.kind]} {r.value}：{r.uncertain}" for r in figure_rows(result) if r.uncertain]
    out += count_doubts(result)
    out += total_doubts(result)
    out += [f"第{w['line']}行：{w['message']}" for w in result.warnings]
    out += [f"第{u.line_no}行：{u.reason}" for u in result.unplaced if any(w in u.reason for w in CONFLICT_WORDS)]
    return out


def _number(text: str, kind: str) -> Decimal:
    try:
        value = Decimal(str(text).strip().rstrip("%").replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"{LABELS[kind]}“{text}”不是数字") from exc
    if not value.is_finite() or value < 0:
        raise ValueError(f"{LABELS[kind]}“{text}”不是有效的数值")
    if kind == "score" and value > 100:
        raise ValueError(f"得分“{text}”超过100分")
    return value


def _clean(value: str | None, kind: str) -> str | None:
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    if kind == "grade":
        if text not in GRADES:
            raise ValueError(f"等次“{text}”应为 优、良、中、差 之一")
        return text
    return fmt2(_number(text, kind))


def subject_choices(result: ParseResult) -> list[tuple[str, str]]:
    """What the review offers as the name of 本项目 (the figures the text gives no unit): the names the text gives
    what it is about, each with where it was read (the title's project first), without 本项目 itself."""
    return [(n, where) for n, where in result.names if n and n != SYNTHETIC_UNIT]


def apply_review(result: ParseResult, rows: list[dict], subject: str | None = None) -> Reviewed:
    """The evaluation with the figures of ``rows`` ({"unit", "kind", "value"}, and "orig_unit" for a row that
    started as a parsed figure of that unit; kind as key or Chinese label) in place of the parsed ones. ``subject``
    names 本项目: its rows become that unit's (one 命名 line in the changes, not a correction per figure). Raises
    ValueError (Chinese) for a value that is not a figure or a unit left empty."""
    before = {(r.unit, r.kind): r.value for r in figure_rows(result)}
    subject = (subject or "").strip()
    naming: list[str] = []
    if subject and subject != SYNTHETIC_UNIT and any(u == SYNTHETIC_UNIT for u, _ in before):
        merged = any(u == subject for u, _ in before)  # a unit that has figures of its own: each moved one is listed
        naming.append(f"命名 {SYNTHETIC_UNIT} → {subject}" + ("（并入该单位已有的数值）" if merged else ""))
        if not merged:
            before = {((subject if u == SYNTHETIC_UNIT else u), k): v for (u, k), v in before.items()}
            ev = result.evaluation
            result = replace(result, evaluation=replace(
                ev, units=tuple(Unit(subject) if u.key == SYNTHETIC_UNIT else u for u in ev.units),
                budget_lines=tuple(replace(b, unit=subject) if b.unit == SYNTHETIC_UNIT else b
                                   for b in ev.budget_lines),
                results=tuple(replace(r, unit=subject) if r.unit == SYNTHETIC_UNIT else r for r in ev.results),
                problems=tuple(replace(p, unit=subject) if p.unit == SYNTHETIC_UNIT else p for p in ev.problems)))

        def named(unit: object, moved: bool) -> object:
            return subject if moved and str(unit or "").strip() == SYNTHETIC_UNIT else unit
        rows = [{**row, "unit": named(row.get("unit"), True), "orig_unit": named(row.get("orig_unit"), not merged)}
                for row in rows]
    after: dict[tuple[str, str], str] = {}
    origin: dict[tuple[str, str], tuple[str, str]] = {}  # the evaluator's row -> the parsed figure it started as
    for n, row in enumerate(rows, start=1):
        unit = str(row.get("unit") or "").strip()
        kind = KIND_OF_LABEL.get(str(row.get("kind") or "").strip(), str(row.get("kind") or "").strip())
        if kind not in KINDS:
            raise ValueError(f"第{n}行：请选择项目（预算、实际执行、执行率、得分或等次）")
        value = _clean(row.get("value"), kind)
        if not unit:
            raise ValueError(f"第{n}行：请填写单位")
        if value is None:
            continue  # an emptied value is a removal
        if (unit, kind) in after and after[(unit, kind)] != value:
            raise ValueError(f"第{n}行：{unit} 的{LABELS[kind]}填了两个不同的数值")
        after[(unit, kind)] = value
        was = (str(row.get("orig_unit") or unit), kind)
        if was in before and was not in origin.values():
            origin[(unit, kind)] = was
    for key in after:  # a row whose unit and kind were not changed is that figure
        if key in before and key not in origin and key not in origin.values():
            origin[key] = key
    changes = list(naming)
    for key, was in origin.items():
        old, new = before[was], after[key]
        renamed = f"{was[0]} → {key[0]}" if was[0] != key[0] else key[0]
        if was[0] != key[0] or old != new:
            changes.append(f"更正 {renamed} {LABELS[key[1]]} {old}" + (f" → {new}" if old != new else ""))
    changes += [f"删除 {u} {LABELS[k]} {v}" for (u, k), v in before.items() if (u, k) not in origin.values()]
    changes += [f"补充 {u} {LABELS[k]} {v}" for (u, k), v in after.items() if (u, k) not in origin]
    ev = result.evaluation
    units = list(ev.units)
    known = {u.key for u in units}
    for unit, _ in after:
        if unit not in known:
            units.append(Unit(unit))
            known.add(unit)
    reviewed_note = "文本导入，经人工核对"
    old_lines = {b.unit: b for b in ev.budget_lines}
    old_results = {r.unit: r for r in ev.results}
    lines, results = [], []
    for u in units:
        money = {k: after.get((u.key, k)) for k in ("budget", "executed", "rate")}
        if any(v is not None for v in money.values()):
            base = old_lines.get(u.key, BudgetLine(u.key, None, None))
            note = reviewed_note if base.note.startswith(UNCERTAIN_MARK) else base.note
            lines.append(replace(base, budget=_dec(money["budget"]), executed=_dec(money["executed"]),
                                 stated_rate=_dec(money["rate"]), note=note))
        score, grade = after.get((u.key, "score")), after.get((u.key, "grade"))
        if score is not None or grade is not None:
            base_r = old_results.get(u.key, UnitResult(u.key))
            results.append(replace(base_r, stated_score=_dec(score), stated_grade=grade))
    used = {b.unit for b in lines} | {r.unit for r in results}
    keep = [u for u in units if u.key != SYNTHETIC_UNIT or u.key in used]  # 本项目 only while it has a figure
    return Reviewed(replace(ev, units=tuple(keep), budget_lines=tuple(lines), results=tuple(results)), changes)


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)
