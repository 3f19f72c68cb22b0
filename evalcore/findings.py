"""问题、建议、整改: problems by category and unit, recommendation -> problem links, 整改 figures as of a date."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from .model import Evaluation, Problem, RectificationItem
from .numbers import percent

CN_NUMERALS = "零一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 21 -> 二十一 (enough for category numbering)."""
    if 0 <= n <= 10:
        return CN_NUMERALS[n]
    if n < 20:
        return "十" + CN_NUMERALS[n - 10]
    if n < 100:
        tens, ones = divmod(n, 10)
        return CN_NUMERALS[tens] + "十" + (CN_NUMERALS[ones] if ones else "")
    return str(n)


def problems_table(ev: Evaluation) -> pd.DataFrame:
    rows = [{
        "id": p.id,
        "category_no": p.category_no,
        "category": p.category,
        "category_label": f"（{cn_number(p.category_no)}）{p.category}",
        "seq": p.seq,
        "text": p.text,
        "unit": ev.unit_label(p.unit),
    } for p in ev.problems]
    return pd.DataFrame(rows, columns=["id", "category_no", "category", "category_label", "seq", "text", "unit"])


def recommendations_table(ev: Evaluation) -> pd.DataFrame:
    rows = [{
        "id": r.id,
        "category_no": r.category_no,
        "category": r.category,
        "category_label": f"（{cn_number(r.category_no)}）{r.category}",
        "seq": r.seq,
        "text": r.text,
        "answers": "、".join(r.answers),
    } for r in ev.recommendations]
    return pd.DataFrame(rows, columns=["id", "category_no", "category", "category_label", "seq", "text", "answers"])


def counts_by_category(df: pd.DataFrame) -> pd.DataFrame:
    """Items per category, in category order: category_no, category_label, count."""
    if df.empty:
        return pd.DataFrame(columns=["category_no", "category", "category_label", "count"])
    return (df.groupby(["category_no", "category", "category_label"], sort=True).size()
            .reset_index(name="count"))


def problems_by_unit(ev: Evaluation) -> pd.DataFrame:
    df = problems_table(ev)
    if df.empty:
        return pd.DataFrame(columns=["unit", "count"])
    order: dict[str, int] = {}
    for n, label in enumerate([u.label for u in ev.units] + ["未指明单位"]):
        order.setdefault(label, n)  # the first position of a label, as list.index gives it
    out = df.groupby("unit").size().reset_index(name="count")
    out["order"] = [order.get(u, len(order)) for u in out["unit"]]
    return out.sort_values(["order", "unit"]).drop(columns="order").reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class ProblemIndex:
    """Problems by id and by category number (as text), built once for resolving many recommendations."""

    by_id: dict[str, Problem]
    by_category: dict[str, list[Problem]]


def problem_index(ev: Evaluation) -> ProblemIndex:
    by_id: dict[str, Problem] = {}
    by_category: dict[str, list[Problem]] = defaultdict(list)
    for p in ev.problems:
        by_id[p.id] = p  # the last problem of an id wins, as in a dict built from the list
        by_category[str(p.category_no)].append(p)
    return ProblemIndex(by_id, dict(by_category))


def resolve_answers(ev: Evaluation, refs: tuple[str, ...], index: ProblemIndex | None = None) -> list[Problem]:
    """Problems a recommendation answers: a ref is a problem id ("P1-2") or a category ("P1").

    ``index`` (from :func:`problem_index`) saves re-reading every problem when resolving many recommendations.
    """
    idx = index if index is not None else problem_index(ev)
    out: list[Problem] = []
    seen: set[Problem] = set()
    for ref in refs:
        if ref in idx.by_id:
            hits = [idx.by_id[ref]]
        else:
            cat = ref[1:] if ref[:1].upper() == "P" else ref
            hits = idx.by_category.get(cat, [])
        for p in hits:
            if p not in seen:
                seen.add(p)
                out.append(p)
    return out


def recommendation_links(ev: Evaluation) -> pd.DataFrame:
    """Problem category -> recommendation category with the number of recommendation items linking them."""
    pcats = dict(ev.problem_categories)
    index = problem_index(ev)
    rows: dict[tuple[int, int], int] = {}
    for r in ev.recommendations:
        cats = sorted({p.category_no for p in resolve_answers(ev, r.answers, index)})
        for c in cats:
            rows[(c, r.category_no)] = rows.get((c, r.category_no), 0) + 1
    rcats = dict(ev.recommendation_categories)
    data = [{
        "problem_category_no": pc,
        "problem_category": f"问题（{cn_number(pc)}）{pcats.get(pc, '')}",
        "recommendation_category_no": rc,
        "recommendation_category": f"建议（{cn_number(rc)}）{rcats.get(rc, '')}",
        "items": n,
    } for (pc, rc), n in sorted(rows.items())]
    return pd.DataFrame(data, columns=["problem_category_no", "problem_category", "recommendation_category_no",
                                       "recommendation_category", "items"])


def unanswered_problem_categories(ev: Evaluation) -> list[int]:
    links = recommendation_links(ev)
    answered = set(links["problem_category_no"]) if not links.empty else set()
    return [no for no, _ in ev.problem_categories if no not in answered]


