"""Title, year, region, project and grade bands of a report."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from ..model import GradeBand
from ..numbers import ZERO
from .figures import _GRADE_WORDS, GRADE_NORMAL
from .lines import _Line
from .text import CJK, norm

# --- meta -------------------------------------------------------------------------------------------------

_YEAR = re.compile(r"(20\d{2})\s*年")
_REGION = re.compile(rf"^(?:关于)?\s*(?:20\d{{2}}\s*年度?\s*)?(?!度)"
                     rf"(?P<r>[{CJK}]{{1,10}}?(?:自治区|自治州|省|市|县|区|州|盟|旗))")
_NOT_REGION = re.compile(r"社区|园区|景区|片区|城区|辖区|小区|山区|库区|林区|矿区|牧区|校区|"
                         r"农村|城市|城乡|本级|全市|全省|全县")
_TITLE_TAIL = re.compile(r"(?:的)?(?:绩效)?(?:评价|自评|评估|考评)(?:结果|报告|情况|结论)?"
                         r"(?:的)?(?:公示|公告|公开|报告)?$")
_EVALUATOR = re.compile(
    rf"(?P<e>[{CJK}]{{2,40}}?(?:绩效评价工作组|评价工作组|评价组|评价小组|事务所(?:有限公司)?|咨询有限公司|评估有限公司|"
    r"财政局|财政厅))\s*(?:\([^)]{0,30}\))?\s*(?:对|于|组织|成立|牵头|会同)")


_SITE_META = re.compile(r"^[-*•]?\s*(?:索引号|发布机构|发文机关|发文单位|文号|发文编号|发布日期|发文日期|"
                        r"成文日期|时效性|公开方式|公开范围|公开目录|公开责任部门|统一登记号|文件名称|生效日期|有效期|主题分类|报表编号|来源|信息来源|"
                        r"发布时间|浏览量|浏览次数|点击率|编辑|时间)\s*[:：]")


def _guess_title(intro: list[_Line], source_name: str) -> tuple[str, list[_Line]]:
    """(title, the lines it was read from). The site's metadata block (索引号, 发布机构, 发布日期…) is skipped."""
    intro = [ln for ln in intro if not _SITE_META.match(norm(ln.text))]
    for ln in intro:
        if ln.heading and ln.cells is None and ln.num is None:
            return re.sub(r"\s+", "", ln.text), [ln]
    for k, ln in enumerate(intro[:8]):
        if ln.cells is None and len(ln.text) <= 60 and not re.search(r"[，,。：:]", ln.text) and re.search(
                r"评价|报告|结果|公示|公告", ln.text):
            prev = intro[k - 1] if k else None
            if (prev is not None and prev.cells is None and prev.no >= ln.no - 2 and len(prev.text) <= 40
                    and not re.search(r"[，,。：:；;]", prev.text) and prev.num is None):
                return re.sub(r"\s+", "", prev.text + ln.text), [prev, ln]  # a title broken over two lines
            return re.sub(r"\s+", "", ln.text), [ln]
    for ln in intro[:3]:
        if ln.cells is None and len(ln.text) <= 40 and not re.search(r"[，,。]", ln.text):
            return re.sub(r"\s+", "", ln.text), [ln]
    stem = Path(source_name).stem if source_name else ""
    return stem or "未命名的绩效评价报告", []


def _title_parts(title: str) -> tuple[int | None, str, str]:
    """(year, region, project) read off a title such as 2023年度长沙市信息化建设和运维项目绩效评价结果."""
    n = norm(title)
    ym = _YEAR.search(n)
    year = int(ym.group(1)) if ym else None
    region = ""
    rm = _REGION.match(n)
    if (rm and not _NOT_REGION.search(rm.group("r")) and not re.search(r"项目|资金|预算", rm.group("r"))
            and rm.group("r")[0] not in "市省县区州"):
        region = rm.group("r")
    project = re.sub(r"^(?:关于)?\s*(?:20\d{2}\s*年度?)?\s*", "", n)
    if region and project.startswith(region):
        project = project[len(region):]
    project = re.sub(r"^\s*20\d{2}\s*年度?\s*", "", project)
    project = _TITLE_TAIL.sub("", project).strip()
    project = re.sub(r"(?:的)?(?:重点|整体)?(?:支出)?(?:重点|整体)?$", "", project).strip()
    if not re.search(r"项目|资金|工程|专项|经费|支出|计划|补助|建设", project):
        project = ""
    return year, region, project


# --- the parser -------------------------------------------------------------------------------------------


_COMMON_BIGRAMS = {"进一", "一步", "有待", "待进", "待提", "待完", "待加", "不够", "不足", "存在", "加强", "强化",
                   "进行"}


def _bigrams(text: str) -> set[str]:
    chars = re.sub(rf"[^{CJK}]", "", text)
    grams = {chars[i:i + 2] for i in range(len(chars) - 1)}
    return grams - _COMMON_BIGRAMS


def _parse_bands(text: str) -> tuple[GradeBand, ...] | None:
    """Grade bands when the text states them, e.g. 优（90分及以上）、良（80-89分）、中（60-79分）、差（60分以下）."""
    n = norm(text)
    bands = []
    for m in re.finditer(rf"[“\"「]?({_GRADE_WORDS})[”\"」]?\s*\(\s*(?:得分)?\s*(\d+(?:\.\d+)?)\s*分?\s*"
                         r"(?:\(含\)|及)?以上|[“\"「]?(" + _GRADE_WORDS + r")[”\"」]?\s*\(\s*(?:得分)?\s*"
                         r"(\d+(?:\.\d+)?)\s*分?\s*(?:\(含\))?\s*[-—~～至到]", n):
        grade = m.group(1) or m.group(3)
        lower = m.group(2) or m.group(4)
        bands.append(GradeBand(GRADE_NORMAL.get(grade, grade), Decimal(lower)))
    below = re.search(rf"[“\"「]?({_GRADE_WORDS})[”\"」]?\s*\(\s*(?:得分)?\s*\d+(?:\.\d+)?\s*分?\s*以下", n)
    if len(bands) >= 2 and below:
        bands.append(GradeBand(GRADE_NORMAL.get(below.group(1), below.group(1)), ZERO))
        grades = [b.grade for b in bands]
        if len(set(grades)) == len(grades):
            return tuple(sorted(bands, key=lambda b: b.lower, reverse=True))
    return None
