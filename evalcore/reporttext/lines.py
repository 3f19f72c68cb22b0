"""Report text into lines (markdown markers off, broken sentences joined, PDF page numbers dropped) and sections."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .text import CJK, TERMINAL, Numbering, norm, numbering, source_lines, strip_end_punct

# --- lines ------------------------------------------------------------------------------------------------


@dataclass
class Line:
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


def strip_md(text: str) -> str:
    return _MD_ESCAPE.sub(r"\1", text.replace("**", "").replace("__", "")).strip()


def _raw_lines(text: str) -> list[Line | None]:
    """One entry per source line; None for a blank line."""
    out: list[Line | None] = []
    for no, raw in enumerate(source_lines(text), start=1):
        s = raw.strip().strip("\u3000\ufeff").strip()
        if not s:
            out.append(None)
            continue
        tabs = [c.strip() for c in s.split("\t")]
        if len(tabs) >= 3 and sum(1 for c in tabs if c) >= 2:  # a table row copied from a page: cells by tabs
            out.append(Line(no, " | ".join(tabs), cells=tabs))
            continue
        pipes = len(re.findall(r"[|｜]", s))
        if len(s) > 1 and ((s.startswith(("|", "｜")) and s.endswith(("|", "｜")))
                           or (pipes >= 3 and s.endswith(("|", "｜")))):  # a row written without its leading |
            if _TABLE_SEP.match(s.replace("｜", "|")):
                out.append(None)
                continue
            cells = [strip_md(c) for c in re.split(r"[|｜]", s.strip("|｜"))]
            full = [c.strip() for c in cells if c.strip()]
            if len(full) == 1 and len(full[0]) >= 40 and re.search(r"[。；;]|[，,].*[，,]", full[0]):
                # a table's only filled cell holding paragraphs (a page's 项目基本情况 | …): prose, read as such
                out.append(Line(no, full[0]))
                continue
            out.append(Line(no, " | ".join(cells), cells=cells))
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
        if lm and not bold and strip_md(lm.group(2)):
            lead = strip_md(lm.group(1))
        clean = re.sub(r"\s*[|｜]+\s*$", "", strip_md(s))  # a form cell copied with its closing |
        if clean:
            out.append(Line(no, clean, heading, bold, lead))
        else:
            out.append(None)
    return out


# a results table whose cells a PDF or a page left separated by spaces: its header names a unit or project column and
# a figure column, every title short
_SPACED_NAME = re.compile(r"序号|(?:项目)?(?:主管|预算|实施|项目|被评价)?(?:单位|部门)(?:名称)?|项目(?:名称)?|评价对象")
_SPACED_FIGURE = re.compile(r"(?:评价|自评|综合)?(?:得分|分数|评分)|(?:评价|绩效|自评)?(?:结果|等级|等次)|"
                            r"预算(?:数|金额)?|执行(?:数|金额|率)|预算执行率|实际支出|支出(?:数|金额)")


# titles of a results table that carry no figure of the schema: the balance, what is done with the result, notes
_SPACED_OTHER = re.compile(r"结余(?:数|金额|资金)?|结余交回财政数|结转(?:数|金额)?|"
                           r"(?:自评|评价)?结果应用(?:意见|情况)?|备注|说明")
# a second header line splitting a money column by where the money came from (预算数 | 中央 省级 市级 区级)
_SPACED_SOURCE = re.compile(r"中央|省级?|市级?|州级?|区级?|县级?|乡镇?级?|本级|上级|自筹|其他|其它|财政拨款|其他资金|"
                            r"小计|合计")
_SPACE_RUN = re.compile(r"( +)")


def _space_cells(text: str) -> list[str]:
    """The cells of a row a page joined by one space, an empty cell written as one space too: a run of 2e+1 spaces
    holds e empty cells (``甲局   30.542     30.542`` is 甲局, "", 30.542, "", "", 30.542)."""
    parts = _SPACE_RUN.split(text.replace("\xa0", " "))
    cells = [parts[0]]
    for k in range(1, len(parts), 2):
        cells.extend([""] * ((len(parts[k]) - 1) // 2))
        cells.append(parts[k + 1])
    return cells


def _row_cells(text: str, width: int) -> list[str]:
    """A row's cells by its spaces, as many as ``width`` when the row can be read so."""
    cells = text.split()
    if len(cells) != width:
        cells = _space_cells(text)
        if 0 < width - len(cells) <= 2:
            cells += [""] * (width - len(cells))  # the empty cells a row ends with
    return cells


