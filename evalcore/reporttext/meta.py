"""Title, year, region, project and grade bands of a report."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from ..model import GradeBand
from ..numbers import ZERO
from .lines import Line
from .numbers_found import GRADE_NORMAL, GRADE_WORDS
from .text import CJK, norm
from .units import NOT_A_UNIT, ORG_BAD, ORG_SUFFIX

# --- meta -------------------------------------------------------------------------------------------------

_YEAR = re.compile(r"(20\d{2})\s*年")
REGION = re.compile(rf"^(?:关于)?\s*(?:20\d{{2}}\s*年度?\s*)?(?!度)"
                     rf"(?P<r>[{CJK}]{{1,10}}?(?:自治区|自治州|省|市|县|区|州|盟|旗))")
NOT_REGION = re.compile(r"社区|园区|景区|片区|城区|辖区|小区|山区|库区|林区|矿区|牧区|校区|"
                         r"农村|城市|城乡|本级|全市|全省|全县")
_TITLE_TAIL = re.compile(r"(?:的)?(?:绩效)?(?:评价|自评|评估|考评)(?:结果|报告|情况|结论|表)?"
                         r"(?:的)?(?:公示|公告|公开|报告)?$")
EVALUATOR = re.compile(
    rf"(?P<e>[{CJK}]{{2,40}}?(?:绩效评价工作组|评价工作组|评价组|评价小组|事务所(?:有限公司)?|咨询有限公司|评估有限公司|"
    r"财政局|财政厅))\s*(?:\([^)]{0,30}\))?\s*(?:对|于|组织|成立|牵头|会同)")


_SITE_META = re.compile(r"^[-*•]?\s*(?:索引号|发布机构|发文机关|发文单位|文号|发文编号|发布日期|发文日期|"
                        r"成文日期|时效性|公开方式|公开范围|公开目录|公开责任部门|统一登记号|文件名称|生效日期|有效期|主题分类|报表编号|来源|信息来源|"
                        r"发布时间|浏览量|浏览次数|点击率|编辑|时间|(?:原文)?(?:地址|网址|链接))\s*[:：]")


# A site's navigation above a page's title: its menu (• 首页, 首页 政务公开 …, bulleted items • 政务公开), where
# the page is (当前位置：…, 您现在的位置:首页), breadcrumbs (政务公开 > 财政 > …: a > with a space beside it, never
# a tag's <script>) and a metadata block in brackets ([ 索引号 ] …); a report's own title has none of them.
_SITE_NAV = re.compile(r"^[-*•·]?\s*(?:网站)?首页(?:\s|$)|^(?:您|你)?(?:现在|当前)?(?:的|所在)?位置\s*[:：]|"
                       r"(?:^|\s)[>＞»›]|[>＞»›](?:\s|$)|"
                       r"^[•·]\s*\S{1,6}$|^[\[【]\s*(?:索引号|发文字号|文号|主题分类|体裁分类|发布机构|成文日期|发布日期)\s*[\]】]")


# A site's metadata block naming the document (名称: …, 标题: …, 文件名称: …, or a table's cells run together as
# 标      题 …): the page's own title, with the next field of a flattened block (文号: …) or the empty cells of a
# table row cut off.
_META_TITLE = re.compile(r"^[-*•]?\s*(?:文件|文章|信息)?(?:名\s*称|标\s*题)\s*(?:[:：]|\s(?=\s*[^\s:：|]))"
                         r"\s*(?P<t>[^|]*)")
_NEXT_FIELD = re.compile(r"\s+[^\s:：|]{2,6}\s*[:：].*$")


def _metadata_title(intro: list[Line]) -> tuple[str, Line] | None:
    for ln in intro:
        m = _META_TITLE.match(norm(ln.text))
        if m is None:
            continue
        title = re.sub(r"\s+", "", _NEXT_FIELD.sub("", m.group("t").strip())).strip("“”\"'「」")
        if len(title) >= 6 and re.search(r"评价|报告|自评|绩效|结果|[^名]表$", title):
            return title, ln
    return None


# An attachment's label above its title (附件3, 附件：): never part of the title.
# a site's section name over a page's title (政务公开, 信息公开, 财政预决算, 通知公告): not the title's first line
_SITE_SECTION = re.compile(rf"[{CJK}]{{0,6}}(?:公开|动态|公告|公示|通知|专栏|目录|信息|要闻|新闻|资讯)")
_ATTACHMENT = re.compile(r"^附件\s*[0-9０-９一二三四五六七八九十]{0,3}\s*[:：]?$")
# an attachment's title on its line (a document site's heading): 附件2:甲局2022年度…评价报告(共15个).pdf
_ATTACHED_TITLE = re.compile(r"^附件\s*[0-9一二三四五六七八九十]{0,3}\s*[:：]\s*(?P<t>.{6,80}?)(?:\(共\d+[个份篇]\))?"
                            r"(?:\.(?:docx?|pdf|wps|xlsx?))?$", re.I)


# The end of a title a PDF's line broke off (…绩效评价 / 情况表): no more than the kind of document it is.
_TITLE_END = re.compile(r"^(?:的)?(?:情况|结果|自评|评价)?(?:表|报告|说明|公示|公告|通报)$")


# a title's fund or project on the next line, in brackets: 2021年度项目支出绩效自评报告 / （甲县农村公路养护项目）
# (or, under a department's title, the department: 2021年度部门整体支出绩效自评报告 / （甲县交通运输局）)
_BRACKET_LINE = re.compile(r"\s*[(（]\s*(?P<f>[^()（）]{4,40}?(?:资金|项目|经费|专项|补助|补贴|工程|"
                           rf"{ORG_SUFFIX}))\s*[)）]\s*")


def guess_title(intro: list[Line], source_name: str) -> tuple[str, list[Line]]:
    """(title, the lines it was read from). The site's metadata block (索引号, 发布机构, 发布日期…) and its
    navigation (menu, 当前位置, breadcrumbs) are skipped; a title the block states (名称: …, 标题: …) is taken
    when no heading line gives one. A line under the title that is only a fund or project in brackets belongs to it."""
    title, used = _guess_title(intro, source_name)
    if used and not title.endswith((")", "）")):
        after = [ln for ln in intro if used[-1].no < ln.no <= used[-1].no + 2 and ln.cells is None and ln.text.strip()]
        bracketed = _BRACKET_LINE.fullmatch(after[0].text) if after else None
        if bracketed:
            return title + "(" + bracketed.group("f").strip() + ")", [*used, after[0]]
    return title, used


def site_line(ln: Line) -> bool:
    """A line of the site's metadata block or navigation above a title (索引号…, 当前位置…), or an attachment's
    label: never the title."""
    n = norm(ln.text)
    return bool(_SITE_META.match(n) or _SITE_NAV.search(n) or _META_TITLE.match(n) or _ATTACHMENT.match(n.strip()))


def _guess_title(intro: list[Line], source_name: str) -> tuple[str, list[Line]]:
    from_metadata = _metadata_title(intro)
    crumbs = {ln.no for ln in intro if _SITE_NAV.search(norm(ln.text))}  # the site's navigation lines
    intro = [ln for ln in intro if not site_line(ln)]
    for ln in intro:
        if ln.heading and ln.cells is None and ln.num is None:
            return re.sub(r"\s+", "", ln.text), [ln]
    if from_metadata is not None:
        return from_metadata[0], [from_metadata[1]]
    for k, ln in enumerate(intro[:8]):
        named = _ATTACHED_TITLE.match(norm(ln.text).strip())
        if named and ln.cells is None and re.search(r"评价|报告|结果", named.group("t")) and not re.search(
                r"[，,。：:]", named.group("t")):  # 附件2:甲局2022年度项目支出部门评价报告.pdf: a document's title
            return re.sub(r"\s+", "", _FILE_SUFFIX.sub("", named.group("t"))), [ln]
        if ln.cells is None and len(ln.text) <= 60 and not re.search(r"[，,。：:]", ln.text) and re.search(
                r"评价|报告|结果|公示|公告", ln.text) and not (  # a site's section (公告公示) is no title
                len(norm(ln.text).strip()) <= 6 and _SITE_SECTION.fullmatch(norm(ln.text).strip())):
            prev = intro[k - 1] if k else None
            if (prev is not None and prev.cells is None and prev.no >= ln.no - 2 and len(prev.text) <= 40
                    and not any(prev.no < no < ln.no for no in crumbs)  # (a breadcrumb between: the site's name)
                    and not re.search(r"[，,。：:；;]", prev.text) and prev.num is None
                    and not _SITE_SECTION.fullmatch(norm(prev.text).strip())):
                return re.sub(r"\s+", "", prev.text + ln.text), [prev, ln]  # a title broken over two lines
            nxt = intro[k + 1] if k + 1 < len(intro) else None
            if (nxt is not None and nxt.cells is None and nxt.no == ln.no + 1
                    and _TITLE_END.match(re.sub(r"\s+", "", nxt.text))):  # a PDF line broken before 情况表
                return re.sub(r"\s+", "", ln.text + nxt.text), [ln, nxt]
            return re.sub(r"\s+", "", ln.text), [ln]
    for ln in intro[:3]:
        if ln.cells is None and len(ln.text) <= 40 and not re.search(r"[，,。：:]", ln.text):
            return re.sub(r"\s+", "", ln.text), [ln]
    stem = Path(source_name).stem if source_name else ""
    return stem or "未命名的绩效评价报告", []


def title_parts(title: str) -> tuple[int | None, str, str]:
    """(year, region, project) read off a title such as 2023年度长沙市信息化建设和运维项目绩效评价结果."""
    n = norm(title)
    ym = _YEAR.search(n)
    year = int(ym.group(1)) if ym else None
    region = ""
    rm = REGION.match(n)
    if (rm and not NOT_REGION.search(rm.group("r")) and not re.search(r"项目|资金|预算", rm.group("r"))
            and rm.group("r")[0] not in "市省县区州"):
        region = rm.group("r")
    return year, region, _title_project(n, region)


_FILE_SUFFIX = re.compile(r"\.(?:docx?|pdf|wps|xlsx?|txt|html?)$", re.I)
_YEARS = re.compile(r"20\d{2}\s*(?:年度?)?\s*(?:[-—~～至到]\s*20\d{2}\s*年度?)|20\d{2}\s*年度?")
_PROJECT_WORD = re.compile(r"项目|资金|工程|专项|经费|支出|计划|补助|补贴|津贴|建设|转移支付|配套|奖补|专款|基金")
# a fund named in brackets after the report's own words: …2023年度绩效自评报告(残疾人事业发展补助资金)
_BRACKETED_FUND = re.compile(r"(?:报告|结果|情况|表)\s*\(\s*(?P<f>[^()]{4,40}?(?:资金|项目|经费|专项|补助|补贴))\s*\)$")

# …绩效自评报告——农村饮水安全工程维修养护: what the report is about, after a dash
_DASHED_SUBJECT = re.compile(rf"(?:报告|结果|情况|表)\s*(?:——|—|--|－－)\s*(?P<f>[{CJK}A-Za-z0-9()“”]{{4,40}})$")


def title_unit(title: str) -> str:
    """The project or fund a title names, as a unit's full name: with its regions, without years and the words
    of the report itself (昌都市卡若区2022年度社会福利机构运行及人员经费项目绩效评价报告 → 昌都市卡若区社会福利
    机构运行及人员经费项目); "" when the title names no project, fund or spending."""
    return _title_project(norm(title), "", keep_regions=True)


_PROJECT_LINE = re.compile(r"(?:^|[|｜\s。；;.、)）])[-*•]?\s*(?:项目|资金|专项)名称(?:\s*[:：|][:：|\s]*|\s+|为|是)"
                           rf"(?P<p>[{CJK}A-Za-z0-9()（）“”\-—]{{4,40}})")


# a form run together, its cells glued without a separator: 项目名称2021年度农村垃圾清运经费项目实施单位甲县环卫处
_GLUED_PROJECT = re.compile(rf"(?:项目|资金|专项)名称(?P<p>[{CJK}A-Za-z0-9()（）“”]{{4,40}}?)"
                            r"(?=(?:项目)?(?:实施单位|主管部门|项目单位|预算单位|负责人|主管单位|责任单位))")


def _line_text(ln: Line) -> str:
    """A line as text: a table row's non-empty cells joined by " | "."""
    return norm(" | ".join(c for c in ln.cells if c.strip()) if ln.cells is not None else ln.text)


