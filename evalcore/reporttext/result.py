"""What the parser returns (:class:`ParseResult`), and the constants its rules share."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..budget import IMPLAUSIBLE_RATE as IMPLAUSIBLE_RATE  # re-exported: the parser's rules use it
from ..model import UNCERTAIN_MARK as UNCERTAIN_MARK  # re-exported: the parser writes it
from ..model import Evaluation

# The figures a report states, in the words the review and the provenance show them with.
LABELS = {"budget": "预算", "executed": "实际执行", "rate": "执行率", "score": "得分", "grade": "等次"}
SYNTHETIC_UNIT = "本项目"  # the unit of figures a report gives without naming any unit


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
    where: list[dict] = field(default_factory=list)  # per line of source_text: {"page", "line"} or {"page", "table",
    # "row"} in the original file (PDF, web page); empty for plain text, where the line number is the place
    original_text: str = ""  # the text before traditional → simplified conversion ("" when none was converted)
    # the names the text gives what it is about, each with where it was read ("报告标题所述项目", "“项目名称”一行",
    # "标题", "“单位名称”一行", "网页的发布机构或来源", "正文"): what the review offers for 本项目
    names: list[tuple[str, str]] = field(default_factory=list)


FIGURE_KINDS = ("budget", "executed", "rate", "score", "grade")
