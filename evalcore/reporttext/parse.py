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
    Nothing is derived: a budget missing from the text stays missing even when executed and rate are given.

Units
    "全称（以下简称“简称”）" defines a unit (key = 简称 as written, name = 全称). An organisation named as the
    subject of a figure without a definition becomes a unit keyed by the name as written; a region-prefixed form of a
    known 简称 (长沙市数据局 for 市数据局) is the same unit. The finance bureau and the evaluator are not units.

Recommendations → problems
    Recommendation category n answers problem category n (answers=("Pn",)) only when both sections have the same
    number of categories and every pair of titles shares a content word (two characters); the seed's six pairs do.
    Otherwise no links are made and a note says why.

Everything the parser saw but could not place (a figure whose unit or meaning is unclear, a lead-in sentence before
一是, a table inside the problems section, a conflicting second value for the same figure) is listed in
``ParseResult.unplaced`` with its line number and a reason in Chinese.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

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
from ..numbers import HUNDRED, ZERO, round2, to_decimal
from .forms import Form, find_forms, flattened_tables, is_none_statement
from .text import CJK, CN_NUM, TERMINAL, Numbering, cn_to_int, norm, numbering, strip_end_punct

SYNTHETIC_UNIT = "本项目"


@dataclass(frozen=True)
class Unplaced:
    line_no: int
    text: str
    reason: str


@dataclass
class ParseResult:
    """What the parser made of a report.

    ``evaluation`` is always a valid Evaluation (at least a title). ``unplaced`` lists, with their line numbers,
    what was seen but not put into the data. ``notes`` says (in Chinese) what was assumed: unit conversions, a figure
    given to the only unit, a grade written 良好 entered as 良, recommendation links. ``stated`` holds the figures as
    found, for a preview: ``{"units": {key: {"budget": "3400.06", "executed": …, "rate": …, "score": …,
    "grade": …}}, "total_budget": …, "total_executed": …, "total_rate": …, "stated_counts": {"problems": 6},
    "counts": {"problems": 19, …}}`` (figures as Decimal strings in 万元 / %, only those the text states).
    """

    evaluation: Evaluation
    unplaced: list[Unplaced] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stated: dict = field(default_factory=dict)
    warnings: list[dict] = field(default_factory=list)  # {"line", "text", "message"}: figures dropped as implausible
    source_text: str = ""  # the text that was parsed (line numbers refer to it)


# --- lines ------------------------------------------------------------------------------------------------


@dataclass
class _Line:
    no: int
    text: str  # markdown markers removed, stripped
    heading: int = 0  # markdown / docx heading level, 0 for body text
    bold: bool = False  # the whole line is bold
    lead: str = ""  # the leading bold part when only the start of the line is bold
    cells: list[str] | None = None  # a table row

    @property
    def num(self) -> Numbering | None:
        return None if self.cells is not None else numbering(self.text)

    @property
    def headingish(self) -> bool:
        return bool(self.heading or self.bold)


_MD_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*(?<!\\)#*\s*$")  # a closing "#" sequence, not an escaped "\#"
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: a backslash before any ASCII punctuation
_TABLE_SEP = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")


def _strip_md(text: str) -> str:
    return _MD_ESCAPE.sub(r"\1", text.replace("**", "").replace("__", "")).strip()


def _raw_lines(text: str) -> list[_Line | None]:
    """One entry per source line; None for a blank line."""
    out: list[_Line | None] = []
    for no, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        s = raw.strip().strip("\u3000\ufeff").strip()
        if not s:
            out.append(None)
            continue
        pipes = len(re.findall(r"[|｜]", s))
        if len(s) > 1 and ((s.startswith(("|", "｜")) and s.endswith(("|", "｜")))
                           or (pipes >= 3 and s.endswith(("|", "｜")))):  # a row written without its leading |
            if _TABLE_SEP.match(s.replace("｜", "|")):
                out.append(None)
                continue
            cells = [_strip_md(c) for c in re.split(r"[|｜]", s.strip("|｜"))]
            out.append(_Line(no, " | ".join(cells), cells=cells))
            continue
        heading = 0
        m = _MD_HEADING.match(s)
        if m and s.startswith("#"):
            heading = len(m.group(1))
            s = m.group(2)
        s = re.sub(r"^>\s*", "", s)
        bold = bool(re.fullmatch(r"\*\*(?:(?!\*\*).)+\*\*[。.]?", s.strip()))
        lead = ""
        lm = re.match(r"^\*\*((?:(?!\*\*).)+)\*\*(.+)$", s.strip())
        if lm and not bold and _strip_md(lm.group(2)):
            lead = _strip_md(lm.group(1))
        clean = re.sub(r"\s*[|｜]+\s*$", "", _strip_md(s))  # a form cell copied with its closing |
        if clean:
            out.append(_Line(no, clean, heading, bold, lead))
        else:
            out.append(None)
    return out


def _ends_open(text: str) -> bool:
    return bool(text) and text[-1] not in TERMINAL + "."  # PDF text often ends a sentence with “.”


def _joinable_start(line: _Line) -> bool:
    """Can this line continue the sentence before it? Not a heading, a numbered line, a table row, or a short
    unnumbered section title such as “存在的问题”."""
    if line.cells is not None or line.headingish or line.num is not None:
        return False
    return not (len(line.text) <= 12 and _title_like(line.text) and _section_like(line.text))


_PAGE_NO = re.compile(rf"^\d{{1,3}}\s+(?=[{CJK}]{{2}})(?![分万元亿个项年月日人次家所%](?!目))")


def _without_page_number(before: str, text: str) -> str:
    """A PDF page number left at the start of a line that continues a sentence (“…应对\n15 项目实施对象…”)."""
    if before and re.match(rf"[{CJK}]", before[-1]) and _PAGE_NO.match(text):
        return text[_PAGE_NO.match(text).end():]  # type: ignore[union-attr]
    return text


def _lines(text: str) -> list[_Line]:
    """Non-blank lines, with a sentence broken across lines (and blank lines) joined back together."""
    raw = _raw_lines(text)
    out: list[_Line] = []
    i = 0
    while i < len(raw):
        cur = raw[i]
        i += 1
        if cur is None:
            continue
        while (cur.cells is None and not cur.headingish and _ends_open(cur.text)
               and re.search(r"[，,。；;]", cur.text)
               and (cur.num is None or len(cur.text) >= 40 or cur.lead or re.search(r"[。；;]", cur.text))):
            j = i
            while j < len(raw) and raw[j] is None and j - i < 3:
                j += 1
            nxt = raw[j] if j < len(raw) else None
            if nxt is None or not _joinable_start(nxt):
                break
            cur = _Line(cur.no, cur.text.rstrip() + _without_page_number(cur.text, nxt.text.lstrip()), cur.heading,
                        cur.bold, cur.lead)
            i = j + 1
        out.append(cur)
    return out


# --- sections ---------------------------------------------------------------------------------------------

_PROBLEMS_KW = re.compile(r"问题|不足|短板|薄弱环节")
_RECS_KW = re.compile(r"建议|对策|改进意见|意见和|改进措施|整改措施|下一步")
_CONCLUSION_KW = re.compile(r"结论|评价结果|综合评价|总体评价|评价得分|得分情况|评价等次|评价等级|评分结果")
_ACHIEVE_KW = re.compile(r"成效|成果|效益|效果|绩效情况|绩效分析|主要绩效|履职绩效|亮点|经验做法|主要做法|成绩")
_INFO_KW = re.compile(r"基本情况|概况|概述|预算|资金|投入|执行情况|项目情况|评价工作|评价情况|实施情况|说明|背景|其他")

# A short title that is nothing but a section name (switches the kind inside a combined 问题及建议 section).
_SUB_PROBLEMS = re.compile(r"(?:评价)?(?:发现的?|存在的?)?(?:主要|突出)?问题"
                           r"(?:及原因(?:分析)?|和不足|与不足)?(?:分析)?")