def named_project(lines: list[Line]) -> str:
    """The project a report's own 项目名称 field or line names (项目名称：甲县农村公路养护工程, a form's 项目名称 |
    …), among its first 60 lines; "" when none does or it names no project, fund or spending."""
    for ln in lines[:60]:
        text = _line_text(ln)
        m = _PROJECT_LINE.search(text) or _GLUED_PROJECT.search(text)
        if m:
            name = _title_project(m.group("p").strip("“”"), "", keep_regions=True)
            if name and not re.search(r"[：:|]", name):
                return name
    return ""


# a project's or fund's name as a sentence writes it: from a character that opens no clause of the report's own work
# (我, 本, 对, 开展, 现将 …) to the first project word after which the sentence goes on as the pattern says
_SUBJECT_NAME = (rf"(?![我本该此其对开现关完组为根按经年度])[{CJK}][{CJK}A-Za-z0-9()“”]{{0,29}}?"
                 r"(?:项目|资金|经费|工程|补助|补贴|专项)")

# What a report's own sentences say it evaluates: 现将甲市2023年度衔接资金绩效自评情况报告如下 / 甲局对2022年度乙补贴
#使用情况开展了绩效评价 / 本次评价对象为…
_BODY_SUBJECT = (
    re.compile(rf"现将(?P<p>[{CJK}A-Za-z0-9()“”]{{4,40}}?)(?:的)?(?:绩效|预算绩效|支出绩效)(?:自评|评价|评估)"
               r"(?:工作)?(?:的)?(?:情况|结果|开展情况)?(?:报告|汇报)如下"),
    re.compile(rf"对(?P<p>[{CJK}A-Za-z0-9()“”]{{4,40}}?)(?:的)?(?:20\d{{2}}\s*年度?)?(?:的)?"
               r"(?:使用情况|实施情况|资金使用情况|支出情况)?"
               r"(?:开展|进行|实施)了?(?:(?:[财政预算支出项目部门]{0,6}|重点|专项|综合)?绩效(?:自评|评价|评估)|自评)"),
    re.compile(rf"(?:本次|此次)?(?:绩效)?评价(?:的)?对象(?:为|是|:)(?P<p>[{CJK}A-Za-z0-9()“”]{{4,40}}?)[。，,；;(]"),
    # the outline of a transfer payment's self-evaluation (一、绩效目标分解下达情况 (一)中央下达甲资金预算和区域绩效目标
    # 情况): the fund it reports on
    re.compile(rf"下达(?P<p>[{CJK}A-Za-z0-9()“”]{{4,40}}?)(?:转移支付)?预算和(?:区域)?绩效目标"),
    # a project or fund named right before the evaluation's words: 开展了2022年度甲资金绩效自评 / 现就甲项目绩效自评情况
    # 报告如下 / 甲项目2022年度绩效自评报告如下 / 甲资金使用情况及绩效自评结果
    re.compile(rf"(?:(?:^|[，,。；;：:\s]|开展了?|现就|现将|对|关于|完成了?)(?:20\d{{2}}\s*年度?)?|20\d{{2}}\s*年度?)"
               rf"(?P<p>{_SUBJECT_NAME})"
               r"(?:的)?(?:20\d{2}\s*年度?)?(?:使用情况及|实施情况及)?(?:预算|项目支出)?绩效(?:自评|评价)"),
    # the first sentence of a project's overview: (一)项目概况。甲资金主要用于… / 甲项目是…
    re.compile(rf"(?:项目概况|项目基本情况|项目简介)\s*[。.:：]?\s*(?:20\d{{2}}\s*年度?\s*[，,]?)?"
               rf"(?P<p>{_SUBJECT_NAME})"
               r"(?:是|主要|由|于|为|系|总投资|计划|共)"),
    # the report naming what 本项目 is: 本项目为甲项目 / 该项目即甲工程
    re.compile(rf"(?:^|[，,。；;：:\s])(?:本|该)项目(?:为|是|即|系)(?P<p>{_SUBJECT_NAME})(?=[，,。；;(]|$)"),
)
_NO_SUBJECT = re.compile(r"^(?:重点|各|所有|全部|相关|有关|部分|其他|其它|上述|以上|下列|该|此|本|各类|各项|专项)?"
                         r"(?:项目|资金|经费|工程|专项)$")


