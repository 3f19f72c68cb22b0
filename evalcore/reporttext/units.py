"""Units named in a report: 全称（以下简称“简称”）, organisations named as the subject of a figure."""
from __future__ import annotations

import re

from .text import CJK

# --- units ------------------------------------------------------------------------------------------------

ORG_SUFFIX = (r"(?:管理委员会|委员会|管委会|总工会|工会|联合会|红十字会|协会|办公室|事务中心|服务中心|中心|"
              r"有限责任公司|有限公司|股份公司|公司|集团|"
              r"局|委|办|厅|院|所|站|队|馆|署|学校|医院|大学|学院|街道办事处|街道|政府)")
ORG_AT_START = re.compile(
    rf"^(?:其中\s*[:：,，]?\s*)?(?:20\d{{2}}\s*年度?\s*[,，]?\s*)?(?:全年|本年度?|该年度?)?\s*(?:由\s*)?"
    rf"(?P<org>(?![度年月日号我本该此其])[{CJK}]{{2,25}}?{ORG_SUFFIX})(?![有属以需得部理校长内外里间区法城规事])"
    rf"(?!{ORG_SUFFIX})")  # “襄阳市中心医院”: not “襄阳市中心” followed by 医院
ORG_BAD = re.compile(r"项目|资金|预算|执行|支出|支付|金额|总额|合计|其中|年度|全年|实际|共计|"
                      r"为|的|了|在|是|对|按|将|已|未|"
                      r"及时|评价|得分|等次|单位|部门|各|本级|经费|工作组|财政局|财政厅|财政部|事务所|根据|依据|通过|截至|截止|"
                      r"经过|关于|以及|下达|安排|批复|拨付|咨询|评估|会计|"
                      r"申报|申请|争取|编报|报送|围绕|完善|推进|开展|落实|支持|补助|保障|下设|设有|内设|共设|另设|包括|"
                      r"负责|指导|协调|督促|配合|联系|组织|成立|委托|聘请|抽取|选取|涉及|承办|交办|参与|牵头|"
                      r"(?<![资成基日根版样标])(?:我|本|该|此|其|贵)(?:们)?(?:局|单位|部门|中心|委|办|院|所|站|队|馆|公司|集团)$|"
                      r"^(?:我|本|该|此|其|贵)(?:们)?(?:局|单位|部门|中心|委|办|院|所|站|队|馆|公司|集团)|"
                      r"我(?:区|县|市|省|州|旗|乡|镇)|^由|^经(?!济|信|开|贸|管|营|发)|^向(?!阳)|归还|偿还|转贷|"
                      r"(?:厕|场|住|处|寓)所$|(?:加油|公交|充电)站点?$|"
                      # a kind of school, not a school (高等职业学校, 普通全日制专科学校)
                      r"^(?:普通|全日制|高等|中等|初等|职业|专科|本科|技工|公办|民办|各类)+(?:学校|院校|学院|大学)$")
# (a name ending in a pronoun and an organisation word, “统一计入我中心”, “度我局”, is a clause about the report's own
# unit, never an organisation's name; 资本公司, 成本中心 are words, not pronouns; a place or a facility ending in 所 /
# 站, 农村厕所, 公共场所, 充电站, is what a project builds, not who spends)
NOT_A_UNIT = re.compile(r"财政局|财政厅|财政部|事务所|评价工作组|评价组|评价小组|评估中心|咨询|评估有限|"
                         r"评价机构|第三方")
EVALUATOR_CONTEXT = re.compile(r"委托|聘请|第三方|中介|评价机构|评估机构")
ALIAS = re.compile(
    r"\(\s*(?:以下|下文|下同|以下统)?\s*(?:简称|称)\s*(?:为)?\s*[:：]?\s*[“\"「『‘']?"
    rf"(?P<key>[{CJK}A-Za-z0-9]{{2,20}}?)[”\"」』’']?\s*\)")
ROLE_UNIT = re.compile(
    rf"(?:项目)?(?:实施|主管|建设|责任|预算|承担|承办|被评价)(?:单位|部门|主体)(?:为|是|:|：)\s*"
    rf"(?P<org>[{CJK}]{{2,30}}?{ORG_SUFFIX})(?=[，,。；;、\s(]|$)")


def region_variants(region: str) -> set[str]:
    if not region:
        return set()
    out = {region}
    if len(region) > 2 and region[-1] in "省市县区州":
        out.add(region[:-1])
    return out