_SUB_RECS = re.compile(r"(?:相关|有关|改进|对策|整改|意见和|政策|工作)?(?:意见)?建议(?:及对策|和意见)?"
                       r"|(?:改进|整改)(?:意见|措施)|对策(?:建议)?|下一步(?:工作)?(?:建议|打算|措施)")


def _section_kind(title: str) -> str:
    if re.search(r"其他需要说明|其他说明", title):
        return "info"
    has_p = bool(_PROBLEMS_KW.search(title))
    has_r = bool(_RECS_KW.search(title))
    if has_p and has_r:
        return "problems+recs"
    if has_p:
        return "problems"
    if has_r:
        return "recs"
    if _CONCLUSION_KW.search(title):
        return "conclusion"
    if _ACHIEVE_KW.search(title):
        return "achievements"
    return "info"


def _section_like(title: str) -> bool:
    return _section_kind(title) != "info" or bool(_INFO_KW.search(title))


def _title_like(text: str) -> bool:
    body = text.strip().rstrip("。.：:")
    return 0 < len(body) <= 40 and not re.search(r"[。；;]", body)


@dataclass
class _Section:
    kind: str
    title: str
    heading: _Line | None
    lines: list[_Line] = field(default_factory=list)


def _split_sections(lines: list[_Line]) -> tuple[list[_Line], list[_Section]]:
    """(intro lines before the first section, sections)."""
    style: str | None = None
    found = False
    for ln in lines:
        if ln.cells is not None:
            continue
        num = ln.num
        title = num.rest if num else ln.text
        if not _title_like(title) or not _section_like(title):
            continue
        if num is not None and num.style in ("cn_dun", "cn_paren", "ar_dot", "ar_dun", "cn_ord"):
            style, found = num.style, True
            break
        if num is None and (ln.headingish or len(title) <= 12) and not re.match(r"[\d(（]", title):
            style, found = None, True
            break
    intro: list[_Line] = []
    sections: list[_Section] = []
    for ln in lines:
        num = ln.num
        is_section = False
        title = ""
        if found and ln.cells is None:
            if style is not None and num is not None and num.style == style and _title_like(num.rest):
                is_section, title = True, num.rest
            elif style is None and num is None and _title_like(ln.text) and _section_like(ln.text) and (
                    ln.headingish or len(ln.text) <= 12) and not re.match(r"[\d(（]", ln.text):
                is_section, title = True, ln.text
        if is_section:
            title = strip_end_punct(title)
            sections.append(_Section(_section_kind(title), title, ln))
        elif sections:
            sections[-1].lines.append(ln)
        else:
            intro.append(ln)
    return intro, sections


# --- units ------------------------------------------------------------------------------------------------

ORG_SUFFIX = (r"(?:管理委员会|委员会|管委会|办公室|事务中心|服务中心|中心|有限责任公司|有限公司|股份公司|公司|集团|"
              r"局|委|办|厅|院|所|站|队|馆|署|学校|医院|大学|学院|街道办事处|街道|政府)")
_ORG_AT_START = re.compile(
    rf"^(?:其中\s*[:：,，]?\s*)?(?:20\d{{2}}\s*年度?\s*[,，]?\s*)?(?:全年|本年度?|该年度?)?\s*"
    rf"(?P<org>[{CJK}]{{2,25}}?{ORG_SUFFIX})(?![有属以需得部理校长内外里间区])")
_ORG_BAD = re.compile(r"项目|资金|预算|执行|支出|支付|金额|总额|合计|其中|年度|全年|实际|共计|"
                      r"为|的|了|在|是|对|按|将|已|未|"
                      r"及时|评价|得分|等次|单位|部门|各|本级|经费|工作组|财政局|财政厅|财政部|事务所|根据|依据|通过|截至|截止|"
                      r"经过|关于|以及|下达|安排|批复|拨付|咨询|评估|会计|"
                      r"申报|申请|争取|编报|报送|围绕|完善|推进|开展|落实|支持|补助|保障|下设|设有|内设|共设|另设|包括|"
                      r"负责|指导|协调|督促|配合|联系|组织|成立|委托|聘请|抽取|选取|涉及")
_NOT_A_UNIT = re.compile(r"财政局|财政厅|财政部|事务所|评价工作组|评价组|评价小组|评估中心|咨询|评估有限|"
                         r"评价机构|第三方")
_EVALUATOR_CONTEXT = re.compile(r"委托|聘请|第三方|中介|评价机构|评估机构")
_ALIAS = re.compile(
    r"\(\s*(?:以下|下文|下同|以下统)?\s*(?:简称|称)\s*(?:为)?\s*[:：]?\s*[“\"「『‘']?"
    rf"(?P<key>[{CJK}A-Za-z0-9]{{2,20}}?)[”\"」』’']?\s*\)")
_ROLE_UNIT = re.compile(
    rf"(?:项目)?(?:实施|主管|建设|责任|预算|承担|承办|被评价)(?:单位|部门|主体)(?:为|是|:|：)\s*"
    rf"(?P<org>[{CJK}]{{2,30}}?{ORG_SUFFIX})(?=[，,。；;、\s(]|$)")


def _region_variants(region: str) -> set[str]:
    if not region:
        return set()
    out = {region}
    if len(region) > 2 and region[-1] in "省市县区州":
        out.add(region[:-1])
    return out


