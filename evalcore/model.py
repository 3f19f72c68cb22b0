"""The typed, immutable model of one evaluation (评价: one report, one year).

Every collection is a tuple and every dataclass is frozen, so an ``Evaluation`` can be cached and shared
between sessions without copying. Money is ``Decimal`` in 万元; rates are in % (82.69 means 82.69%).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

DEFAULT_STATUSES: tuple[str, ...] = ("未开始", "整改中", "已整改", "未整改")
DEFAULT_CLOSED: tuple[str, ...] = ("已整改",)
# 评价类型 (评价信息 › 评价类型, optional): what kind of evaluation a report is.
KINDS: tuple[str, ...] = ("重点项目", "部门整体", "专项资金", "自评")

# Section names that may be flagged as illustrative (not published in the report).
ILLUSTRATIVE_SECTIONS = {"指标得分": "scores", "整改": "rectification"}


@dataclass(frozen=True)
class GradeBand:
    grade: str
    lower: Decimal  # inclusive lower bound


# 财预〔2020〕10号: 优 >= 90, 良 >= 80, 中 >= 60, 差 < 60.
DEFAULT_BANDS: tuple[GradeBand, ...] = (
    GradeBand("优", Decimal(90)),
    GradeBand("良", Decimal(80)),
    GradeBand("中", Decimal(60)),
    GradeBand("差", Decimal(0)),
)


def evaluation_identity(region: str | None, year: object, title: str | None) -> tuple[str, int | None, str]:
    """What makes two evaluations the same one: region, year and title (a new workbook with the same three is a
    new version of the stored evaluation; the store keys on it). ``year`` as any layer holds it: an int, None, or a
    float / NaN from a pandas column."""
    return (region or "", _year(year), title or "")


def evaluation_label(region: str | None, year: object, title: str | None) -> str:
    """How an evaluation is named everywhere (the picker, the portfolio, the audit log, the command line, the
    preview): "长沙市 · 2023 · <title>", the parts it lacks left out."""
    region, number, title = evaluation_identity(region, year, title)
    return " · ".join(p for p in (region, "" if number is None else str(number), title) if p)


def _year(year: object) -> int | None:
    if year is None or year != year:  # None, or NaN from a pandas column
        return None
    return int(year)  # type: ignore[call-overload]


@dataclass(frozen=True)
class Meta:
    title: str
    year: int | None = None
    region: str = ""
    evaluator: str = ""
    project: str = ""
    conclusion: str = ""
    kind: str = ""  # 评价类型: one of KINDS, or "" when the workbook does not say
    grade_bands: tuple[GradeBand, ...] = DEFAULT_BANDS
    expert_method: str = "mean"  # "mean" | "trimmed_mean"
    rate_target: Decimal = Decimal(90)  # 执行率目标线 (%), used for the target line in charts
    statuses: tuple[str, ...] = DEFAULT_STATUSES
    closed_statuses: tuple[str, ...] = DEFAULT_CLOSED
    illustrative: frozenset[str] = frozenset()  # subset of {"scores", "rectification"}
    illustrative_note: str = ""
    source: str = ""
    # Totals as the report states them (万元); evalcore.consistency compares them with the sum of the budget lines.
    stated_total_budget: Decimal | None = None
    stated_total_executed: Decimal | None = None

    @property
    def identity(self) -> tuple[str, int | None, str]:
        return evaluation_identity(self.region, self.year, self.title)

    @property
    def label(self) -> str:
        return evaluation_label(self.region, self.year, self.title)


@dataclass(frozen=True)
class Unit:
    key: str  # 单位简称: how every other sheet refers to the unit
    name: str = ""  # 单位全称
    role: str = ""  # 单位类型, e.g. 主管部门 / 实施单位 / 第三方
    note: str = ""

    @property
    def label(self) -> str:
        return self.key or self.name


@dataclass(frozen=True)
class BudgetLine:
    unit: str
    budget: Decimal | None
    executed: Decimal | None
    project: str = ""
    kind: str = ""  # 建设 / 运维 / ...
    stated_rate: Decimal | None = None  # 报告所列执行率 (%)
    note: str = ""


# A budget line's note starting so holds the text import's doubt about its figures (written by evalcore.reporttext,
# warned of by evalcore.workbook.plausibility until the evaluator checks the figures and deletes the mark).
UNCERTAIN_MARK = "文本导入待核对："


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    points: Decimal
    level: int
    parent: str | None = None
    method: str = "manual"  # manual | rate_proportional | banded | deduction
    params: str = ""
    note: str = ""


@dataclass(frozen=True)
class Score:
    unit: str
    indicator: str
    expert: str
    score: Decimal
    note: str = ""  # 扣分说明


@dataclass(frozen=True)
class UnitResult:
    unit: str
    stated_score: Decimal | None = None
    stated_grade: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Achievement:
    area_no: int
    area: str
    seq: int
    text: str


@dataclass(frozen=True)
class Problem:
    id: str
    category_no: int
    category: str
    seq: int
    text: str
    unit: str | None = None


@dataclass(frozen=True)
class Recommendation:
    id: str
    category_no: int
    category: str
    seq: int
    text: str
    answers: tuple[str, ...] = ()  # problem ids ("P1-2") or problem categories ("P1")


@dataclass(frozen=True)
class StatusChange:
    item: str
    date: dt.date
    old_status: str
    new_status: str
    progress: Decimal | None = None
    note: str = ""
    by: str = ""


@dataclass(frozen=True)
class RectificationItem:
    id: str
    problem: str | None
    task: str
    unit: str | None
    deadline: dt.date | None
    status: str
    progress: Decimal | None = None
    note: str = ""
    history: tuple[StatusChange, ...] = ()
    evidence: str = ""  # 佐证材料: what shows the fix (a document number, a link, a file name)


@dataclass(frozen=True)
class Evaluation:
    meta: Meta
    units: tuple[Unit, ...] = ()
    budget_lines: tuple[BudgetLine, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    scores: tuple[Score, ...] = ()
    results: tuple[UnitResult, ...] = ()
    achievements: tuple[Achievement, ...] = ()
    problems: tuple[Problem, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    rectification: tuple[RectificationItem, ...] = ()
    _unit_index: dict[str, Unit] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_unit_index", {u.key: u for u in self.units})

    def unit(self, key: str) -> Unit | None:
        return self._unit_index.get(key)

    def unit_label(self, key: str | None) -> str:
        if not key:
            return "未指明单位"
        unit = self.unit(key)
        return unit.label if unit else key

    def is_illustrative(self, section: str) -> bool:
        """section is "scores" or "rectification"."""
        return section in self.meta.illustrative

    @property
    def problem_categories(self) -> tuple[tuple[int, str], ...]:
        return _groups((p.category_no, p.category) for p in self.problems)

    @property
    def recommendation_categories(self) -> tuple[tuple[int, str], ...]:
        return _groups((r.category_no, r.category) for r in self.recommendations)

    @property
    def achievement_areas(self) -> tuple[tuple[int, str], ...]:
        return _groups((a.area_no, a.area) for a in self.achievements)


def _groups(pairs) -> tuple[tuple[int, str], ...]:
    """(number, title) of each group, by number; the first title seen for a number wins."""
    seen: dict[int, str] = {}
    for no, title in pairs:
        seen.setdefault(no, title)
    return tuple(sorted(seen.items()))