def body_subject(lines: list[Line]) -> str:
    """The project or fund a report's own sentences say it evaluates, among its first 30 lines (现将…绩效自评情况报告
    如下, 对…开展了绩效评价, 本次评价对象为…), cleaned as a title's project is; "" when none names one."""
    overview = False
    for ln in lines[:30]:
        if ln.cells is not None:
            continue
        text = norm(ln.text)
        heading = bool(re.fullmatch(r"\s*(?:[(（]?[一二三四五六七八九十\d]{1,2}[)）、.]?)?\s*(?:项目概况|项目基本情况|"
                                    r"项目简介|项目背景|项目概述|基本情况)\s*[。.:：]?\s*", text))
        if overview:  # the line under a heading 项目概况 opens with the project: 甲项目是…
            text = "项目概况。" + text
        overview = heading
        for pattern in _BODY_SUBJECT:
            for m in pattern.finditer(text):
                name = re.sub(r"(?:的)?(?:使用|实施|执行|管理)?情况(?:及|和|与)?$", "", m.group("p").strip("“”"))
                name = _title_project(name, "", keep_regions=True)
                if name and not re.search(r"[：:|]|我|本|整理的|精选|范文", name) and not _NO_SUBJECT.match(name) and (
                        not all(_GENERIC_MONEY.match(piece) for piece in re.split(r"和|及|与|、", name))):
                    return name  # (money by its source, 中央财政资金和省级资金, names no project)
    return ""