class Units:
    def __init__(self) -> None:
        self.keys: list[str] = []
        self.names: dict[str, str] = {}  # key -> full name
        self.lookup: dict[str, str] = {}  # any written form -> key
        self.region: set[str] = set()
        self.expected = ""  # the unit the report states it is about (its title, 部门名称…): a shorter form is it
        self._re: re.Pattern[str] | None = None

    def _add_form(self, form: str, key: str) -> None:
        if form and form not in self.lookup:
            self.lookup[form] = key
            self._re = None

    def define(self, key: str, name: str = "") -> str:
        key = key.strip()
        if key in self.lookup and self.lookup[key] != key:
            key = self.lookup[key]
        if key not in self.keys:
            self.keys.append(key)
        if name and name != key and not self.names.get(key):
            self.names[key] = name
            self._add_form(name, key)
        self._add_form(key, key)
        return key

    def match(self, org: str) -> str | None:
        """The key of a known unit written as ``org`` (also with a region prefix), else None."""
        if org in self.lookup:
            return self.lookup[org]
        for key in self.keys:
            for form in (key, self.names.get(key, "")):
                if form and org.endswith(form) and org != form:
                    prefix = org[: -len(form)]
                    if prefix in self.region or re.fullmatch(rf"[{CJK}]{{1,6}}(?:省|市|县|区|州)", prefix):
                        self._add_form(org, key)
                        if not self.names.get(key) and form == key:
                            self.names[key] = org
                        return key
                if form and form.endswith(org) and org != form and len(org) >= 3:
                    prefix = form[: -len(org)]
                    if prefix in self.region:
                        self._add_form(org, key)
                        return key
        return None

    def resolve(self, org: str) -> str:
        found = self.match(org)
        if found is not None:
            return found
        if self.expected and self.expected.endswith(org) and len(org) >= 3:  # “水利局” for the title's 长沙县水利局
            key = self.define(self.expected)
            self._add_form(org, key)
            return key
        return self.define(org)

    def mentions(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, key) of every known unit written in ``text``, longest form first, not overlapping."""
        if not self.lookup:
            return []
        if self._re is None:
            forms = sorted(self.lookup, key=len, reverse=True)
            self._re = re.compile("|".join(re.escape(f) for f in forms))
        return [(m.start(), m.end(), self.lookup[m.group(0)]) for m in self._re.finditer(text)]


ALIASES = re.compile(r"\(\s*(?:以下|下文)?\s*分别\s*(?:简称|称)\s*(?:为)?\s*[:：]?\s*"
                      r"(?P<keys>(?:[“\"「『‘'][^”\"」』’')]{2,20}"
                      r"[”\"」』’']\s*[、，,和及与]?\s*){2,})\)")


def name_list_before(text: str, end: int) -> str:
    """The list of names (A局、B中心和C公司) that ends just before a （以下分别简称…） bracket."""
    seg = text[:end]
    cut = max(seg.rfind(c) for c in "，,。；;：:（(）)“”\"「」 \n")
    seg = seg[cut + 1:]
    if "对" in seg:
        seg = seg.rsplit("对", 1)[1]
    return re.sub(r"^(?:受|由|和|与|及|以及|会同|联合|组织|委托|经|向|是|为|等)+", "", seg)


def name_before(text: str, end: int, region: set[str] | None = None) -> str:
    """The organisation name that ends at ``end`` (just before a （以下简称…） bracket)."""
    seg = text[:end]
    cut = max(seg.rfind(c) for c in "，,。；;：:、（(）)“”\"「」 \n")
    seg = seg[cut + 1:]
    if "对" in seg:
        seg = seg.rsplit("对", 1)[1]
    seg = re.sub(r"^.*?(?:涉及|包括|包含|分别是|分别为|即)", "", seg)
    for r in sorted(region or (), key=len, reverse=True):
        at = seg.find(r)
        if at > 0:  # "本次评价的张家界市文旅局": the name starts with the region
            seg = seg[at:]
            break
    seg = re.sub(r"^(?:受|由|和|与|及|以及|会同|联合|组织|委托|经|向|是|为|等)+", "", seg)
    m = re.match(rf"^.*?{ORG_SUFFIX}(?:和|与|及)(.+{ORG_SUFFIX})$", seg)
    if m:
        seg = m.group(1)
    return seg.strip()