class _Units:
    def __init__(self) -> None:
        self.keys: list[str] = []
        self.names: dict[str, str] = {}  # key -> full name
        self.lookup: dict[str, str] = {}  # any written form -> key
        self.region: set[str] = set()
        self._re: re.Pattern[str] | None = None

    def _add_form(self, form: str, key: str) -> None:
        if form and form not in self.lookup:
            self.lookup[form] = key
            self._re = None

    def define(self, key: str, name: str = "") -> str:
        key = key.strip()
        if key in self.lookup and self.lookup[key] != key:
            key = self.lookup[key]
        if key not in self.keys:
            self.keys.append(key)
        if name and name != key and not self.names.get(key):
            self.names[key] = name
            self._add_form(name, key)
        self._add_form(key, key)
        return key

    def match(self, org: str) -> str | None:
        """The key of a known unit written as ``org`` (also with a region prefix), else None."""
        if org in self.lookup:
            return self.lookup[org]
        for key in self.keys:
            for form in (key, self.names.get(key, "")):
                if form and org.endswith(form) and org != form:
                    prefix = org[: -len(form)]
                    if prefix in self.region or re.fullmatch(rf"[{CJK}]{{1,6}}(?:省|市|县|区|州)", prefix):
                        self._add_form(org, key)
                        if not self.names.get(key) and form == key:
                            self.names[key] = org
                        return key
                if form and form.endswith(org) and org != form and len(org) >= 3:
                    prefix = form[: -len(org)]
                    if prefix in self.region:
                        self._add_form(org, key)
                        return key
        return None

    def resolve(self, org: str) -> str:
        return self.match(org) or self.define(org)

    def mentions(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, key) of every known unit written in ``text``, longest form first, not overlapping."""
        if not self.lookup:
            return []
        if self._re is None:
            forms = sorted(self.lookup, key=len, reverse=True)
            self._re = re.compile("|".join(re.escape(f) for f in forms))
        return [(m.start(), m.end(), self.lookup[m.group(0)]) for m in self._re.finditer(text)]


_ALIASES = re.compile(r"\(\s*(?:以下|下文)?\s*分别\s*(?:简称|称)\s*(?:为)?\s*[:：]?\s*"
                      r"(?P<keys>(?:[“\"「『‘'][^”\"」』’')]{2,20}"
                      r"[”\"」』’']\s*[、，,和及与]?\s*){2,})\)")


def _name_list_before(text: str, end: int) -> str:
    """The list of names (A局、B中心和C公司) that ends just before a （以下分别简称…） bracket."""
    seg = text[:end]
    cut = max(seg.rfind(c) for c in "，,。；;：:（(）)“”\"「」 \n")
    seg = seg[cut + 1:]
    if "对" in seg:
        seg = seg.rsplit("对", 1)[1]
    return re.sub(r"^(?:受|由|和|与|及|以及|会同|联合|组织|委托|经|向|是|为|等)+", "", seg)


def _name_before(text: str, end: int, region: set[str] | None = None) -> str:
    """The organisation name that ends at ``end`` (just before a （以下简称…） bracket)."""
    seg = text[:end]
    cut = max(seg.rfind(c) for c in "，,。；;：:、（(）)“”\"「」 \n")
    seg = seg[cut + 1:]
    if "对" in seg:
        seg = seg.rsplit("对", 1)[1]
    seg = re.sub(r"^.*?(?:涉及|包括|包含|分别是|分别为|即)", "", seg)
    for r in sorted(region or (), key=len, reverse=True):
        at = seg.find(r)
        if at > 0:  # "本次评价的张家界市文旅局": the name starts with the region
            seg = seg[at:]
            break
    seg = re.sub(r"^(?:受|由|和|与|及|以及|会同|联合|组织|委托|经|向|是|为|等)+", "", seg)
    m = re.match(rf"^.*?{ORG_SUFFIX}(?:和|与|及)(.+{ORG_SUFFIX})$", seg)
    if m:
        seg = m.group(1)
    return seg.strip()


# --- figures ----------------------------------------------------------------------------------------------

_NUM = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])")
_MONEY_UNIT = re.compile(rf"\s*(亿元|万元|千元|元|亿(?![{CJK}])|万(?![{CJK}]))")
_EXEC_STRONG = re.compile(r"实际(?:执行|支出|使用|支付|完成|发生|兑付|发放)|已(?:支付|执行|使用|兑付|发放)|"
                          r"执行数|执行金额|"
                          r"支出数|支出金额|累计(?:支出|支付|执行|兑付|发放)|完成支出|完成投资|决算数")
_KIND_WORDS = re.compile(
    r"(?P<other>结余|结转|节约|节余|剩余|未执行|未支付|未使用|未拨付|差额|增加|减少|超支|欠款|罚款|损失|审减|核减|同比|"
    r"上年|收入|自筹|配套)"
    r"|(?P<received>到位|拨付|到账|筹集|争取|下达|申请|申报|需求|申贷|贷款|发行|融资|债券)"
    r"|(?P<investment>总投资|计划投资|投资|造价|概算)"
    r"|(?P<executed>执行|支出|使用|支付|花费|开支|决算|兑付|发放|费用)"
    r"|(?P<budget>预算|安排|批复|核定|资金总额|总额|资金规模|年初|调整后)")
_TOTAL = re.compile(r"总额|总计|合计|共计|总预算|总投资|总体|整体|全部|累计安排|共安排|共下达|总共|资金总")
_EXEC_RATE = re.compile(r"(?:预算|资金)?(?:执行|支付|支出)率")
_RATE_WORD = re.compile(rf"{_EXEC_RATE.pattern}|[{CJK}]率|比例|满意度|占比|同比|增长|下降|增幅|降幅|提高|降低")
_SCORE_WORD = re.compile(r"得分|评分|总分|满分|分值|扣分|扣除|扣|权重")
_SCORE_BREAKDOWN = re.compile(r"决策|过程|产出|效益|满意度|指标|维度|其中|一级|二级|部分")
_GRADE_WORDS = "优秀|良好|中等|较差|不合格|合格|优|良|中|差"
_GRADE_ITEM = re.compile(
    rf"(?:(?P<o>[“\"「『‘'])\s*(?P<g>{_GRADE_WORDS})\s*(?:等次|等级|等|级)?\s*[”\"」』’']"
    rf"|(?P<b>{_GRADE_WORDS})(?:等次|等级|等|级)?(?![{CJK}]))")
_GRADE_KW = re.compile(
    r"(?:(?:等次|(?:评价|绩效|综合|考核|评定|结果)等级|评价结果|评级|档次|(?:综合|总体)评价)(?P<all>均|都|皆|全部|分别)?\s*(?:为|是|评定为|确定为|评为|定为|属于|属|:|：)?"
    r"|(?P<all2>均|都|分别)?(?:被)?(?:评为|评定为|定为|确定为)(?:了)?"
    r"|(?P<all3>均|都|分别)(?:为|是|获得|属于)(?=\s*[“\"「『]))\s*")
_GRADE_AFTER = re.compile(
    rf"(?P<all>均|都|皆)?(?:为|是|获得|达到|属于)\s*(?P<q>[“\"「『]\s*(?P<g>{_GRADE_WORDS})\s*[”\"」』]|(?P<b>{_GRADE_WORDS}))"
    r"\s*(?:等次|等级|档次)")
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
class _Fact:
    kind: str  # budget | executed | rate | score | grade | received | investment | scope | other | unknown
    value: Decimal | str
    unit: str | None
    line: _Line
    total: bool = False
    breakdown: bool = False
    shown: str = ""  # the figure as written
    adjusted: bool = False  # a budget written as 调整后 / 调整预算: preferred over an earlier 年初 budget
    aggregate: bool = False  # a sum over several projects or units (涉及资金… / 两个部门合计…): a total at most
    uncertain: str = ""  # why the parser is not sure of this figure (shown to the evaluator, kept in the note)


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


def _money_kind(window: str, clause: str) -> str | None:
    for scope in (clause, window):
        matches = list(_KIND_WORDS.finditer(scope))
        if not matches:
            continue
        last = matches[-1].lastgroup
        if last == "budget" and _EXEC_STRONG.search(scope):
            return "executed"
        return last
    return None


def _to_decimal(text: str) -> Decimal | None:
    try:
        return to_decimal(text)
    except ValueError:
        return None


def _tokens(n: str) -> list[_Token]:
    """Money amounts, percentages, scores and grades in a normalised sentence, in order."""
    toks: list[_Token] = []
    for m in _NUM.finditer(n):
        value = _to_decimal(m.group(0))
        if value is None:
            continue
        after = n[m.end():]
        mu = _MONEY_UNIT.match(after)
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
            toks.append(_Token(m.start(), m.end() + after.index("%") + 1, "pct", value, m.group(0) + "%"))
            continue
        if re.match(r"\s*分(?![钟之别值数])", after):
            end = m.end() + after.index("分") + 1
            toks.append(_Token(m.start(), end, "score", value, m.group(0) + "分"))
            continue
        if re.search(r"(?:得分|评分)\s*(?:为|是|:)?\s*$", n[:m.start()]) and not re.match(r"\s*[年月日个项条.]", after):
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
        flag = m.group("all") or m.group("all2") or m.group("all3") or ""
        for s, e, g in grades:
            toks.append(_Token(s, e, "grade", g, g, all_units=flag in ("均", "都", "皆", "全部"),
                               respectively=flag == "分别" or len(grades) > 1))
    for m in re.finditer(rf"分\s*\(\s*(?P<g>{_GRADE_WORDS})\s*(?:等次|等级)?\s*\)", n):
        toks.append(_Token(m.start("g"), m.end("g"), "grade", m.group("g"), m.group("g")))
    for m in _GRADE_AFTER.finditer(n):
        g = m.group("g") or m.group("b")
        toks.append(_Token(m.start("q"), m.end("q"), "grade", g, g, all_units=bool(m.group("all"))))
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


class _FigureReader:
    """Turns the sentences and tables outside the findings sections into facts (figure, unit, line)."""

    def __init__(self, units: _Units) -> None:
        self.units = units
        self.facts: list[_Fact] = []
        self.unplaced: list[Unplaced] = []
        self.scale_lines: dict[str, list[int]] = {}
        self.notes: list[str] = []
        self.prev_kind: str | None = None  # the kind of the last figure read in the current sentence

    # -- a paragraph ---------------------------------------------------------------------------------------

    def _org(self, clause: str) -> str | None:
        m = _ORG_AT_START.match(clause.strip())
        if m and not _ORG_BAD.search(m.group("org")) and not _NOT_A_UNIT.search(m.group("org")):
            return self.units.resolve(m.group("org"))
        return None

    def _unit_in(self, window: str) -> str | None:
        """The unit named nearest before a figure: a known name, or an organisation opening a clause."""
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
            m = _ORG_AT_START.match(head)
            if m and m.group("org") == head.strip() and not _ORG_BAD.search(head) and not _NOT_A_UNIT.search(head):
                return self.units.resolve(head.strip())
        return None

    def paragraph(self, line: _Line, ctx: str | None = None) -> None:
        n = norm(line.text)
        last_money_kind: str | None = None
        para_scored: list[str] = []  # units scored earlier in the paragraph (for "均为" / "分别为" grades)
        for s0, s1 in _sentences(n):
            sent = n[s0:s1]
            first_fact = len(self.facts)
            toks = _tokens(sent)
            if not toks:
                about = self.subject(sent)
                if about is not None:
                    ctx = about
                continue
            head_ctx = ctx
            had_list = list_mode = False
            self.prev_kind = None
            scored: list[str] = []
            last_listed: list[str] = []
            prev = 0
            i = 0
            while i < len(toks):
                tok = toks[i]
                window = sent[prev:tok.start]
                clause = _DELIM.split(window)[-1]
                if tok.scale_note:
                    self.scale_lines.setdefault(tok.scale_note, []).append(line.no)
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
                    targets = (list(dict.fromkeys(scored)) or (list(dict.fromkeys(para_scored)) if unit is None else [])
                               or named or [ctx])
                    for key in targets:
                        self._emit(tok, key, line, window, clause, last_money_kind, scored)
                    prev = tok.end
                    i += 1
                    continue
                if re.search(r"其中|包括|包含|用于", window):
                    had_list = list_mode = True
                elif list_mode and (re.search(r"[；;)]", window) or _EXEC_STRONG.search(window)):
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
                part = list_mode and unit is None and tok.kind == "money"
                if tok.kind in ("pct", "score") and _TARGET_BEFORE.search(window) or (
                        tok.kind == "pct" and _TARGET_AFTER.match(sent[tok.end:])):
                    self._skip(line, tok, "目标值、门槛或填表说明中的数值，不是实际数，未导入")
                    prev = tok.end
                    i += 1
                    continue
                if unit is None and not is_total and not part:
                    unit = ctx
                fact = self._emit(tok, unit, line, window, clause, last_money_kind, scored, is_total=is_total,
                                  part=part)
                if fact is not None and aggregate:
                    fact.aggregate = True
                if fact is not None and fact.kind in ("budget", "executed"):
                    last_money_kind = fact.kind
                if unit is not None and fact is not None and fact.kind not in ("other", "received", "unknown"):
                    ctx = unit
                prev = tok.end
                i += 1
            if had_list:
                ctx = head_ctx
            para_scored.extend(scored)
            self._allocation_as_budget(self.facts[first_fact:], line)

    def _allocation_as_budget(self, facts: list[_Fact], line: _Line) -> None:
        """An amount 下达 (allocated) is the budget only when the sentence's own figures say so: the executed amount
        over it is the execution rate the sentence states (下达资金1235.60万元，实际兑付1198.30万元，执行率96.98%)."""
        allocated = [f for f in facts if f.kind == "received" and re.search(r"下达", f.line.text) and not f.breakdown]
        if len(allocated) != 1:
            return
        a = allocated[0]
        executed = [f for f in facts if f.kind == "executed" and f.unit == a.unit and not f.breakdown]
        rates = [f for f in facts if f.kind == "rate" and f.unit == a.unit]
        if len(executed) != 1 or len(rates) != 1 or not a.value:
            return
        computed = round2(Decimal(executed[0].value) / Decimal(a.value) * HUNDRED)
        if computed == round2(Decimal(rates[0].value)):
            a.kind = "budget"
            a.uncertain = f"预算取自下达资金“{a.shown}”（与执行数、执行率相符）"
            self.notes.append(f"第{line.no}行“{a.shown}”为下达资金，按其与实际执行数、执行率相符作为预算")

    def _skip(self, line: _Line, tok: _Token, reason: str) -> None:
        self.unplaced.append(Unplaced(line.no, line.text, f"{tok.shown}：{reason}"))

    def _emit(self, tok: _Token, unit: str | None, line: _Line, window: str, clause: str,
              last_money_kind: str | None, scored: list[str], is_total: bool = False,
              part: bool = False) -> _Fact | None:
        if tok.kind == "money":
            kind = _money_kind(window, clause)
            if kind is None and last_money_kind and (unit is not None or re.search(r"其中|[、；;]", window)):
                kind = last_money_kind
            breakdown = unit is None and (bool(re.search(r"其中|包括|包含|用于", window)) or part) and not is_total
            fact = _Fact(kind or "unknown", tok.value, unit, line, is_total, breakdown, tok.shown,
                         adjusted=kind == "budget" and bool(re.search(r"调整后|调整预算|调整为|调增|调减", clause)))
        elif tok.kind == "pct":
            words = list(_RATE_WORD.finditer(window))
            listed = not words and self.prev_kind == "rate" and self._named(window)  # "A局90%，B局85%"
            if not listed and (not words or not _EXEC_RATE.fullmatch(words[-1].group(0))):
                return None  # a percentage that is not an execution rate (覆盖率, 满意度…): narrative, not a figure
            fact = _Fact("rate", tok.value, unit, line, is_total, False, tok.shown)
        elif tok.kind == "score":
            words = list(_SCORE_WORD.finditer(window))
            listed = not words and self.prev_kind == "score" and self._named(window)  # "A局88分，B局85分"
            scoring = bool(words) and words[-1].group(0) in ("得分", "评分", "总分")
            if tok.value > HUNDRED or not (listed or scoring):
                return None
            breakdown = bool(_SCORE_BREAKDOWN.search(clause)) and not self.units.mentions(clause)
            fact = _Fact("score", tok.value, unit, line, is_total, breakdown, tok.shown)
            if unit is not None and not breakdown:
                scored.append(unit)
        else:
            fact = _Fact("grade", str(tok.value), unit, line, is_total, False, tok.shown)
        self.facts.append(fact)
        self.prev_kind = fact.kind
        return fact

    def _named(self, window: str) -> bool:
        """The window names a unit and nothing else (the next entry of a list)."""
        clause = _DELIM.split(window)[-1]
        return bool(self.units.mentions(clause) or self._org(clause))

    # -- a table -------------------------------------------------------------------------------------------

    @staticmethod
    def _unit_column(rows: list[_Line], header: list[str], unit_cols: list[int],
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

    def table(self, rows: list[_Line], before: list[_Line]) -> list[str]:
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
            elif re.search(r"等次|等级|评价结果|评级", h2):
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
                if unit is None and (cols["unit"] == project_col or (
                        re.search(rf"{ORG_SUFFIX}$", name) and not _NOT_A_UNIT.search(name))):
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
                    g = re.fullmatch(rf"[“\"「]?({_GRADE_WORDS})[”\"」]?", raw)
                    if g:
                        self.facts.append(_Fact("grade", g.group(1), unit, r, total, False, raw))
                    continue
                value = _to_decimal(re.sub(r"[%分万元\s]", "", raw))
                if value is None:
                    self.unplaced.append(Unplaced(r.no, r.text, f"“{raw}”不是数值"))
                    continue
                if kind in ("budget", "executed"):
                    value = value * scale
                self.facts.append(_Fact(kind, value, unit, r, total, False, raw))
        return notes


# --- findings ---------------------------------------------------------------------------------------------

_ORDINAL = re.compile(rf"(?:^|(?<=[。；;！!？?，,：:\s])|(?<=[{CJK}]\.))"
                      rf"(?:第)?(?P<n>[{CN_NUM}]{{1,3}})是\s*[，,：:]?\s*")
_ORDINAL_QI = re.compile(rf"(?:^|(?<=[。；;！!？?\s]))(?:其|第)(?P<n>[{CN_NUM}]{{1,3}})\s*[，,、：:]\s*")
_INLINE_NUM = re.compile(r"(?:^|(?<=[。；;：:，,\s]))\(\s*(?P<n>\d{1,2})\s*\)\s*|(?P<c>[①-⑳])\s*")


def _split_markers(text: str, pattern: re.Pattern[str]) -> tuple[str, list[str]] | None:
    """(lead-in, items) when ``text`` holds markers numbered 1, 2, 3… in order; None otherwise."""
    n = norm(text)
    hits = []
    expected = 1
    for m in pattern.finditer(n):
        raw = m.groupdict().get("n")
        if raw is None and m.groupdict().get("c"):
            value = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳".index(m.group("c")) + 1
        elif raw is not None and raw.isdigit():
            value = int(raw)
        else:
            value = cn_to_int(raw or "")
        if value == expected:
            hits.append(m)
            expected += 1
    if not hits or (len(hits) == 1 and pattern is not _ORDINAL):
        return None
    lead = text[:hits[0].start()].strip()
    items = []
    for k, m in enumerate(hits):
        end = hits[k + 1].start() if k + 1 < len(hits) else len(text)
        items.append(text[m.end():end].strip())
    return lead, [i for i in items if i]


_INLINE_PROBLEMS = re.compile(r"(?:存在的?(?:主要)?问题|主要问题|发现的问题)\s*[:：]\s*")
_INLINE_RECS = re.compile(r"(?:下一步(?:工作)?(?:改进)?(?:措施|打算|建议)|改进(?:措施|建议|意见)|整改措施|相关建议|"
                          r"意见建议)\s*[:：]\s*")
_INLINE_END = re.compile(rf"{_INLINE_RECS.pattern}|{_INLINE_PROBLEMS.pattern}|\s\d{{4}}\s*年[^。.]{{0,20}}表")
_TRAILER = re.compile(
    r"(?:20\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|20\d{2}[-/.]\d{1,2}[-/.]\d{1,2})"
    r"|(?:附件|来源|信息来源|发布(?:时间|日期|机构)|责任编辑|编辑|浏览次数|分享到)\s*[:：].*"
    r"|(?:附表|附件|附录)\s*\d{0,2}\s*[:：]?"
    r"|.*【\s*(?:打印|关闭|返回|字体)[^】]*】.*")


def _is_trailer(line: _Line) -> bool:
    """落款 dates, web page furniture (【打印本页】, 来源：…), a bare organisation name signing the report."""
    t = norm(line.text).strip()
    if _TRAILER.fullmatch(t):
        return True
    signature = len(t) <= 30 and bool(re.fullmatch(rf"[{CJK}()]+{ORG_SUFFIX}", t))
    return signature and not line.headingish and line.num is None


def _is_lead_in(text: str) -> bool:
    """A paragraph that only announces the items (“主要存在以下问题：”)."""
    return text.rstrip()[-1:] in "：:" and _paragraph_items(text)[0] == ""


def _paragraph_items(text: str) -> tuple[str, list[str]]:
    """(lead-in, items) of one paragraph: 一是…二是…, 其一…其二…, （1）…（2）…, or the paragraph itself."""
    for pattern in (_ORDINAL, _ORDINAL_QI, _INLINE_NUM):
        split = _split_markers(text, pattern)
        if split is not None:
            return split
    return "", [text.strip()]


@dataclass
class _Group:
    no: int
    title: str
    items: list[tuple[str, _Line]] = field(default_factory=list)


@dataclass
class _Block:
    line: _Line
    title: str | None  # None: the line is an item, not a category
    body: list[_Line] = field(default_factory=list)
    first: str = ""  # text after the title on the same line


def _title_split(line: _Line, rest: str) -> tuple[str | None, str]:
    """(category title or None, text after the title on the same line)."""
    if line.lead:
        lead = line.lead
        num = numbering(lead)
        lead_rest = num.rest if num else lead
        idx = rest.find(lead_rest.rstrip("。.：:"))
        if idx == 0:
            after = rest[len(lead_rest):].strip() if rest.startswith(lead_rest) else rest[len(
                lead_rest.rstrip("。.：:")):].lstrip("。.：: ").strip()
            return strip_end_punct(lead_rest), after
    if line.headingish:
        return strip_end_punct(rest), ""
    m = re.match(r"^(.{2,30}?)[。：:](.+)$", rest)
    if m and not re.search(r"[，,；;]", m.group(1)) and m.group(2).strip():
        return strip_end_punct(m.group(1)), m.group(2).strip()
    if _title_like(rest) and len(rest) <= 30 and rest.strip()[-1:] not in "。；;！!？?":
        return strip_end_punct(rest), ""
    return None, rest


class _FindingsReader:
    def __init__(self) -> None:
        self.unplaced: list[Unplaced] = []
        self.notes: list[str] = []
        self.stated_counts: dict[str, int] = {}

    def read(self, section: _Section) -> dict[str, list[_Group]]:
        """kind -> groups; a combined 问题及建议 section yields both kinds."""
        kind = section.kind if section.kind != "problems+recs" else "problems"
        parts: dict[str, list[_Line]] = {kind: []}
        for ln in section.lines:
            num = ln.num
            title = num.rest if num else ln.text
            if ln.cells is None and _title_like(title) and (num is not None or ln.headingish):
                t = strip_end_punct(title)
                if _SUB_PROBLEMS.fullmatch(t):
                    kind = "problems"
                    parts.setdefault(kind, [])
                    continue
                if _SUB_RECS.fullmatch(t):
                    kind = "recs"
                    parts.setdefault(kind, [])
                    continue
            parts.setdefault(kind, []).append(ln)
        return {k: self._groups(k, section.title, lines) for k, lines in parts.items()}

    def _groups(self, kind: str, section_title: str, lines: list[_Line]) -> list[_Group]:
        cat_style: str | None = None
        blocks: list[_Block] = []
        lead: list[_Line] = []
        for ln in lines:
            if ln.cells is not None:
                self.unplaced.append(Unplaced(ln.no, ln.text, "问题、建议或成效部分中的表格，未导入"))
                continue
            if _is_trailer(ln):
                self.unplaced.append(Unplaced(ln.no, ln.text, "落款、日期或网页附注，未作为条目导入"))
                continue
            num = ln.num
            starts = False
            if num is not None and num.style != "bullet":
                if cat_style is None:
                    cat_style = num.style
                starts = num.style == cat_style
            elif num is None and ln.heading:
                starts = cat_style is None or cat_style == "heading"
                if cat_style is None:
                    cat_style = "heading"
            elif num is None and ln.bold and cat_style in (None, "heading") and _title_like(ln.text):
                starts = True
                cat_style = "heading"
            if starts:
                rest = num.rest if num is not None else ln.text
                title, first = _title_split(ln, rest)
                blocks.append(_Block(ln, title, [], first))
            elif blocks:
                blocks[-1].body.append(ln)
            else:
                lead.append(ln)
        if not blocks:  # no categories at all: the paragraphs are the items of one category named after the section
            name = strip_end_punct(section_title) or section_title
            group = _Group(1, name)
            for ln in lead:
                self._count(kind, ln.text)
                if ln.num is None and _is_lead_in(ln.text):
                    self.unplaced.append(Unplaced(ln.no, ln.text, "条目之前的引导语，未作为条目导入"))
                else:
                    self._body_items(group, ln)
            if group.items:
                self.notes.append(f"“{section_title}”部分未分类别，{len(group.items)}个条目归入同一类别“{name}”")
                return [group]
            return []
        for ln in lead:
            self._count(kind, ln.text)
            self.unplaced.append(Unplaced(ln.no, ln.text, "条目之前的引导语，未作为条目导入"))
        has_body = any(b.body or b.first for b in blocks if b.title is not None)
        if not has_body:  # numbered lines are the items of one category named after the section
            name = strip_end_punct(re.sub(r"^(?:[一二三四五六七八九十]+、)", "", section_title)) or section_title
            group = _Group(1, name)
            for b in blocks:
                text = (b.line.num.rest if b.line.num else b.line.text).strip()
                group.items.append((text, b.line))
                for ln in b.body:
                    self._body_items(group, ln)
            self.notes.append(f"“{section_title}”部分未分类别，{len(group.items)}个条目归入同一类别“{name}”")
            return [group]
        groups = []
        for no, b in enumerate(blocks, start=1):
            title = b.title
            if title is None:
                full = (b.line.num.rest if b.line.num else b.line.text).strip()
                title = strip_end_punct(re.split(r"[。；;]", full, maxsplit=1)[0])
                group = _Group(no, title, [(full, b.line)])
                self.notes.append(f"第{b.line.no}行没有单独的类别标题，以其首句“{title}”作为类别名称")
            else:
                group = _Group(no, title)
                if b.first:
                    self._text_items(group, b.first, b.line)
            for ln in b.body:
                self._body_items(group, ln)
            if not group.items:
                self.unplaced.append(Unplaced(b.line.no, b.line.text, "该类别下没有条目，未导入"))
                continue
            group.no = len(groups) + 1
            groups.append(group)
        return groups

    def _body_items(self, group: _Group, ln: _Line) -> None:
        num = ln.num
        if num is None and is_none_statement(ln.text):
            self.notes.append(f"第{ln.no}行为“{ln.text}”，即没有条目")
            return
        if re.search(r"\(\s*\d+\s*字以内\s*\)", norm(ln.text)):
            self.unplaced.append(Unplaced(ln.no, ln.text, "填表说明，不是条目"))
            return
        if num is not None:
            group.items.append((num.rest.strip(), ln))
        elif _is_lead_in(ln.text):
            self.unplaced.append(Unplaced(ln.no, ln.text, "条目之前的引导语，未作为条目导入"))
        else:
            self._text_items(group, ln.text, ln)

    def _text_items(self, group: _Group, text: str, ln: _Line) -> None:
        lead, items = _paragraph_items(text)
        if lead:
            self.unplaced.append(Unplaced(ln.no, lead, "条目之前的引导语，未作为条目导入"))
        group.items.extend((i, ln) for i in items)

    def _count(self, kind: str, text: str) -> None:
        m = re.search(rf"(?:以下|如下|主要)?\s*(?P<n>[{CN_NUM}\d]{{1,3}})\s*(?:个|类|大|项|条|点)?\s*方面", norm(text))
        if m:
            raw = m.group("n")
            value = int(raw) if raw.isdigit() else cn_to_int(raw)
            if value:
                self.stated_counts[kind] = value


# --- meta -------------------------------------------------------------------------------------------------

_YEAR = re.compile(r"(20\d{2})\s*年")
_REGION = re.compile(rf"^(?:关于)?\s*(?:20\d{{2}}\s*年度?\s*)?(?!度)"
                     rf"(?P<r>[{CJK}]{{1,10}}?(?:自治区|自治州|省|市|县|区|州|盟|旗))")
_NOT_REGION = re.compile(r"社区|园区|景区|片区|城区|辖区|小区|山区|库区|林区|矿区|牧区|校区|"
                         r"农村|城市|城乡|本级|全市|全省|全县")
_TITLE_TAIL = re.compile(r"(?:的)?(?:绩效)?(?:评价|自评|评估|考评)(?:结果|报告|情况|结论)?"
                         r"(?:的)?(?:公示|公告|公开|报告)?$")
_EVALUATOR = re.compile(
    rf"(?P<e>[{CJK}]{{2,40}}?(?:绩效评价工作组|评价工作组|评价组|评价小组|事务所(?:有限公司)?|咨询有限公司|评估有限公司|"
    r"财政局|财政厅))\s*(?:\([^)]{0,30}\))?\s*(?:对|于|组织|成立|牵头|会同)")


_SITE_META = re.compile(r"^[-*•]?\s*(?:索引号|发布机构|发文机关|发文单位|文号|发文编号|发布日期|发文日期|"
                        r"成文日期|时效性|公开方式|公开范围|公开目录|公开责任部门|统一登记号|文件名称|生效日期|有效期|主题分类|报表编号|来源|信息来源|"
                        r"发布时间|浏览量|浏览次数|点击率|编辑|时间)\s*[:：]")


def _guess_title(intro: list[_Line], source_name: str) -> tuple[str, list[_Line]]:
    """(title, the lines it was read from). The site's metadata block (索引号, 发布机构, 发布日期…) is skipped."""
    intro = [ln for ln in intro if not _SITE_META.match(norm(ln.text))]
    for ln in intro:
        if ln.heading and ln.cells is None and ln.num is None:
            return re.sub(r"\s+", "", ln.text), [ln]
    for k, ln in enumerate(intro[:8]):
        if ln.cells is None and len(ln.text) <= 60 and not re.search(r"[，,。：:]", ln.text) and re.search(
                r"评价|报告|结果|公示|公告", ln.text):
            prev = intro[k - 1] if k else None
            if (prev is not None and prev.cells is None and prev.no >= ln.no - 2 and len(prev.text) <= 40
                    and not re.search(r"[，,。：:；;]", prev.text) and prev.num is None):
                return re.sub(r"\s+", "", prev.text + ln.text), [prev, ln]  # a title broken over two lines
            return re.sub(r"\s+", "", ln.text), [ln]
    for ln in intro[:3]:
        if ln.cells is None and len(ln.text) <= 40 and not re.search(r"[，,。]", ln.text):
            return re.sub(r"\s+", "", ln.text), [ln]
    stem = Path(source_name).stem if source_name else ""
    return stem or "未命名的绩效评价报告", []


