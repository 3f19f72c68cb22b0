"""Problems, recommendations and achievements: categories and items (一是…, （1）…, ①…), 无 as none."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .forms import is_none_statement
from .lines import SUB_PROBLEMS, SUB_RECS, Line, Section, title_like
from .result import Unplaced
from .text import CJK, CN_NUM, cn_to_int, is_digits, norm, numbering, strip_end_punct
from .units import ORG_SUFFIX

# --- findings ---------------------------------------------------------------------------------------------

_ORDINAL = re.compile(rf"(?:^|(?<=[。；;！!？?，,：:\s])|(?<=[{CJK}]\.))"
                      rf"(?:第)?(?P<n>[{CN_NUM}]{{1,3}})是\s*[，,：:]?\s*")
_ORDINAL_QI = re.compile(rf"(?:^|(?<=[。；;！!？?\s]))(?:其|第)(?P<n>[{CN_NUM}]{{1,3}})\s*[，,、：:]\s*")
_INLINE_NUM = re.compile(r"(?:^|(?<=[。；;：:，,\s]))\(\s*(?P<n>\d{1,2})\s*\)\s*|(?P<c>[①-⑳])\s*")
_INLINE_DOT = re.compile(rf"(?:^|(?<=[。；;：:]))(?P<n>\d{{1,2}})\s*[.、](?=[{CJK}])")  # “建议：1.加强…；2.加快…”


def _split_markers(text: str, pattern: re.Pattern[str]) -> tuple[str, list[str]] | None:
    """(lead-in, items) when ``text`` holds markers numbered 1, 2, 3… in order; None otherwise."""
    n = norm(text)
    hits = []
    expected = 1
    for m in pattern.finditer(n):
        raw = m.groupdict().get("n")
        value: int | None
        if raw is None and m.groupdict().get("c"):
            value = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳".index(m.group("c")) + 1
        elif raw is not None and is_digits(raw):
            value = int(raw)
        else:
            value = cn_to_int(raw or "")
        if value == expected:
            hits.append(m)
            expected += 1
    if not hits or (len(hits) == 1 and pattern is not _ORDINAL):
        return None
    lead = text[:hits[0].start()].strip()
    items = []
    for k, m in enumerate(hits):
        end = hits[k + 1].start() if k + 1 < len(hits) else len(text)
        items.append(text[m.end():end].strip())
    return lead, [i for i in items if i]


INLINE_PROBLEMS = re.compile(r"(?:存在的?(?:主要)?问题|主要问题|发现的问题)(?:及(?:其)?(?:原因|成因))?\s*[:：]\s*")
_PRACTICE = re.compile(r"(?:主要|取得的)?(?:经验(?:及|和|与)?做法|做法(?:及|和|与)?经验|经验|做法|成效|亮点|成绩)"
                       r"(?:及成效)?")
INLINE_RECS = re.compile(r"(?:下一步(?:工作)?(?:改进)?(?:措施|打算|建议)|改进(?:措施|建议|意见)|整改措施|相关建议|"
                          r"(?:(?<=^)|(?<=[。；;，,\s]))(?:主要|几点|有关|以下|我们|评价组|工作组)?建议(?:如下)?|"
                          r"意见建议)\s*[:：]\s*")
INLINE_END = re.compile(rf"{INLINE_RECS.pattern}|{INLINE_PROBLEMS.pattern}|\s\d{{4}}\s*年[^。.]{{0,20}}表")
_TRAILER = re.compile(
    r"(?:20\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|20\d{2}[-/.]\d{1,2}[-/.]\d{1,2})"
    r"|(?:附件|来源|信息来源|发布(?:时间|日期|机构)|责任编辑|编辑|浏览次数|分享到)\s*[:：].*"
    r"|(?:附表|附件|附录)\s*\d{0,2}\s*[:：]?"
    r"|.*【\s*(?:打印|关闭|返回|字体)[^】]*】.*")


_PAIRED = re.compile(r"(?P<p>.{4,}?[。；;])\s*(?=建议(?![:：])\S{4,})")
_CAUSES = re.compile(r"(?:问题)?(?:产生的?)?(?:主要)?(?:原因|成因)(?:分析)?|原因分析")
# a template's own prompt left in as a numbered item: 1.下一步拟改进措施，包括项目整改和绩效目标调整完善等相关内容。/
# 2.拟与预算安排相结合情况。 (the answer, if any, follows it: 无)
_PROMPT = re.compile(r"包括[^。；;]{0,40}等(?:相关)?内容[。.]?$|^拟与预算安排相结合(?:的)?情况[。.]?$")


def _is_trailer(line: Line) -> bool:
    """落款 dates, web page furniture (【打印本页】, 来源：…), a bare organisation name signing the report."""
    t = norm(line.text).strip()
    if _TRAILER.fullmatch(t):
        return True
    signature = len(t) <= 30 and bool(re.fullmatch(rf"[{CJK}()]+{ORG_SUFFIX}", t))
    return signature and not line.headingish and line.num is None


def _is_lead_in(text: str) -> bool:
    """A paragraph that only announces the items (“主要存在以下问题：”)."""
    return text.rstrip()[-1:] in "：:" and paragraph_items(text)[0] == ""


def paragraph_items(text: str) -> tuple[str, list[str]]:
    """(lead-in, items) of one paragraph: 一是…二是…, 其一…其二…, （1）…（2）…, or the paragraph itself."""
    for pattern in (_ORDINAL, _ORDINAL_QI, _INLINE_NUM, _INLINE_DOT):
        split = _split_markers(text, pattern)
        if split is not None:
            return split
    return "", [text.strip()]


@dataclass
class Group:
    no: int
    title: str
    items: list[tuple[str, Line]] = field(default_factory=list)
    heading: str = ""  # the heading (or inline label, or form cell) the items were found under


@dataclass
class _Block:
    line: Line
    title: str | None  # None: the line is an item, not a category
    body: list[Line] = field(default_factory=list)
    first: str = ""  # text after the title on the same line


def _title_split(line: Line, rest: str) -> tuple[str | None, str]:
    """(category title or None, text after the title on the same line)."""
    if line.lead:
        lead = line.lead
        num = numbering(lead)
        lead_rest = num.rest if num else lead
        idx = rest.find(lead_rest.rstrip("。.：:"))
        if idx == 0:
            after = rest[len(lead_rest):].strip() if rest.startswith(lead_rest) else rest[len(
                lead_rest.rstrip("。.：:")):].lstrip("。.：: ").strip()
            return strip_end_punct(lead_rest), after
    if line.headingish:
        return strip_end_punct(rest), ""
    m = re.match(r"^(.{2,30}?)[。：:](.+)$", rest)
    if m and not re.search(r"[，,；;]", m.group(1)) and m.group(2).strip():
        return strip_end_punct(m.group(1)), m.group(2).strip()
    if title_like(rest) and len(rest) <= 30 and rest.strip()[-1:] not in "。；;！!？?":
        return strip_end_punct(rest), ""
    return None, rest


class FindingsReader:
    def __init__(self) -> None:
        self.unplaced: list[Unplaced] = []
        self.notes: list[str] = []
        self.stated_counts: dict[str, int] = {}

    def read(self, section: Section) -> dict[str, list[Group]]:
        """kind -> groups; a combined 问题及建议 section yields both kinds."""
        kind = section.kind if section.kind != "problems+recs" else "problems"
        parts: dict[str, list[Line]] = {kind: []}
        headings = {kind: section.title}
        # a combined section whose items each state a problem and then its recommendation (（一）资金拨付较慢。建议加快
        # 拨付。): each line is split, the problem to the problems, the recommendation to the recommendations
        paired = section.kind == "problems+recs" and sum(
            1 for ln in section.lines if ln.cells is None and _PAIRED.match(norm(ln.text))) >= 2
        for ln in section.lines:
            num = ln.num
            title = num.rest if num else ln.text
            pair = _PAIRED.match(norm(ln.text)) if paired and ln.cells is None and kind == "problems" else None
            if pair is not None:
                cut = len(pair.group("p"))
                parts[kind].append(replace(ln, text=ln.text[:cut].strip()))
                parts.setdefault("recs", []).append(Line(ln.no, ln.text[cut:].strip()))
                headings.setdefault("recs", section.title)
                continue
            if ln.cells is None and title_like(title) and (num is not None or ln.headingish):
                t = strip_end_punct(title)
                if SUB_PROBLEMS.fullmatch(t):
                    kind = "problems"
                    parts.setdefault(kind, [])
                    headings[kind] = t
                    continue
                if SUB_RECS.fullmatch(t):
                    kind = "recs"
                    parts.setdefault(kind, [])
                    headings[kind] = t
                    continue
                if kind == "problems" and _PRACTICE.fullmatch(t):
                    # (一)主要经验及做法 in a 经验做法、存在的问题 section: what went well, not problems
                    kind = "practice"
                    parts.setdefault(kind, [])
                    self.unplaced.append(Unplaced(ln.no, ln.text, "经验做法，不是问题条目，未导入"))
                    continue
                if kind == "problems" and _CAUSES.fullmatch(t):  # (二)原因分析: why, not what; not read as items
                    kind = "causes"
                    parts.setdefault(kind, [])
                    self.unplaced.append(Unplaced(ln.no, ln.text, "原因分析，不是问题条目，未导入"))
                    continue
            marker = INLINE_RECS.search(norm(ln.text)) if (
                section.kind == "problems+recs" and kind == "problems" and ln.cells is None) else None
            if marker is not None:  # “资金拨付较慢。建议：一是…；二是…”: the recommendations start inside the paragraph
                before, after = ln.text[:marker.start()].strip(), ln.text[marker.end():].strip()
                if before:
                    parts[kind].append(replace(ln, text=before))
                kind = "recs"
                parts.setdefault(kind, [])
                headings[kind] = marker.group(0).rstrip("：: ")
                if after:  # (kept with its label: “建议：1.…；2.…” is split into its items as any labelled list)
                    parts[kind].append(Line(ln.no, marker.group(0).strip() + after))
                continue
            parts.setdefault(kind, []).append(ln)
        out = {k: self._groups(k, section.title, lines) for k, lines in parts.items()}
        for k, groups in out.items():
            for g in groups:
                g.heading = headings.get(k, section.title)
        return out

    def _groups(self, kind: str, section_title: str, lines: list[Line]) -> list[Group]:
        cat_style: str | None = None
        blocks: list[_Block] = []
        lead: list[Line] = []
        for ln in lines:
            if ln.cells is not None:
                self.unplaced.append(Unplaced(ln.no, ln.text, "问题、建议或成效部分中的表格，未导入"))
                continue
            if _is_trailer(ln):
                self.unplaced.append(Unplaced(ln.no, ln.text, "落款、日期或网页附注，未作为条目导入"))
                continue
            num = ln.num
            starts = False
            if num is not None and num.style != "bullet":
                if cat_style is None:
                    cat_style = num.style
                starts = num.style == cat_style
            elif num is None and ln.heading:
                starts = cat_style is None or cat_style == "heading"
                if cat_style is None:
                    cat_style = "heading"
            elif num is None and ln.bold and cat_style in (None, "heading") and title_like(ln.text):
                starts = True
                cat_style = "heading"
            if starts:
                rest = num.rest if num is not None else ln.text
                title, first = _title_split(ln, rest)
                blocks.append(_Block(ln, title, [], first))
            elif blocks:
                blocks[-1].body.append(ln)
            else:
                lead.append(ln)
        if not blocks:  # no categories at all: the paragraphs are the items of one category named after the section
            name = strip_end_punct(section_title) or section_title
            group = Group(1, name)
            for ln in lead:
                self._count(kind, ln.text)
                if ln.num is None and _is_lead_in(ln.text):
                    self.unplaced.append(Unplaced(ln.no, ln.text, "条目之前的引导语，未作为条目导入"))
                else:
                    self._body_items(group, ln)
            if group.items:
                self.notes.append(f"“{section_title}”部分未分类别，{len(group.items)}个条目归入同一类别“{name}”")
                return [group]
            return []
        for ln in lead:
            self._count(kind, ln.text)
            self.unplaced.append(Unplaced(ln.no, ln.text, "条目之前的引导语，未作为条目导入"))
        has_body = any(b.body or b.first for b in blocks if b.title is not None)
        if not has_body:  # numbered lines are the items of one category named after the section
            name = strip_end_punct(re.sub(r"^(?:[一二三四五六七八九十]+、)", "", section_title)) or section_title
            group = Group(1, name)
            for b in blocks:
                text = (b.line.num.rest if b.line.num else b.line.text).strip()
                if _PROMPT.search(norm(text)):
                    self.unplaced.append(Unplaced(b.line.no, b.line.text, "填表说明，不是条目"))
                elif b.line.num is not None and b.line.num.style == "circled" and len(
                        paragraph_items(b.line.text)[1]) > 1:
                    self._text_items(group, b.line.text, b.line)  # ①资金拨付较慢；②档案不全。: one line's items
                else:
                    group.items.append((text, b.line))
                for ln in b.body:
                    self._body_items(group, ln)
            self.notes.append(f"“{section_title}”部分未分类别，{len(group.items)}个条目归入同一类别“{name}”")
            return [group]
        groups: list[Group] = []
        for no, b in enumerate(blocks, start=1):
            title = b.title
            if title is None:
                full = (b.line.num.rest if b.line.num else b.line.text).strip()
                title = strip_end_punct(re.split(r"[。；;]", full, maxsplit=1)[0])
                group = Group(no, title, [(full, b.line)])
                self.notes.append(f"第{b.line.no}行没有单独的类别标题，以其首句“{title}”作为类别名称")
            else:
                group = Group(no, title)
                if b.first:
                    self._text_items(group, b.first, b.line)
            for ln in b.body:
                self._body_items(group, ln)
            if not group.items:
                self.unplaced.append(Unplaced(b.line.no, b.line.text, "该类别下没有条目，未导入"))
                continue
            group.no = len(groups) + 1
            groups.append(group)
        return groups

    def _body_items(self, group: Group, ln: Line) -> None:
        num = ln.num
        if num is None and is_none_statement(ln.text):
            self.notes.append(f"第{ln.no}行为“{ln.text}”，即没有条目")
            return
        if re.search(r"\(\s*\d+\s*字以内\s*\)", norm(ln.text)) or (num is not None and _PROMPT.search(norm(num.rest))):
            self.unplaced.append(Unplaced(ln.no, ln.text, "填表说明，不是条目"))
            return
        if num is None and re.fullmatch(r"(?:报告)?正文|目\s*录", norm(ln.text).strip()):
            return  # the line under a contents list (报告正文): no item
        if num is not None and num.style == "circled" and len(paragraph_items(ln.text)[1]) > 1:
            self._text_items(group, ln.text, ln)  # ①资金拨付较慢；②档案不全。: the items of one line
        elif num is not None:
            group.items.append((num.rest.strip(), ln))
        elif _is_lead_in(ln.text):
            self.unplaced.append(Unplaced(ln.no, ln.text, "条目之前的引导语，未作为条目导入"))
        else:
            self._text_items(group, ln.text, ln)

    def _text_items(self, group: Group, text: str, ln: Line) -> None:
        lead, items = paragraph_items(text)
        if lead:
            self.unplaced.append(Unplaced(ln.no, lead, "条目之前的引导语，未作为条目导入"))
        group.items.extend((i, ln) for i in items)

    def _count(self, kind: str, text: str) -> None:
        m = re.search(rf"(?:以下|如下|主要)?\s*(?P<n>[{CN_NUM}\d]{{1,3}})\s*(?:个|类|大|项|条|点)?\s*方面", norm(text))
        if m:
            raw = m.group("n")
            value = int(raw) if is_digits(raw) else cn_to_int(raw)
            if value:
                self.stated_counts[kind] = value
