"""What a figure in running text is: its role (issue 24, seventh pass; docs/reporttext.md,
"Seventh pass: roles in prose").

The parser reads an amount, a percentage or a score from a sentence by the words of its own
clause (the text between the last ，；：。 and the figure; :mod:`.numbers_found`). This module
holds the words that say a figure is **not** one of the year's figures of the evaluated unit,
whatever other role word the clause has, and what a clause is:

* **the clause** (``role_clause``): an amount's role is the nearest role word before it in
  its clause, the text since the last ，；。 (a label's colon, 预算资金：300万元, and an
  enumeration's 、 do not end it); a clause without a role word gives the amount none, whatever
  an earlier clause of the sentence says (“为加强预算管理，项目资金300万元”: no budget).

* **another year, or a plan** (``ANOTHER_YEAR``): 上年 / 上年度 / 去年 / 以前年度 (the year
  before's figure), 拟 / 预计 / 下年度 / 明年 (a plan): “上年预算300万元”,
  “2023年拟安排资金500万元”, “上年度评价得分88分”; 计划支出 / 计划使用 (spending planned, not
  spent). (计划安排资金 is the budget by the corpus's rule, as 田家庵's and the fifth batch's
  notes say, so 计划 alone is not here.)
* **a figure of part of the year** (``before_year_end``): spending or an execution rate as of
  a date before the year's end (截至6月底, 截至2022年9月30日 in a 2022 report, 上半年,
  前三季度) is not the year's: “截至6月底，预算执行进度为45%”.
* **a target or a scoring rule's condition** (``GOAL``, ``RULE_AFTER``): a rate or score whose
  clause says it is aimed at (确保, 力争, 争取, 目标, 要求, 不低于 … anywhere in the clause, not
  only right before it: “确保资金执行率达到100%”), or that a rule's consequence follows
  (执行率100%的得10分, 90%以上的扣1分; not 执行率98%扣0.2分, a result and its deduction).
* **money passed down written as a budget** (``DOWN_AS_BUDGET``): a 下达 amount is money
  received or passed on, not a budget, unless the text writes it as one (the corpus's rule):
  下达…预算 in its sentence (a cited 下达…预算的通知 before “下达…资金921.25万元”, 预算下达), or
  the sentence's executed amount over it is the rate it states **as a 预算执行率** (the rate
  names the budget as its denominator); a rate said as 执行率 or 支付完成率 alone confirms no
  下达 amount as a budget (it still confirms an amount of no stated role: 项目资金300万元).
* **the most a scoring rule gives** (``WEIGHTS``): 总分 / 满分 为 100分 in a sentence that sets
  out weights (其中, 分值, 权重, 百分制, 设置, 构成 …): “评价总分为100分，其中决策20分” is the
  maximum, not a score (as 总分100分 already was).
* **a band of a scoring rule** (``BAND``): a score that opens or closes a band (90分以上,
  60分以下, 90分(含), 80-89分) and a grade its clause defines by such a band
  (“90-100分为优秀等级”, “评分结果90分（含）以上为“优””) are the rule, not a result.
* **an item's score** (``item_score``): a score said only as 得分 / 评分 (no 自评, 综合, 最终, 总…,
  no unit named) right after another figure of its sentence whose clause names an indicator, a
  weight or a percentage (“项目决策指标分值20分，得分18分”, “资金到位率100%，得分5分”) is that
  item's score, not the evaluation's.

Money's other roles (下达 / 到位 / 拨付 received, 涉及 scope, 总投资 investment, 结余 / 上年 /
配套 other, 其中 components, 每人 / 每年 standards) are in :data:`.numbers_found._KIND_WORDS`
and its callers; the execution rate's words (执行率 / 支付率 / 支出率 / 使用率) in
:data:`.numbers_found._EXEC_RATE`; a score is read only after 得分 / 评分 / 总分.
"""
from __future__ import annotations

import re

ANOTHER_YEAR = re.compile(r"上一?年度?|去年|前一年|以前年度|往年|上期|(?<![模虚])拟(?!定|订|写|稿)|预计|预期|"
                          r"下一?年度|明年|来年|计划(?:支出|使用|执行|支付|完成支出)")



