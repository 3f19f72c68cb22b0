"""Reading the sheets: a table sheet's header and records (:func:`read_table`), a 字段 | 内容 sheet's fields
(:func:`read_fields`), and the notes about the file's sheets as a whole (:func:`sheet_notes`).

Each cell goes through :mod:`.cells`; a record with a problem is reported and left out. What the scan of
:mod:`.guard` saw is placed on the cell: error values, formulas without a saved result, merged ranges.

- Only what the person uploading can see and check is published: a hidden or very hidden sheet (of the spec or
  not) is an error naming it, and so is any formula in a data cell (its saved result may be stale or come from
  another file): the message says to paste values.
- A row that holds only a category (number and/or name) and no item is ignored with a warning (a heading row
  copied from the report).
- Error values (#DIV/0!, #REF!, #N/A, ...) are errors naming the cell, and so is a formula without a saved result.
"""
from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from .cells import cell_converter, clean_text, col_letter, convert_cell, is_blank, norm_text
from .guard import Raw, SheetInfo, sheet_spec_name
from .messages import Collector, show
from .spec import FILE_SHEET, INSTRUCTIONS_SHEET, MAX_DATA_ROWS, MESSAGES_PER_RULE, SPEC, SPEC_NAMES, SheetSpec


@dataclass
class Record:
    row: int
    values: dict[str, Any]
    raw: dict[str, Any]


_ERROR_CODES = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA", "#SPILL!",
                "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!")


def _range_ref(r0: int, c0: int, r1: int, c1: int) -> str:
    return f"{col_letter(c0)}{r0 + 1}:{col_letter(c1)}{r1 + 1}"


def _merged_at(info: SheetInfo | None, row: int, col: int) -> str | None:
    """The merged range (as A5:A8) that holds Excel row ``row``, 0-based column ``col``, if any."""
    if info is None or not info.merged:
        return None
    if info.merge_index is None:  # per column, the ranges by first row (ranges never overlap)
        index: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
        for r0, c0, r1, c1 in info.merged:
            for c in range(c0, min(c1, c0 + 64) + 1):
                index[c].append((r0, c0, r1, c1))
        info.merge_index = {c: sorted(ranges) for c, ranges in index.items()}
    ranges = info.merge_index.get(col, [])
    at = bisect.bisect_right(ranges, (row - 1, _BIG, _BIG, _BIG)) - 1
    if at >= 0 and ranges[at][0] <= row - 1 <= ranges[at][2]:
        return _range_ref(*ranges[at])
    return None


_BIG = 1 << 40


def _cell_problem(spec: SheetSpec, info: SheetInfo | None, row: int, idx: int, value: Any) -> str | None:
    """An error value in the cell (#DIV/0!, #REF!, ...): calamine reads them as empty, the scan saw them."""
    if info is not None:  # a file: error cells are typed (t="e"); text such as "#N/A" is text
        code = info.error_cells.get((row, idx))
    else:  # cells from elsewhere (a plain {sheet: rows}): an error value can only be recognised by its text
        code = value.strip().upper() if isinstance(value, str) and value.strip().upper() in _ERROR_CODES else None
    if code is None:
        return None
    return (f"单元格 {col_letter(idx)}{row} 是错误值 {code}（公式计算出错或引用失效），"
            "请改正公式，或直接填写正确的值")


def _empty_hint(info: SheetInfo | None, row: int, idx: int) -> str:
    if info is not None and (row, idx) in info.empty_formulas:
        return (f"单元格 {col_letter(idx)}{row} 是公式但没有保存计算结果（常见于程序生成的文件），按空白处理；"
                "请在 Excel 中打开并保存一次，或直接填写数值")
    merged = _merged_at(info, row, idx)
    if merged:
        return f"该单元格在合并单元格 {merged} 中，合并后只有第一个单元格有值；请取消合并，在每一行填写完整"
    return ""


def _unknown_formula(idx: int, row: int) -> str:
    return (f"单元格 {col_letter(idx)}{row} 是公式但没有保存计算结果（常见于程序生成的文件），无法知道其数值；"
            "请在 Excel 中打开并保存一次，或直接填写数值；报告未列明该金额时请清空该单元格")


