"""Self-evaluation forms and tables that reached the text flattened: one cell per line, cells ending in ``|``, or a
whole form on one line separated by spaces.

Published 项目支出绩效自评表 / 部门整体支出绩效自评表 are tables. Copied from a web page or a PDF they arrive as
a stream of cells; the form's labels say what each number is:

    年初预算数 | 全年预算数 (调整后预算数) | 全年执行数 (预算执行数) | 分值 (权重) | 执行率 | 得分 | 原因
    年度资金总额 (总额) | 43.2 | 43.2 | 37.24 | 10 | 86% | 9

Only that row is read (its 得分 is the score of the execution item, not the total, and is not taken). When the total
row was left at zero (a form not filled in), the 其中:本年财政拨款 row is read instead. The evaluated unit is the cell
after 实施单位. 存在问题 / 改进措施 cells give the problems and recommendations: 无 / 暂无 is none; a cell that
only repeats the form's instruction ("…(200字以内)") states nothing.

A results table flattened one cell per line (序号, 主管部门, 项目单位, 项目名称, …, then 1, …, 2, …) is rebuilt
into rows so that the table reader can read it.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from ..numbers import to_decimal
from .text import norm, source_lines


@dataclass(frozen=True)
class Cell:
    line_no: int
    text: str  # stripped; "" for an empty cell


def cells(text: str) -> list[Cell]:
    """The text as a stream of cells. A blank line separates cells; a line holding only spaces is an empty cell; a
    line with ``|`` holds several cells (a trailing ``|`` closes the last one); a long line with many runs of spaces
    (a whole form pasted on one line) is split at the spaces."""
    out: list[Cell] = []
    for no, raw in enumerate(source_lines(text), start=1):
        if raw == "":
            continue
        line = raw.strip().strip("\ufeff")
        if not line:
            out.append(Cell(no, ""))
            continue
        if "|" in line or "｜" in line:
            parts = re.split(r"[|｜]", line)
            if line.startswith(("|", "｜")):
                parts = parts[1:]
            if line.endswith(("|", "｜")) and len(parts) > 1:
                parts = parts[:-1]
            for p in parts:
                out.extend(_total_and_value(no, p.strip()))
            continue
        if len(line) > 80 and len(re.findall(r"\s+", line)) >= 12:
            out.extend(Cell(no, p) for p in line.split())
            continue
        words = line.split()
        if _SPACED_PAIRS.match(norm(line)):
            # 预算数 6.84 到位数 6.84 执行数 6.84 100.00: a form's money row flattened as label value pairs
            out.extend(Cell(no, w) for w in words)
            continue
        if (len(words) >= 3 and any(_is_label(w) or _value(Cell(no, w))[0] for w in words[1:])
                and all(_is_label(w) or _value(Cell(no, w))[0] or _MONEY_UNIT.fullmatch(norm(w))
                        or _ROW_TOTAL.match(norm(w)) for w in words[1:])):
            # a form's row on a line of its own, cells separated by spaces: its label (any text), then column
            # titles or values (年度资金总额 100 120 108 10 90% 9)
            out.extend(Cell(no, w) for w in words)
            continue
        out.extend(_total_and_value(no, line))
    return out


def _total_and_value(no: int, text: str) -> list[Cell]:
    """“年度资金总额：100”: a total row's label and its first value in one cell are two cells."""
    total = _ROW_TOTAL_VALUE.match(norm(text))
    if total:
        return [Cell(no, text[:total.end("label")]), Cell(no, text[total.start("value"):])]
    return [Cell(no, text)]


_COLUMN = re.compile(r"年初预算数|年初预算|年初|全年预算数|全年预算|调整后预算数|调整后预算|预算执行数|全年执行数|"
                     r"执行数|预算执行率|执行率|分值|权重|得分|原因|预算数")
# the row a form's money is read from: its total (年度资金总额, 年度总金额, 资金总额, 总额, 合计, 总计 …)
_TOTAL_LABEL = r"(?:年度)?(?:财政|项目|专项|部门)?(?:资金|预算|支出)?(?:总额|总金额|合计|总计)\s*(?:\(万元\))?"
_ROW_TOTAL = re.compile(rf"^{_TOTAL_LABEL}\s*[:：]?$")
_ROW_TOTAL_VALUE = re.compile(rf"^(?P<label>{_TOTAL_LABEL}\s*[:：])\s*"
                              r"(?P<value>-?\d[\d,]*(?:\.\d+)?\s*(?:%|万元|万)?)$")
_ROW_FISCAL = re.compile(r"^其中\s*[:：]?\s*(?:本年|当年)?(?:财政拨款|财政资金)\s*[:：]?$")
_VALUE = re.compile(r"^-?\d+(?:,\d{3})*(?:\.\d+)?\s*(?:%|万元|万)?$")  # “3359.62万”: the form's unit is 万元
_EMPTY = {"", "/", "-", "—", "——"}
# a form's money stated in 元 over its rows (项目资金 (元), 金额单位：元, 单位：元), or in 万元
_IN_YUAN = re.compile(r"(?<![万千亿])\(元\)|(?:金额)?单位[:：]?元(?![/每])")
_IN_WAN = re.compile(r"\(万元\)|(?:金额)?单位[:：]?万元")
_MONEY_UNIT = re.compile(r"\((?:万元|元)\)")  # the unit a row label carries as a cell of its own: 项目资金 (万元)
_INSTRUCTION = re.compile(r"字以内|需说明|应单独说明|请在|填写|结合自评情况|针对项目自评")
_NONE = re.compile(r"^(?:无|暂无|没有|未发现|不存在)(?:问题|措施|建议)?[。.]?$")


def is_pair_label(label: str) -> bool:
    """The label of a form's money written as label value pairs (预算数： / 预算数 6.84 …): a row of its own, not a
    其中 row."""
    t = norm(label).replace(" ", "")
    return bool(_PAIR_LABEL.match(t)) or t in _SPACED_WORDS or bool(_UNIT_PAIR_LABEL.fullmatch(t))


def is_total_row(label: str) -> bool:
    """The label of a form's total row (年度资金总额, 年度总金额, 总额, 合计 …), not a 其中 row."""
    return bool(_ROW_TOTAL.match(norm(label).strip()))


def _kind(label: str) -> str:
    if label.startswith("年初"):
        return "initial"
    if label.startswith(("全年预算", "调整后", "预算数")):
        return "budget"
    if label.endswith("执行数"):
        return "executed"
    if label.endswith("执行率"):
        return "rate"
    return {"分值": "points", "权重": "points", "得分": "item_score"}.get(label, "other")


@dataclass
class FormRow:
    label: Cell
    values: dict[str, Decimal | None]
    cells: list[Cell]
    value_cells: dict[str, Cell] = field(default_factory=dict)  # kind -> the cell the value was read from

    def text(self) -> str:
        return " | ".join([self.label.text] + [c.text for c in self.cells])