# --- 整改 -------------------------------------------------------------------------------------------------

def status_on(item: RectificationItem, day: dt.date) -> str:
    """The item's status at the end of ``day``, from its dated history; the current status if no history."""
    if not item.history:
        return item.status
    changes = sorted(item.history, key=lambda c: c.date)
    if day < changes[0].date:
        return changes[0].old_status
    current = changes[0].old_status
    for c in changes:
        if c.date <= day:
            current = c.new_status
    return current


def closed_on(item: RectificationItem, closed: tuple[str, ...]) -> dt.date | None:
    """The date the item last entered a closed status (None if it is not closed now)."""
    if item.status not in closed:
        return None
    dates = [c.date for c in item.history if c.new_status in closed]
    return max(dates) if dates else None


@dataclass(frozen=True)
class RectificationSummary:
    as_of: dt.date
    total: int
    by_status: dict[str, int]
    closed: int
    rate: Decimal | None  # 整改率 in %, unrounded
    overdue: int


def rectification_items(ev: Evaluation, as_of: dt.date) -> pd.DataFrame:
    """Every 整改 item with its status as of the date, whether closed, overdue and days overdue."""
    closed = ev.meta.closed_statuses
    pcat = {p.id: (p.category_no, p.category) for p in ev.problems}
    rows = []
    for it in ev.rectification:
        status = status_on(it, as_of)
        is_closed = status in closed
        overdue = bool(it.deadline and it.deadline < as_of and not is_closed)
        cat_no, cat = pcat.get(it.problem or "", (0, "未关联问题"))
        rows.append({
            "id": it.id,
            "problem": it.problem or "",
            "category_no": cat_no,
            "category_label": f"（{cn_number(cat_no)}）{cat}" if cat_no else cat,
            "task": it.task,
            "unit": ev.unit_label(it.unit),
            "deadline": it.deadline,
            "status": status,
            "progress": it.progress,
            "closed": is_closed,
            "overdue": overdue,
            "days_overdue": (as_of - it.deadline).days if overdue and it.deadline else 0,
            "note": it.note,
        })
    return pd.DataFrame(rows, columns=["id", "problem", "category_no", "category_label", "task", "unit", "deadline",
                                       "status", "progress", "closed", "overdue", "days_overdue", "note"])


def rectification_summary(ev: Evaluation, as_of: dt.date) -> RectificationSummary:
    df = rectification_items(ev, as_of)
    by_status = {s: int((df["status"] == s).sum()) for s in ev.meta.statuses}
    for s in df["status"].unique():
        by_status.setdefault(s, int((df["status"] == s).sum()))
    closed = int(df["closed"].sum())
    total = len(df)
    return RectificationSummary(
        as_of=as_of,
        total=total,
        by_status=by_status,
        closed=closed,
        rate=percent(Decimal(closed), Decimal(total)),
        overdue=int(df["overdue"].sum()),
    )


def status_by_category(ev: Evaluation, as_of: dt.date) -> pd.DataFrame:
    """category_label x status -> count (long form, categories in order, every status present)."""
    df = rectification_items(ev, as_of)
    cats = df[["category_no", "category_label"]].drop_duplicates().sort_values("category_no")
    rows = []
    for _, c in cats.iterrows():
        sub = df[df["category_no"] == c["category_no"]]
        for s in ev.meta.statuses:
            rows.append({"category_no": c["category_no"], "category_label": c["category_label"], "status": s,
                         "count": int((sub["status"] == s).sum())})
    return pd.DataFrame(rows, columns=["category_no", "category_label", "status", "count"])


def status_by_unit(ev: Evaluation, as_of: dt.date) -> pd.DataFrame:
    df = rectification_items(ev, as_of)
    if df.empty:
        return pd.DataFrame(columns=["unit", "total", "closed", "overdue", "rate"])
    g = df.groupby("unit").agg(total=("id", "size"), closed=("closed", "sum"), overdue=("overdue", "sum"))
    g = g.reset_index()
    g["rate"] = [percent(Decimal(int(c)), Decimal(int(t))) for c, t in zip(g["closed"], g["total"], strict=True)]
    return g


def closed_over_time(ev: Evaluation, as_of: dt.date) -> pd.DataFrame:
    """Cumulative number of items closed by each date on which one closed (up to ``as_of``)."""
    closed = ev.meta.closed_statuses
    days = sorted(d for it in ev.rectification
                  if (d := closed_on(it, closed)) is not None and d <= as_of)
    rows = []
    for i, d in enumerate(days, start=1):
        if rows and rows[-1]["date"] == d:
            rows[-1]["cumulative"] = i
        else:
            rows.append({"date": d, "cumulative": i})
    return pd.DataFrame(rows, columns=["date", "cumulative"])


def history_table(ev: Evaluation) -> pd.DataFrame:
    rows = [{"id": c.item, "date": c.date, "old_status": c.old_status, "new_status": c.new_status,
             "progress": c.progress, "note": c.note, "by": c.by}
            for it in ev.rectification for c in it.history]
    df = pd.DataFrame(rows, columns=["id", "date", "old_status", "new_status", "progress", "note", "by"])
    return df.sort_values(["date", "id"]).reset_index(drop=True) if not df.empty else df