def _header_map(spec: SheetSpec, header: list[Any], out: Collector,
                info: SheetInfo | None = None) -> dict[str, int] | None:
    by_header: dict[str, int] = {}
    for idx, cell in enumerate(header):
        text = clean_text(cell)
        if text:
            by_header.setdefault(text, idx)
    squeezed = {norm_text(text): idx for text, idx in by_header.items()}
    mapping: dict[str, int] = {}
    missing = False
    used: set[str] = set()
    for col in spec.columns:
        if col.header in by_header:
            mapping[col.key] = by_header[col.header]
            used.add(col.header)
            continue
        at = squeezed.get(norm_text(col.header))
        if at is not None:  # "预算金额（万元） " or "单位 简称": the column, with a warning
            found = clean_text(header[at])
            mapping[col.key] = at
            used.add(found)
            out.warn(spec.name, 1, col.header, found,
                     f"列名含多余空格，已按“{col.header}”读取；请删除列名中的空格")
        elif col.required or col.column_required:
            out.error(spec.name, 1, col.header, "",
                      "缺少必填列，请按模板在第1行恢复该列标题（列名须与模板完全一致）")
            missing = True
    for text, idx in by_header.items():
        if text not in used and text not in {c.header for c in spec.columns}:
            out.warn(spec.name, 1, text, "", f"未知列（第{idx + 1}列，{col_letter(idx)}列）将被忽略；"
                     "如果它是模板中的列，请把列名改成与模板完全一致")
    return None if missing else mapping


def _check_merged(spec: SheetSpec, info: SheetInfo | None, out: Collector) -> None:
    if info is None:
        return
    for r0, c0, r1, c1 in info.merged:
        ref = _range_ref(r0, c0, r1, c1)
        if r0 == 0 and spec.layout == "table":
            out.error(spec.name, 1, "", ref, f"表头有合并单元格 {ref}，合并后只保留第一个列名，其余列无法识别；"
                      "请取消合并，并按模板在每一列填写列名")
        else:
            out.warn(spec.name, r0 + 1, "", ref, f"合并单元格 {ref} 只有左上角单元格有值，其余单元格按空白读取；"
                     "请取消合并，并在每一行、每一列填写完整")


def read_table(spec: SheetSpec, rows: list[list[Any]], out: Collector,
                info: SheetInfo | None = None) -> list[Record]:
    if not rows:
        if spec.required:
            out.error(spec.name, None, "", "", "工作表为空：请从模板复制第1行的列标题，再逐行填写")
        return []
    _check_merged(spec, info, out)
    mapping = _header_map(spec, rows[0], out, info)
    if mapping is None:
        return []
    data = rows[1:MAX_DATA_ROWS + 1]
    beyond = sum(1 for cells in rows[MAX_DATA_ROWS + 1:] if not all(is_blank(v) for v in cells))
    if beyond:
        out.error(spec.name, MAX_DATA_ROWS + 2, "", f"{beyond:,} 行",
                  f"数据行超过上限：每个工作表最多读取 {MAX_DATA_ROWS:,} 行数据（第 2～{MAX_DATA_ROWS + 1:,} 行），"
                  f"其后还有 {beyond:,} 行有内容，未读取；请删除多余的行，或把数据拆分到多个评价")
    records = []
    group = set(spec.group or ())
    errors = info.error_cells if info is not None else {}
    formulas = info.empty_formulas if info is not None else set()
    plan = [(col, mapping[col.key]) for col in spec.columns if col.key in mapping]
    steps = [(col.key, col, idx, cell_converter(col)) for col, idx in plan]  # per column: converter looked up once
    defaults = {col.key: col.default for col in spec.columns if col.key not in mapping}
    check_text = info is None  # cells not from a file: an error value can only be recognised by its text
    for i, cells in enumerate(data, start=2):
        n = len(cells)
        raw = {key: (cells[idx] if idx < n else None) for key, _, idx, _ in steps}
        if group:
            filled = {k for k, v in raw.items()
                      if v is not None and v != "" and not (type(v) is str and v.isspace())}
            any_filled = bool(filled)
        else:
            filled = set()
            any_filled = False
            for v in raw.values():
                if v is not None and v != "" and not (type(v) is str and v.isspace()):
                    any_filled = True
                    break
        problems = {}
        if errors or (check_text and any(type(v) is str and v.startswith("#") for v in raw.values())):
            problems = {col.key: p for col, idx in plan
                        if (p := _cell_problem(spec, info, i, idx, raw[col.key])) is not None}
            if problems:
                filled |= set(problems)
                any_filled = True
        if not any_filled:
            continue
        if spec.group and not problems and filled <= group:
            no_key, name_key = spec.group
            out.warn(spec.name, i, spec.column(name_key).header, raw.get(name_key) or raw.get(no_key),
                     "这一行只有类别、没有内容，将被忽略；类别名称请填在该类别每一条的行上，"
                     "并在同一行填写编号、序号和内容")
            continue
        values: dict[str, Any] = dict(defaults)
        bad = False
        for key, col, idx, conv in steps:
            cell = raw[key]
            if problems and key in problems:
                out.error(spec.name, i, col.header, errors.get((i, idx), cell), problems[key])
                bad = True
                values[key] = None
                continue
            if cell is None or cell == "":  # an empty cell: what convert_cell gives for it, without the call
                value = problem = note = None
            else:
                value, problem, note = conv(cell)
            if problem:
                out.error(spec.name, i, col.header, cell, problem)
                bad = True
            elif value is None:
                if col.required:
                    hint = _empty_hint(info, i, idx)
                    out.error(spec.name, i, col.header, "", f"必填项为空：{hint}" if hint else
                              f"必填项为空，请填写{col.header}")
                    bad = True
                elif formulas and (i, idx) in formulas:
                    if col.column_required:
                        out.error(spec.name, i, col.header, "", _unknown_formula(idx, i))
                        bad = True
                    else:
                        out.error(spec.name, i, col.header, "", _empty_hint(info, i, idx))
                        bad = True
            if note:
                out.warn(spec.name, i, col.header, cell, note)
            values[key] = value if value is not None else col.default
        if not bad:
            records.append(Record(i, values, raw))
    if spec.unique:
        seen: dict[tuple[Any, ...], int] = {}
        keep = []
        get = itemgetter(*spec.unique)  # every record has every column's key
        several = len(spec.unique) > 1
        for rec in records:
            ident: tuple[Any, ...] = get(rec.values) if several else (get(rec.values),)
            if ident in seen:
                headers = "、".join(spec.column(k).header for k in spec.unique)
                out.error(spec.name, rec.row, spec.column(spec.unique[-1]).header, "／".join(map(show, ident)),
                          f"{headers}重复（与第{seen[ident]}行相同），请删除或改正其中一行")
            else:
                seen[ident] = rec.row
                keep.append(rec)
        records = keep
    return records


