"""Numbers read from a report's text: budget, executed, rate, score, grade in sentences and tables, each with its
unit and its line (not to be confused with evalcore/figures, the charts)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..numbers import HUNDRED, to_decimal
from .lines import Line
from .prose_units import enumerated, graded_lists
from .result import IMPLAUSIBLE_RATE as IMPLAUSIBLE_RATE_PCT
from .result import SYNTHETIC_UNIT, Unplaced
from .roles import (
    ANOTHER_YEAR,
    BAND,
    DOWN_AS_BUDGET,
    GOAL,
    RULE_AFTER,
    SCORE_BAND_AFTER,
    SCORE_RANGE_BEFORE,
    WEIGHTS,
    before_year_end,
    item_score,
    role_clause,
)
from .text import CJK, norm, numbering
from .units import NOT_A_UNIT, ORG_AT_START, ORG_BAD, ORG_SUFFIX, Units


def rate_as_written(budget: Decimal, executed: Decimal, rate: Decimal) -> bool:
    """executed ÷ budget × 100, rounded half-up to the decimals the rate is written with, is the rate (a rate the
    amounts give); False for a budget of 0 or less, or a rate that is no number."""
    exponent = rate.as_tuple().exponent
    if budget <= 0 or not isinstance(exponent, int):
        return False
    return (executed / budget * HUNDRED).quantize(Decimal(1).scaleb(min(exponent, 0)), ROUND_HALF_UP) == rate

# --- figures ----------------------------------------------------------------------------------------------

_NUM = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])")
# 万 or 亿 without 元 is money when no noun follows it (13.97万并且全部到位, 5万，…; not 3万人, 2万亩)
_MONEY_UNIT = re.compile(rf"\s*(亿元|万元|千元|元|亿(?![{CJK}])|万(?![{CJK}])|万(?=并|且|已|均|全部|主要|用于|其中))")
_EXEC_STRONG = re.compile(r"实际(?:全年|累计)?(?:执行|支出|使用|支付|完成|发生|兑付|发放)|"
                          r"已(?:支付|执行|使用|兑付|发放)|"
                          r"执行数|执行金额|"
                          r"支出数|支出金额|累计(?:支出|支付|执行|兑付|发放)|完成支出|完成投资|决算数")
_CARRIED = re.compile(r"结转")
# a list of the money's parts, each a numbered item of the sentence (已分配资金中:(1)…;(2)…): items, not the whole
_ITEMS_OPEN = re.compile(r"(?:资金|经费|款项|金额)[^，,。；;:：]{0,4}中\s*[:：]\s*"
                         r"[(（]\s*[1-9一二三四五六七八九十]\s*[)）]")
# money set out by its economic classes (人员费用207.33万元,公用支出142.67万元): each amount right after its class is
# a part
_CLASSES = (r"(?:基本支出|项目支出|人员经费|人员费用|人员支出|公用经费|公用支出|日常公用经费|工资福利支出|"
            r"商品和服务支出|资本性支出)")
_CLASS_BEFORE = re.compile(rf"{_CLASSES}\s*(?:为|是|:|：)?\s*$")
_CLASS_AMOUNT = re.compile(rf"{_CLASSES}\s*(?:为|是|:|：)?\s*\d")
# the classes a budget or an account is set out by (其中:基本支出…；项目支出…): after a ； still a part of the 其中 list
_CATEGORY_NEXT = re.compile(r"\s*(?:基本支出|项目支出|人员经费|公用经费|日常公用经费|"
                            r"一般公共预算(?:财政拨款)?(?:收入|支出)?|政府性基金(?:预算)?(?:财政拨款)?(?:收入|支出)?|国有资本经营预算(?:收入|支出)?|事业收入|经营收入|"
                            r"其他收入|上级补助收入|附属单位上缴收入)\s*(?:为|是|:|：)?\s*$")
# a numbered item's title run into its paragraph, a sentence of its own: 3、资金安排。 / (二)专项资金的使用。
_RUN_IN_TITLE = re.compile(r"(?:[(（]?[一二三四五六七八九十\d]{1,2}[)）、.．]\s*)"
                           r"(?P<t>[^，,；;：:。\d]{2,12}?)\s*[。.]?")
# a number the reader took for no figure, not a count (8个, 3项) nor a date: a cell's value in a form run together
_BARE_VALUE = re.compile(r"\d(?:[\d.]*\d)?(?![\d.]|\s*[个项家人次件所座处台套名户年月日号期批%])")
# an organisation that passes money down (甲厅下达乙市…资金, 甲局拨付各乡镇…): the funder of the sentence, not its unit
# money set out by its uses (资金安排是：支持体育设施建设5万元，支持…): each amount is a part, not the budget
_USES_LIST = re.compile(r"(?:安排|分配|使用)(?:是|如下|情况(?:是|为|如下)?)?\s*[:：]\s*(?:支持|用于)")
_GIVES = re.compile(r"\s*(?:向[^，,。；;]{0,20}?)?(?:下达|下拨|拨付|转拨|划拨|分配|预拨)")
# a label that carries its amount's unit, right before a bare value: 预算数(万元)：120, 执行数（元）: 1080000
_UNIT_IN_LABEL = re.compile(r"(?:预算|执行|支出|资金|金额|数|额)\s*\(\s*(万元|元|千元|亿元)\s*\)\s*[:：]?\s*$")
_KIND_WORDS = re.compile(
    r"(?P<other>结余|结转|节约|节余|剩余|余额|限额|未执行|未支付|未使用|未拨付|应支付|应付|应拨付|应发放|应兑付|差额|增加|减少|超支|欠款|罚款|"
    r"损失|审减|核减|同比|"
    r"上年|收入|自筹|配套)"
    r"|(?P<received>到位|拨付|到账|筹集|争取|下达|申请|申报|需求|申贷|贷款|发行|融资|债券)"
    r"|(?P<investment>总投资|计划投资|投资|造价|概算)"
    r"|(?P<executed>执行|支出|使用|支付|花费|开支|决算|兑付|发放|费用|(?<!公)共支(?!持))"
    r"|(?P<budget>预算|安排|批复|核定|资金总额|总额|资金规模|年初|调整后)")
_TOTAL = re.compile(r"总额|总计|合计|共计|总预算|总投资|总体|整体|全部|累计安排|共安排|共下达|总共|资金总|"
                    r"(?<!公)共支(?!持)")  # (共支182.564万元: all spent; 一般公共支出 is a class of spending)
_EXEC_RATE = re.compile(r"(?:预算|资金)?(?:执行|支付|支出)(?:完成)?率|(?:预算|资金)使用率|"
                        r"(?:预算|资金)?(?:执行|支出)进度")
_RATE_WORD = re.compile(rf"{_EXEC_RATE.pattern}|[{CJK}]率|进度|比例|满意度|占比|同比|增长|下降|增幅|降幅|提高|降低")
_SCORE_WORD = re.compile(r"得分|评分|总分值|满分值|总分|满分|分值|扣分|扣除|扣|权重")  # 总分值为100分: the scale
_SCORE_BREAKDOWN = re.compile(r"决策|过程|产出|效益|满意度|指标|维度|其中|一级|二级|部分")
GRADE_WORDS = "优秀|良好|中等|较差|不合格|合格|优|良|中|差"
# a verdict's score: 评价结果：88分, 自评结论为88分; a grade then its score in brackets: 评价结果：良好（88分）
VERDICT_SCORE = re.compile(r"(?:评价|自评|考核|考评|绩效)(?:结果|结论)\s*(?:为|是)?\s*[:：]?\s*$")
GRADE_THEN_BRACKET = re.compile(rf"(?:结果|结论|等级|等次|评为|评定为)\s*(?:为|是)?\s*[:：]?\s*[“\"]?(?:{GRADE_WORDS})"
                                r"[”\"]?\s*(?:等次|等级)?\s*\(\s*$")
_GRADE_ITEM = re.compile(
    rf"(?:(?P<o>[“\"「『‘'])\s*(?P<g>{GRADE_WORDS})\s*(?:等次|等级|等|级)?\s*[”\"」』’']"
    rf"|(?P<b>{GRADE_WORDS})(?:等次|等级|等|级)?(?![{CJK}]))")
_GRADE_KW = re.compile(
    r"(?:(?:等次|(?:评价|绩效|综合|考核|评定|结果|自评|结\s*论)等级|(?:(?<=^)|(?<=[，,；;。\s]))等级|(?:评价|自评|考评|考核)(?:结果|结论)|"
    r"评级|档次|(?:综合|总体)评价)(?P<all>均|都|皆|全部|分别)?\s*(?:(?:为|是|评定为|确定为|评为|定为|属于|属)\s*[:：]?|:|：)?"
    r"|(?P<all2>均|都|分别)?(?:被)?(?:评为|评定为|定为|确定为|获评|评定(?:该|本)(?:项目|单位|部门)为)(?:了)?"
    r"|(?P<all3>均|都|分别)(?:为|是|获得|属于)(?=\s*[“\"「『]))\s*")
_GRADE_AFTER = re.compile(
    rf"(?P<all>均|都|皆)?(?:为|是|获得|达到|属于)\s*(?P<q>[“\"「『]\s*(?P<g>{GRADE_WORDS})\s*[”\"」』]|(?P<b>{GRADE_WORDS}))"
    r"\s*(?:等次|等级|档次)")
_SCOPE = re.compile(r"涉及")
_GLUED = re.compile(r"(?:资金总额|总额|合计)\s*[:：]?\s*(?P<run>\d[\d.]{5,}%)")
_PART = re.compile(r"(?:0|[1-9]\d*)(?:\.\d{1,4})?")
# the budget cell written with its unit (or followed by a space), the executed and rate cells run together after it,
# the executed amount with or without its unit (OCR of a form: 年度资金总额50万元47.6895.00%, 50万元47.68万元95.36%)
_RATE_CELL = re.compile(r"(?:0|[1-9]\d{0,2})(?:\.\d{1,2})?")  # a rate as forms write it: 95, 95.5, 95.00
_GLUED_AFTER = re.compile(r"(?:资金总额|总额|合计)\s*[:：]?\s*(?P<budget>\d{1,12}(?:\.\d{1,6})?)(?:\s*万元\s*|\s+)"
                          r"(?P<run>\d[\d.]{0,18}(?:\s*万元\s*)?\d[\d.]{0,6}%)")  # bounded: no backtracking blow-up


def split_glued(run: str) -> tuple[Decimal, Decimal, Decimal] | None:
    """(budget, executed, rate) of the digits of cells that ran together, ``[initial] budget executed rate%``:
    the way to cut them into numbers where executed / budget is the rate (at the rate's precision), the closest
    one when several fit; None when none fits or two fit equally well."""
    digits = run.rstrip("%")
    found: dict[tuple[Decimal, Decimal, Decimal], Decimal] = {}
    for cut in range(1, min(len(digits), 7)):
        rate_text, rest = digits[-cut:], digits[:-cut]
        if not _PART.fullmatch(rate_text) or not rest:
            continue
        rate = Decimal(rate_text)
        if not 0 < rate <= IMPLAUSIBLE_RATE_PCT:
            continue
        for parts in _cuts(rest, 2) + _cuts(rest, 3):
            budget, executed = Decimal(parts[-2]), Decimal(parts[-1])
            if rate_as_written(budget, executed, rate):
                found[(budget, executed, rate)] = abs(executed / budget * HUNDRED - rate)
    if not found:
        return None
    best = min(found.values())
    closest = [k for k, v in found.items() if v == best]
    return closest[0] if len(closest) == 1 else None


def split_after_budget(budget: Decimal, run: str) -> tuple[Decimal, Decimal, str] | None:
    """(executed, rate, doubt) of an executed amount and a rate whose cells ran together after a budget written on its
    own (``47.6895.00%`` after 50万元): the cut where executed ÷ budget is the rate as written, else the one cut whose
    executed ÷ budget is within one point of its rate (a form's rate is often rounded or stated apart from the
    amounts: 47.68 ÷ 50 is 95.36%, the form says 95.00%); None when no cut or two fit equally well. When the executed
    cell kept its unit (``47.68万元95.36%``) the cut is known: taken when the amounts give the rate (no doubt), or
    within one point (the doubt)."""
    digits = run.rstrip("%")
    exact, near = [], []
    if "万元" in digits:  # the executed cell kept its unit: the one cut is there
        executed_cell, _, rate_cell = digits.partition("万元")
        cuts = [(rate_cell.strip(), executed_cell.strip())]
    else:
        cuts = [(digits[-cut:], digits[:-cut]) for cut in range(1, min(len(digits), 7))]
    for rate_text, executed_text in cuts:
        if not (_RATE_CELL.fullmatch(rate_text) and _PART.fullmatch(executed_text)) or budget <= 0:
            continue
        rate, executed = Decimal(rate_text), Decimal(executed_text)
        if not 0 < rate <= IMPLAUSIBLE_RATE_PCT:
            continue
        if rate_as_written(budget, executed, rate):
            exact.append((executed, rate))
        elif abs(executed / budget * HUNDRED - rate) <= 1:
            near.append((executed, rate))
    if len(exact) == 1:
        return (*exact[0], "" if "万元" in digits else "预算÷执行数与所列执行率相符")
    if not exact and len(near) == 1:
        return (*near[0], "执行数÷预算与所列执行率相差不到1个百分点，拆分方式未能由算术确认")
    return None


def _cuts(text: str, k: int) -> list[list[str]]:
    """Every way to cut ``text`` into ``k`` numbers written as a form writes them (no leading zeros)."""
    if k == 1:
        return [[text]] if _PART.fullmatch(text) else []
    out = []
    for i in range(1, len(text)):
        head = text[:i]
        if _PART.fullmatch(head):
            out += [[head, *rest] for rest in _cuts(text[i:], k - 1)]
    return out
_PER = re.compile(r"每(?:年|月|季度?|人|户|亩|个|名|所|村|家|头|吨|公里|平方米|平米|生|学期|项|套|台|次)")
_GRADE_DISTRIBUTION = re.compile(r"\s*(?:\([^)]{0,15}\))?\s*(?:的|项目|单位|部门|有|共|占)")
_GRADE_SEP = re.compile(r"\s*[、，,和及与]?\s*")
GRADE_NORMAL = {"优秀": "优", "良好": "良", "中等": "中", "较差": "差"}
_DELIM = re.compile(r"[，,；;：:。、]")
# a sentence about several projects or units at once: its amounts are sums, not one unit's figures
_MANY = re.compile(r"(?:[2-9]|[1-9]\d+|[二三四五六七八九十两]{1,3})\s*(?:个|家|项)\s*(?:重点)?"
                   r"(?:项目|单位|部门|预算部门)|(?:多个|各|所有)(?:项目|单位)")
# a percentage or score that is a target or a threshold (≥98%, 未达到90%的需说明原因, 不低于85分)
_TARGET_BEFORE = re.compile(r"(?:未达到|不低于|不少于|不高于|低于|高于|超过|大于|小于|≥|≤|>|<|=|以上|以下|目标值?|"
                            r"指标值|标准|要求|力争|确保|计划)\s*$")
_TARGET_AFTER = re.compile(r"\s*(?:的需|需|的应|应|以上|以下|及以上|及以下|\(含\)|时|的项目|的单位)")


@dataclass
class Fact:
    kind: str  # budget | executed | rate | score | grade | received | investment | scope | other | unknown
    value: Decimal | str
    unit: str | None
    line: Line
    total: bool = False
    breakdown: bool = False
    shown: str = ""  # the figure as written
    adjusted: bool = False  # a budget written as 调整后 / 全年预算 (over an earlier 年初 one), a score written as the
    # evaluation's (总得分, 最终得分… over an earlier one)
    aggregate: bool = False  # a sum over several projects or units (涉及资金… / 两个部门合计…): a total at most
    uncertain: str = ""  # why the parser is not sure of this figure (shown to the evaluator, kept in the note)
    clause: str = ""  # the words of its clause (money)


def as_number(value: Decimal | str | None) -> Decimal | None:
    """The value of a budget, executed amount, rate or score fact: a number (only a grade is text)."""
    assert not isinstance(value, str), f"a figure that should be a number is text: {value!r}"
    return value


def as_grade(value: Decimal | str | None) -> str | None:
    """The value of a grade fact: text."""
    assert not isinstance(value, Decimal), f"a grade that should be text is a number: {value}"
    return value


@dataclass
class _Token:
    start: int
    end: int
    kind: str  # money | pct | score | grade
    value: Decimal | str
    shown: str
    scale_note: str = ""
    all_units: bool = False
    respectively: bool = False


_NOT_KIND = re.compile(r"转移支付")  # 转移支付 is a transfer (a kind of funding), not money paid out


def _money_kind(window: str, clause: str) -> str | None:
    for scope in (_NOT_KIND.sub("＿＿＿＿", clause), _NOT_KIND.sub("＿＿＿＿", role_clause(window))):
        matches = list(_KIND_WORDS.finditer(scope))
        if not matches:
            continue
        last = matches[-1].lastgroup
        if last == "executed" and matches[-1].group(0) == "决算" and any(m.group(0) == "收入" for m in matches):
            return "other"  # “预算收入决算数为92.50万元”: income in the final accounts, not money spent
        if last == "executed" and re.search(r"安排[^，,；;。]*预算支出", scope):
            return "budget"  # “财政安排…项目预算支出合计25674.55万元”: the spending a budget arranges
        if last == "budget" and _EXEC_STRONG.search(scope):
            return "executed"
        if last == "executed" and any(m.lastgroup == "received" for m in matches) and not (
                _EXEC_STRONG.search(scope)):
            return "received"  # “下达使用资金29.6万元”: money passed on, never by itself spent
        return last
    return None


def _to_decimal(text: str) -> Decimal | None:
    try:
        return to_decimal(text)
    except ValueError:
        return None


# a score written alone in brackets after what it scores (…稳中有升。(自评得分5分), …（得分：8分）): one item's score,
# unless the words before the bracket state the evaluation's verdict (综合评价等级为优（自评得分95分）)
_ITEM_SCORE = re.compile(r"\(\s*(?:自评|评价)?(?:得分|评分|得)\s*[:：为]?\s*$")
_VERDICT = re.compile(r"等级|等次|结果|结论|评为|评定|总分|总得分|综合|最终|优秀|良好|合格|自评|评价")


def _tokens(n: str) -> list[_Token]:
    """Money amounts, percentages, scores and grades in a normalised sentence, in order."""
    toks: list[_Token] = []
    for m in _NUM.finditer(n):
        value = _to_decimal(m.group(0))
        if value is None:
            continue
        after = n[m.end():]
        mu = _MONEY_UNIT.match(after)
        labelled = None if mu else _UNIT_IN_LABEL.search(n[:m.start()])
        if labelled and not re.match(r"\s*(?:%|分|[年月日个项条人次])|\s+-?\d", after):
            # “预算数(万元)：120”: the label carries the amount's unit, the value stands bare after it (alone: not
            # the first of a form's row of cells, 年度资金总额(万元): 1 52.8 …, whose 1 is the row's number)
            unit = labelled.group(1)
            scaled = {"元": value / Decimal(10000), "千元": value / Decimal(10), "亿元": value * Decimal(10000)}
            note = "" if unit == "万元" else unit
            toks.append(_Token(m.start(), m.end(), "money", scaled.get(unit, value), m.group(0), note))
            continue
        if mu:
            unit = mu.group(1)
            note = ""
            if unit in ("元",):
                value, note = value / Decimal(10000), "元"
            elif unit == "千元":
                value, note = value / Decimal(10), "千元"
            elif unit in ("亿元", "亿"):
                value, note = value * Decimal(10000), "亿元"
            toks.append(_Token(m.start(), m.end() + mu.end(), "money", value, m.group(0) + unit, note))
            continue
        if re.match(r"\s*%", after):
            if re.search(r"\d\s*%?\s*[-—~～至到一]\s*$", n[:m.start()]) or re.match(r"\s*%\s*[-—~～至到]\s*\d", after):
                continue  # “预算执行率10一100%9”, “95%-100%的得满分”: a range of a scoring rule, not a rate
            toks.append(_Token(m.start(), m.end() + after.index("%") + 1, "pct", value, m.group(0) + "%"))
            continue
        if re.match(r"\s*分(?![钟之别值数级类期配担摊批])", after):
            end = m.end() + after.index("分") + 1
            if re.search(r"\(\s*$", n[:m.start()]) and re.match(r"\s*[)*×xX]", n[end:]) and not (
                    GRADE_THEN_BRACKET.search(n[:m.start()])):
                continue  # “预算执行率(20分)”, “得分(20分*执行率)”: a weight or a formula, never a score
            if _ITEM_SCORE.search(n[:m.start()]) and re.match(r"\s*\)", n[end:]) and not _VERDICT.search(
                    _DELIM.split(n[:n[:m.start()].rfind("(")])[-1]):
                continue  # “…稳中有升。(自评得分5分)”: the score of the item the text describes, not the unit's
            toks.append(_Token(m.start(), end, "score", value, m.group(0) + "分"))
            continue
        if re.search(r"(?:得分|评分|总分)\s*(?:\(\s*分\s*\))?\s*(?:为|是|:)?\s*$", n[:m.start()]) and not re.match(
                r"\s*[年月日个项条.]|\s+(?:[-—]|\d)", after):  # “自评总分(分)97.6部门联系人”: a form's cells run
            # together; not “得分 65.66 65.07 10”, a column title followed by a row of values
            toks.append(_Token(m.start(), m.end(), "score", value, m.group(0)))
    for m in _GRADE_KW.finditer(n):
        if not m.group(0).strip():
            continue
        pos = m.end()
        grades: list[tuple[int, int, str]] = []
        while True:
            g = _GRADE_ITEM.match(n, pos)
            if not g:
                break
            grades.append((g.start(), g.end(), g.group("g") or g.group("b")))
            pos = g.end()
            sep = _GRADE_SEP.match(n, pos)
            if not sep or not _GRADE_ITEM.match(n, sep.end()):
                break
            pos = sep.end()
        if m.group("all3") and not re.match(r"\s*(?:等次|等级|档次)", n[pos:]):
            continue  # "分别为“优”“良”" counts as grades only when followed by 等次
        if grades and _GRADE_DISTRIBUTION.match(n, grades[-1][1]):
            continue  # "等级为中(70-80分)的项目有3个": a distribution of projects, not this unit's grade
        flag = m.group("all") or m.group("all2") or m.group("all3") or ""
        for s, e, grade in grades:
            toks.append(_Token(s, e, "grade", grade, grade, all_units=flag in ("均", "都", "皆", "全部"),
                               respectively=flag == "分别" or len(grades) > 1))
    for m in re.finditer(rf"分\s*\(\s*(?P<g>{GRADE_WORDS})\s*(?:等次|等级)?\s*\)", n):
        toks.append(_Token(m.start("g"), m.end("g"), "grade", m.group("g"), m.group("g")))
    for m in _GRADE_AFTER.finditer(n):
        grade = m.group("g") or m.group("b")
        toks.append(_Token(m.start("q"), m.end("q"), "grade", grade, grade, all_units=bool(m.group("all"))))
    toks.sort(key=lambda t: t.start)
    dedup: list[_Token] = []
    for t in toks:
        if dedup and t.start < dedup[-1].end:
            continue
        dedup.append(t)
    return dedup


def _sentences(n: str) -> list[tuple[int, int]]:
    out = []
    start = 0
    for m in re.finditer(r"[。！？!?]", n):
        out.append((start, m.end()))
        start = m.end()
    if start < len(n):
        out.append((start, len(n)))
    return out


class FigureReader:
    """Turns the sentences and tables outside the findings sections into facts (figure, unit, line)."""

    def __init__(self, units: Units) -> None:
        self.units = units
        self.facts: list[Fact] = []
        self.unplaced: list[Unplaced] = []
        self.scale_lines: dict[str, list[int]] = {}
        self.notes: list[str] = []
        self.prev_kind: str | None = None  # the kind of the last figure read in the current sentence
        self.year: int | None = None  # the report's year (a date before its end dates a figure of part of it)

    # -- a paragraph ---------------------------------------------------------------------------------------

    def _org_name(self, clause: str) -> str | None:
        """The organisation opening a clause, as written (nothing resolved)."""
        m = ORG_AT_START.match(clause.strip())
        if m and not ORG_BAD.search(m.group("org")) and not NOT_A_UNIT.search(m.group("org")):
            if _GIVES.match(clause.strip()[m.end():]):
                return None  # 省工业和信息化厅下达广州市…资金: who passes the money down, not who spends it
            if self.units.expected and self.units.match(m.group("org")) is None and not (
                    self.units.expected.endswith(m.group("org"))):
                return None  # the report states its unit (title, 发布机构): a name in running text is no new unit
            return m.group("org")
        return None

    def _org(self, clause: str) -> str | None:
        name = self._org_name(clause)
        return None if name is None else self.units.resolve(name)

    def _org_list(self, text: str) -> list[str]:
        """The units of a list “A局、B局和C中心的…” (pieces separated by NUL for 、), each an organisation; [] unless
        every piece is one."""
        pieces = [p.strip() for p in re.split(r"\0|和|及|与", text) if p.strip()]
        if len(pieces) < 2 or not all(self._org_name(p) for p in pieces):
            return []  # nothing resolved (defined) unless every piece is an organisation
        return [k for k in (self._org(p) for p in pieces) if k is not None]

    def _unit_in(self, window: str) -> str | None:
        """The unit named nearest before a figure: a known name, or an organisation opening a clause; never one
        inside the title of a document cited (《省财政厅、省卫健委关于…的通知》)."""
        window = re.sub(r"《[^《》]*》?", lambda m: " " * len(m.group(0)), window)
        for clause in reversed(_DELIM.split(window)):
            found = self.units.mentions(clause)
            if found:
                return found[-1][2]
            org = self._org(clause)
            if org is not None:
                return org
        return None

    def subject(self, text: str) -> str | None:
        """The unit a heading or a figure-less sentence is about: one unit, written at its start."""
        n = norm(text).strip()
        num = numbering(n)
        if num is not None:
            n = num.rest
        n = n.strip().lstrip("，,：:、 ")
        found = {k for _, _, k in self.units.mentions(n)}
        starts = [k for s, _, k in self.units.mentions(n) if s == 0]
        if len(found) == 1 and starts:
            return starts[0]
        if not found:
            head = _DELIM.split(n)[0]
            m = ORG_AT_START.match(head)
            if m and m.group("org") == head.strip() and not ORG_BAD.search(head) and not NOT_A_UNIT.search(head):
                return self.units.resolve(head.strip())
        return None

    def paragraph(self, line: Line, ctx: str | None = None) -> None:
        n = self._glued(line, norm(line.text))
        last_money_kind: str | None = None
        para_scored: list[str] = []  # units scored earlier in the paragraph (for "均为" / "分别为" grades)
        para_start = len(self.facts)
        run_in = ""  # the kind a numbered item's run-in title gives its amounts (3、资金安排。…共计4.8万元)
        for s0, s1 in _sentences(n):
            sent = n[s0:s1]
            first_fact = len(self.facts)
            listed_by_grade = graded_lists(sent)
            if listed_by_grade:  # 评价结果为优的项目有：甲项目（92分）、乙项目（90分）
                for name, grade, score in listed_by_grade:
                    key = self.units.define(name)
                    self.facts.append(Fact("grade", grade, key, line, shown=grade))
                    if score is not None and score <= HUNDRED:
                        self.facts.append(Fact("score", score, key, line, shown=f"{score}分"))
                continue
            toks = _tokens(sent)
            if not toks:
                about = self.subject(sent)
                if about is not None:
                    ctx = about
                titled = _RUN_IN_TITLE.fullmatch(sent.strip())
                run_in = (_money_kind(titled.group("t"), titled.group("t")) or "") if titled else ""
                run_in = run_in if run_in in ("budget", "executed") else ""
                continue
            head_ctx = ctx
            had_list = list_mode = items_mode = False
            self.prev_kind = None
            scored: list[str] = []
            last_listed: list[str] = []
            prev = 0
            i = 0
            listed_items = enumerated(sent, [(t.start, t.end, t.kind, t.value) for t in toks])
            while i < len(toks):
                tok = toks[i]
                window = sent[prev:tok.start]
                clause = _DELIM.split(window)[-1]
                if tok.scale_note:
                    self.scale_lines.setdefault(tok.scale_note, []).append(line.no)
                if i in listed_items:  # “甲项目执行率99%；乙项目98%”: an enumeration, each figure its project's
                    name, kind = listed_items[i]
                    if kind in ("rate", "grade") or (isinstance(tok.value, Decimal) and tok.value <= HUNDRED):
                        self.facts.append(Fact(kind, tok.value, self.units.define(name), line, shown=tok.shown))
                        self.prev_kind = kind
                    prev = tok.end
                    i += 1
                    continue
                # "分别为": a run of figures of one kind matched to the units listed before it, in order.
                resp = "分别" in window and not re.search(r"[，,；;。]", window[window.rfind("分别"):])
                if resp or tok.respectively:
                    run = [tok]
                    j = i + 1
                    while j < len(toks) and toks[j].kind == tok.kind and re.fullmatch(
                            r"[\s、，,和及与“”\"]*", sent[run[-1].end:toks[j].start]):
                        run.append(toks[j])
                        j += 1
                    listed = []
                    for _, _, key in self.units.mentions(window if resp else sent[:tok.start]):
                        if key not in listed:
                            listed.append(key)
                    if not listed and resp and not last_listed:  # “区教育局、区卫健局的得分分别为…”: named here
                        listed = self._org_list(_DELIM.split(window[:window.rfind("分别")].replace("、", "\0"))[-1])
                    if not listed and tok.kind == "grade":
                        listed = list(dict.fromkeys(scored or para_scored))
                    if not listed:
                        listed = list(last_listed)
                    last_listed = listed
                    if len(run) > 1 or resp:
                        if len(listed) == len(run):
                            for t, key in zip(run, listed, strict=True):
                                self._emit(t, key, line, window, clause, last_money_kind, scored)
                            if run[0].kind == "money":
                                last_money_kind = self.facts[-1].kind if self.facts else last_money_kind
                        else:
                            for t in run:
                                self._skip(line, t, f"“分别”列出的{len(run)}个数值与前面列出的"
                                                    f"{len(listed)}个单位对不上，未能逐一对应")
                        prev = run[-1].end
                        i = j
                        continue
                unit = self._unit_in(window)
                if tok.kind == "grade" and tok.all_units:
                    named = list(dict.fromkeys(k for _, _, k in self.units.mentions(window)))
                    graded = (list(dict.fromkeys(scored)) or (list(dict.fromkeys(para_scored)) if unit is None else [])
                             or named)
                    targets: list[str | None] = [*graded] if graded else [ctx]  # ctx: None when nothing is known
                    for target in targets:
                        self._emit(tok, target, line, window, clause, last_money_kind, scored)
                    prev = tok.end
                    i += 1
                    continue
                if re.search(r"其中|包括|包含", _BARE_VALUE.split(window)[-1]) or _USES_LIST.search(window) or (
                        _ITEMS_OPEN.search(window)):
                    had_list = list_mode = True  # (not before a bare value: see _emit)
                    items_mode = bool(_ITEMS_OPEN.search(window))
                elif list_mode and not items_mode and (
                        re.search(r"[；;)]", window) or _EXEC_STRONG.search(window)
                        or re.match(r"\s*(?:截至|截止|到)?\s*20\d{2}\s*年", window)) and not (
                        _CATEGORY_NEXT.match(re.split(r"[；;]", window)[-1])):
                    # (a list of numbered items lasts to the sentence's end: 已分配资金中:(1)…;(2)…;(3)…实际支出…)
                    # (a ； before the next class of the same money keeps the list: 其中:基本支出…；项目支出8,523万元)
                    # (a year right after the last part opens a new clause: …其他资金859.6万元2023年支出2310.4万元)
                    list_mode = False
                # a sum over several projects or units (涉及资金… / 两个部门合计…), an unnamed part of a 其中 list
                aggregate = tok.kind == "money" and bool(re.search(r"涉及", clause) or (
                    unit is None and _MANY.search(clause) and not self.units.mentions(clause)))
                if aggregate:
                    unit = None
                if tok.kind == "grade" and re.search(r"\d+\s*(?:个|家|项)\s*(?:项目|单位|部门)?\s*(?:被)?\s*"
                                                   r"(?:评为|评定为|定为|确定为|为|属于|获得?)?\s*[“\"]?$", clause):
                    self._skip(line, tok, "若干项目的等次分布，不是某一单位的等次，未导入")
                    prev = tok.end
                    i += 1
                    continue
                is_total = bool(_TOTAL.search(clause) or _TOTAL.search(window) or aggregate) and unit is None
                # (in a list of numbered items, a rate is an item's too: (3)…实际支出17.05万元,资金支出率85%)
                part = list_mode and unit is None and (tok.kind == "money" or items_mode and tok.kind == "pct")
                if tok.kind in ("pct", "score") and (_TARGET_BEFORE.search(window) or GOAL.search(clause) or (
                        RULE_AFTER.match(sent[tok.end:]))) or (
                        tok.kind == "pct" and _TARGET_AFTER.match(sent[tok.end:])):
                    self._skip(line, tok, "目标值、门槛或填表说明中的数值，不是实际数，未导入")
                    prev = tok.end
                    i += 1
                    continue
                if tok.kind == "score" and (SCORE_BAND_AFTER.match(sent[tok.end:]) or SCORE_RANGE_BEFORE.search(
                        sent[:tok.start])) or tok.kind == "grade" and BAND.search(_DELIM.split(sent[:tok.start])[-1]):
                    self._skip(line, tok, "评分规则中的分数段或等次划分，不是评价结果，未导入")  # 90分以上为优
                    prev = tok.end
                    i += 1
                    continue
                if tok.kind in ("pct", "score") and ANOTHER_YEAR.search(clause):
                    self._skip(line, tok, "上年或计划的数值，不是本年度的执行率或得分，未导入")  # 上年度得分88分
                    prev = tok.end
                    i += 1
                    continue
                if "平均" in clause:  # “平均得分92分”, “平均执行率95%”: an average over several, nobody's own figure
                    self._skip(line, tok, "平均数，不是某一单位的数值，未导入")
                    prev = tok.end
                    i += 1
                    continue
                if tok.kind == "score" and i > 0 and not self.units.mentions(clause) and item_score(
                        clause, _DELIM.split(sent[:toks[i - 1].start])[-1] + sent[toks[i - 1].start:tok.start],
                        sent[tok.end:]):
                    self._skip(line, tok, "某一指标的得分（紧随指标、分值或百分比之后），不是评价总分，未导入")
                    prev = tok.end
                    i += 1
                    continue
                if tok.kind in ("pct", "money") and before_year_end(sent[:tok.start], self.year) and (
                        tok.kind == "pct" or _money_kind(window, clause) == "executed"):
                    self._skip(line, tok, "年度中途某一时点的支出或执行进度，不是全年数，未导入")  # 截至6月底
                    prev = tok.end
                    i += 1
                    continue
                if unit is None and not is_total and not part:
                    unit = ctx
                after = sent[tok.end:toks[i + 1].end if i + 1 < len(toks) else len(sent)]  # with the next figure
                fact = self._emit(tok, unit, line, window, clause, last_money_kind, scored, is_total=is_total,
                                  part=part, after=after, sentence=sent[:tok.start], run_in=run_in)
                if fact is not None and aggregate:
                    fact.aggregate = True
                if fact is not None and fact.kind in ("budget", "executed"):
                    last_money_kind = fact.kind
                elif tok.kind == "money":
                    last_money_kind = None  # an amount of no role between: the next item has none to take
                if unit is not None and fact is not None and fact.kind not in ("other", "received", "unknown"):
                    ctx = unit
                prev = tok.end
                i += 1
            if had_list:
                ctx = head_ctx
            para_scored.extend(scored)
            self._confirmed_by_rate(self.facts[first_fact:], line)
        self._total_confirmed_by_rate(self.facts[para_start:], line)

    def _glued(self, line: Line, n: str) -> str:
        """A form's total row whose cells ran together (“资金总额10001000100%20”, “64.864.864.8100%”): the digits are
        split where the amounts over each other give the rate that ends the run; taken only when exactly one split
        fits, and marked uncertain. The run is blanked out of the sentence (same length) so it is read once."""
        for m in _GLUED.finditer(n):
            split = split_glued(m.group("run"))
            if split is None:
                continue
            budget, executed, rate = split
            doubt = f"由相连的表格单元格“{m.group('run')}”拆分得出（预算÷执行数与所列执行率相符），请核对"
            for kind, value in (("budget", budget), ("executed", executed), ("rate", rate)):
                shown = f"{value}%" if kind == "rate" else str(value)
                self.facts.append(Fact(kind, value, None, line, True, False, shown, uncertain=doubt))
            n = n[:m.start("run")] + " " * len(m.group("run")) + n[m.end("run"):]
        for m in _GLUED_AFTER.finditer(n):
            after = split_after_budget(Decimal(m.group("budget")), m.group("run"))
            if after is None:
                continue
            executed, rate, why = after
            doubt = f"由相连的表格单元格“{m.group('run')}”拆分得出（{why}），请核对" if why else ""
            figures = [("executed", executed), ("rate", rate)]
            start = m.start("run")
            if "万元" not in n[m.end("budget"):start]:  # a budget cell without its unit: read here, not as prose
                figures.insert(0, ("budget", Decimal(m.group("budget"))))
                start = m.start("budget")
            for kind, value in figures:
                shown = f"{value}%" if kind == "rate" else str(value)
                self.facts.append(Fact(kind, value, None, line, True, False, shown, uncertain=doubt))
            n = n[:start] + " " * (m.end("run") - start) + n[m.end("run"):]
        return n

    def _confirmed_by_rate(self, facts: list[Fact], line: Line) -> None:
        """Two amounts and a rate in one sentence, the smaller over the larger being that rate: they are the budget
        and the executed amount, whatever words came with them (上级下达资金1235.60万元，实际兑付1198.30万元，预算执行率
        96.98%; 项目资金共2179万元，已完成拨付2113.63万元，执行率97%). A 下达 / 拨付 amount is taken only so, and a 下达
        amount only by a 预算执行率 (the rate says its denominator is the budget; 执行率 or 支付完成率 alone do not).
        Money carried over (全年预算结转资金合计680.315万元，实际全年执行预算资金合计233.64万元，预算执行率34.3%) is
        the year's budget of a project run on last year's funds, taken so only by the rate as well."""
        money = [f for f in facts if (f.kind in ("budget", "executed", "received", "unknown") or (
                 f.kind == "other" and _CARRIED.search(role_clause(f.clause)))) and not f.breakdown and not f.aggregate]
        rates = [f for f in facts if f.kind == "rate"]
        if len(money) != 2 or len(rates) != 1 or len({f.unit for f in money + rates}) != 1:
            return
        a, b = sorted(money, key=lambda f: Decimal(f.value), reverse=True)
        if (a.kind, b.kind) == ("budget", "executed") or not Decimal(a.value):
            return
        rate = Decimal(rates[0].value)
        if not rate_as_written(Decimal(a.value), Decimal(b.value), rate):
            return
        if a.kind == "received" and "下达" in a.clause and not rates[0].clause.count("预算"):
            return  # money passed down is the budget only when the text writes it as one: a 预算执行率 it gives
        for f, kind, label in ((a, "budget", "预算"), (b, "executed", "实际执行")):
            if f.kind != kind:
                f.uncertain = f"{label}取自“{f.shown}”（原文未写明，按它与另一金额之比等于所列执行率{rate}%推定）"
                self.notes.append(f"第{line.no}行“{f.shown}”按与执行率{rate}%相符作为{label}")
                f.kind = kind

    def _total_confirmed_by_rate(self, facts: list[Fact], line: Line) -> None:
        """“项目资金共计500万元，其中…。截至年底已支出480万元，支出率96%。”: across the sentences of one paragraph,
        an amount whose meaning the words left open is the budget when the paragraph's only executed amount over it
        is the paragraph's only rate. Never a 下达 / 到位 amount (those need the same sentence)."""
        open_ = [f for f in facts if f.kind == "unknown" and not f.breakdown and not f.aggregate]
        if len(open_) != 1 or any(f.kind == "budget" for f in facts):
            return
        executed = [f for f in facts if f.kind == "executed" and not f.breakdown and not f.aggregate]
        rates = [f for f in facts if f.kind == "rate"]
        if len(executed) != 1 or len(rates) != 1 or len({f.unit for f in open_ + executed + rates}) != 1:
            return
        rate = Decimal(rates[0].value)
        if not rate_as_written(Decimal(open_[0].value), Decimal(executed[0].value), rate):
            return
        f = open_[0]
        f.kind = "budget"
        f.uncertain = f"预算取自“{f.shown}”（原文未写明，按实际执行与它之比等于所列执行率{rate}%推定）"
        self.notes.append(f"第{line.no}行“{f.shown}”按与执行率{rate}%相符作为预算")

    def _skip(self, line: Line, tok: _Token, reason: str) -> None:
        self.unplaced.append(Unplaced(line.no, line.text, f"{tok.shown}：{reason}"))

    def _emit(self, tok: _Token, unit: str | None, line: Line, window: str, clause: str,
              last_money_kind: str | None, scored: list[str], is_total: bool = False,
              part: bool = False, after: str = "", sentence: str = "", run_in: str = "") -> Fact | None:
        spent_all = down_budget = False
        if tok.kind == "money":
            kind = _money_kind(window, clause) or run_in or None
            tail = re.split(r"[。！？!?；;]", after, maxsplit=1)[0]
            if _money_kind(clause, clause) is None and re.search(r"到位|拨付|下达|到账", tail) and not (
                    _EXEC_STRONG.search(tail)):
                kind = "received"  # “资金1749万元，全部…下达拨付给…”: the words after the amount say what it is
            spent_all = bool(re.match(r"\s*[，,]?\s*(?:已|均)?(?:全部|全额)(?:执行|支出|使用|支付)", tail)) and (
                _money_kind(clause, clause) in (None, "budget") and not _SCOPE.search(clause))
            if spent_all:
                kind = "budget"  # “资金3728万元全部执行到位”: the year's money, and all of it spent
            item_of_list = False
            if kind is None and last_money_kind and (unit is not None or re.search(r"其中|[、；;]", window)):
                kind = last_money_kind  # the next item of a list: its kind, and its role, are the item's before it
                before_ = next((f for f in reversed(self.facts) if f.line is line and f.kind == kind), None)
                item_of_list = before_ is not None and before_.breakdown  # a component's neighbour is a component
            if kind in ("budget", "executed", None) and ANOTHER_YEAR.search(clause):
                kind = "other"  # “上年预算300万元”, “拟安排资金500万元”: another year's figure, or a plan
            if kind == "received" and "下达" in clause and DOWN_AS_BUDGET.search(sentence) and not re.search(
                    r"到位|拨付|到账", clause):
                kind = "budget"  # “…下达…预算的通知…下达资金921.25万元”: 下达 written as a budget
                down_budget = True
            if kind == "executed" and _EXEC_STRONG.search(after) and re.search(
                    r"预算支出(?:数|金额|总额)?\s*(?:为|是|共|共计|合计)?\s*[:：]?\s*$", clause):
                kind = "budget"  # “全年预算支出1000万元，实际支出950万元”: set against the money spent, a budget
            if kind == "budget" and tok.value == 0:
                kind = "other"  # “年初预算安排0万元”: a line set to nothing (三公经费), never a unit's budget
            if _SCOPE.search(clause):
                kind = "scope"  # “涉及资金6.5亿元”: the money an evaluation covers, never a budget or an amount spent
            elif _PER.search(clause):
                kind = "other"  # “每年财政补助1000万元”: a standard per year / per head, not this year's figure
            # (其中 before a bare value the reader took for no figure, 其中:中央财政…市县财政299.4其它实际支出(万元)
            # 299.4, is that value's: the figure after it is not a part; nor does it open a list for it)
            listed_part = bool(re.search(r"其中|包括|包含", _BARE_VALUE.split(window)[-1]))
            breakdown = unit is None and (listed_part or part) and not is_total
            breakdown = breakdown or item_of_list or (
                unit is None and bool(_CLASS_BEFORE.search(window)) and (
                    bool(_CLASS_AMOUNT.search(sentence) or _CLASS_AMOUNT.search(re.split(r"[。！？!?]", after)[0]))))
            adjusted = kind == "budget" and bool(re.search(r"调整后|调整预算|调整为|调增|调减|全年预算|"
                                                           r"[(（]\s*调整(?:后)?\s*[)）]\s*预算", clause))
            fact = Fact(kind or "unknown", tok.value, unit, line, is_total, breakdown, tok.shown, adjusted=adjusted,
                        clause=clause,
                        uncertain=f"“{tok.shown}”为下达的资金，所在句子写明下达的是预算，按预算录入，请核对" if (
                            down_budget) else "")
        elif tok.kind == "pct":
            words = list(_RATE_WORD.finditer(window))
            listed = not words and self.prev_kind == "rate" and self._named(window)  # "A局90%，B局85%"
            if not listed and (not words or not _EXEC_RATE.fullmatch(words[-1].group(0))):
                return None  # a percentage that is not an execution rate (覆盖率, 满意度…): narrative, not a figure
            fact = Fact("rate", tok.value, unit, line, is_total, part and unit is None, tok.shown, clause=clause)
        elif tok.kind == "score":
            words = list(_SCORE_WORD.finditer(window))
            listed = not words and self.prev_kind == "score" and self._named(window)  # "A局88分，B局85分"
            scoring = bool(words) and words[-1].group(0) in ("得分", "评分", "总分")
            bracketed = bool(GRADE_THEN_BRACKET.search(sentence) and re.match(r"\s*\)", after))
            if not scoring and (re.search(r"(?:项目|单位|部门|共|总共|合计|最终|综合)得\s*$", window) or (
                    re.search(r"绩效自评(?:结果)?\s*(?:为|是)?\s*$", window)) or (
                    VERDICT_SCORE.search(window)) or bracketed or (  # “自评绩效等级为“优”，分数为97分”
                    re.search(r"分数\s*(?:为|是|:)?\s*$", window)
                    and re.search(r"自评|评价|考核|等级|等次", sentence))):
                # “该项目得92.5分”, “共得92.5分”: the score given, written with 得 alone; “综合评价结果：88分”, “评价
                # 结果：良好（88分）”: the verdict's score
                scoring = True
            assert isinstance(tok.value, Decimal), "a score token carries a number (only a grade is text)"
            if tok.value > HUNDRED or not (listed or scoring):
                return None
            if tok.value == HUNDRED and re.search(r"(?:总分|满分)\s*$", window):
                return None  # “总分100分”: the most a form gives, not a score
            if tok.value == HUNDRED and re.search(r"(?:总分|满分)\s*(?:为|是|:|设为|设置为|设定为)\s*$", window) and (
                    WEIGHTS.search(window + after)):
                return None  # “评价总分为100分，其中决策20分…”: the most the rule gives, then its weights
            out_of = re.match(r"\s*\(\s*(?:满分|总分|分值)\s*(?:为|:)?\s*(\d+(?:\.\d+)?)", after)
            if out_of and Decimal(out_of.group(1)) < HUNDRED:
                return None  # “得分9.6分(满分10分)”: one item's score, not the evaluation's
            breakdown = bool(_SCORE_BREAKDOWN.search(clause) or re.search(r"(?:该|此|本|单|分)项(?!目)", clause)) and (
                not self.units.mentions(clause))
            overall = bool(re.search(r"总得分|总分|综合得分|最终得分|评价得分|自评得分", window))  # wins over the first
            fact = Fact("score", tok.value, unit, line, is_total, breakdown, tok.shown, adjusted=overall)
            if unit is not None and not breakdown:
                scored.append(unit)
        else:
            fact = Fact("grade", str(tok.value), unit, line, is_total, False, tok.shown)
        self.facts.append(fact)
        if tok.kind == "money" and spent_all and fact.kind == "budget" and not fact.breakdown:
            self.facts.append(Fact("executed", tok.value, unit, line, is_total, False, tok.shown,
                                    uncertain=f"原文写“{tok.shown}”全部执行，实际执行按该金额录入，请核对"))
        self.prev_kind = fact.kind
        return fact

    def _named(self, window: str) -> bool:
        """The window names a unit and nothing else (the next entry of a list)."""
        clause = _DELIM.split(window)[-1]
        return bool(self.units.mentions(clause) or self._org(clause))

    # -- a table -------------------------------------------------------------------------------------------

    @staticmethod
    def _unit_column(rows: list[Line], header: list[str], unit_cols: list[int],
                     project_col: int | None) -> tuple[int | None, str]:
        """The column naming the evaluated object: a 单位 column whose rows differ (被评价单位 / 项目单位 before
        主管部门), else the 项目名称 column (a table listing projects of one unit)."""
        data = [r.cells or [] for r in rows[1:]]

        def distinct(idx: int) -> bool:
            values = [re.sub(r"\s", "", c[idx]) for c in data if idx < len(c) and c[idx].strip()]
            values = [v for v in values if not re.fullmatch(r"合计|总计|小计|总体|全部|共计", v)]
            return len(set(values)) == len(values) and bool(values)

        ranked = sorted(unit_cols, key=lambda i: 1 if re.search(r"主管|上级", header[i]) else 0)
        for idx in ranked:
            if len(data) <= 1 or distinct(idx):
                return idx, ""
        if project_col is not None and distinct(project_col):
            why = "各行单位相同，" if unit_cols else ""
            return project_col, f"第{rows[0].no}行的表格{why}以“{header[project_col]}”列为评价对象"
        return (unit_cols[0], "") if unit_cols else (None, "")

    def _label_value_table(self, rows: list[Line]) -> bool:
        """The label | value rows of a table (| 评价得分 | 88 | 评价等级 | 良好 |), each value read by its label. In a
        form that also has rows of another shape (a detail table) only the pairs' money is read. Money
        only with its unit written (万元 / 元) in the label or the value. False (nothing read) unless a figure is
        found."""
        found: list[Fact] = []
        unit: str | None = None
        mixed = False  # rows of another shape too: only money written with its unit is read from the pairs
        for r in rows:
            cells = [norm(c).strip() for c in r.cells or []]
            while cells and not cells[-1]:
                cells.pop()
            pairs = list(zip(cells[0::2], cells[1::2], strict=False))
            if len(cells) % 2 or not cells or any(
                    not re.sub(r"\s", "", label) or _to_decimal(label) is not None for label, _ in pairs):
                mixed = True  # a detail table's header or line, a value where a label belongs: not read
                continue
            for label, value in pairs:
                label = re.sub(r"\s", "", label)
                if re.fullmatch(r"(?:单位|部门|项目单位|实施单位|被评价单位)(?:名称)?", label) and value:
                    org = self._org_name(value)
                    unit = self.units.resolve(org) if org == value.strip() else unit
                    continue
                fact = self._labelled(label, value, r)
                if fact is not None:
                    found.append(fact)
        if mixed:  # a 自评表's 总分 | 100 is its maximum, a detail row's score an item's: not the evaluation's
            found = [f for f in found if f.kind in ("budget", "executed")]
        if not found:
            return False
        for f in found:
            f.unit = unit
        self.facts.extend(found)
        return True

    @staticmethod
    def _labelled(label: str, value: str, r: Line) -> Fact | None:
        if re.search(r"满分|分值|权重|标准|目标|指标值", label):
            return None
        if re.search(r"等级|等次|评价结果|自评结果", label):
            g = re.fullmatch(rf"[“\"「]?({GRADE_WORDS})[”\"」]?", value)
            return Fact("grade", g.group(1), None, r, shown=value) if g else None
        number = _to_decimal(re.sub(r"[%分万元\s,]", "", value)) if re.fullmatch(
            r"\d[\d,]*(?:\.\d+)?\s*(?:%|分|万元|元)?", value) else None
        if number is None:
            return None
        if re.search(r"得分|评分|总分|分数", label):
            return Fact("score", number, None, r, shown=value) if number <= HUNDRED and "%" not in value else None
        if _EXEC_RATE.search(label):
            return Fact("rate", number, None, r, shown=value) if "%" in value or "%" in label else None
        money = "万元" in label + value or re.search(r"\(元\)|元$", label + value)
        if not money:
            return None
        if "万元" not in label + value:
            number = number / Decimal(10000)
        if re.search(r"实际执行|执行数|执行金额|实际支出|支出数|已支付", label):
            return Fact("executed", number, None, r, shown=value)
        if re.search(r"预算|批复|调整后|全年预算|安排", label) and "率" not in label:
            return Fact("budget", number, None, r, shown=value, adjusted=bool(re.search(r"调整后|全年", label)))
        return None

    def table(self, rows: list[Line], before: list[Line]) -> list[str]:
        """Facts from a table whose header names units and figures. Returns notes."""
        notes: list[str] = []
        header = [norm(c) for c in rows[0].cells or []]
        cols: dict[str, int] = {}
        unit_cols: list[int] = []
        project_col: int | None = None
        for idx, h in enumerate(header):
            h2 = re.sub(r"\s", "", h)
            if not h2:
                continue
            if re.search(r"单位|部门|主体", h2) and not re.search(r"金额|万元|元\)", h2):
                unit_cols.append(idx)
            elif re.fullmatch(r"(?:评价对象|项目名称|项目|项目\(单位\)名称)", h2):
                project_col = idx
            elif re.search(r"执行率|支付率|支出率", h2):
                cols.setdefault("rate", idx)
            elif re.search(r"等次|等级|评价结果|评级|档次", h2):
                cols.setdefault("grade", idx)
            elif re.search(r"得分|评分|分数", h2):
                cols.setdefault("score", idx)
            elif re.search(r"实际执行|执行数|执行金额|实际支出|支出数|已支付|支付数|执行", h2) and "率" not in h2:
                cols.setdefault("executed", idx)
            elif re.search(r"预算|安排|批复|下达", h2) and "率" not in h2:
                cols.setdefault("budget", idx)
        unit_col, named_by = self._unit_column(rows, header, unit_cols, project_col)
        if unit_col is not None:
            cols["unit"] = unit_col
        data = [r for r in rows[1:] if any((c or "").strip() for c in r.cells or [])]
        indicators = any(re.search(r"指标|分值|权重|满分", h) for h in header)  # points per indicator, not results
        if "unit" not in cols and len(cols) >= 1 and len(data) == 1 and not indicators:
            cols["unit"] = -1  # no 单位 column: the table is about the evaluated body itself
            notes.append(f"第{rows[0].no}行的表格没有“单位”列，其数值归于被评价的单位（项目）")
        if "unit" not in cols or len(cols) < 2:
            if self._label_value_table(rows):
                notes.append(f"第{rows[0].no}行的表格为“项目 | 数值”的形式，按各格的标签读取")
                return notes
            for r in rows:
                self.unplaced.append(Unplaced(r.no, r.text, "表格未识别出“单位”列和数值列，未导入"))
            return notes
        if named_by:
            notes.append(named_by)
        scale = Decimal(1)
        head_text = "".join(header)
        context = " ".join(norm(b.text) for b in before[-2:])
        if re.search(r"\(\s*元\s*\)|单位\s*:\s*元(?!\w)", head_text + context) and "万元" not in head_text:
            scale = Decimal(1) / Decimal(10000)
            notes.append(f"第{rows[0].no}行的表格金额单位为元，已按 ÷10000 换算为万元")
        elif "万元" not in head_text + context and ("budget" in cols or "executed" in cols):
            notes.append(f"第{rows[0].no}行的表格未注明金额单位，按万元读取")
        for r in rows[1:]:
            cells = r.cells or []
            if len(cells) <= cols["unit"]:
                continue
            name = re.sub(r"\s", "", cells[cols["unit"]]) if cols["unit"] >= 0 else SYNTHETIC_UNIT
            if not name:
                continue
            total = bool(re.fullmatch(r"合计|总计|小计|总体|全部|共计", name))
            unit = None
            if cols["unit"] < 0:
                total = False  # unit None: attached to the report's only unit (or 本项目) like an unnamed figure
            elif not total:
                unit = self.units.match(name)
                # (a finance bureau in a results table's unit column is one of the units evaluated, its own spending)
                if unit is None and (cols["unit"] == project_col or (
                        re.search(rf"{ORG_SUFFIX}$", name) and (not NOT_A_UNIT.search(name) or re.fullmatch(
                            r"[^\s|｜]{1,20}?(?:财政局|财政厅)", name)))):
                    unit = self.units.define(name)
                if unit is None:
                    self.unplaced.append(Unplaced(r.no, r.text, f"“{name}”不像单位名称，该行未导入"))
                    continue
            for kind in ("budget", "executed", "rate", "score", "grade"):
                if kind not in cols or cols[kind] >= len(cells):
                    continue
                raw = norm(cells[cols[kind]]).strip()
                if raw in ("", "-", "—", "/", "无", "——"):
                    continue
                if kind == "grade":
                    # (a grade with its gloss in brackets: 中(一般), 良好(B))
                    g = re.fullmatch(rf"[“\"「]?({GRADE_WORDS})[”\"」]?(?:\((?:一般|较好|[A-D])\))?", raw)
                    if g:
                        self.facts.append(Fact("grade", g.group(1), unit, r, total, False, raw))
                    continue
                value = _to_decimal(re.sub(r"[%分万元\s]", "", raw))
                if value is None:
                    self.unplaced.append(Unplaced(r.no, r.text, f"“{raw}”不是数值"))
                    continue
                if kind in ("budget", "executed"):
                    value = value * scale
                self.facts.append(Fact(kind, value, unit, r, total, False, raw))
        return notes