_PROJECT_END = re.compile(r"项目|资金|经费|工程|补助|补贴|专项")
_NOT_A_NAME = re.compile(rf"[^{CJK}A-Za-z()“”]|^[我本该此其对开现关完组为根按经和及与的了在将是由于]")
# money by its source or level, and words for any project: no name, nor is any shorter piece of them
_GENERIC_MONEY = re.compile(r"^(?:中央|省级?|市级?|县级?|区级?|本级|上级|地方|财政|自筹|配套|专项|项目|各类|各项|部分|"
                            r"相关|其他|其它|社会|一般|政府)+(?:资金|项目|专项|经费|补助|补贴)$")


def recurring_subject(lines: list[Line]) -> str:
    """A report that states its subject nowhere else (no title, no 项目名称, no sentence about its evaluation) still
    names it in its opening lines and again below: the longest name ending in a project word (…项目, …资金, …经费)
    that starts in its first three lines and recurs in the text; "" when none recurs."""
    text = "\n".join(norm(ln.text) for ln in lines if ln.cells is None)
    best = ""
    for ln in [x for x in lines if x.cells is None and not site_line(x)][:3]:
        line = norm(ln.text)
        for m in _PROJECT_END.finditer(line):
            end = m.end()
            for start in range(max(0, end - 30), end - 3):
                name = line[start:end]
                if _GENERIC_MONEY.match(name):
                    break  # 中央财政资金: neither it nor 央财政资金 names a project
                if len(name) <= len(best) or _NOT_A_NAME.search(name) or _NO_SUBJECT.match(name):
                    continue
                if text.count(name) >= 2:
                    best = name
                    break  # the longest from this end
    cleaned = _title_project(best, "", keep_regions=True) if best else ""
    return cleaned if cleaned and not _NO_SUBJECT.match(cleaned) else ""