def read_fields(spec: SheetSpec, rows: list[list[Any]], out: Collector,
                 info: SheetInfo | None = None) -> tuple[dict[str, Any], dict[str, int]]:
    _check_merged(spec, info, out)
    by_label: dict[str, tuple[int, Any]] = {}
    for i, cells in enumerate(rows[:MAX_DATA_ROWS + 1], start=1):
        label = clean_text(cells[0]) if cells else ""
        if not label or label in ("字段", "项目"):
            continue
        by_label.setdefault(label, (i, cells[1] if len(cells) > 1 else None))
    values: dict[str, Any] = {}
    field_rows: dict[str, int] = {}
    known = {c.header for c in spec.columns}
    squeezed = {norm_text(label): label for label in by_label}
    for col in spec.columns:  # a label with stray spaces is read as the field, with a warning
        if col.header not in by_label and norm_text(col.header) in squeezed:
            label = squeezed[norm_text(col.header)]
            by_label[col.header] = by_label.pop(label)
            out.warn(spec.name, by_label[col.header][0], "字段", label,
                     f"字段名含多余空格，已按“{col.header}”读取；请删除字段名中的空格")
    for label, (i, _) in by_label.items():
        if label not in known:
            out.warn(spec.name, i, "字段", label, "未知字段将被忽略；如果它是模板中的字段，请把名称改成与模板完全一致")
    for col in spec.columns:
        row, raw = by_label.get(col.header, (None, None))
        if row is not None:
            field_rows[col.key] = row
        problem = _cell_problem(spec, info, row, 1, raw) if row is not None else None
        note = None
        if problem:
            value = None
            raw = info.error_cells.get((row, 1), raw) if info and row is not None else raw
        else:
            value, problem, note = convert_cell(col, raw)
        if problem:
            out.error(spec.name, row, col.header, raw, problem)
            value = None
        elif value is None and col.required:
            hint = _empty_hint(info, row, 1) if row is not None else ""
            text = f"必填项为空：{hint}" if hint else f"必填项为空，请填写{col.header}"
            out.error(spec.name, row, col.header, "",
                      text if row else "缺少该字段：请按模板在第一列添加这一字段，并在第二列填写内容")
        elif value is None and row is not None and info is not None and (row, 1) in info.empty_formulas:
            out.error(spec.name, row, col.header, "", _empty_hint(info, row, 1))
        if note:
            out.warn(spec.name, row, col.header, raw, note)
        values[col.key] = value if value is not None else col.default
    return values, field_rows


def _known_cells(spec: SheetSpec, rows: list[list[Any]]) -> tuple[set[int], set[int]]:
    """The columns (table) or rows (字段 | 内容) whose cells the sheet readers look at: a formula without a saved
    result there gets their own message; anywhere else only :func:`sheet_notes` sees it."""
    headers = {norm_text(c.header) for c in spec.columns}
    if spec.layout == "table":
        header = rows[0] if rows else []
        return {i for i, h in enumerate(header) if norm_text(clean_text(h)) in headers}, set()
    return set(), {i for i, cells in enumerate(rows, start=1) if cells and norm_text(clean_text(cells[0])) in headers}


