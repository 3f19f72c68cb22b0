"""整改 with the units themselves (issue 25): the loop of a 整改 item between a unit and the bureau, as pure rules.

A unit's reporter (role ``unit``, 单位填报) reports progress on an item of its own units (报送, with a text and
evidence files); the item then waits for the bureau (待审核). The bureau (``evaluator`` or ``admin``) accepts it
as done (销号: the item's status in the workbook becomes the evaluation's first closed status, so the 整改率 counts
it) or sends it back with a reason (退回); the unit may then report again. Only the bureau closes an item.

The item's loop state comes from its workbook status and the last step of its loop history
(:func:`loop_state`); who may take which step from which state is :data:`MOVES` (:func:`may`, :func:`check_move`).
The store (:mod:`evalcore.store.loop`) applies these rules on every write and records each step with who, when,
what and which files.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# loop states
OPEN = "待报送"  # nothing reported yet (or the bureau reopened the item)
PENDING = "待审核"  # the unit reported; the bureau has not decided
RETURNED = "退回"  # the bureau sent the last report back; the unit reports again
ACCEPTED = "已销号"  # closed by the bureau (the workbook status is a closed one)
STATES: tuple[str, ...] = (OPEN, PENDING, RETURNED, ACCEPTED)

# steps (rect_events.kind)
REPORT, ACCEPT, RETURN = "report", "accept", "return"
STEP_LABELS: dict[str, str] = {REPORT: "报送", ACCEPT: "销号", RETURN: "退回"}

# (step) -> (roles that may take it, states it may be taken from, the state it leads to)
MOVES: dict[str, tuple[frozenset[str], frozenset[str], str]] = {
    REPORT: (frozenset({"unit"}), frozenset({OPEN, RETURNED}), PENDING),
    ACCEPT: (frozenset({"evaluator", "admin"}), frozenset({PENDING}), ACCEPTED),
    RETURN: (frozenset({"evaluator", "admin"}), frozenset({PENDING}), RETURNED),
}

TEXT_MAX = 2000  # characters of a report, an acceptance note or a reason


class LoopError(ValueError):
    """A step the rules do not allow; the message is Chinese and names the item and why."""


def loop_state(status: str, closed_statuses: tuple[str, ...], last_step: str | None) -> str:
    """The loop state of an item whose workbook status is ``status`` and whose last loop step is ``last_step``.

    A closed status is 已销号 whatever came before (only the bureau sets a closed status, here by 销号 or on the
    整改更新 editor); otherwise the last step decides: a report waits (待审核), a send-back is 退回, nothing or an
    acceptance that was reopened since is 待报送.
    """
    if status in closed_statuses:
        return ACCEPTED
    if last_step == REPORT:
        return PENDING
    if last_step == RETURN:
        return RETURNED
    return OPEN


def may(role: str, state: str, step: str) -> bool:
    """Whether ``role`` may take ``step`` on an item in ``state``."""
    roles, sources, _ = MOVES[step]
    return role in roles and state in sources


def next_state(step: str) -> str:
    return MOVES[step][2]


def check_move(role: str, state: str, step: str, item_id: str = "", text: str = "") -> str:
    """The text of the step, stripped, if ``role`` may take ``step`` on an item in ``state``; else raise
    :class:`LoopError` saying why (in Chinese). A report and a send-back need a text; every text is bounded."""
    roles, sources, _ = MOVES[step]
    label = STEP_LABELS[step]
    where = f"整改事项 {item_id}" if item_id else "该整改事项"
    if role not in roles:
        who = "只有被评价单位的填报账户" if step == REPORT else "只有财政部门（评价人员或管理员）"
        raise LoopError(f"{who}可以{label}{where}")
    if state not in sources:
        if state == ACCEPTED:
            raise LoopError(f"{where}已销号，不能再{label}")
        if state == PENDING:
            raise LoopError(f"{where}已报送、正在等待审核，不能重复报送")
        raise LoopError(f"{where}当前为“{state}”，还没有待审核的报送，不能{label}")
    text = (text or "").strip()
    if step == REPORT and not text:
        raise LoopError(f"请填写{where}的整改情况说明")
    if step == RETURN and not text:
        raise LoopError(f"退回{where}时请写明退回理由")
    if len(text) > TEXT_MAX:
        raise LoopError(f"说明过长（{len(text)} 个字），最多 {TEXT_MAX} 个字")
    return text


@dataclass(frozen=True)
class EvidenceInfo:
    """An evidence file of a report (its bytes are read separately, through the store's checked read)."""

    id: int
    file_name: str
    kind: str
    size: int
    sha256: str


@dataclass(frozen=True)
class LoopStep:
    """One step of an item's loop history: who, when, what, which files."""

    id: int
    step: str
    actor: str
    role: str
    at: dt.datetime
    text: str
    files: tuple[EvidenceInfo, ...] = ()

    @property
    def label(self) -> str:
        return STEP_LABELS.get(self.step, self.step)


@dataclass(frozen=True)
class LoopItem:
    """A 整改 item as the loop sees it: the workbook's item, its responsible unit and its loop state."""

    evaluation_id: int
    evaluation: str  # the evaluation's label
    item_id: str
    task: str
    unit: str  # as the evaluation names it
    unit_key: str  # the unit's identity across evaluations (normalised, after the alias table)
    deadline: dt.date | None
    status: str  # the workbook status
    state: str  # the loop state
    bureau_said: str = ""  # the bureau's last word: a send-back's reason or an acceptance note
    last_at: dt.datetime | None = None
    steps: tuple[LoopStep, ...] = field(default=(), compare=False)

    @property
    def key(self) -> str:
        """"evaluation_id:item_id": how pages and links name the item."""
        return f"{self.evaluation_id}:{self.item_id}"

    def days_left(self, as_of: dt.date) -> int | None:
        return None if self.deadline is None else (self.deadline - as_of).days

    def overdue(self, as_of: dt.date) -> bool:
        return self.state != ACCEPTED and self.deadline is not None and self.deadline < as_of


def parse_key(key: str | None) -> tuple[int, str] | None:
    """"12:Z03" -> (12, "Z03"); None for anything else."""
    if not key or ":" not in key or len(key) > 200:
        return None
    left, right = key.split(":", 1)
    try:
        return int(left), right.strip()
    except ValueError:
        return None
