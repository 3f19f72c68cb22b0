"""Noise that stored copies of published reports carry, removed before the parser reads them.

Real pages arrive with things that are not the report's text: spam a mirror site inserts mid-sentence, page
numbers and footers of a PDF, a document site's notices, a site's navigation and empty metadata labels above the
title, misread characters of an OCR layer. None of them depends on one report's wording, and each can split a word
or a number the parser needs (``实际支出9`` / ``—3—`` / ``5万元``; ``60万兀`` is no amount) or be taken for the title.
:func:`clean` removes them line by line: **the number of lines is kept** (a line that is nothing but noise becomes
an empty line), so every figure's line number, and its page and line in a PDF or web page
(:attr:`Document.where`), still point at the original; the text as it came is kept in :attr:`Document.original`
(and ``ParseResult.original_text``). Within a line, positions after a removed piece move left by its length.

The pinyin a conversion site prints after each character (預(yù)算) is removed (:func:`_pinyin`): tried in the
seventh pass with three such texts on each half of the tuned part, it made check worse and was dropped; with nine on
each it took fit from 192 to 198 right and check from 123 to 125 (docs/reporttext.md, "Eleventh session").
:func:`.text.norm` still blanks any that is left.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .formats import Document
from .text import CJK, PINYIN_AFTER

# Spam a mirror site inserts into a copied page, mid-sentence and in place of place names
# (下达澳门金沙城中心_欧洲杯足球网-【投注官网平台】2022年…): a site's name pieces joined by _, with a gambling or
# betting word, optionally followed by -【…】 and a colon. Both marks are required (pieces joined by _, which a
# report's prose does not write, and a betting word), so a report's own words (体育中心, 彩票公益金, 福利彩票发行中心,
# a table's 棋牌活动 cell) never match.
_BET = re.compile(r"(?:澳门|金沙|威尼斯人|葡京|永利|博彩|赌场|赌博|投注|下注|欧洲杯|世界杯|足球网|体育网|娱乐城|"
                  r"娱乐场|真人|棋牌|百家乐|老虎机|彩票网|时时彩|六合彩|官网平台|官方网站|APP下载|app下载)")
_PIECE = rf"[{CJK}A-Za-z0-9]{{1,20}}"
_SPAM = re.compile(rf"{_PIECE}(?:_{_PIECE})+(?:\s*[-—－﹣]\s*)?(?:[【\[][^】\]]{{1,20}}[】\]])?\s*[:：]?")


def _spam(line: str) -> str:
    if "_" not in line:
        return line
    out, at = [], 0
    for m in _SPAM.finditer(line):
        if not _BET.search(m.group(0)):
            continue
        first = m.group(0).split("_", 1)[0]
        # the spam's name is glued to the report's words before it: cut at its betting word, or (none in it) keep
        # the first piece whole rather than cut a report's words at a guess
        bet = _BET.search(first)
        start = m.start() + (bet.start() if bet else len(first))
        out.append(line[at:start])
        at = m.end()
    return "".join(out) + line[at:] if out else line


# The other common form of such spam, a site's brand as “the (China) official site” with its app or login tail
# (开云·(中国)官方网站-登录入口, 华体会(中国)官网-IOS/安卓通用版/手机APP下载): from the · or the bracket to the end of
# the tail. The brand before it (开云, 华体会) cannot be told from the report's words it is glued to (下达开云…) and is
# kept rather than cut at a guess.
_GAP = r"[ \t\u3000]{0,3}"  # spaces inside a pattern, bounded (a line of thousands of spaces is read in linear time)
_OFFICIAL = re.compile(rf"(?:[·•]{_GAP}[A-Za-z]{{0,12}}{_GAP})?[(（]{_GAP}中国{_GAP}[)）]{_GAP}"
                       rf"(?:[A-Za-z]{{0,12}}{_GAP}[·•]?{_GAP})?(?:官方网站|官网)(?:首页)?"
                       rf"(?:{_GAP}[-—－]{_GAP}(?:[A-Za-z]{{0,8}}{_GAP})?(?:IOS|iOS|ios|安卓|手机|APP|App|app|登录|入口|下载|"
                       rf"通用版|/|[ \t])+)?(?:{_GAP}[:：])?")
# A line of a spam site's search keywords (…久久久久, …在线, 亚洲色婷婷…, 国产…一区二区…): two of these words, which no
# report writes, and the line is the site's, not the report's.
_SEO = re.compile(r"久久|无码|人妻|丝袜|色婷婷|一区二区|国产精品|中文字幕|(?<![A-Za-z])[Aa][Vv](?![A-Za-z])|福利姬|啪")


def _official_site(line: str) -> str:
    if "中国" in line and ("官方网站" in line or "官网" in line):
        # a mark of the spam besides the words: the · before the bracket, a Latin name or the app / login tail
        line = _OFFICIAL.sub(lambda m: "" if re.search(r"[·•A-Za-z]|登录|入口|下载|通用版", m.group(0))
                             else m.group(0), line)
    if len({m.group(0).lower() for m in _SEO.finditer(line)}) >= 2:
        return ""
    return line


# A PDF's page number or page footer, as a line of its own (—23—, - 3 -, 第 3 页 共 9 页, 第3页/共9页, Page 3 of 9) or
# inside a line (…资金 第 3 页 共 9 页 100万元): nothing of the report; a line of nothing else becomes empty, so the
# sentence the page broke is joined again and the number is never taken for the title. A bare number on a line is
# left alone (it may be a form's cell).
_DASH = "-—－–~〜"
_PAGE_ALONE = re.compile(rf"^\s*[{_DASH}]+\s*\d{{1,4}}\s*[{_DASH}]+\s*$|^\s*(?:page|Page|PAGE)\s*\d{{1,4}}"
                         r"(?:\s*(?:of|/)\s*\d{1,4})?\s*$")
_PAGE_OF = re.compile(rf"{_GAP}(?:第{_GAP}\d{{1,4}}{_GAP}页{_GAP}[,，/／]?{_GAP}共{_GAP}\d{{1,4}}{_GAP}页"
                      rf"|共{_GAP}\d{{1,4}}{_GAP}页{_GAP}[,，/／]?{_GAP}第{_GAP}\d{{1,4}}{_GAP}页){_GAP}")


def _page_numbers(line: str) -> str:
    if _PAGE_ALONE.match(line):
        return ""
    if "页" not in line:
        return line
    # a space where the footer stood between two words or numbers (10 第3页共9页 20 stays two numbers)
    return _PAGE_OF.sub(lambda m: "" if m.start() == 0 or m.end() == len(line) else " ", line)


# Misreadings an OCR layer (or a page typed on a full-width keyboard) leaves in numbers, each read back only where it
# cannot be anything else:
# - 兀 for 元 after a digit or 万 / 千 / 亿 (60万兀; 突兀 stays);
# - the letter O / o for a zero inside a number that starts with a digit (1O0.5万元, 2O22年); never a letter's
#   neighbour (H2O, CO2, 臭氧(o3), 100%o5);
# - a full-width comma grouping thousands in an amount with decimals (1，234.56万元 → 1,234.56: without it the
#   parser reads 234.56); without decimals (100，200万元) it may be two amounts, and is left alone.
_YUAN = re.compile(r"(?<=[\d万千亿])\s*兀")
_O_ZERO = re.compile(r"(?<![A-Za-z\d.])\d[\d.]*[Oo][\dOo.]*(?![A-Za-z])")
_WIDE_THOUSANDS = re.compile(r"(?<![\d.,，])\d{1,3}(?:，\d{3})+\.\d+")


def _ocr(line: str) -> str:
    if "兀" in line:
        line = _YUAN.sub("元", line)
    if "O" in line or "o" in line:
        line = _O_ZERO.sub(lambda m: m.group(0).replace("O", "0").replace("o", "0"), line)
    if "，" in line:
        line = _WIDE_THOUSANDS.sub(lambda m: m.group(0).replace("，", ","), line)
    return line


# The notices of a document site or a 范文 site around the copied report, and where its preview breaks the text
# (快捷下载, 资源大小：13.33KB, 当前文档共116页, 《…》由会员分享，可在线阅读, 本文档由用户上传…, 还剩3页未读，继续阅读,
# 时间：… 我要投稿): such a line becomes empty. A closed list of the sites' own words, none of which a report writes;
# the publisher's 来源 / 发布机构 lines are kept (they may name the report's unit).
_NOTICE_LINE = re.compile(
    r"^[-*•]?\s*(?:加入收藏|快捷下载|会员登录下载|微信登录下载|三方登录下载|微信扫一扫登录|下载后继续阅读|免费下载|立即下载|"
    r"下载文档|阅读全文|展开全文|继续阅读|打印本页|关闭窗口|返回顶部|我要投稿)\s*[:：]?\s*$"
    r"|^[-*•]?\s*(?:资源ID|资源大小|全文页数|资源格式|下载积分|文档格式|文档大小|文档页数|上传时间|上传人|上传者|下载次数)"
    r"\s*[:：]")
_NOTICE_IN = re.compile(r"本文档由用户上传|由会员分享[,，]?\s*可在线阅读|本站(?:不保证|不支持|资源下载)"
                        r"|文件下载后[,，]?\s*可能会被|当前文档共\s*\d+\s*页|还剩\s*\d+\s*页未读|千万精品文档|仅对\S{0,10}会员开放|我要投稿\s*$")


def _site_notices(line: str) -> str:
    if _NOTICE_LINE.match(line) or (len(line) <= 160 and _NOTICE_IN.search(line)):
        return ""
    return line


# A site's own lines that a line-by-line reader joins to the report's title or first sentence (政府信息公开 +
# 2022年度…绩效自评报告): a column or navigation name alone or a row of the site's buttons (政府信息公开, 站群导航,
# 无障碍浏览 长者模式 …), the page's date with its weekday (2024年03月19日 星期二), and metadata labels left without
# their values (文号 | 浏览量 |). Such a line becomes empty; a label with its value (发布机构：某县林业局) is kept.
# Each kind is read as words between separators (whitespace removed first), each word a run of the kind's names: a
# pattern repeating a group with optional spaces on both sides would try every way to split a run of spaces and
# take exponential time on a long line of such words that does not end as expected.
_SITE_WORDS = re.compile(r"(?:政府信息公开|政务公开|信息公开目录|政府信息公开目录|政府信息公开专栏|站群导航|"
                         r"网站导航|网站地图|设为首页|无障碍浏览|无障碍阅读|无障碍|网站支持IPv6|网站支持IPV6|读屏专用|长辈版|适老化模式|长者模式|"
                         r"关怀模式|关怀版|适老版|适老化|老年模式|大字版|繁体版|简体版|繁體|English|手机版|首页)+")
_META_LABELS = re.compile(r"(?:索引号|文号|发文字号|浏览量|浏览次数|访问量|点击量|发布日期|发布时间|公开目录|"
                          r"主题分类|体裁分类|组配分类|公开方式|公开范围|时效性?|生成日期|成文日期|字体)+")
_DATED = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*星期[一二三四五六日天]\s*[|｜]?\s*$")


def _only(line: str, words: re.Pattern[str], separators: str) -> bool:
    """Whether ``line`` (a bullet, whitespace and ``separators`` aside) is nothing but runs of ``words``."""
    parts = [p for p in re.split(separators, re.sub(r"\s+", "", line).lstrip("-*•")) if p]
    return bool(parts) and all(words.fullmatch(p) for p in parts)


# A site's footer below the report (主办单位：…  版权所有, 网站标识码…  备案号：…ICP备…, 联系我们 | 网站地图,
# 【打印本页】【关闭窗口】): words no report writes on a short line of its own. Left in, its lines are read as one more
# recommendation or problem of the section above.
_FOOTER_MARK = re.compile(r"版权所有|Copyright|©|ICP备|ICP证|公网安备|网站标识码|(?:主办|承办|协办)单位\s*[:：]|"
                          r"技术支持\s*[:：]|字体\s*[:：]?\s*[【\[]?\s*大\s*中\s*小")
_FOOTER_TOOLS = re.compile(r"(?:联系我们|网站地图|打印本页|关闭窗口|打印|关闭|返回顶部|收藏本页|分享到)+")


def _site_lines(line: str) -> str:
    if len(line) <= 120 and (_FOOTER_MARK.search(line) or _only(line, _FOOTER_TOOLS, r"[|｜【】\[\]]+")):
        return ""
    if (_only(line, _SITE_WORDS, r"[|｜/]+") or _DATED.match(line)
            or _only(line, _META_LABELS, r"[:：|｜]+")):
        return ""
    return line


def _pinyin(line: str) -> str:
    return PINYIN_AFTER.sub("", line) if "(" in line or "（" in line else line


# Figures typed in full-width characters (预算１２３．４５万元, 执行率９８．５％), as some sites and word processors
# write them: the same figures in half-width, one character for one, so every position stays where it was.
_WIDE_FIGURES = str.maketrans("０１２３４５６７８９．％", "0123456789.%")


def _wide_figures(line: str) -> str:
    return line.translate(_WIDE_FIGURES)


STEPS = (_wide_figures, _spam, _official_site, _page_numbers, _ocr, _site_notices, _site_lines, _pinyin)


def clean_text(text: str) -> str:
    """The text with noise removed line by line; as many lines as the input."""
    lines = text.split("\n")
    out = []
    for line in lines:
        for step in STEPS:
            line = step(line)
        out.append(line)
    return "\n".join(out)


def clean(doc: Document) -> Document:
    """The document with noise removed (:func:`clean_text`), the text as it came kept in ``original``."""
    text = clean_text(doc.text)
    if text == doc.text:
        return doc
    return replace(doc, text=text, original=doc.original or doc.text)
