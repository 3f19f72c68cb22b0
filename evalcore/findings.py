"""问题、建议: problems by category and unit, recommendation -> problem links.

整改 (rectification items, their status as of a date, updates) lives in ``evalcore.rectification``.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from .model import Evaluation, Problem

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


# --- at scale: hundreds of problems over hundreds of units ----------------------------------------------------

OTHER = "其他"
UNNAMED = "未指明单位"


def top_with_other(df: pd.DataFrame, label: str, value: str, n: int, noun: str = "个单位",
                   keep_last: tuple[str, ...] = ()) -> pd.DataFrame:
    """The ``n`` rows with the largest ``value`` (ties in their given order), the rest summed into one row
    labelled “其他（k 个单位）”; rows whose label is in ``keep_last`` (e.g. 未指明单位) are never ranked and
    come last. Adds ``others``: how many rows a row stands for (1, or k for 其他)."""
    columns = [label, value, "others"]
    if df.empty:
        return pd.DataFrame(columns=columns)
    last = df[df[label].isin(keep_last)]
    ranked = df[~df[label].isin(keep_last)].sort_values(value, ascending=False, kind="stable")
    head, rest = ranked.iloc[:n], ranked.iloc[n:]
    rows = [{label: r[label], value: r[value], "others": 1} for _, r in head.iterrows()]
    if not rest.empty:
        rows.append({label: f"{OTHER}（{len(rest)} {noun}）", value: rest[value].sum(), "others": len(rest)})
    rows.extend({label: r[label], value: r[value], "others": 1} for _, r in last.iterrows())
    return pd.DataFrame(rows, columns=columns)


def problems_by_unit_top(ev: Evaluation, n: int = 15) -> pd.DataFrame:
    """Problems per unit for a chart: the ``n`` units named most, then 其他, then 未指明单位. unit, count, others."""
    return top_with_other(problems_by_unit(ev), "unit", "count", n, keep_last=(UNNAMED,))
