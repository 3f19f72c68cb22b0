"""A person's review of the problems (存在的问题) and recommendations (建议) the parser found (issue 24, item 3).

    item_rows(result) -> [ItemRow]                    every item found, with where it came from and its doubt
    apply_item_review(evaluation, rows) -> (Evaluation, [str])   the evaluator's items applied, and what changed
    review_items(reviewed, rows) -> Reviewed          the same, added to a figure review (one note for both)

The dashboard counts problems and recommendations, lists them by category and theme, and 整改 items answer them, so
they are confirmed like the figures. A count the parser is unsure of (:func:`.review.count_doubts`: items read from
unnumbered paragraphs, a heading that names neither 问题 nor 建议, numbers that skip) marks the items of that section;
publishing from the review is the person's confirmation of the count.

The evaluator's table is the whole truth after review, in its order: a row whose text or category changed is a
correction, a row removed (or ticked 删除) a removal, a row without an original id an addition. Categories are numbered
1, 2, 3 … in the order they first appear, items 1, 2, 3 … within their category (ids P1-1, R2-3, as the parser and the
workbook make them); a row keeps its original category while its category text is unchanged (two of the parser's
groups with one title stay two), a changed or new category text joins the first category of that title or starts a
new one; an item moved from 问题 to 建议 (or back) goes after the items of its new kind. A recommendation keeps
the problem categories it answers, renumbered; a removed category is no longer answered. Each change is described
for the version's note (“删除 问题 2.3 ……”, “更正 问题 1.1 …… → ……”, “新增 建议 2.1 ……”).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..model import Evaluation, Problem, Recommendation
from ..workbook.cells import visible_text
from .result import ParseResult
from .review import Reviewed, count_checks, where_label

ITEM_KINDS = {"problems": "问题", "recommendations": "建议"}
KIND_OF_ITEM_LABEL = {v: k for k, v in ITEM_KINDS.items()}
DEFAULT_CATEGORY = {"problems": "存在的问题", "recommendations": "建议"}
SHORT = 24  # characters of an item's text quoted in the version's note
UNCERTAIN_COUNT = "本部分条数待核对"


@dataclass(frozen=True)
class ItemRow:
    kind: str  # problems | recommendations
    id: str  # P1-2 / R1-1, as parsed
    category: str
    text: str
    line: int | None = None  # line of the text read
    where: str = ""  # 第2页第5行 / 第5行
    uncertain: str = ""  # why the item (or its section's count) needs a person ("" when nothing)


def number(item_id: str) -> str:
    """“1.2” for P1-2 / R1-2 (the way the review and the note name an item)."""
    return item_id[1:].replace("-", ".")


def item_rows(result: ParseResult) -> list[ItemRow]:
    """The problems then the recommendations of the parsed evaluation, in order, each with its place in the text and
    its doubt: its own (an unnumbered paragraph, a heading that does not name 问题/建议, numbers that skip), or its
    section's count doubt."""
    ev = result.evaluation
    checks = count_checks(result)
    rows = []
    groups: tuple[tuple[str, tuple[Problem | Recommendation, ...]], ...] = (
        ("problems", ev.problems), ("recommendations", ev.recommendations))
    for kind, items in groups:
        sources = result.stated.get("finding_sources", {}).get(kind) or []
        why, mine = checks.get(kind, ([], []))
        if len(sources) != len(items):  # never expected: the parser makes both from the same groups
            sources, mine = [], []
        for i, item in enumerate(items):
            line = sources[i]["line"] if sources else None
            where = result.where[line - 1] if line and result.where and line <= len(result.where) else None
            doubt = (mine[i] if mine else "") or (UNCERTAIN_COUNT if why else "")
            rows.append(ItemRow(kind, item.id, item.category, item.text, line, where_label(where, line), doubt))
    return rows


def _short(text: str) -> str:
    text = " ".join(text.split())
    return f"“{text[:SHORT]}……”" if len(text) > SHORT else f"“{text}”"


def _kind(raw: object, at: str) -> str:
    text = str(raw or "").strip()
    kind = KIND_OF_ITEM_LABEL.get(text, text)
    if kind not in ITEM_KINDS:
        shown = f"“{text}”" if text else "未填"
        raise ValueError(f"{at}：类型{shown}，应为 问题 或 建议")
    return kind