def _spaced_tables(out: list[Line | None]) -> None:
    """Rows of a table separated by spaces (序号 项目名称 主管部门 评价得分 评价等级 / 1 某项目 某局 92.5 优): the
    header's titles are a name column and a figure column (a note in brackets may follow a title: (万元), (调整后)),
    and a row is taken while it splits into as many cells as the header; the first row that does not ends the table.
    Empty cells a page wrote as spaces are counted by the length of the run of spaces (:func:`_space_cells`; the
    empty cells a row ends with are lost with its trailing spaces). A second header line that splits the budget
    column by the money's source (中央 省级 市级 区级) is read with it: a row's budget is the one source cell that
    holds an amount, none when several do (their sum is not written)."""
    i = 0
    while i < len(out):
        ln = out[i]
        words = ln.text.split() if ln is not None and ln.cells is None else []
        titles = [re.sub(r"\([^()]{1,12}\)$", "", norm(w)) for w in words]
        if (len(words) >= 3 and all(len(t) <= 12 for t in titles) and any(_SPACED_NAME.fullmatch(t) for t in titles)
                and any(_SPACED_FIGURE.fullmatch(t) for t in titles)
                and all(_SPACED_NAME.fullmatch(t) or _SPACED_FIGURE.fullmatch(t) or _SPACED_OTHER.fullmatch(t)
                        for t in titles)):
            # a page that puts a blank line after every line (each row a paragraph of its own) still writes one table:
            # a single blank line between the header and its rows, or between two rows, does not end it
            spaced = i + 2 < len(out) and out[i + 1] is None and out[i + 2] is not None
            first = i + 2 if spaced else i + 1
            sources: list[str] = []
            sub_at = first
            split_at = next((c for c, t in enumerate(titles) if re.match(r"预算", t)), None)
            sub = out[first] if first < len(out) else None
            if sub is not None and sub.cells is None and split_at is not None:
                sub_words = sub.text.split()
                if len(sub_words) >= 2 and all(_SPACED_SOURCE.fullmatch(w) for w in sub_words):
                    sources, first = sub_words, first + (2 if spaced else 1)
            width = len(words) - 1 + len(sources) if sources else len(words)
            rows: list[tuple[int, list[str]]] = []
            j = first
            while j < len(out):
                nxt = out[j]
                if nxt is None and rows:
                    # blank lines between two rows: a page that writes each row as a paragraph, or a PDF's page
                    # break (its page number removed as noise): the table goes on when a row of its width follows
                    k = j
                    while k < len(out) and out[k] is None and k - j < 3:
                        k += 1
                    after_blank = out[k] if k < len(out) else None
                    if after_blank is not None and after_blank.cells is None and (spaced or not any(
                            _SPACED_NAME.fullmatch(w) or _SPACED_FIGURE.fullmatch(w) for w in after_blank.text.split())
                            ) and len(_row_cells(after_blank.text, width)) == width:
                        j, nxt = k, after_blank
                if nxt is None or nxt.cells is not None:
                    break
                cells = _row_cells(nxt.text, width)
                if len(cells) != width:
                    break
                if sources:
                    assert split_at is not None
                    held = [c for c in cells[split_at:split_at + len(sources)] if c]
                    cells = [*cells[:split_at], held[0] if len(held) == 1 else "", *cells[split_at + len(sources):]]
                rows.append((j, cells))
                j += 1
            if rows:
                assert ln is not None
                out[i] = Line(ln.no, " | ".join(words), cells=words)
                if sources:
                    out[sub_at] = None  # the source titles are read into the budget column
                for k, cells in rows:
                    row = out[k]
                    assert row is not None
                    out[k] = Line(row.no, " | ".join(c for c in cells if c), cells=cells)
                i = j
                continue
        i += 1


def _ends_open(text: str) -> bool:
    return bool(text) and text[-1] not in TERMINAL + "."  # PDF text often ends a sentence with “.”


def _joinable_start(line: Line) -> bool:
    """Can this line continue the sentence before it? Not a heading, a numbered line, a table row, or a short
    unnumbered section title such as “存在的问题”."""
    if line.cells is not None or line.headingish or line.num is not None:
        return False
    return not (len(line.text) <= 12 and title_like(line.text) and _section_like(line.text))


_PAGE_NO = re.compile(rf"^\d{{1,3}}\s+(?=[{CJK}]{{2}})(?![分万元亿个项年月日人次家所%](?!目))")