def _title_parts(title: str) -> tuple[int | None, str, str]:
    """(year, region, project) read off a title such as 2023年度长沙市信息化建设和运维项目绩效评价结果."""
    n = norm(title)
    ym = _YEAR.search(n)
    year = int(ym.group(1)) if ym else None
    region = ""
    rm = _REGION.match(n)
    if (rm and not _NOT_REGION.search(rm.group("r")) and not re.search(r"项目|资金|预算", rm.group("r"))
            and rm.group("r")[0] not in "市省县区州"):
        region = rm.group("r")
    project = re.sub(r"^(?:关于)?\s*(?:20\d{2}\s*年度?)?\s*", "", n)
    if region and project.startswith(region):
        project = project[len(region):]
    project = re.sub(r"^\s*20\d{2}\s*年度?\s*", "", project)
    project = _TITLE_TAIL.sub("", project).strip()
    project = re.sub(r"(?:的)?(?:重点|整体)?(?:支出)?(?:重点|整体)?$", "", project).strip()
    if not re.search(r"项目|资金|工程|专项|经费|支出|计划|补助|建设", project):
        project = ""
    return year, region, project


# --- the parser -------------------------------------------------------------------------------------------


_COMMON_BIGRAMS = {"进一", "一步", "有待", "待进", "待提", "待完", "待加", "不够", "不足", "存在", "加强", "强化",
                   "进行"}


