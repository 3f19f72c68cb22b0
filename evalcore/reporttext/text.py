"""Shared text helpers for reading and writing report text: width normalisation, numbering, Chinese numerals."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Full-width forms mapped one character to one character, so offsets in the normalised text are offsets in the
# original (item text is always cut from the original, keeping its wording and punctuation).
_HALF = str.maketrans("０１２３４５６７８９．％（）：；\u3000\u00a0＋－，", "0123456789.%():;  +-，")

CJK = "\u4e00-\u9fff"
CN_NUM = "一二三四五六七八九十"
_CN_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九", start=0)} | {"两": 2, "〇": 0}


# pinyin that content farms print after a character (優(yōu), 項(xiàng)): a bracketed syllable with its tone mark.
# :mod:`.noise` removes it after a character (PINYIN_AFTER); :func:`norm` blanks any left, keeping the length
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_SYLLABLE = rf"(?=[a-zü]*[{_TONED}])[a-zü{_TONED}]{{1,7}}"
_PINYIN = re.compile(rf"\({_SYLLABLE}\)")
PINYIN_AFTER = re.compile(rf"(?<=[{CJK}])[(（]{_SYLLABLE}[)）]")


def norm(text: str) -> str:
    """Half-width digits, %, (), :, ; and spaces; pinyin after a character blanked; same length as the input."""
    out = text.translate(_HALF)
    if "(" in out:
        out = _PINYIN.sub(lambda m: " " * len(m.group(0)), out)
    return out


def source_lines(text: str) -> list[str]:
    """The text's lines as written, whatever their ends (CR LF, CR or LF): line k is ``source_lines(text)[k - 1]``."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def cn_to_int(text: str) -> int | None:
    """一 -> 1, 十 -> 10, 十二 -> 12, 二十一 -> 21; None for anything else."""
    if not text or any(c not in _CN_VALUE and c != "十" for c in text):
        return None
    if "十" not in text:
        return _CN_VALUE[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    t = _CN_VALUE.get(tens, 0) if tens else 1
    o = _CN_VALUE.get(ones, 0) if ones else 0
    if (tens and tens not in _CN_VALUE) or (ones and ones not in _CN_VALUE):
        return None
    return t * 10 + o


CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
PAREN_IDEOGRAPHS = "㈠㈡㈢㈣㈤㈥㈦㈧㈨㈩"  # ㈠ is （一） in one character

# Numbering styles, in the conventional order of Chinese official documents: 一、 > （一） > 1. / 1、 > （1） > ①.
_NUMBERING: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cn_dun", re.compile(rf"^([{CN_NUM}]{{1,3}})\s*[、.]\s*")),
    ("cn_paren", re.compile(rf"^\(\s*([{CN_NUM}]{{1,3}})\s*\)\s*[、.]?\s*")),
    ("cn_paren", re.compile(rf"^([{PAREN_IDEOGRAPHS}])\s*[、.]?\s*")),
    ("ar_paren", re.compile(r"^\(\s*(\d{1,2})\s*\)\s*[、.]?\s*")),
    ("ar_dun", re.compile(r"^(\d{1,2})\s*、\s*")),
    ("ar_dot", re.compile(r"^(\d{1,2})\s*\.(?!\d)\s*")),
    ("ar_half", re.compile(r"^(\d{1,2})\s*\)\s*")),
    ("circled", re.compile(rf"^([{CIRCLED}])\s*")),
    ("cn_ord", re.compile(rf"^第([{CN_NUM}]{{1,3}})(?:部分)?\s*[、,，.:]\s*")),
    ("bullet", re.compile(r"^[-*•·▪●■◆]\s*")),
)
RANK = {"cn_dun": 1, "cn_ord": 1, "cn_paren": 2, "ar_dun": 3, "ar_dot": 3, "ar_half": 3, "ar_paren": 4,
        "circled": 5, "bullet": 6}


@dataclass(frozen=True)
class Numbering:
    style: str
    number: int | None
    rest: str  # the text after the numbering, from the original line


def is_digits(text: str) -> bool:
    """ASCII digits only: str.isdigit() is also true for ① ² ٣, which int() refuses."""
    return bool(text) and text.isascii() and text.isdigit()


def numbering(text: str) -> Numbering | None:
    n = norm(text)
    for style, pattern in _NUMBERING:
        m = pattern.match(n)
        if not m:
            continue
        rest = text[m.end():].strip()
        if not rest:
            return None
        number: int | None = None
        if m.groups():
            raw = m.group(1)
            if is_digits(raw):
                number = int(raw)
            elif raw in CIRCLED:
                number = CIRCLED.index(raw) + 1
            elif raw in PAREN_IDEOGRAPHS:
                number = PAREN_IDEOGRAPHS.index(raw) + 1
            else:
                number = cn_to_int(raw)
        return Numbering(style, number, rest)
    return None


TERMINAL = "。！？!?；;：:…”」』）)"


def strip_end_punct(text: str) -> str:
    return text.strip().rstrip("。；;，,：:！!？? ").strip()