def _without_page_number(before: str, text: str) -> str:
    """A PDF page number left at the start of a line that continues a sentence (“…应对\n15 项目实施对象…”)."""
    page_no = _PAGE_NO.match(text)
    if before and re.match(rf"[{CJK}]", before[-1]) and page_no:
        return text[page_no.end():]
    return text


def _wrap_width(raw: list[Line | None]) -> int | None:
    """The width a text was hard-wrapped at (a PDF's text, a page copied line by line): the length (24 characters
    or more) that most of its prose lines cut mid-sentence share, when at least five and two in five of them do;
    None for a text written a paragraph a line."""
    lengths = Counter(len(ln.text) for ln in raw if ln is not None and ln.cells is None and len(ln.text) >= 16
                      and _ends_open(ln.text) and re.search(rf"[{CJK}]", ln.text))
    if not lengths:
        return None
    width, _ = max(lengths.items(), key=lambda kv: (kv[1], kv[0]))
    share = sum(n for k, n in lengths.items() if abs(k - width) <= 1)
    return width if width >= 24 and share >= 5 and share * 5 >= sum(lengths.values()) * 2 else None


def read_lines(text: str) -> list[Line]:
    """Non-blank lines, with a sentence broken across lines (and blank lines) joined back together."""
    raw = _raw_lines(text)
    _spaced_tables(raw)
    wrapped = _wrap_width(raw)
    # a numbered line is joined with the next when it is a long one, or one cut at the text's wrapping width
    long_numbered = min(40, wrapped - 2) if wrapped else 40
    out: list[Line] = []
    i = 0
    while i < len(raw):
        cur = raw[i]
        i += 1
        if cur is None:
            continue
        last = len(cur.text)  # the length of the last line joined: a line cut at the wrapping width is one as long
        while (cur.cells is None and not cur.headingish and _ends_open(cur.text)
               and (re.search(r"[，,。；;]", cur.text) or (wrapped and last >= wrapped - 2))
               and (cur.num is None or len(cur.text) >= long_numbered or cur.lead or re.search(r"[。；;]", cur.text))):
            j = i
            while j < len(raw) and raw[j] is None and j - i < 3:
                j += 1
            nxt = raw[j] if j < len(raw) else None
            # (a line cut at the text's wrapping width goes on in the next, even one short enough to be a title)
            cut = bool(wrapped) and last >= (wrapped or 0) - 2 and j == i
            if nxt is None or not (_joinable_start(nxt) or (
                    cut and nxt.cells is None and nxt.num is None and not nxt.headingish)):
                break
            cur = Line(cur.no, cur.text.rstrip() + _without_page_number(cur.text, nxt.text.lstrip()), cur.heading,
                        cur.bold, cur.lead)
            last = len(nxt.text)
            i = j + 1
        out.append(cur)
    return out


# --- sections ---------------------------------------------------------------------------------------------

# (a project's name is no finding: 义务教育薄弱环节改善项目, 补短板项目)
_PROBLEMS_KW = re.compile(r"问题|不足|(?<!补)短板|薄弱环节(?!改善|提升|建设|项目|能力)")
_RECS_KW = re.compile(r"建议|对策|改进意见|意见和|改进措施|整改措施|下一步")
_CONCLUSION_KW = re.compile(r"结论|评价结果|综合评价|总体评价|评价得分|得分情况|评价等次|评价等级|评分结果")
_ACHIEVE_KW = re.compile(r"成效|成果|效益|效果|绩效情况|绩效分析|主要绩效|履职绩效|亮点|经验做法|主要做法|成绩")
_INFO_KW = re.compile(r"基本情况|概况|概述|预算|资金|投入|执行情况|项目情况|评价工作|评价情况|实施情况|说明|背景|其他")

# A short title that is nothing but a section name (switches the kind inside a combined 问题及建议 section).
SUB_PROBLEMS = re.compile(r"(?:评价)?(?:发现的?|存在的?)?(?:主要|突出)?问题"
                           r"(?:及原因(?:分析)?|和不足|与不足)?(?:分析)?")