def _bigrams(text: str) -> set[str]:
    chars = re.sub(rf"[^{CJK}]", "", text)
    grams = {chars[i:i + 2] for i in range(len(chars) - 1)}
    return grams - _COMMON_BIGRAMS


def _parse_bands(text: str) -> tuple[GradeBand, ...] | None:
    """Grade bands when the text states them, e.g. 优（90分及以上）、良（80-89分）、中（60-79分）、差（60分以下）."""
    n = norm(text)
    bands = []
    for m in re.finditer(rf"[“\"「]?({_GRADE_WORDS})[”\"」]?\s*\(\s*(?:得分)?\s*(\d+(?:\.\d+)?)\s*分?\s*"
                         r"(?:\(含\)|及)?以上|[“\"「]?(" + _GRADE_WORDS + r")[”\"」]?\s*\(\s*(?:得分)?\s*"
                         r"(\d+(?:\.\d+)?)\s*分?\s*(?:\(含\))?\s*[-—~～至到]", n):
        grade = m.group(1) or m.group(3)
        lower = m.group(2) or m.group(4)
        bands.append(GradeBand(GRADE_NORMAL.get(grade, grade), Decimal(lower)))
    below = re.search(rf"[“\"「]?({_GRADE_WORDS})[”\"」]?\s*\(\s*(?:得分)?\s*\d+(?:\.\d+)?\s*分?\s*以下", n)
    if len(bands) >= 2 and below:
        bands.append(GradeBand(GRADE_NORMAL.get(below.group(1), below.group(1)), ZERO))
        grades = [b.grade for b in bands]
        if len(set(grades)) == len(grades):
            return tuple(sorted(bands, key=lambda b: b.lower, reverse=True))
    return None