def _title_project(n: str, region: str, keep_regions: bool = False) -> str:
    """The project or fund a title names, without its region, years and the words of the report itself
    (江西省省级公共文化专项资金和省级体彩公益金专项转移支付2021年度绩效自评报告.docx → 省级公共文化专项资金和
    省级体彩公益金专项转移支付); "" when what is left names no project, fund or spending."""
    n = _FILE_SUFFIX.sub("", n.strip()).strip()
    bracketed = _BRACKETED_FUND.search(n) or _DASHED_SUBJECT.search(n)
    if bracketed:
        return bracketed.group("f").strip()
    n = re.sub(r"^\d{1,2}\s*[.、]\s*(?!\d)", "", n)  # a numbered line taken for the title (2.农机购置补贴)
    project = re.sub(r"^(?:关于)?\s*(?:(?:公开|公布|发布|印发|报送|上报|提交)(?=\s*20\d{2}))?\s*"  # a notice's verb
                     r"(?:20\d{2}\s*年度?)?\s*", "", n)
    if region and project.startswith(region):
        project = project[len(region):]
    project = _YEARS.sub("", project).strip()
    inner = REGION.match(project)  # a second level: 昌都市卡若区…
    if (inner and not keep_regions and not NOT_REGION.search(inner.group("r"))
            and not _PROJECT_WORD.search(inner.group("r")) and _PROJECT_WORD.search(project[inner.end():])):
        project = project[inner.end():]
    words = _REPORT_WORDS.search(project)
    if words and words.start() > 0:  # the report's words with more after them (…绩效评价良好, a line cut mid-bracket)
        project = re.sub(r"(?:的)?(?:事前|事中|事后)$", "", project[:words.start()]).strip()
    for _ in range(3):  # 工程绩效评价自评报告: the report's words may come twice
        shorter = _TITLE_TAIL.sub("", project).strip()
        shorter = re.sub(r"(?:的)?(?:重点|整体)?(?:支出)?(?:重点|整体)?$", "", shorter).strip()
        shorter = re.sub(r"绩效(?:单位|部门)?$", "", shorter).strip()  # …项目支出绩效单位自评报告
        shorter = re.sub(r"(?:的)?(?:项目支出|部门整体支出|部门支出)$", "", shorter).strip()  # the report's kind
        shorter = re.sub(r"(?:的)?(?:预算)?(?:执行|使用|实施|管理使用)情况$", "", shorter).strip()  # what it looks at
        shorter = re.sub(r"(?<=项目)实施$", "", shorter)  # …工程项目实施绩效自评报告: the project, not its doing
        if shorter == project:
            break
        project = shorter
    project = project.strip("《》“”\"'「」")
    if "关于" in project:  # 某县财政局关于…: the organisation before it is the unit, not the project
        project = project.rsplit("关于", 1)[1].strip()
    if not _PROJECT_WORD.search(project):
        project = ""
    inner = REGION.match(project)
    if _GENERIC.fullmatch(project[inner.end():] if inner else project):
        project = ""  # a form's own title (某县财政支出政策绩效评价报告) names no project
    return project