def role_clause(window: str) -> str:
    """The clause a figure's role is read from: ``window`` (the text before the figure since the figure
    before it) from its last ，；。 on."""
    return re.split(r"[，,；;。！？!?]", window)[-1]


# after a score's 分: (含) / 及以上 / 以下 / 之间, the score opens or closes a band of a scoring rule
SCORE_BAND_AFTER = re.compile(r"\s*(?:\(含\))?\s*(?:及|或)?\s*(?:以上|以下|之间)")
# before a score: the start of a range (80-89分), the score closes a band
SCORE_RANGE_BEFORE = re.compile(r"\d\s*分?\s*(?:\(含\))?\s*[-—~～至到]\s*$")
# a clause that defines a grade by a band: 90-100分为优, 90分(含)以上为“优”, 低于60分为差
BAND = re.compile(r"\d\s*分?\s*(?:\(含\))?\s*(?:及|或)?\s*(?:以上|以下|之间)|"
                  r"\d\s*分?\s*(?:\(含\))?\s*[-—~～至到]\s*\d+(?:\.\d+)?\s*分|"
                  r"(?:低于|不足|不低于|不少于|高于|超过|大于|小于|≥|≤|>|<)\s*\d+(?:\.\d+)?\s*分")

# an indicator, a weight: the figure before a bare 得分 is an item's, and so is the score
ITEM = re.compile(r"指标|分值|权重|满分|扣分|一级|二级|三级")
# a score said as the evaluation's: 自评得分, 综合评分, 总分, 最终得分 …
VERDICT_SCORE = re.compile(r"(?:自评|评价|综合|最终|绩效|考核|考评|总)(?:得分|评分|分)|总分|评分结果|(?:得分)?合计")


def item_score(clause: str, previous: str | None, rest: str = "") -> bool:
    """A score whose clause says only 得分 / 评分, right after a figure whose clause (``previous``, up to this
    score) names an indicator or a weight or holds a percentage: that item's score; unless the rest of its sentence
    (``rest``) states a grade (…，得分95分，等级为优: a verdict)."""
    if previous is None or VERDICT_SCORE.search(clause) or re.search(r"等级|等次|评为|评定为", rest):
        return False
    return bool(ITEM.search(previous) or "%" in previous)


_AS_OF = re.compile(r"截至\s*(?:(?P<y>20\d{2})\s*年\s*)?(?P<m>\d{1,2})\s*月|"
                    r"(?P<part>上半年|前三季度|一季度|二季度|三季度)")


def before_year_end(before: str, year: int | None) -> bool:
    """The sentence before a figure (``before``) last dates it before the end of the report's year (or of the year
    its date names when the report names none): spending or a rate as of then is not the year's."""
    dates = list(_AS_OF.finditer(before))
    if not dates:
        return False
    last = dates[-1]
    if last.group("part"):
        return True
    written = int(last.group("y")) if last.group("y") else None
    if written is not None and year is not None and written != year:
        return False  # a date in another year (截至2023年3月 in a 2022 report): cumulative, not part of the year
    return int(last.group("m")) < 12


# a rate or score aimed at, anywhere in its clause (确保资金执行率达到100%), not a result
# (not 绩效目标 / 目标完成 / 目标自评: the goals' evaluation, 项目绩效目标自评得分95分)
GOAL = re.compile(r"确保|力争|争取|(?<!绩效)目标(?!完成|自评|实现|评价)|预期|要求|不低于|不少于|不高于|不超过|"
                  r"须达到|应达到|需达到|计划达到")
# after a percentage or a score: a scoring rule's consequence (…的得10分, 以上的扣2分); not 98%扣0.2分, a result
RULE_AFTER = re.compile(r"\s*(?:及以上|及以下|以上|以下)?的\s*(?:得|扣|加|减)")

# money passed down written as a budget: 下达…预算 (a 下达…预算的通知 cited, 下达预算资金) or 预算下达 in the sentence
DOWN_AS_BUDGET = re.compile(r"下达[^。；;，,]{0,40}预算|预算[^。；;，,]{0,4}下达")

# a sentence setting out a scoring rule's weights: 总分为100分 in it is the maximum
WEIGHTS = re.compile(r"其中|分值|权重|百分制|设置|设定|构成|组成|满分|分别为|指标")