class _Parser:
    def __init__(self, text: str, source_name: str) -> None:
        self.text = text
        self.source_name = source_name
        self.unplaced: list[Unplaced] = []
        self.notes: list[str] = []
        self.units = _Units()
        self.excluded: dict[str, str] = {}
        self.warnings: list[dict] = []

    def run(self) -> ParseResult:
        lines = _lines(self.text)
        head: list[_Line] = []
        for ln in lines[:15]:
            if ln.num is not None and ln.num.style == "cn_dun":
                break
            head.append(ln)
        title, title_lines = _guess_title(head, self.source_name)
        intro, sections = _split_sections([ln for ln in lines if all(ln is not t for t in title_lines)])
        year, region, project = _title_parts(title)
        all_text = [ln for ln in lines if ln.cells is None]
        if year is None:
            for ln in all_text:
                ym = re.search(r"(20\d{2})\s*年度", norm(ln.text))
                if ym:
                    year = int(ym.group(1))
                    break
        evaluator = ""
        for ln in all_text:
            em = _EVALUATOR.search(norm(ln.text))
            if em:
                e = em.group("e")
                cut = e.rfind("委托") + 2 if "委托" in e else 0
                evaluator = ln.text[em.start("e") + cut:em.end("e")].strip()
                break
        if not region and evaluator:
            rm = _REGION.match(norm(evaluator))
            if rm and not _NOT_REGION.search(rm.group("r")):
                region = rm.group("r")
        self.units.region = _region_variants(region)
        for ln in all_text:
            self._definitions(ln)

        figure_lines: list[_Line] = list(intro)
        conclusion: list[str] = []
        findings: dict[str, list[_Group]] = {"problems": [], "recs": [], "achievements": []}
        reader = _FindingsReader()
        for sec in sections:
            if sec.kind in ("problems", "recs", "achievements", "problems+recs"):
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
            figure_lines.append(_Line(0, ""))  # a section boundary
            figure_lines.extend(sec.lines)
        self.unplaced.extend(reader.unplaced)
        self.notes.extend(reader.notes)

        figures = _FigureReader(self.units)
        table: list[_Line] = []
        before: list[_Line] = []
        heading_unit: str | None = None  # a heading that names a unit: the paragraphs under it are about it
        for ln in figure_lines + [_Line(0, "")]:
            if ln.cells is not None:
                table.append(ln)
                continue
            if table:
                self.notes.extend(figures.table(table, before))
                table = []
            if not ln.no:
                heading_unit = None
                continue
            num = ln.num
            if (num is not None or ln.headingish) and _title_like(num.rest if num else ln.text):
                heading_unit = figures.subject(ln.text)  # "（一）常德市教育局": the paragraphs below are about it
            figures.paragraph(ln, heading_unit)
            before.append(ln)
        for rows in flattened_tables(self.text):
            lines_ = [_Line(r[0].line_no, " | ".join(c.text for c in r), cells=[c.text for c in r]) for r in rows]
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

        bands = _parse_bands(self.text)
        if bands:
            self.notes.append("报告列明了等次划分：" + "；".join(f"{b.grade} ≥ {b.lower}" for b in bands))
        meta_kwargs = dict(
            title=title, year=year, region=region, evaluator=evaluator, project=project,
            conclusion="\n".join(conclusion), source=self.source_name,
            grade_bands=bands or DEFAULT_BANDS,
        )
        stated: dict = {"units": {}}
        # the units the figure text is about (a unit named only in a problem is not the subject of the figures)
        about = {k for ln in figure_lines if ln.no for _, _, k in self.units.mentions(ln.text)}
        about |= {f.unit for f in figures.facts if f.unit is not None}
        units, budget_lines, results, totals = self._resolve(figures.facts, stated, bands or DEFAULT_BANDS, about)
        meta = Meta(**meta_kwargs, stated_total_budget=totals.get("budget"),
                    stated_total_executed=totals.get("executed"))
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
        stated["finding_sources"] = {
            kind: [{"line": ln.no, "text": text, "category": g.title} for g in findings[key] for text, ln in g.items]
            for kind, key in (("problems", "problems"), ("recommendations", "recs"), ("achievements", "achievements"))}
        if not stated["units"]:
            stated["not_found"] = {"": list(FIGURE_KINDS)}
        return ParseResult(ev, self.unplaced, list(dict.fromkeys(self.notes)), stated, self.warnings, self.text)

    # -- findings written inline in a paragraph ---------------------------------------------------------------

    def _inline_findings(self, lines: list[_Line], findings: dict[str, list[_Group]]) -> dict[str, list[_Group]]:
        """“存在的问题：一是…二是…。下一步改进措施：一是…” inside a paragraph of a report that has no such sections."""
        out: dict[str, list[_Group]] = {}
        for kind, label, title in (("problems", _INLINE_PROBLEMS, "存在的问题"), ("recs", _INLINE_RECS, "改进措施")):
            if findings[kind]:
                continue
            group = _Group(1, title)
            for ln in lines:
                if not ln.no or ln.cells is not None:
                    continue
                n = norm(ln.text)
                for m in label.finditer(n):
                    end = _INLINE_END.search(n, m.end())
                    segment = ln.text[m.end():end.start() if end else len(n)].strip()
                    if not segment:
                        continue
                    if is_none_statement(segment):
                        self.notes.append(f"第{ln.no}行“{m.group(0).rstrip('：: ')}”为“{segment}”，即没有{title}")
                        continue
                    lead, items = _paragraph_items(segment)
                    if lead:
                        self.unplaced.append(Unplaced(ln.no, lead, "条目之前的引导语，未作为条目导入"))
                    group.items.extend((i, ln) for i in items)
            if group.items:
                self.notes.append(f"“{title}”写在段落之中（第{group.items[0][1].no}行），{len(group.items)}个条目归入一个类别")
                out[kind] = [group]
        return out

    # -- self-evaluation forms -----------------------------------------------------------------------------

    def _form_figures(self, forms: list[Form], figures: _FigureReader) -> None:
        """The figures of each form's 年度资金总额 row replace whatever the sentences said about money."""
        with_money = [f for f in forms if f.row is not None]
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
            unit = self.units.resolve(form.unit) if form.unit else None
            row = form.row
            assert row is not None
            line = _Line(row.label.line_no, row.text(), cells=[row.label.text] + [c.text for c in row.cells])
            for kind in ("budget", "executed", "rate"):
                value = form.figure(kind)
                if value is None:
                    continue
                label = {"budget": "全年预算数（调整后预算数）", "executed": "全年执行数", "rate": "执行率"}[kind]
                if kind == "budget" and row.values.get("budget") is None:
                    label = "年初预算数"
                fiscal = not row.label.text.startswith(("年度资金总额", "资金总额", "总额", "合计"))
                cell = form.cell(kind)
                at = line if cell is None else _Line(cell.line_no, line.text, cells=line.cells)
                figures.facts.append(_Fact(kind, value, unit, at, shown=f"{label} {cell.text if cell else value}",
                                           adjusted=kind == "budget" and row.values.get("budget") is not None,
                                           uncertain="自评表合计行未填，取自“其中：财政拨款”一行" if fiscal else ""))
            if form.unit:
                self.notes.append(f"自评表第{row.label.line_no}行的金额归于实施单位“{form.unit}”")

    def _form_findings(self, forms: list[Form], findings: dict[str, list[_Group]]) -> dict[str, list[_Group]]:
        """In a form the 存在问题 / 改进措施 cells are the findings; headings such as 偏差原因分析及改进措施 are
        column titles, not sections."""
        out: dict[str, list[_Group]] = {"problems": [], "recs": [], "achievements": []}
        for kind, attr, title in (("problems", "problems", "存在问题"), ("recs", "recommendations", "改进措施"),
                                  ("achievements", "", "")):
            for g in findings[kind]:
                for _, ln in g.items:
                    self.unplaced.append(Unplaced(ln.no, ln.text, "本文为绩效自评表，表头、单元格或说明文字不作为条目"))
            for form in forms if attr else ():
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
                _, items = _paragraph_items(content)
                group = _Group(len(out[kind]) + 1, title)
                ln = _Line(label.line_no, content)
                group.items.extend((text, ln) for text in items)
                out[kind].append(group)
        return out

    # -- units named in the text ---------------------------------------------------------------------------

    def _definitions(self, ln: _Line) -> None:
        n = norm(ln.text)
        for m in _ALIASES.finditer(n):  # A局、B中心（以下分别简称“A”“B”）
            keys = re.findall(r"[“\"「『‘']([^”\"」』’']{2,20})[”\"」』’']", m.group("keys"))
            names = []
            for part in re.split(r"[、，,]", _name_list_before(ln.text, m.start())):
                both = re.match(rf"^(.+?{ORG_SUFFIX})(?:和|及|与)(.+)$", part.strip())
                names.extend([both.group(1), both.group(2)] if both else [part.strip()])
            names = [x for x in names if x]
            if len(keys) >= 2 and len(names) >= len(keys):
                for key, name in zip(keys, names[-len(keys):], strict=True):
                    if not _NOT_A_UNIT.search(name) and re.search(rf"{ORG_SUFFIX}$", name + key):
                        self.units.define(key, name)
        for m in _ALIAS.finditer(n):
            key = ln.text[m.start("key"):m.end("key")]
            name = _name_before(ln.text, m.start(), self.units.region)
            if not (re.search(rf"{ORG_SUFFIX}$", key) or re.search(rf"{ORG_SUFFIX}$", name)):
                continue
            start = m.start() - len(name)
            before = n[max(0, start - 4):start]
            after = n[m.end():m.end() + 6]
            if (_NOT_A_UNIT.search(name) or _NOT_A_UNIT.search(key) or _EVALUATOR_CONTEXT.search(before)
                    or re.match(r"\s*(?:作为|组成)", after)):
                self.excluded[key] = name
                continue
            if name and (_ORG_BAD.search(name) and not re.search(rf"{ORG_SUFFIX}$", name)):
                name = ""
            self.units.define(key, name if name != key else "")
        for m in _ROLE_UNIT.finditer(n):
            org = ln.text[m.start("org"):m.end("org")]
            if not _NOT_A_UNIT.search(org) and not _ORG_BAD.search(org):
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
                    self._warn(chosen[(key, kind)], f"{key} 的实际执行 {executed} 万元是预算 {budget} 万元的 "
                                                    f"{computed}%，不合常理（可能把分项经费或总投资当作预算），"
                                                    f"{_label(kind)}未导入")
                    del slot[kind]

    def _warn(self, f: _Fact, message: str) -> None:
        self.warnings.append({"line": f.line.no, "text": f.line.text, "message": message})
        self.unplaced.append(Unplaced(f.line.no, f.line.text, f"{f.shown}：{message}"))

    # -- recommendation -> problem links -------------------------------------------------------------------

    def _links(self, problems: list[_Group], recs: list[_Group]) -> dict[int, tuple[str, ...]]:
        if not problems or not recs:
            return {}
        if len(problems) != len(recs):
            self.notes.append(f"建议类别（{len(recs)}个）与问题类别（{len(problems)}个）数量不同，未建立建议与问题的对应关系")
            return {}
        for p, r in zip(problems, recs, strict=True):
            if not (_bigrams(p.title) & _bigrams(r.title)):
                self.notes.append(f"建议“{r.title}”与同序号的问题“{p.title}”没有共同用语，未建立建议与问题的对应关系")
                return {}
        self.notes.append(f"建议类别与问题类别数量相同（{len(recs)}个）且逐一对应，建议第n类对应问题第n类")
        return {r.no: (f"P{p.no}",) for p, r in zip(problems, recs, strict=True)}

    # -- figures to units, budget lines, results -----------------------------------------------------------

    def _unplaced(self, f: _Fact, reason: str) -> None:
        self.unplaced.append(Unplaced(f.line.no, f.line.text, f"{f.shown}：{reason}"))

    def _resolve(self, facts: list[_Fact], stated: dict, bands: tuple[GradeBand, ...],
                 about: set[str]) -> tuple[list[Unit], list[BudgetLine], list[UnitResult], dict]:
        keyed = [f for f in facts if f.unit is not None and f.kind in ("budget", "executed", "rate", "score", "grade")
                 and not f.breakdown]
        loose = [f for f in facts if f.unit is None and f.kind in ("budget", "executed", "rate", "score", "grade")
                 and not f.breakdown]
        for f in facts:
            if f.breakdown:
                what = "分项得分" if f.kind == "score" else "“其中”之后未点名单位的分项金额"
                self.unplaced.append(Unplaced(f.line.no, f.line.text, f"{f.shown}：{what}，未导入"))
            elif f.kind == "received":
                self._unplaced(f, "到位、拨付、下达、申请或融资的金额，不是预算或实际执行金额，未导入")
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
        sole = candidates[0] if len(candidates) == 1 else None
        attached: list[_Fact] = []
        rest: list[_Fact] = []
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
            if (money and keyed_money) or (not money and keyed_score):
                rest.append(f)
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
                self.notes.append(f"报告只点名了一个单位（{sole}），未注明单位的{what}归于该单位")
            else:
                self.units.define(SYNTHETIC_UNIT, "")
                self.notes.append(f"报告未把{what}对应到具体单位，归于“{SYNTHETIC_UNIT}”（项目整体）")
        keyed = keyed + attached
        loose = rest
        for f in loose:
            if f.kind in ("budget", "executed") and f.total:
                if f.kind in totals and totals[f.kind] != f.value:
                    self.unplaced.append(Unplaced(f.line.no, f.line.text, f"{f.shown}：与前文所列总额不同，未采用"))
                    continue
                totals.setdefault(f.kind, f.value)  # type: ignore[arg-type]
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
        chosen: dict[tuple[str, str], _Fact] = {}
        for f in keyed:
            k = (f.unit, f.kind)
            best = chosen.get(k)  # type: ignore[arg-type]
            if best is None or (f.kind == "budget" and f.adjusted and not best.adjusted) or (
                    f.kind in ("budget", "executed") and f.total and not best.total and not best.adjusted):
                chosen[k] = f  # type: ignore[index]
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
                budget_lines.append(BudgetLine(u.key, slot.get("budget"), slot.get("executed"),  # type: ignore
                                               stated_rate=slot.get("rate"),  # type: ignore[arg-type]
                                               note=f"{UNCERTAIN_MARK}{doubt}" if doubt else ""))
            if "score" in slot or "grade" in slot:
                grade = slot.get("grade")
                note = ""
                if grade is not None and grade not in grades:
                    note = f"报告等次为“{grade}”"
                    self.notes.append(f"{u.key} 的等次“{grade}”不在等次划分（{'、'.join(sorted(grades))}）之中，"
                                      "已写入说明，请在“评价信息”中设置等次划分后再填")
                    grade = None
                results.append(UnitResult(u.key, slot.get("score"), grade, note))  # type: ignore[arg-type]
            shown = {k: str(v) for k, v in slot.items()}
            if shown:
                stated["units"][u.key] = shown
                sources = stated.setdefault("sources", {}).setdefault(u.key, {})
                for k in slot:
                    f = chosen[(u.key, k)]
                    sources[k] = {"line": f.line.no, "text": f.line.text, "shown": f.shown,
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


FIGURE_KINDS = ("budget", "executed", "rate", "score", "grade")
UNCERTAIN_MARK = "文本导入待核对："  # a budget line's note starting so holds the parser's doubt (see checks.py)
IMPLAUSIBLE_RATE = Decimal(150)  # a rate above this (%) is dropped: a component or an investment taken as the budget


def _label(kind: str) -> str:
    return {"budget": "预算", "executed": "实际执行", "rate": "执行率", "score": "得分", "grade": "等次"}[kind]


def parse_report(text: str, *, source_name: str = "") -> ParseResult:
    """Parse report text (markdown, plain text, or a .docx flattened by :func:`read_document`)."""
    return _Parser(text, source_name).run()