SUB_RECS = re.compile(r"(?:相关|有关|改进|对策|整改|意见和|政策|工作)?(?:意见)?建议(?:及对策|和意见)?"
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


def title_like(text: str) -> bool:
    body = text.strip().rstrip("。.：:")
    return 0 < len(body) <= 40 and not re.search(r"[。；;]", body)


@dataclass
class Section:
    kind: str
    title: str
    heading: Line | None
    lines: list[Line] = field(default_factory=list)


def _bare(text: str) -> bool:
    """A short line that can be an unnumbered heading: not a sentence (…。) nor a label with its content (建议：…)."""
    t = text.strip()
    return not t.endswith(("。", ".")) and not re.search(r"[:：]\s*\S", t)


def split_sections(lines: list[Line]) -> tuple[list[Line], list[Section]]:
    """(intro lines before the first section, sections)."""
    style: str | None = None
    found = False
    for ln in lines:
        if ln.cells is not None:
            continue
        num = ln.num
        title = num.rest if num else ln.text
        if not title_like(title) or not _section_like(title):
            continue
        if num is not None and num.style in ("cn_dun", "cn_paren", "ar_dot", "ar_dun", "cn_ord"):
            style, found = num.style, True
            break
        if num is None and (ln.headingish or (len(title) <= 12 and _bare(title))) and not re.match(r"[\d(（]", title):
            style, found = None, True
            break
    intro: list[Line] = []
    sections: list[Section] = []
    for ln in lines:
        num = ln.num
        is_section = False
        title = ""
        if found and ln.cells is None:
            if style is not None and num is not None and num.style == style and title_like(num.rest):
                is_section, title = True, num.rest
            elif style is None and num is None and title_like(ln.text) and _section_like(ln.text) and (
                    ln.headingish or (len(ln.text) <= 12 and _bare(ln.text))) and not re.match(r"[\d(（]", ln.text):
                is_section, title = True, ln.text
        if is_section:
            title = strip_end_punct(title)
            sections.append(Section(_section_kind(title), title, ln))
        elif sections:
            sections[-1].lines.append(ln)
        else:
            intro.append(ln)
    return intro, sections


FINDING_KINDS = ("problems", "recs", "problems+recs")


def nested_findings(sections: list[Section]) -> list[Section]:
    """A report with no 问题 / 建议 section of its own may hold them as numbered sub-headings of another section
    (一、自评结论 › （三）存在的问题和原因分析 › 无。 › （四）下一步拟改进措施及有关建议 › …): each such sub-heading
    and the lines under it, up to the next sub-heading of its style, become a section of their own."""
    if any(sec.kind in FINDING_KINDS for sec in sections):
        return sections
    out: list[Section] = []
    for sec in sections:
        rest = Section(sec.kind, sec.title, sec.heading)
        out.append(rest)
        current: Section | None = None
        style: str | None = None
        for ln in sec.lines:
            num = ln.num if ln.cells is None else None
            if num is not None and (style is None or num.style == style) and title_like(num.rest) and (
                    _section_kind(num.rest) in FINDING_KINDS):
                style = num.style
                current = Section(_section_kind(num.rest), strip_end_punct(num.rest), ln)
                out.append(current)
                continue
            if current is not None and num is not None and num.style == style:
                current = None  # the next sub-heading of the same level ends it
            (current or rest).lines.append(ln)
    return out


_MONEY_TITLE = re.compile(r"^(?:项目|转移支付)?(?:资金|预算)(?:投入|使用|执行|到位|支出)?(?:及使用)?"
                          r"(?:情况)?(?:分析)?$")


def money_subsections(sections: list[Section]) -> list[Section]:
    """An achievements section (绩效情况分析, 主要绩效) whose numbered sub-heading is about the money
    (（一）资金投入情况分析。): that sub-heading and the lines under it, up to the next sub-heading of its style,
    become an information section, so that its budget, executed amount and rate are read."""
    out: list[Section] = []
    for sec in sections:
        if sec.kind != "achievements":
            out.append(sec)
            continue
        rest = Section(sec.kind, sec.title, sec.heading)
        out.append(rest)
        current: Section | None = None
        style: str | None = None
        for ln in sec.lines:
            num = ln.num if ln.cells is None else None
            if num is not None and (style is None or num.style == style) and title_like(num.rest) and (
                    _MONEY_TITLE.match(strip_end_punct(num.rest))):
                style = num.style
                current = Section("info", strip_end_punct(num.rest), ln)
                out.append(current)
                continue
            run_in = re.match(r"([^。.]{2,20})[。.]", num.rest) if num is not None else None
            if num is not None and run_in and (style is None or num.style == style) and (
                    _MONEY_TITLE.match(run_in.group(1))):
                # (一)资金投入情况分析。2022年…执行总量29675万元…: the title run into its paragraph, on its line
                style = num.style
                current = Section("info", run_in.group(1), None)
                current.lines.append(ln)
                out.append(current)
                continue
            if current is not None and num is not None and num.style == style:
                current = None
            (current or rest).lines.append(ln)
    return out