@dataclass
class Form:
    """One self-evaluation form found in the text."""

    unit: str | None  # the 实施单位 as written
    unit_cell: Cell | None
    header: list[str]
    row: FormRow | None  # the row the figures were read from
    problems: tuple[Cell, str | None] | None = None  # (label cell, content or None when only the instruction)
    recommendations: tuple[Cell, str | None] | None = None
    # 存在问题 / 改进措施 as columns of a table (情况说明 | 存在问题 | 改进措施): per kind, the filled cells of its rows
    finding_rows: dict[str, list[Cell]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    doubt: str = ""  # why its figures need a person's look (the cells did not line up with the header)
    score: tuple[Cell, Decimal] | None = None  # the form's total score (总分 100 94) and its cell
    grade: tuple[Cell, str] | None = None  # the form's stated grade (自评等级 优)
    score_doubt: str = ""  # why the score needs a person's look (read away from its label)
    # the project the form is about, when the text holds several forms each naming its own (项目名称 …): the form's
    # figures are that project's, not its 实施单位's (one bureau's two project forms are two units)
    project: str | None = None
    # the project the text's one form names (项目名称 above its money), its figures going to a unit: said in a doubt
    named: str | None = None
    unit_label: str = ""  # the label the unit was read under (实施单位, 单位名称 …)
    first_line: int = 0  # the line the form's money part starts on
    in_yuan: bool = False  # the form states its money in 元 (项目资金 (元), 单位：元) over its money rows

    def cell(self, kind: str) -> Cell | None:
        """The cell a figure was read from."""
        if self.row is None:
            return None
        cells = self.row.value_cells
        if kind == "budget" and self.row.values.get("budget") is None:
            return cells.get("initial")
        return cells.get(kind)

    def figure(self, kind: str) -> Decimal | None:
        """A figure of the form's money row, its amounts in 万元 (a form in 元 divided by 10000)."""
        if self.row is None:
            return None
        values = self.row.values
        if kind == "budget":
            value = values.get("budget") if values.get("budget") is not None else values.get("initial")
        else:
            value = values.get(kind)
        if value is not None and self.in_yuan and kind in ("budget", "executed"):
            return value / Decimal(10000)
        if kind == "rate" and value is not None and 0 < value <= 1:
            # a rate written as a fraction (0.95 under 执行率): a percentage when the amounts give it so
            budget, executed = self.figure("budget"), self.figure("executed")
            if budget and executed is not None and _rate_fits(budget, executed, value * 100):
                return value * 100
        return value


def _value(cell: Cell) -> tuple[bool, Decimal | None]:
    """(is a value cell, value)."""
    t = norm(cell.text).strip()
    if t in _EMPTY:
        return True, None
    if _VALUE.match(t):
        try:
            return True, to_decimal(re.sub(r"(?:%|万元|万)$", "", t).strip())
        except ValueError:
            return False, None
    return False, None


def _read_row(stream: list[Cell], at: int, columns: list[str]) -> FormRow:
    values: dict[str, Decimal | None] = {}
    where: dict[str, Cell] = {}
    used: list[Cell] = []
    k = at + 1
    for col in columns:
        if k >= len(stream):
            break
        ok, value = _value(stream[k])
        if not ok:
            break
        used.append(stream[k])
        if _kind(col) not in values:
            values[_kind(col)] = value
            where[_kind(col)] = stream[k]
        k += 1
    return FormRow(stream[at], values, used, where)


ALIGNED_BY_PERCENT = "自评表该行少了单元格（如未填的年初预算数），按百分数所在的执行率一栏对齐读取，请核对"


def _read_anchored(stream: list[Cell], at: int, columns: list[str]) -> tuple[FormRow, str]:
    """The row read by position, unless its one percentage is not under the 执行率 title: then cells are missing
    before it (an empty 年初预算数 left out, shifting the values under the titles to their left) and the row is read
    aligned on that percentage, the titles before the shift left empty; taken only when the amounts so read give
    the percentage (marked for a person's check), else its money is not read at all. A percentage further right
    than its title (a cell too many) is not known to be which, and is not read. Returns (row, doubt)."""
    row = _read_row(stream, at, columns)
    kinds = [_kind(c) for c in columns]
    if "rate" not in kinds:
        return row, ""
    r = kinds.index("rate")
    pcts = [n for n, c in enumerate(row.cells) if "%" in c.text]
    if pcts == [r]:
        merged = _merged_full_year(row, columns)
        return (merged, MERGED_AT_100) if merged is not None else (row, "")
    if len(pcts) != 1:
        return row, ""
    refused = FormRow(row.label, {}, row.cells, {})
    shift = r - pcts[0]
    if shift < 0:
        # a cell too many before the percentage: the titles are read leftwards from it (the extra cell taken to
        # stand before the first title), and kept only when the amounts so read give the percentage
        row = _read_row(stream, at, columns + ["extra"] * -shift)
        if [n for n, c in enumerate(row.cells) if "%" in c.text] != pcts:
            return refused, ""
    values: dict[str, Decimal | None] = {}
    where: dict[str, Cell] = {}
    for i in range(max(shift, 0), len(columns)):
        if i - shift >= len(row.cells):
            break
        cell = row.cells[i - shift]
        if _kind(columns[i]) not in values:
            values[_kind(columns[i])] = _value(cell)[1]
            where[_kind(columns[i])] = cell
    budget = values.get("budget") if values.get("budget") is not None else values.get("initial")
    executed, rate = values.get("executed"), values.get("rate")
    if budget and executed is not None and rate is not None and _rate_fits(budget, executed, rate):
        return FormRow(row.label, values, row.cells, where), ALIGNED_BY_PERCENT if shift > 0 else ALIGNED_EXTRA
    merged = _merged_full_year(FormRow(row.label, values, row.cells, where), columns)
    if merged is not None:
        return merged, ALIGNED_BY_PERCENT + "；" + MERGED_AT_100
    return refused, ""


ALIGNED_EXTRA = "自评表该行多了单元格，从百分数所在的执行率一栏向左逐格对齐读取（多出的一格视为在最前），请核对"


MERGED_AT_100 = "自评表该行执行率为100%，全年预算数与全年执行数只列了一个金额（合并单元格），按两者相等读取，请核对"


def _merged_full_year(row: FormRow, columns: list[str]) -> FormRow | None:
    """A row stated at 100% whose full-year budget and executed amount are one merged cell (a spreadsheet printed it
    once, beside a 年初预算数 of 0: “0 207.4538 10 100% 10”): read by position its amounts do not give the rate, but
    its money columns hold one amount only, and at 100% the budget and the executed amount are equal. Returns the
    row with that amount as both, or None when the row's amounts already give its rate or hold more than one."""
    values = row.values
    rate = values.get("rate")
    budget = values.get("budget") if values.get("budget") is not None else values.get("initial")
    executed = values.get("executed")
    if rate != 100 or (budget and executed is not None and _rate_fits(budget, executed, rate)):
        return None
    amounts = {values.get(k) for k in ("initial", "budget", "executed")} - {None, Decimal(0)}
    if len(amounts) != 1:
        return None
    (amount,) = amounts
    if amount not in (values.get("budget"), values.get("executed")):
        return None  # only the 年初预算数 is filled: what the year's budget became is not known
    where = dict(row.value_cells)
    cell = where.get("budget") if values.get("budget") == amount else where.get("executed")
    merged = {**values, "budget": amount, "executed": amount}
    if cell is not None:
        where["budget"] = where["executed"] = cell
    return FormRow(row.label, merged, row.cells, where)


def _money_zero(row: FormRow) -> bool:
    money = [row.values.get(k) for k in ("initial", "budget", "executed")]
    return all(v is None or v == 0 for v in money)


def _after(stream: list[Cell], i: int, limit: int = 3) -> Cell | None:
    for c in stream[i + 1:i + 1 + limit]:
        if c.text:
            return c
    return None


def _unit_before(stream: list[Cell], start: int, stop: int) -> tuple[str | None, Cell | None, str]:
    """(name, cell, label) of the unit a form names before its money: its 实施单位, or the 单位名称 that filled it."""
    for i in range(stop - 1, start - 1, -1):
        t = norm(stream[i].text)
        m = re.match(r"^(?P<label>实施单位|项目单位|部门\(单位\)名称|单位名称|被评价单位|资金使用单位)"
                     r"\s*(?:\(盖章\))?\s*[:：]?\s*(.*)$", t)
        if not m:
            continue
        value = m.group(2).strip()
        cell = stream[i]
        if not value or _COLUMN.fullmatch(value):
            nxt = _after(stream, i)
            if nxt is None:
                continue
            value, cell = norm(nxt.text).strip(), nxt
            if _is_label(value):
                continue  # “实施单位 全年预算数 …”: the form flattened with its value elsewhere, not named here
        value = re.sub(r"^\d+\s*-\s*", "", value)  # a budget code before the name (219001-…)
        # the name ends where the form's next label starts (“隆阳区土壤肥料工作站 填报日期:2023年3月20日”)
        value = re.split(r"\s{2,}|\s+(?=主管部门|实施单位)|\s+(?=[\u4e00-\u9fff]{2,8}[:：])", value)[0].strip()
        if 2 <= len(value) <= 40 and not _VALUE.match(value):
            return value, cell, m.group("label")
    return None, None, ""


def _finding(stream: list[Cell], i: int) -> tuple[Cell, str | None]:
    nxt = _after(stream, i, limit=2)
    if nxt is None:
        return stream[i], None
    t = nxt.text.strip()
    if _INSTRUCTION.search(t):
        return stream[i], None
    return stream[i], t


_PROBLEMS_LABEL = re.compile(r"^(?:存在(?:的)?(?:主要)?问题|主要问题)\s*[:：]?$")
_RECS_LABEL = re.compile(r"^(?:改进措施|改进建议|整改措施|下一步改进措施|意见建议|相关建议)\s*[:：]?$")


_HEADER_START = re.compile(r"^(?:年初(?:预算数?)?|全年预算数?)(?:\([A-Z]\))?$")
# a form whose money columns are titled 预算数 (A) | 执行数 (B) | 执行率 (B/A) | 得分 (20分*执行率): no 年初 / 全年
_PLAIN_START = re.compile(r"^预算数$")
# what a column title carries after its name: a letter (A), a formula (B/A), (20分*执行率)
_TITLE_TAIL = re.compile(r"\([A-Z]\)$|\([^)]*[×/*][^)]*\)$")


def _label_text(cell: Cell) -> str:
    return _TITLE_TAIL.sub("", norm(cell.text).replace(" ", ""))


def _is_label(text: str) -> bool:
    return bool(_COLUMN.fullmatch(_TITLE_TAIL.sub("", norm(text).replace(" ", ""))))


@dataclass
class _Flat:
    header: list[str]
    row: FormRow
    end: int
    note: str
    doubt: str = ""


def _header_then_values(stream: list[Cell], i: int) -> _Flat | None:
    """全年预算数 全年执行数 分值 执行率 得分 65.66 65.07 10 99% 9: a form flattened on one line, its header cells
    followed by the total row's values with no row label between. Read by the header sequence, and taken only when
    the amounts over each other give the stated rate (else the cells are not known to line up: refused)."""
    k = i
    while k < len(stream) and _COLUMN.fullmatch(_label_text(stream[k])):
        k += 1
    header = [_label_text(c) for c in stream[i:k]]
    kinds = [_kind(h) for h in header]
    if k - i < 3 or "executed" not in kinds or "rate" not in kinds or not ("budget" in kinds or "initial" in kinds):
        return None
    row, doubt = _read_anchored(stream, k - 1, header)
    if len(row.cells) < len(header) and not doubt:
        return None
    budget = row.values.get("budget") if row.values.get("budget") is not None else row.values.get("initial")
    executed, rate = row.values.get("executed"), row.values.get("rate")
    if not budget or executed is None or rate is None or not _rate_fits(budget, executed, rate):
        return None
    row = FormRow(stream[k - 1], row.values, row.cells, row.value_cells)
    merged = "；执行率100%，全年预算数与全年执行数为一个合并单元格，按两者相等读取" if MERGED_AT_100 in doubt else ""
    return _Flat(header, row, k + len(row.cells), f"第{stream[i].line_no}行自评表的表头与数值连在一起（每格一项），"
                                                  f"按表头顺序读取，预算÷执行数与所列执行率相符{merged}", doubt)


def _rate_fits(budget: Decimal, executed: Decimal, rate: Decimal) -> bool:
    from decimal import ROUND_HALF_UP
    exponent = rate.as_tuple().exponent
    step = Decimal(1).scaleb(min(exponent if isinstance(exponent, int) else 0, 0))
    return (executed / budget * 100).quantize(step, ROUND_HALF_UP) == rate


_TOTAL_CELL = re.compile(r"^(?:年度资金总额|资金总额)\s*(?:\(万元\))?\s*[:：]?\s*(?P<rest>.*)$")
_NUMBER = re.compile(r"^-?\d+(?:,\d{3})*(?:\.\d+)?%?$")


def _total_row_by_rate(stream: list[Cell]) -> tuple[int, Form] | None:
    """A transfer form whose columns a flattened text no longer lines up (行次 全年预算数 (A) 统筹整合资金数 (B) …
    全年执行资金 (E) 预算执行 (E/C×100%), then “年度资金总额(万元): 1 52.800000 52.800000 52.800000 100.00% 30.800000
    58.33%”): the header must name an executed amount (执行资金 / 执行数) and the execution rate; in the total row the
    executed amount is the one right before the last percentage, and the budget the first amount over which it gives
    that percentage. Nothing is taken when no amount fits."""
    for at, cell in enumerate(stream):
        m = _TOTAL_CELL.match(norm(cell.text).strip())
        if not m:
            continue
        header = "".join(norm(c.text).replace(" ", "") for c in stream[max(0, at - 30):at])
        if not re.search(r"全年执行(?:资金|数)", header) or not re.search(r"预算执行(?:率)?\(?[A-Z]/[A-Z]", header):
            continue
        tokens = m.group("rest").split()
        for nxt in stream[at + 1:at + 16]:  # the rest of the row: lines of values, or one value per cell
            words = norm(nxt.text).split()
            if not words or not _NUMBER.match(words[0]):
                break
            tokens += [w for w in words if _NUMBER.match(w)]
        if "行次" in header and tokens and re.fullmatch(r"\d{1,2}", tokens[0]):
            tokens = tokens[1:]  # the row number
        values = [(t.endswith("%"), to_decimal(t.rstrip("%"))) for t in tokens if _NUMBER.match(t)]
        last = max((k for k, (pct, _) in enumerate(values) if pct and k and not values[k - 1][0]), default=None)
        if last is None:
            continue
        rate, executed = values[last][1], values[last - 1][1]
        budget = next((v for pct, v in values[:last - 1] if not pct and v and _rate_fits(v, executed, rate)), None)
        if budget is None:
            continue
        shown = {"budget": budget, "executed": executed, "rate": rate}
        row = FormRow(cell, {k: v for k, v in shown.items()}, [Cell(cell.line_no, str(v)) for v in shown.values()],
                      {k: Cell(cell.line_no, str(v)) for k, v in shown.items()})
        note = (f"第{cell.line_no}行自评表的数值与表头未能逐格对应，按“全年执行资金÷预算”等于所列执行率{rate}%"
                "取预算与执行数")
        return at, Form(None, None, ["全年预算数", "全年执行数", "执行率"], row, notes=[note],
                        doubt="自评表的数值与表头未能逐格对应，按执行数÷预算等于所列执行率取得，请核对")
    return None


_PAIR_LABEL = re.compile(r"^(?P<l>年初预算数|全年预算数|预算数|全年执行数|执行数|预算执行率|执行率)\s*[:：]$")
_PAIR_WORDS = r"(?:年初预算数|全年预算数|调整后预算数|预算数|到位数|资金到位数|全年执行数|执行数)"
_PAIR_NUMBER = r"-?\d+(?:,\d{3})*(?:\.\d+)?"
# a report form's money labels with their unit (万元) in the cell or the next: 计划安排资金 (万元), 实际支出 (万元)
_UNIT_PAIR_LABEL = re.compile(r"(?:(?P<b>计划安排资金|预算安排资金|年初预算资金|全年预算资金)|实际支出(?:资金)?)"
                              r"(?P<u>\(万元\))?")
_SPACED_WORDS = {"年初预算数", "全年预算数", "调整后预算数", "预算数", "全年执行数", "执行数"}
# a form's money row flattened as label value pairs separated by spaces, maybe ending in the row's execution
# progress (预算数 6.84 到位数 6.84 执行数 6.84 100.00)
_SPACED_PAIRS = re.compile(rf"^{_PAIR_WORDS}\s+{_PAIR_NUMBER}(?:\s+{_PAIR_WORDS}\s+{_PAIR_NUMBER}){{1,3}}"
                           rf"(?:\s+{_PAIR_NUMBER}%?)?\s*$")


def _label_colon_pairs(stream: list[Cell]) -> tuple[int, Form] | None:
    """A form's money part copied as label: / value cells (预算数: | 2.38 | 执行数: | 2.38): each label ends in a
    colon (a column title does not) and its value is the very next cell. Read only when a budget and an executed
    amount are both written so, within a few cells of each other; an execution rate written so is read with them."""
    pairs: list[tuple[int, str, Cell, Decimal]] = []
    spaced: dict[int, int] = {}  # label value pairs on a line of their own: the line's last pair's index
    for k, cell in enumerate(stream[:-1]):
        t = norm(cell.text).replace(" ", "")
        unit_label = _UNIT_PAIR_LABEL.fullmatch(t)
        if unit_label:
            # 计划安排资金 | (万元) | 55 | 实际支出 | (万元) | 55: a report form's label, its unit, its value
            at = k + 1 if unit_label.group("u") else k + 2
            if at < len(stream) and (unit_label.group("u") or norm(stream[k + 1].text).replace(" ", "") == "(万元)"):
                is_value, value = _value(stream[at])
                if is_value and value is not None:
                    pairs.append((k, "budget" if unit_label.group("b") else "executed", stream[at], value))
            continue
        m = _PAIR_LABEL.match(t)
        label = m.group("l") if m else None
        if label is None and cell.text in _SPACED_WORDS and stream[k + 1].line_no == cell.line_no:
            label = "预算数" if "预算" in cell.text else cell.text  # (the row's budget, whichever its title)
            spaced[cell.line_no] = k
        if label is None:
            continue
        is_value, value = _value(stream[k + 1])
        if is_value and value is not None:
            pairs.append((k, _kind(label), stream[k + 1], value))
    for line_no, k in spaced.items():
        # the line's own last cell after its last pair is its execution progress when the amounts give it
        last = stream[k + 2] if k + 2 < len(stream) and stream[k + 2].line_no == line_no else None
        kinds = {kd: v for kk, kd, _, v in pairs if stream[kk].line_no == line_no}
        is_value, value = _value(last) if last is not None else (False, None)
        if (last is not None and is_value and value is not None and kinds.get("budget") and "executed" in kinds
                and _rate_fits(kinds["budget"], kinds["executed"], value)):
            pairs.append((k + 2, "rate", last, value))
    for n, (k, kind, _, _) in enumerate(pairs):
        if kind not in ("budget", "initial"):
            continue
        near = {kd: (c, v) for kk, kd, c, v in pairs[n:] if kk - k <= 8}
        if "executed" not in near:
            continue
        budget = near.get("budget") or near["initial"]
        shown = {"budget": budget, "executed": near["executed"]} | ({"rate": near["rate"]} if "rate" in near else {})
        row = FormRow(stream[k], {kd: v for kd, (_, v) in shown.items()}, [c for c, _ in shown.values()],
                      {kd: c for kd, (c, _) in shown.items()})
        said = "”“".join(dict.fromkeys(re.sub(r"\(万元\)|[:：]", "", norm(stream[kk].text).replace(" ", ""))
                                       for kk, kd, _, _ in pairs[n:] if kd in shown and kk - k <= 8))
        note = (f"第{stream[k].line_no}行自评表按“{said}”各自的数值读取"
                + ("，行末的执行进度与两数相符，作为执行率" if "rate" in shown and stream[k].line_no in spaced else ""))
        return k, Form(None, None, list(shown), row, notes=[note])
    return None


_YEAR_COLUMN = re.compile(r"(?P<y>20\d{2})年度?(?P<k>预算数|决算数|执行数|预算|决算)(?:\((?:万元|元)\))?")
_YEAR_TOTAL = re.compile(r"(?:部门|单位)?(?:支出总额|支出合计|总支出|经费支出总额|支出总计)")


def _year_columns(stream: list[Cell]) -> tuple[int, Form] | None:
    """A department's base-data table with a column a year (2021年决算数 | 2022年预算数 | 2022年决算数), its 支出总额
    row one value a column: the latest year's 预算数 is the budget and its 决算数 (执行数) the amount spent; the other
    years' columns are not read. Taken only when both are there and every column of the run has its value."""
    for i in range(len(stream)):
        if i and _YEAR_COLUMN.fullmatch(norm(stream[i - 1].text).replace(" ", "")):
            continue  # a run is read from its first column only
        run: list[re.Match[str]] = []
        k = i
        while k < len(stream):
            m = _YEAR_COLUMN.fullmatch(norm(stream[k].text).replace(" ", ""))
            if m is None:
                break
            run.append(m)
            k += 1
        if len(run) < 2 or k >= len(stream) or not _YEAR_TOTAL.fullmatch(norm(stream[k].text).replace(" ", "")):
            continue
        values: list[tuple[Cell, Decimal]] = []
        for c in stream[k + 1:k + 1 + len(run)]:
            is_value, v = _value(c)
            if not is_value or v is None:
                break
            values.append((c, v))
        if len(values) != len(run):
            continue
        latest = max(int(m.group("y")) for m in run)
        shown: dict[str, tuple[Cell, Decimal]] = {}
        for m, cv in zip(run, values, strict=True):
            if int(m.group("y")) == latest:
                shown.setdefault("budget" if m.group("k").startswith("预算") else "executed", cv)
        if set(shown) != {"budget", "executed"}:
            continue
        row = FormRow(stream[k], {kd: v for kd, (_, v) in shown.items()}, [c for c, _ in shown.values()],
                      {kd: c for kd, (c, _) in shown.items()})
        note = (f"第{stream[k].line_no}行基础数据表按年份列读取：{latest}年预算数为预算，{latest}年决算数为实际执行"
                "（其他年份的列未读取）")
        return i, Form(None, None, list(shown), row, notes=[note])
    return None


def _plain_header(stream: list[Cell], i: int) -> int | None:
    """预算数 (A) | 执行数 (B) | 执行率 (B/A) | 得分 (20分*执行率), then the total row (年度财政资金总额): a money
    part whose budget column is titled 预算数 alone. Taken only when every cell up to the total row is a column title
    (a results table 预算数 | 执行数 | … is followed by its rows, not by a total). Returns the total row's index."""
    if not _PLAIN_START.match(_label_text(stream[i])):
        return None
    j = i
    while j < len(stream) and j - i < 12:
        if _ROW_TOTAL.match(norm(stream[j].text).strip()):
            return j
        if stream[j].text and not _COLUMN.fullmatch(_label_text(stream[j])) and not _TAIL_CELL.fullmatch(
                norm(stream[j].text).replace(" ", "")):
            return None
        j += 1
    return None


# a column title's tail in a cell of its own, under the title (得分 | (20分*执行率))
_TAIL_CELL = re.compile(r"\([A-Z]\)|\([^)]*[×/*][^)]*\)")


def _pipe_cells(line: str) -> list[str]:
    """A table row's cells as written between ``|``, empty ones kept (a leading ``|`` opens an empty first cell)."""
    parts = [p.strip() for p in re.split(r"[|｜]", line.strip())]
    return parts[:-1] if len(parts) > 1 and parts[-1] == "" else parts


def _pipe_row(raw: list[str], header: Cell, label: Cell) -> FormRow | None:
    """A form's money header and total row both copied as ``|`` rows that keep their empty cells (预算执行情况 |
    年度预算数(万元) | 年初预算 | 调整后预算数 | 预算执行数 | | | 预算执行率 | 权重 …, then | 总额 | 5.00 | 5.00 |
    5.00 | | | 100.00% | 10 …): each value is read from the column it stands in, the row's label under the header's
    label column (the title before the first money title). Taken only when a budget, an executed amount and a rate
    are read so and the amounts give the rate."""
    if not (0 < header.line_no <= len(raw) and 0 < label.line_no <= len(raw)):
        return None
    head_line, row_line = raw[header.line_no - 1], raw[label.line_no - 1]
    if not ("|" in head_line and "|" in row_line):
        return None
    titles, row = _pipe_cells(head_line), _pipe_cells(row_line)
    first = next((n for n, t in enumerate(titles) if _COLUMN.fullmatch(_TITLE_TAIL.sub("", norm(t).replace(" ", "")))),
                 None)
    at = next((n for n, c in enumerate(row) if c), None)
    if not first or at is None or norm(row[at]).replace(" ", "") != norm(label.text).replace(" ", ""):
        return None
    offset = at - (first - 1)
    values: dict[str, Decimal | None] = {}
    where: dict[str, Cell] = {}
    used: list[Cell] = []
    for n in range(first, len(titles)):
        title = _TITLE_TAIL.sub("", norm(titles[n]).replace(" ", ""))
        k = n + offset
        if not _COLUMN.fullmatch(title) or not 0 <= k < len(row):
            continue
        cell = Cell(label.line_no, row[k])
        ok, value = _value(cell)
        if not ok:
            return None
        used.append(cell)
        if _kind(title) not in values and value is not None:
            values[_kind(title)] = value
            where[_kind(title)] = cell
    budget = values.get("budget") if values.get("budget") is not None else values.get("initial")
    executed, rate = values.get("executed"), values.get("rate")
    if not budget or executed is None or rate is None or not _rate_fits(budget, executed, rate):
        return None
    return FormRow(label, values, used, where)


def find_forms(text: str) -> list[Form]:
    """The self-evaluation forms in the text, in order (an empty list when there is none)."""
    stream = cells(text)
    raw = source_lines(text)
    forms: list[Form] = []
    starts: list[int] = []
    i = 0
    while i < len(stream):
        t = norm(stream[i].text).replace(" ", "")
        plain = _plain_header(stream, i)
        if _HEADER_START.match(t) or plain is not None:
            # the header runs to the row label (年度资金总额 / 总额)
            j = i
            while j < len(stream) and j - i < 16 and not _ROW_TOTAL.match(norm(stream[j].text).strip()):
                j += 1
            if plain is not None and plain != j:
                i += 1  # 预算数 | 执行数 … not followed straight by a total row: a table, not a form's money part
                continue
            flat = None if j < len(stream) and j - i < 16 else _header_then_values(stream, i)
            if flat is not None:  # a form flattened on one line: the header cells, then the total row's values
                starts.append(i)
                forms.append(Form(None, None, flat.header, flat.row, notes=[flat.note], doubt=flat.doubt))
                i = flat.end
                continue
            if j < len(stream) and j - i < 16:
                header = _COLUMN.findall("".join(norm(c.text).replace(" ", "") for c in stream[i:j])) if (
                    plain is None) else [_label_text(c) for c in stream[i:j] if _label_text(c)]
                kinds = [_kind(h) for h in header]
                if "executed" in kinds and ("budget" in kinds or "initial" in kinds):
                    starts.append(i)
                    row, doubt = _read_anchored(stream, j, header)
                    form = Form(None, None, header, row, doubt=doubt)
                    if doubt.startswith(ALIGNED_BY_PERCENT):
                        form.notes.append(f"第{row.label.line_no}行自评表一行少了单元格，按百分数所在的执行率一栏对齐读取")
                    elif doubt.startswith(ALIGNED_EXTRA):
                        form.notes.append(f"第{row.label.line_no}行自评表一行多了单元格，从百分数所在的执行率一栏向左"
                                          "对齐读取")
                    if MERGED_AT_100 in doubt:
                        form.notes.append(f"第{row.label.line_no}行自评表执行率100%，全年预算数与全年执行数为一个"
                                          "合并单元格，按两者相等读取")
                    if row.cells and not row.values:
                        by_column = _pipe_row(raw, stream[i], row.label)
                        if by_column is not None:
                            form.row, form.doubt = by_column, ""
                            form.notes.append(f"第{row.label.line_no}行自评表按表格各栏的位置读取（空单元格占位）")
                            forms.append(form)
                            i = j + 1
                            continue
                        form.notes.append(f"第{row.label.line_no}行自评表的数值与表头未能对齐（少了或多了单元格），"
                                          "该行金额未读取")
                        form.row = None
                    elif _money_zero(row):
                        form.notes.append(f"第{row.label.line_no}行自评表“{row.label.text}”一行金额为0或空，"
                                          "改读“其中：财政拨款”一行")
                        form.row = None
                        for k in range(j + 1, min(len(stream), j + 3 + len(header) * 2)):
                            if _ROW_FISCAL.match(norm(stream[k].text).strip()):
                                fiscal, form.doubt = _read_anchored(stream, k, header)
                                if not _money_zero(fiscal):
                                    form.row = fiscal
                                break
                    forms.append(form)
                    i = j + 1
                    continue
        i += 1
    if not forms:
        found = _total_row_by_rate(stream) or _label_colon_pairs(stream) or _year_columns(stream)
        if found is None:
            return []
        starts.append(found[0])
        forms.append(found[1])
    bounds = starts + [len(stream)]
    for n, form in enumerate(forms):
        lo = bounds[n - 1] if n else 0
        form.unit, form.unit_cell, form.unit_label = _unit_before(stream, lo, starts[n])
    for n, form in enumerate(forms):
        form.first_line = stream[starts[n]].line_no if starts[n] < len(stream) else 0
    forms, starts = _by_project(stream, forms, starts)
    for n, form in enumerate(forms):
        if form.row is None:
            continue
        lo = stream[starts[n]].line_no if n < len(starts) and starts[n] < len(stream) else form.row.label.line_no
        above = raw[max(0, lo - 4):form.row.label.line_no]  # the header and the few lines over it
        form.in_yuan = any(_IN_YUAN.search(norm(x).replace(" ", "")) for x in above) and not any(
            _IN_WAN.search(norm(x).replace(" ", "")) for x in above)
        if form.in_yuan:
            form.notes.append(f"第{form.row.label.line_no}行自评表的金额单位为元，已按 ÷10000 换算为万元")
    columns = _finding_columns(stream)
    column_heads = {stream[k].line_no for k, _ in columns}
    # findings labels belong to the form they follow (or precede, for a form's tail before the first header)
    for k, c in enumerate(stream):
        t = norm(c.text).strip()
        which = "problems" if _PROBLEMS_LABEL.match(t) else "recommendations" if _RECS_LABEL.match(t) else None
        if which is None or c.line_no in column_heads:
            continue
        owner = forms[0]
        for n, s in enumerate(starts):
            if k > s:
                owner = forms[n]
        if getattr(owner, which) is None:
            setattr(owner, which, _finding(stream, k))
    for k, rows in columns:  # 存在问题 / 改进措施 as the columns of a table
        owner = forms[0]
        for n, s in enumerate(starts):
            if k > s:
                owner = forms[n]
        if owner.problems is None and owner.recommendations is None and not owner.finding_rows:
            owner.finding_rows = rows
    for k, c in enumerate(stream):  # the form's total score and grade, each in the form it follows
        t = norm(c.text).replace(" ", "")
        owner = forms[0]
        for n, s in enumerate(starts):
            if k > s:
                owner = forms[n]
        if owner.score is None and _SCORE_LABEL.fullmatch(t):
            owner.score = _total_score(stream, k, total=t == "合计")
            if owner.score is not None and owner.grade is None:  # “| 总分 | 100 | 92 | 优 |”: the grade ends the row
                owner.grade = _grade_after(stream, k, owner.score[0])
            label_next = _after(stream, k, limit=1)
            if owner.score is None and t != "合计" and (label_next is None or not _value(label_next)[0]):
                owner.score = _score_before_label(stream, starts[forms.index(owner)], k)
                owner.score_doubt = SCORE_BEFORE_LABEL if owner.score else ""
        elif owner.grade is None and _GRADE_LABEL.fullmatch(t):
            nxt = _after(stream, k, limit=1)
            g = _GRADE_WORD.fullmatch(norm(nxt.text).strip()) if nxt else None
            if g and nxt is not None:
                owner.grade = (nxt, g.group(1))
    return forms


_PROJECT_LABEL = re.compile(r"^(?:项目名称|专项\(项目\)名称|转移支付\(项目\)名称|项目\(资金\)名称)\s*[:：]?\s*(.*)$")


_TITLE_LIKE = re.compile(r"(?:指标值?|完成值|目标值|分值|得分|名称|内容|说明|金额|备注|序号|类别|数量|时间|\(万元\))$")


def _project_sections(stream: list[Cell]) -> list[tuple[int, str]]:
    """(where, name) of every 项目名称 cell naming a project (the name in the same cell or the next one)."""
    out = []
    for i, c in enumerate(stream):
        m = _PROJECT_LABEL.match(norm(c.text).strip())
        if not m:
            continue
        name = m.group(1).strip()
        if not name:
            nxt = _after(stream, i, limit=2)
            if nxt is None:
                continue
            name = norm(nxt.text).strip()
        # the name ends where the form's next label starts (某某项目 主管部门 某县水利局)
        # (also with no space: 项目名称某某项目主管部门某县水利局, a form's cells run together)
        name = re.split(r"\s{2,}|\s*(?=(?:中央|地方|省级)?主管部门|项目实施单位|实施单位|项目单位|资金使用单位)|"
                        r"\s+(?=[\u4e00-\u9fff]{2,8}[:：])", name)[0].strip()
        if not 2 <= len(name) <= 40 or _VALUE.match(name) or _is_label(name) or _PROJECT_LABEL.match(name) or (
                _HEADER_CELL.fullmatch(name.replace(" ", "")) or re.match(r"^(?:主管部门|实施单位|项目单位)", name)
                or _TITLE_LIKE.search(name)):
            continue  # 项目名称 as a column title, followed by the next title (年度指标值, 实际完成值 …)
        out.append((i, name))
    return out


# a form's money header begun in one cell, the page cut before its values
# (项目资金 (万元) 年初预算数 全年预算数 全年执行)
_HEADER_IN_CELL = re.compile(r"^(?:项目资金|资金)?\((?:万元|元)\)?年初预算数?全年预算数")


def _by_project(stream: list[Cell], forms: list[Form], starts: list[int]) -> tuple[list[Form], list[int]]:
    """Several forms in one text, each opening with its own 项目名称 (a bureau's forms for two projects, one of them
    with its money rows lost): each project's part of the text, from its 项目名称 to the next, is one form, and its
    money row, total score and grade are that project's. Applies only when the names differ and every form found by
    its money header lies in a part of its own; otherwise the forms are left as found. The figures are keyed by the
    project's name when the forms share their 实施单位 (or name none); forms naming different 实施单位 keep them."""
    found = _project_sections(stream)
    # a part counts only when it holds a form's content (its money header or its total score): a 项目名称 in a
    # site's metadata, or repeated on a form's second page, opens no form of its own
    sections = []
    for n, (at, name) in enumerate(found):
        end = found[n + 1][0] if n + 1 < len(found) else len(stream)
        if any(at <= s < end for s in starts) or any(
                _SCORE_LABEL.fullmatch(norm(c.text).replace(" ", "")) and norm(c.text).strip() != "合计"
                or _HEADER_START.match(_label_text(c)) or _HEADER_IN_CELL.search(norm(c.text).replace(" ", ""))
                for c in stream[at:end]):
            sections.append((at, name))
    names = [name for _, name in sections]
    if len(forms) == 1 and len(set(names)) == 1 and sections[0][0] < starts[0]:
        forms[0].named = names[0]  # one project's form: the project its 项目名称 names
    if len(names) < 2 or len(set(names)) != len(names):
        return forms, starts
    owners = [max((n for n, (at, _) in enumerate(sections) if at <= s), default=None) for s in starts]
    if None in owners or len(set(owners)) != len(owners):
        return forms, starts
    out = []
    for n, (at, name) in enumerate(sections):
        form = forms[owners.index(n)] if n in owners else Form(None, None, [], None)
        end = starts[owners.index(n)] if n in owners else (
            sections[n + 1][0] if n + 1 < len(sections) else len(stream))
        unit, cell, label = _unit_before(stream, at, end)  # the unit named in the project's own part
        if unit is not None or n not in owners:
            form.unit, form.unit_cell, form.unit_label = unit, cell, label
        form.project = name
        form.notes.append(f"第{stream[at].line_no}行起为“{name}”的自评表（本文含{len(sections)}个项目的自评表，"
                          "各表数值分别读取）")
        out.append(form)
    units = [f.unit for f in out]
    if None not in units and len(set(units)) == len(units):
        for f in out:  # each form names its own 实施单位: the units stay theirs, only the parts are the projects'
            f.project = None
    return out, [at for at, _ in sections]


_PROBLEMS_TITLE = re.compile(r"存在(?:的)?(?:主要)?问题|主要问题")
_RECS_TITLE = re.compile(r"改进措施|改进建议|整改措施|下一步改进措施|意见建议|相关建议")


def _line_tokens(stream: list[Cell], k: int) -> tuple[list[Cell], bool]:
    """The cells of the line ``stream[k]`` starts (several for a ``|`` row, empty ones kept), or its words as cells
    when the line is one cell (columns separated by spaces, empty ones lost). Returns (cells, exact)."""
    same = [c for c in stream[k:k + 40] if c.line_no == stream[k].line_no]
    if len(same) > 1:
        return same, True
    return [Cell(stream[k].line_no, w) for w in stream[k].text.split()], False


def _finding_columns(stream: list[Cell]) -> list[tuple[int, dict[str, list[Cell]]]]:
    """A table whose header ends with the columns 存在问题 and 改进措施 (情况说明 | 存在问题 | 改进措施, a transfer
    form's 资金管理情况), and its rows numbered 5, 6, 7 … (行次), each a name then the columns' cells. A row's cells
    are matched to the titles from the right when the line keeps its empty cells (``|`` rows); when its columns
    were separated by spaces (empty cells lost), a row with every column filled gives its problem and measure, a
    row with only the columns before them gives none, and any other row makes the table's findings unknown (none
    are counted). Cells saying 无 / 暂无 are none. Returns (where the header is, {kind: filled cells}) per table."""
    out = []
    k = 0
    while k < len(stream):
        head, _ = _line_tokens(stream, k)
        titles = [norm(c.text).replace(" ", "") for c in head]
        line_end = k + 1
        while line_end < len(stream) and stream[line_end].line_no == stream[k].line_no:
            line_end += 1
        p = next((n for n, t in enumerate(titles) if _PROBLEMS_TITLE.fullmatch(t)), None)
        r = next((n for n, t in enumerate(titles) if _RECS_TITLE.fullmatch(t)), None)
        if p is None or r is None or r != p + 1 or r != len(titles) - 1 or p == 0:
            k = line_end
            continue
        before = p  # the header's titles before 存在问题 (情况说明 …): cells each row has after its name
        found: dict[str, list[Cell]] = {"problems": [], "recommendations": []}
        unknown = False
        number: int | None = None
        m = line_end
        seen = 0
        while m < len(stream) and seen < 40:
            row, exact = _line_tokens(stream, m)
            nxt = m + 1
            while nxt < len(stream) and stream[nxt].line_no == stream[m].line_no:
                nxt += 1
            m = nxt
            seen += 1
            texts = [norm(c.text).strip() for c in row]
            at = next((n for n, t in enumerate(texts[:3]) if re.fullmatch(r"\d{1,2}", t)), None)
            if at is None or at + 1 >= len(texts) or _value(Cell(0, texts[at + 1]))[0]:
                continue  # a blank line, a column-number line (列次 8 9 10), a category's name on its own
            if number is not None and int(texts[at]) != number + 1:
                break
            number = int(texts[at])
            rest = row[at + 2:]  # after the row number and the item's name
            if exact:
                cells_ = rest[-2:] if len(rest) >= 2 else []
            elif len(rest) == before + 2:
                cells_ = rest[-2:]
            elif len(rest) <= before:
                cells_ = []
            else:
                unknown = True
                break
            for kind, cell in zip(("problems", "recommendations"), cells_, strict=False):
                if cell.text.strip() not in _EMPTY and not is_none_statement(cell.text):
                    found[kind].append(cell)
        if number is not None and not unknown and (found["problems"] or found["recommendations"]):
            out.append((k, found))
        k = line_end
    return out


def _grade_after(stream: list[Cell], k: int, score: Cell) -> tuple[Cell, str] | None:
    """The total row's grade: a grade word in the cell right after its score (总分 | 100 | 92 | 优), which the
    flattening keeps next to it (the same line, or the next cell of a form written one cell per line)."""
    at = next((n for n in range(k, min(len(stream), k + 20)) if stream[n] is score), None)
    if at is None or at + 1 >= len(stream):
        return None
    after = stream[at + 1]
    g = _GRADE_WORD.fullmatch(norm(after.text).strip())
    return (after, g.group(1)) if g else None


_SCORE_LABEL = re.compile(r"(?:自评)?总分(?:\(分\))?|总得分|自评得分|自评总得分|综合得分|评价得分|合计")
_GRADE_WORD = re.compile(r"[“\"]?(优秀|良好|中等|较差|优|良|中|差)[”\"]?")
_GRADE_LABEL = re.compile(r"(?:自评|评价|绩效|综合)?(?:等级|等次)|自评结果|评价结果")


def _total_score(stream: list[Cell], k: int, total: bool) -> tuple[Cell, Decimal] | None:
    """The score after a 总分 / 合计 label: “100 94” (the maximum, then the score) gives 94; a single number below
    100 after 总分 is the score; a lone 100 (the maximum, or a 合计 of weights) is none."""
    values: list[tuple[Cell, Decimal]] = []
    row = stream[k + 1:k + 16]
    if stream[k].line_no and all(c.line_no == stream[k].line_no for c in row[:3]):
        # one row of cells: its empty cells (| 总分 | | | 100 | | 92.5 |) are skipped
        row = [c for c in row if c.line_no == stream[k].line_no and c.text.strip()]
    for c in row[:3]:
        ok, value = _value(c)
        if not ok or value is None or "%" in c.text:
            break
        values.append((c, value))
    if len(values) >= 2 and values[0][1] == 100 and 0 <= values[1][1] <= 100:
        return values[1]
    if len(values) == 1 and not total and 0 <= values[0][1] < 100:
        return values[0]
    return None


SCORE_BEFORE_LABEL = "自评表“总分”一格后没有数值，取表内唯一一组“100 得分”（满分与得分）为总分，请核对"


def _score_before_label(stream: list[Cell], start: int, k: int) -> tuple[Cell, Decimal] | None:
    """A 总分 label with no value after it: a spreadsheet flattened cell by cell prints a merged label after its row's
    values (“… 10 9 100 94 成本指标 … 总分”). Its values are then the one pair in the form of the most a form gives,
    100, followed by a score below it that ends a row (the next cell not a number): taken only when the form holds
    exactly one such pair."""
    pairs = []
    for n in range(start, k - 1):
        a, b = stream[n], stream[n + 1]
        if not all(_PLAIN_NUMBER.fullmatch(norm(c.text).strip()) for c in (a, b)):
            continue
        most, score = to_decimal(norm(a.text).strip()), to_decimal(norm(b.text).strip())
        nxt = stream[n + 2] if n + 2 < len(stream) else None
        if most == 100 and 0 < score < 100 and (nxt is None or not _value(nxt)[0]):
            pairs.append(b)
    if len(pairs) != 1:
        return None
    return pairs[0], to_decimal(norm(pairs[0].text).strip())


_PLAIN_NUMBER = re.compile(r"\d{1,3}(?:\.\d{1,2})?")


def is_none_statement(text: str) -> bool:
    """“无。”, “暂无”, “未发现问题”: the text says there is nothing."""
    return bool(_NONE.match(norm(text).strip()))


# --- results tables flattened one cell per line -----------------------------------------------------------

_TABLE_LABELS = re.compile(r"主管部门|项目单位|单位|项目名称|项目|金额|得分|评价结果|等次|等级|备注|预算|执行")


def flattened_tables(text: str) -> list[list[list[Cell]]]:
    """Tables written one cell per line: a header starting with 序号 followed by label cells, then rows numbered
    1, 2, …  Returns tables as lists of rows (the header first), each a list of cells."""
    stream = [c for c in cells(text) if c.text]
    out = []
    i = 0
    while i < len(stream):
        if stream[i].text.strip() != "序号" or "|" in stream[i].text:
            i += 1
            continue
        same_line = [c for c in stream if c.line_no == stream[i].line_no]
        if len(same_line) > 1:  # a real table row, read by the table reader
            i += 1
            continue
        j = i + 1
        while j < len(stream) and stream[j].text.strip() != "1" and j - i <= 12:
            j += 1
        header = stream[i:j]
        if j >= len(stream) or len(header) < 3 or sum(bool(_TABLE_LABELS.search(c.text)) for c in header) < 2:
            i += 1
            continue
        rows = [header]
        k = j
        number = 1
        while k < len(stream) and stream[k].text.strip() == str(number):
            end = k + 1
            while end < len(stream) and end - k < len(header) + 1:
                if stream[end].text.strip() == str(number + 1) and end - k >= len(header) - 2:
                    break
                end += 1
            rows.append(stream[k:end])
            k = end
            number += 1
        out.append(rows)
        i = k
    return out + _header_tables(stream, {c.line_no for rows in out for row in rows for c in row})


# a column title of a results table (one cell per line): who, what, and the figures
_HEADER_CELL = re.compile(r"(?:主管部门|项目单位|实施单位|预算单位|被评价单位|单位名称|单位|部门名称|部门|项目名称|"
                          r"项目|债券名称|"
                          r"发行金额|债券金额|金额|预算数?|预算金额|执行数|实际支出|执行率|预算执行率|"
                          r"(?:自评|评价|综合)?(?:得分|分数|评分)|(?:评价|绩效|自评)?(?:结果|等级|等次)|备注)"
                          r"(?:\((?:万元|亿元|元|分|%)\))?")
_GRADE_CELL = re.compile(r"[“\"]?(?:优秀|良好|中等|较差|合格|不合格|优|良|中|差)[”\"]?")


def _column_check(header: str) -> Callable[[Decimal | None], bool] | None:
    """What a cell under this column title must look like (None: anything not empty)."""
    if re.search(r"得分|分数|评分", header):
        return lambda v: v is not None and 0 <= v <= 100
    if re.search(r"率", header):
        return lambda v: v is not None and 0 <= v <= 1000
    if re.search(r"金额|预算|执行数|实际支出", header):
        return lambda v: v is not None and v >= 0
    return None


def _header_tables(stream: list[Cell], taken: set[int]) -> list[list[list[Cell]]]:
    """Results tables flattened one cell per line without a 序号 column (项目单位, 项目名称, 发行金额, 自评分数, 等级,
    then the values): rebuilt into rows by the header sequence. A row is taken only when every cell fits its column
    (a number under 得分 / 金额, a grade under 等级, a name under 单位 / 项目); the first row that does not fit ends
    the table (a missing cell would shift the rest, so nothing after it is guessed)."""
    out = []
    i = 0
    while i < len(stream):
        j = i
        while j < len(stream) and _HEADER_CELL.fullmatch(norm(stream[j].text).replace(" ", "")) and (
                stream[j].line_no not in taken) and sum(1 for c in stream if c.line_no == stream[j].line_no) == 1:
            j += 1
        header = [norm(c.text).replace(" ", "") for c in stream[i:j]]
        named = any(re.search(r"单位|部门|项目", h) for h in header)
        figures = [h for h in header if re.search(r"得分|分数|评分|结果|等级|等次|金额|预算|执行", h)]
        if j - i < 3 or not named or not figures:
            i = max(j, i + 1)
            continue
        rows = [stream[i:j]]
        k = j
        while k + len(header) <= len(stream):
            chunk = stream[k:k + len(header)]
            if not all(_fits(h, c) for h, c in zip(header, chunk, strict=True)):
                break
            rows.append(chunk)
            k += len(header)
        if len(rows) > 1:
            out.append(rows)
        i = k if len(rows) > 1 else j
    return out


def _fits(header: str, cell: Cell) -> bool:
    text = norm(cell.text).strip()
    if _HEADER_CELL.fullmatch(text.replace(" ", "")):
        return False  # the next table's header
    if re.search(r"结果|等级|等次", header):
        return bool(_GRADE_CELL.fullmatch(text))
    check = _column_check(header)
    if check is not None:
        ok, value = _value(cell)
        return ok and check(value)
    if re.search(r"单位|部门|项目", header):
        return len(text) >= 2 and not _VALUE.match(text) and not _GRADE_CELL.fullmatch(text)
    return bool(text)