# (…资金区域绩效目标自评表: the title of a transfer payment's form; its 区域绩效目标 are the report's words too)
_REPORT_WORDS = re.compile(r"(?:的)?(?:区域)?绩效(?:自评|评价|评估|考评|监控|运行|目标)|"
                           r"(?:的)?(?:部门|单位)?(?:评价|自评)报告|"
                           r"(?:的)?(?:全周期|全过程)?跟踪问效|(?:的)?问效报告")  # 全周期跟踪问效报告
_GENERIC = re.compile(r"(?:财政|项目|部门|整体|专项|支出|政策|资金|预算|本级|实施|执行|使用|管理)+")


# --- the report's own unit -----------------------------------------------------------------------------------

# an organisation's name as a title or a site writes it (schools and commands too: 第一示范小学, 人居环境指挥部)
_OWN_SUFFIX = re.compile(rf"(?:{ORG_SUFFIX}|小学|中学|幼儿园|指挥部|大队|支队|中队)")
_TITLE_START = re.compile(rf"^(?:关于)?\s*(?:20\d{{2}}\s*年度?)?\s*(?P<run>[{CJK}()]{{2,40}})")
_TITLE_NEXT = re.compile(rf"\s*(?:20\d{{2}}|关于|对|的|部门|单位|机关|整体|本级|项目|专项|[{CJK}]{{0,30}}"
                         r"(?:绩效|自评|评价|决算))")
_NAME_LINE = re.compile(r"^[-*•]?\s*(?:部门名称|单位名称|部门\(单位\)名称|预算单位|项目单位|实施单位|被评价单位|"
                        rf"填报单位|报送单位)(?:\(盖章\))?(?:\s*[:：|][:：|\s]*|\s+)(?P<run>[{CJK}()]{{2,40}})")
