"""Several evaluated units in running text, and whose figures a sentence gives (issue 24, sixth pass).

Two layouts that recur in results announcements and in reports about several projects:

* **a list of evaluated projects**: numbered paragraphs of one numbering style, at least two, each opening with the
  name of a project (…项目 / …工程) and each stating its own result (得分 / 等级 / 评为 …): a finance bureau's
  publication of its key evaluations, one paragraph per project. Each paragraph's figures belong to the project it
  opens with, whatever organisation its running text mentions (the town that built the road, the firm that
  evaluated it). One paragraph alone, or paragraphs without a result of their own (the parts of one project), are no
  such list.
* **an enumeration in one sentence**: at least two clauses in a row, each a project's (or fund's) name and one
  figure of the same kind, the first saying what the figure is and the next ones leaving it out (……资金执行99.97%；
  乙村美丽乡村项目99.89%，丙村水毁修复项目95.6%；甲项目得分92分，乙项目88分): each figure is its project's.
  A count of projects (3个项目资金执行100%) or money named by its source (中央资金, 省级资金, 项目资金) is no
  project's name, and a figure whose kind the first clause does not
  say (甲项目95%，乙项目90%: a completion rate? a share?) is not read.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from .lines import Line, title_like
from .text import norm

# the name of a project opening a paragraph: up to the first comma (or full stop) after …项目 / …工程; a comma inside
# the name (村内干道,巷道路面硬化建设项目) is kept, a sentence's end or a colon is not crossed
PROJECT_AT_START = re.compile(r"^[^。；;：:]{4,40}?(?:项目|工程|资金|经费|专项)(?=[，,。；;：:\s(]|$)")
# a paragraph stating an evaluation's result (a score or a grade) of its own
_RESULT = re.compile(r"得分|总分|评分|等级|等次|评为|评定为")


def _project_paragraphs(lines: list[Line], keeps: Callable[[str], bool]) -> dict[int, str]:
    """Line number → project name for numbered paragraphs of one style, at least two, each opening with a different
    project's name and kept by ``keeps`` (its text after the numbering); empty when there are no such paragraphs."""
    found: dict[str, dict[int, str]] = {}
    for ln in lines:
        num = ln.num if ln.no and ln.cells is None else None
        if num is None:
            continue
        m = PROJECT_AT_START.match(num.rest.strip())
        if m and keeps(num.rest):
            found.setdefault(num.style, {})[ln.no] = m.group(0).strip()
    best = max(found.values(), key=len, default={})
    if len(best) < 2 or len(set(best.values())) < len(best):
        return {}
    return best


def listed_projects(lines: list[Line]) -> dict[int, str]:
    """Line number → project name for the paragraphs of a list of evaluated projects (see the module's docstring):
    each states a result of its own; a heading is no paragraph (a short item with its figures is one: 2.乙项目，得分
    84分。)."""
    return _project_paragraphs(lines, lambda rest: not (title_like(rest) and not re.search(r"\d", rest))
                               and bool(_RESULT.search(norm(rest))))


def listed_parts(lines: list[Line]) -> set[int]:
    """Line numbers of the paragraphs of a list of a fund's projects with their money and no result of their own
    (㈠甲工程项目。安排资金7000万元…, ㈡乙工程项目。安排资金5000万元…): each states an amount. Their amounts are the
    projects' shares of the whole, not the whole's (empty when there is no such list)."""
    return set(_project_paragraphs(lines, lambda rest: not _RESULT.search(norm(rest))
                                   and bool(_AMOUNT.search(norm(rest)))))


# an amount in 元, 万元 or 亿元, or in 万 / 亿 with no noun after it (安排资金7000万,主要用于…)
_AMOUNT = re.compile(r"\d\s*(?:万元|亿元|元|万(?![\u4e00-\u9fff])|亿(?![\u4e00-\u9fff]))")


# --- an enumeration of projects and their figures in one sentence --------------------------------------------------

_LEAD = re.compile(r"^(?:剩余|其余|其中|另外|另|以及|及|和|与|而|但|此外)+")
_ITEM = re.compile(r"^(?P<name>[^，,；;。：:、]{2,40}?(?:项目|工程|资金|专项)\)?)"
                   r"(?P<kw>(?:的)?(?:(?:预算|资金)?(?:执行率|支付率|支出率|执行进度|支出进度|执行|支出)"
                   r"|(?:综合|最终|评价|自评)?(?:得分|评分|总分))?(?:为|达到?|是)?)\s*$")