def apply_item_review(evaluation: Evaluation, rows: list[dict]) -> tuple[Evaluation, list[str]]:
    """The evaluation with the problems and recommendations of ``rows`` ({"kind": 问题/建议, "category", "text",
    "id": the parsed item's id or None for an added one, "remove": True to drop it)
    in place of its own, and the changes in Chinese for the version's note. Raises ValueError (Chinese, naming the
    row) for a kind that is neither 问题 nor 建议, an empty text, an id that is not one of the evaluation's items, or
    one item given twice."""
    old = {p.id: p for p in evaluation.problems} | {r.id: r for r in evaluation.recommendations}
    old_kind = {p.id: "problems" for p in evaluation.problems} | {r.id: "recommendations"
                                                                   for r in evaluation.recommendations}
    kept: list[tuple[str, str, str, str | None, object]] = []  # kind, category, text, original id, group key
    seen: set[str] = set()
    for n, row in enumerate(rows, start=1):
        item_id = str(row.get("id") or "").strip() or None
        at = f"问题与建议表第{n}行" + (f"（{item_id}）" if item_id else "")
        if item_id is not None and item_id not in old:
            raise ValueError(f"{at}：原编号“{item_id}”不是解析出的条目，请删除该行后重新添加")
        if item_id is not None and item_id in seen:
            raise ValueError(f"{at}：条目 {item_id} 出现了两次")
        if item_id is not None:
            seen.add(item_id)
        if row.get("remove"):
            continue
        kind = _kind(row.get("kind"), at)
        text = " ".join(str(row.get("text") or "").split())
        if not text:
            raise ValueError(f"{at}：内容为空；不要的条目请勾选“删除”")
        category = " ".join(str(row.get("category") or "").split())
        if not category:  # an added row without a category joins the last category of its kind above it
            category = next((c for k, c, *_ in reversed(kept) if k == kind), DEFAULT_CATEGORY[kind])
        was = old.get(item_id) if item_id else None
        if was is not None and _same(was.text, text):  # as shown (bidi marks dropped, spaces collapsed): unchanged
            text = was.text
        if was is not None and _same(was.category, category):
            category = was.category
        same_group = was is not None and item_id is not None and old_kind[item_id] == kind and was.category == category
        kept.append((kind, category, text, item_id, ("old", was.category_no) if same_group and was else category))
    # an item moved to the other kind goes after that kind's own items (to the end of the category it joins)
    kept.sort(key=lambda k: k[3] is not None and old_kind[k[3]] != k[0])
    changes: list[str] = []
    problems: list[Problem] = []
    recommendations: list[Recommendation] = []
    new_no: dict[str, dict[object, int]] = {"problems": {}, "recommendations": {}}
    titles: dict[str, dict[int, str]] = {"problems": {}, "recommendations": {}}
    seqs: dict[tuple[str, int], int] = {}
    placed: dict[str, tuple[str, str]] = {}  # original id -> (kind, new id)
    fresh: set[str] = set()  # new ids of the recommendations added (or moved from 问题)
    for kind, category, text, item_id, group in kept:
        numbers, named = new_no[kind], titles[kind]
        if group not in numbers:  # a new category text joins the first group already of that title
            same = next((g for g, no in numbers.items() if named[no] == category), None)
            numbers[group] = numbers[same] if same is not None else len(set(numbers.values())) + 1
        no = numbers[group]
        named.setdefault(no, category)
        category = named[no]
        seq = seqs[(kind, no)] = seqs.get((kind, no), 0) + 1
        new_id = f"{'P' if kind == 'problems' else 'R'}{no}-{seq}"
        was = old.get(item_id) if item_id else None
        if kind == "problems":
            if isinstance(was, Problem) and (was.text, was.category) == (text, category):
                unit = was.unit if evaluation.unit(was.unit or "") else None  # as parsed (unless its unit is gone)
            else:
                unit = _unit_of(evaluation, text, category, was.unit if isinstance(was, Problem) else None)
            problems.append(Problem(new_id, no, category, seq, text, unit))
        else:
            answers = was.answers if isinstance(was, Recommendation) else ()
            if not isinstance(was, Recommendation):
                fresh.add(new_id)
            recommendations.append(Recommendation(new_id, no, category, seq, text, answers))
        if item_id is None or was is None:
            changes.append(f"新增 {ITEM_KINDS[kind]} {number(new_id)} {_short(text)}")
            continue
        placed[item_id] = (kind, new_id)
        label = f"{ITEM_KINDS[old_kind[item_id]]} {number(item_id)}"
        parts = []
        if old_kind[item_id] != kind:
            parts.append(f"改为{ITEM_KINDS[kind]} {number(new_id)}")
        if was.category != category:
            parts.append(f"类别“{was.category}” → “{category}”")
        if was.text != text:
            parts.append(f"{_short(was.text)} → {_short(text)}")
        if parts:
            changes.append(f"更正 {label} " + "，".join(parts))
    gone = [i for i in old if i not in placed]
    changes += [f"删除 {ITEM_KINDS[old_kind[i]]} {number(i)} {_short(old[i].text)}" for i in gone]
    recommendations = _answers(evaluation, recommendations, placed, fresh)
    rectification = tuple(replace(r, problem=_ref(r.problem, evaluation, placed)) for r in evaluation.rectification)
    ev = replace(evaluation, problems=tuple(problems), recommendations=tuple(recommendations),
                 rectification=rectification)
    return ev, changes