_PUBLISHER = re.compile(r"(?:发布机构|发布单位|发布部门|发文机关|发文单位|信息来源|文章来源|信息提供单位|来源)"
                        r"\s*[:：|][:：|\s]*"
                        rf"(?P<run>[{CJK}()]{{2,40}})")
_OWN_SPENDING = re.compile(r"自评|整体|机关|本级|部门决算|单位决算")


WHOLE_TITLE = re.compile(r"部门整体|单位整体|整体支出")
_TOWNSHIP_TITLE = re.compile(rf"^(?:关于)?(?:20\d{{2}}年度?)?(?!关于)(?P<t>[{CJK}]{{1,12}}?(?:镇|乡|街道))"
                             r"(?:人民政府)?(?:20\d{2}年度?)?"
                             r"(?:部门整体|整体支出|单位整体)")


def own_unit(title: str, lines: list[Line]) -> tuple[str, str] | None:
    """(name, where it was read) of the unit a report is about, as the report itself states it: the organisation
    that opens its title (“XX县农业农村局2022年度部门整体支出绩效自评报告”, “XX县水利局关于…”), else a
    “部门名称：…” / “单位名称：…” line, else the site's 发布机构 / 来源 line. A finance bureau is that unit only when
    the title is about its own spending (自评, 整体, 机关…): otherwise it published or made the evaluation of others.
    None when the report states none (names are never cut from running text)."""
    for piece in re.split(r"[|｜\s]+", norm(title)):  # a title guessed with the site's line before it
        tm = _TITLE_START.match(piece)
        if tm:
            name = _org_in(tm.group("run"), piece[tm.end("run"):], title, in_title=True)
            if name:
                return name, "标题"
    township = _TOWNSHIP_TITLE.match(norm(title).replace(" ", ""))
    if township:  # 关于甲镇2023年度部门整体支出绩效自评的报告: a township's own spending (its government's)
        return township.group("t"), "标题"
    bracketed = re.search(rf"(?:报告|结果|情况|表)\((?P<run>[{CJK}]{{4,30}})\)$", norm(title))
    if bracketed:  # 2021年度部门整体支出绩效自评报告(甲县交通运输局)
        name = _org_in(bracketed.group("run"), "", title)
        if name is not None and name == bracketed.group("run"):
            return name, "标题"
    for where, pattern in (("“单位名称”一行", _NAME_LINE), ("网页的发布机构或来源", _PUBLISHER)):
        for ln in lines[:40]:
            text = _line_text(ln)
            m = pattern.match(text) if pattern is _NAME_LINE else pattern.search(text)
            if not m:
                continue
            name = _org_in(m.group("run"), "", title if pattern is _PUBLISHER else "自评")
            # (the publisher of a department's report on its own spending is that department even when the text
            # calls itself 我局 only)
            if name and (pattern is _NAME_LINE or _written_in(name, [x for x in lines if x is not ln])
                         or WHOLE_TITLE.search(norm(title))):
                return name, where
    return None


_UNIT_OVERVIEW = re.compile(r"\s*(?:[(（]?[一二三四五六七八九十\d]{1,2}[)）、.]?)?\s*"
                            r"(?:部门|单位|机构)(?:基本)?(?:情况|概况|简介)\s*[。.:：]?\s*")
_OVERVIEW_VERB = re.compile(r"是|为|系|成立于|始建于|组建于|内设|下设|位于|主要职能|主要职责|于\d{4}年")


def overview_org(lines: list[Line]) -> tuple[str, str] | None:
    """(name, where) of the organisation a department's report opens its overview with, when nothing else names the
    report's unit: 一、部门基本情况 / 甲县交通运输局是县政府工作部门… (the sentence under the heading, or on its line).
    None when the overview does not open with an organisation's name."""
    for k, ln in enumerate(lines[:40]):
        if ln.cells is not None:
            continue
        text = norm(ln.text)
        m = _UNIT_OVERVIEW.match(text)
        if not m:
            continue
        rest = text[m.end():]
        if not rest and k + 1 < len(lines) and lines[k + 1].cells is None:
            rest = norm(lines[k + 1].text)
        for end in sorted({x.end() for x in _OWN_SUFFIX.finditer(rest[:30])}, reverse=True):
            org = rest[:end]
            if (re.fullmatch(rf"[{CJK}()]{{4,30}}", org) and _OVERVIEW_VERB.match(rest[end:])
                    and _acceptable(org, "自评") and not re.match(r"[我本该此其]", org)):
                return org, "部门基本情况的第一句"
        return None
    return None