_KW_KIND = {"pct": re.compile(r"执行|支付率|支出"), "score": re.compile(r"得分|评分|总分")}
_COUNT = re.compile(r"^(?:\d+|[一二三四五六七八九十两几多各所有]+)\s*(?:个|项|类)|(?:个|项)(?:项目|工程)$")
_SEP = re.compile(r"\s*[，,；;、]\s*")
# money by its source or level, not a project: 中央资金, 省级财政资金, 自筹资金, 项目资金, 本级专项
_SOURCE = re.compile(r"^(?:中央|省|市|州|县|区|乡镇?|镇|村|本级|上级|地方|财政|自筹|配套|社会|银行|债券|一般|政府|基金|"
                     r"其他|其它|各级|级|预算内|预算外|专项|补助|衔接|奖补|转移支付|本|该|各|全部|所有|项目|整体)+"
                     r"(?:资金|专项|项目)$")


def enumerated(sent: str, tokens: list[tuple[int, int, str, Decimal | str]]) -> dict[int, tuple[str, str]]:
    """Token index → (project name, figure kind: rate | score) for the figures of an enumeration in ``sent`` (see the
    module's docstring). ``tokens`` are (start, end, kind, value) in order, kind pct | score | money | grade."""
    out: dict[int, tuple[str, str]] = {}
    run: list[tuple[int, str]] = []
    graded: list[tuple[int, str]] = []  # a grade an item states after its score (甲项目得分92分，等级为优；乙项目…)
    run_kind = ""

    def close() -> None:
        if len(run) >= 2 and len({name for _, name in run}) == len(run):
            for idx, name in run:
                out[idx] = (name, "rate" if run_kind == "pct" else "score")
            for idx, name in graded:
                out[idx] = (name, "grade")
        run.clear()
        graded.clear()

    prev_end = 0
    for idx, (start, end, kind, _value) in enumerate(tokens):
        between = sent[prev_end:start]
        parts = _SEP.split(between)
        prev_end = end
        if kind == "grade" and run and run_kind == "score" and run[-1][0] == idx - 1 and not re.search(
                r"[；;。]", between) and re.search(r"等级|等次|评为|评定为|结果", between):
            graded.append((idx, run[-1][1]))  # the item's own grade, in its clause
            continue
        if kind not in _KW_KIND:
            close()
            continue
        m = _ITEM.match(_LEAD.sub("", parts[-1].strip()))
        name = m.group("name") if m else ""
        if m is None or _COUNT.search(name) or _SOURCE.match(name) or not re.search(r"[\u4e00-\u9fff]{2}", name):
            close()
            continue
        joined = bool(run) and kind == run_kind and len(parts) == 2 and not parts[0].strip()
        kw = m.group("kw")
        if joined and (not kw or _KW_KIND[kind].search(kw)):
            run.append((idx, name))  # the next item (its kind left out, or the same kind said again)
            continue
        close()
        if kw and _KW_KIND[kind].search(kw):
            run.append((idx, name))  # the first item says what its figure is
            run_kind = kind
    close()
    return out


# --- projects listed by the grade they were given --------------------------------------------------------------------

# 评价结果为优的项目有：甲项目（92分）、乙项目（90分）；评为良好的项目有：丙项目（85分）: a results notice grouping the
# evaluated projects by grade, each name ending in a project word, a score in brackets when the notice gives it
_GRADE_GROUP = re.compile(r"(?:评价结果|评价等级|评价等次|结果|等级|等次)?(?:为|评为|评定为|被评为|确定为)\s*[“\"]?"
                          r"(?P<g>优秀|良好|中等|合格|较差|优|良|中|差)[”\"]?\s*(?:等次|等级|档次)?的"
                          r"(?:项目|单位|部门)(?:有|为|是|包括)?\s*[:：]?\s*(?P<list>[^；;。]+)")
_LISTED = re.compile(r"(?P<name>[^、，,和及与:：\s()（）]{4,40}?(?:项目|工程|资金|经费|专项))\s*"
                     r"(?:[(（]\s*(?P<s>\d{1,3}(?:\.\d{1,2})?)\s*分\s*[)）])?")
_GRADES = {"优秀": "优", "良好": "良", "中等": "中", "合格": "中", "较差": "差"}


def graded_lists(sent: str) -> list[tuple[str, str, Decimal | None]]:
    """(name, grade, score or None) of every project a notice lists under a grade (see the comment above); [] unless
    every piece of each list is a project's name (a count, 2个项目, or money by its source is not) and at least two
    projects are listed in all."""
    found: list[tuple[str, str, Decimal | None]] = []
    for m in _GRADE_GROUP.finditer(norm(sent)):
        grade = _GRADES.get(m.group("g"), m.group("g"))
        pieces = [p for p in re.split(r"[、，,]|和|及|与", m.group("list")) if p.strip()]
        items = [_LISTED.fullmatch(p.strip()) for p in pieces]
        if not items or any(i is None or _COUNT.search(i.group("name")) or _SOURCE.match(i.group("name"))
                            for i in items):
            return []
        for i in items:
            assert i is not None
            found.append((i.group("name"), grade, Decimal(i.group("s")) if i.group("s") else None))
    return found if len(found) >= 2 else []