def sheet_notes(raw: Raw, out: Collector) -> None:
    """Notes about the sheets as a whole: names with stray spaces, hidden sheets, unknown sheets, and formulas in
    any cell of any sheet (an extra sheet or a column outside the template included: the file is stored and
    downloaded again as it is). Each kind is capped at MESSAGES_PER_RULE sheets, then one summary."""
    infos: dict[str, SheetInfo] = getattr(raw, "sheets", {}) or {}
    names = list(infos) if infos else list(raw)
    counts: Counter[str] = Counter()
    by_name = {s.name: s for s in SPEC}

    def capped(kind: str) -> bool:
        counts[kind] += 1
        return counts[kind] > MESSAGES_PER_RULE

    for name in names:
        info = infos.get(name)
        spec_name = info.read_as if info else (name if name in SPEC_NAMES else "")
        hidden = info is not None and info.state in ("hidden", "veryHidden")
        if spec_name and spec_name != name and not capped("renamed"):
            out.warn(name, None, "", name,
                     f"工作表名称含多余空格，已按“{spec_name}”读取；请把工作表改名为“{spec_name}”")
        if info is not None and info.formulas and not capped("formulas"):
            _formula_notes(name, spec_name, info, raw, out, by_name)
        if hidden and info is not None:  # nothing is published that the person uploading cannot see
            if not capped("hidden"):
                out.error(name, None, "", "隐藏" if info.state == "hidden" else "深度隐藏",
                          "工作簿中有隐藏的工作表，隐藏的内容未经核对不能发布；请在 Excel 中右键工作表标签选择"
                          "“取消隐藏”并核对其中数据，或删除该工作表后重新上传")
        elif not spec_name and name != INSTRUCTIONS_SHEET and not (info and sheet_spec_name(name)):
            if not capped("unknown"):
                out.warn(name, None, "", "", "未知工作表将被忽略"
                         "；如果其中是要上传的数据，请把数据移到模板中对应的工作表，否则可删除该工作表")
    summaries = {
        "renamed": ("warning", "个工作表名称含多余空格（已按模板名称读取）", "请按上面列出的改名"),
        "formulas": ("error", "个工作表含有公式", "请把这些工作表中的公式都“选择性粘贴 → 数值”，或删除这些工作表"),
        "hidden": ("error", "个隐藏的工作表", "请取消隐藏并核对，或删除这些工作表"),
        "unknown": ("warning", "个未知工作表（将被忽略）", "不需要的请删除"),
    }
    for kind, n in counts.items():
        if n > MESSAGES_PER_RULE:
            level, what, todo = summaries[kind]
            text = f"另有 {n - MESSAGES_PER_RULE} {what}未逐个列出；{todo}后重新上传"
            (out.error if level == "error" else out.warn)(FILE_SHEET, None, "", f"{n - MESSAGES_PER_RULE}", text)


def _formula_notes(name: str, spec_name: str, info: SheetInfo, raw: Raw, out: Collector,
                   by_name: dict[str, SheetSpec]) -> None:
    """Formulas with a saved result in a sheet of the spec; every formula of any other sheet, and those without a
    saved result outside the cells the sheet readers look at (each other formula problem, no saved result in a
    read cell or an error value, has its own message already)."""
    rows = (raw.get(spec_name) or raw.get(name) or []) if spec_name else []
    if spec_name:
        columns, field_rows = _known_cells(by_name[spec_name], rows)
        layout = by_name[spec_name].layout
        unread = {(r, c) for r, c in info.empty_formulas
                  if (c not in columns if layout == "table" else (r not in field_rows or c != 1))}
        cells = (info.formulas - info.empty_formulas - set(info.error_cells)) | unread
    else:
        cells = set(info.formulas)
    header = rows[0] if rows else []
    where = spec_name or name
    for row, idx in sorted(cells)[:MESSAGES_PER_RULE]:
        column = clean_text(header[idx]) if spec_name and idx < len(header) and row > 1 else ""
        line = rows[row - 1] if 0 < row <= len(rows) else []
        shown = line[idx] if idx < len(line) and line[idx] not in (None, "") else f"{col_letter(idx)}{row}"
        place = "" if spec_name else "（该工作表虽不读取，但文件会原样保存、供他人下载）"
        out.error(where, row, column, shown,
                  f"单元格 {col_letter(idx)}{row} 是公式{place}：上传的数据须是直接填写的值，公式的结果可能未更新、"
                  "引用了其他文件或在打开时执行；请复制后“选择性粘贴 → 数值”，或删除该公式，再重新上传")