def _written_in(org: str, lines: list[Line]) -> bool:
    """A site's publisher is often the department above the unit (a county's 教育体育局 publishing a school's
    report): it is the report's own unit only when the report itself writes its name (with or without the region)."""
    short = re.sub(rf"^(?:[{CJK}]{{1,6}}?(?:自治区|自治州|省|市|县|区|州|旗))+", "", org)
    forms = {org} | ({short} if len(short) >= 3 else set())
    return any(f in ln.text for ln in lines for f in forms)


def site_publisher(title: str, lines: list[Line]) -> str:
    """The organisation a site's 发布机构 / 来源 line names, whether or not the report writes its name (then it may be
    the department above the unit, and is offered to the review as a name, never taken as the unit); "" if none."""
    for ln in lines[:40]:
        text = _line_text(ln)
        m = _PUBLISHER.search(text)
        if m:
            name = _org_in(m.group("run"), "", title)
            if name:
                return name
    return ""


def _org_in(run: str, after: str, title: str, in_title: bool = False) -> str | None:
    """The longest organisation name that opens ``run`` (in a title: one followed by the year, 关于, 部门整体… or
    the words of the title), acceptable as a unit."""
    ends = [m.end() for m in _OWN_SUFFIX.finditer(run)]
    for end in sorted(set(ends), reverse=True):
        org, rest = run[:end], run[end:] + after
        if in_title and not _TITLE_NEXT.match(rest):
            continue
        if _OWN_SUFFIX.match(rest):
            continue  # “襄阳市中心” followed by 医院
        if len(org) >= 4 and _acceptable(org, title):
            return org
    return None


def _acceptable(org: str, title: str) -> bool:
    finance = bool(re.search(r"财政局|财政厅", org))
    if ORG_BAD.search(org) and not finance:
        return False
    if NOT_A_UNIT.search(org):
        return finance and bool(_OWN_SPENDING.search(norm(title)))
    return True


# --- the parser -------------------------------------------------------------------------------------------


_COMMON_BIGRAMS = {"进一", "一步", "有待", "待进", "待提", "待完", "待加", "不够", "不足", "存在", "加强", "强化",
                   "进行"}


def bigrams(text: str) -> set[str]:
    chars = re.sub(rf"[^{CJK}]", "", text)
    grams = {chars[i:i + 2] for i in range(len(chars) - 1)}
    return grams - _COMMON_BIGRAMS


def parse_bands(text: str) -> tuple[GradeBand, ...] | None:
    """Grade bands when the text states them, e.g. 优（90分及以上）、良（80-89分）、中（60-79分）、差（60分以下）."""
    n = norm(text)
    bands = []
    for m in re.finditer(rf"[“\"「]?({GRADE_WORDS})[”\"」]?\s*\(\s*(?:得分)?\s*(\d+(?:\.\d+)?)\s*分?\s*"
                         r"(?:\(含\)|及)?以上|[“\"「]?(" + GRADE_WORDS + r")[”\"」]?\s*\(\s*(?:得分)?\s*"
                         r"(\d+(?:\.\d+)?)\s*分?\s*(?:\(含\))?\s*[-—~～至到]", n):
        grade = m.group(1) or m.group(3)
        lower = m.group(2) or m.group(4)
        bands.append(GradeBand(GRADE_NORMAL.get(grade, grade), Decimal(lower)))
    below = re.search(rf"[“\"「]?({GRADE_WORDS})[”\"」]?\s*\(\s*(?:得分)?\s*\d+(?:\.\d+)?\s*分?\s*以下", n)
    if len(bands) >= 2 and below:
        bands.append(GradeBand(GRADE_NORMAL.get(below.group(1), below.group(1)), ZERO))
        grades = [b.grade for b in bands]
        if len(set(grades)) == len(grades):
            return tuple(sorted(bands, key=lambda b: b.lower, reverse=True))
    return None