def _same(before: str, after: str) -> bool:
    return " ".join(visible_text(before).split()) == " ".join(visible_text(after).split())


def _unit_of(ev: Evaluation, text: str, category: str, before: str | None) -> str | None:
    """The unit a problem is about: the one unit of the evaluation its text names, else the unit its category is,
    else the unit the parser gave it."""
    named = {u.key for u in ev.units if any(n and n in text for n in (u.key, u.name))}
    if len(named) == 1:
        return named.pop()
    whole = [u.key for u in ev.units if category in (u.key, u.name)]
    return whole[0] if whole else before if ev.unit(before or "") else None


def _category_map(ev: Evaluation, placed: dict[str, tuple[str, str]]) -> dict[int, int]:
    """Old problem category number -> new one: where its items that stayed problems went (the first of them)."""
    out: dict[int, int] = {}
    for p in ev.problems:
        kind, new_id = placed.get(p.id, ("", ""))
        if kind == "problems":
            out.setdefault(p.category_no, int(new_id[1:].split("-")[0]))
    return out


def _ref(ref: str | None, ev: Evaluation, placed: dict[str, tuple[str, str]]) -> str | None:
    """A reference to a problem (P1-2) or a problem category (P1) after review; None when it is gone."""
    if not ref:
        return ref
    if "-" in ref:
        kind, new_id = placed.get(ref, ("", ""))
        return new_id if kind == "problems" else None
    try:
        no = _category_map(ev, placed).get(int(ref[1:]))
    except ValueError:
        return ref
    return None if no is None else f"P{no}"


def _answers(ev: Evaluation, recs: list[Recommendation], placed: dict[str, tuple[str, str]],
             fresh: set[str]) -> list[Recommendation]:
    """Each recommendation answers the problems its original answered (renumbered, the removed left out); an added
    one answers (or one moved from 问题) what the other items of its category answer."""
    mapped = []
    for r in recs:
        answers = tuple(a for a in (_ref(x, ev, placed) for x in r.answers) if a)
        mapped.append(replace(r, answers=tuple(dict.fromkeys(answers))))
    by_category: dict[int, tuple[str, ...]] = {}
    for r in mapped:
        if r.answers:
            by_category.setdefault(r.category_no, r.answers)
    out = []
    for r in mapped:
        if r.id in fresh:
            r = replace(r, answers=by_category.get(r.category_no, ()))
        out.append(r)
    return out


def review_items(reviewed: Reviewed, rows: list[dict]) -> Reviewed:
    """A figure review (:func:`.review.apply_review`) with the evaluator's problems and recommendations applied too:
    one evaluation, one list of changes for the version's note."""
    ev, changes = apply_item_review(reviewed.evaluation, rows)
    return Reviewed(ev, reviewed.changes + changes)
