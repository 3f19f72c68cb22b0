"""A synthetic published results table of many units (单位名称 预算数 执行数 执行率 得分 等级, one row a unit), for
the tests of how the report-import review reads at scale. Built by code: no text of the corpus is used."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DISTRICTS = ["芙蓉区", "天心区", "岳麓区", "开福区", "雨花区", "望城区", "长沙县", "浏阳市", "宁乡市", "湘江新区"]
OFFICES = ("教育局 卫生健康局 民政局 人力资源和社会保障局 自然资源局 生态环境局 住房和城乡建设局 交通运输局 水利局 "
           "农业农村局 商务局 文化旅游广电体育局 应急管理局 审计局 市场监督管理局 统计局 医疗保障局 城市管理局 司法局 "
           "科学技术局 工业和信息化局 退役军人事务局 林业局 体育局 档案馆 机关事务管理局 数据资源管理局 信访局 "
           "公安分局 住房保障服务中心").split()
TITLE = "2023年度长沙市区县部门预算项目绩效评价结果"
CENT = Decimal("0.01")


def grade(score: Decimal) -> str:
    return "优" if score >= 90 else "良" if score >= 80 else "中" if score >= 60 else "差"


def results_table(n: int = 300, doubtful: int = 0) -> str:
    """``n`` units, each with its budget, executed, rate, score and grade; the first ``doubtful`` rows state a rate
    0.01 off what the amounts give (a doubt the review marks ⚠)."""
    lines = [TITLE, "", "一、评价结果", "", "单位名称 预算数（万元） 执行数（万元） 执行率 得分 等级"]
    names = [d + o for d in DISTRICTS for o in OFFICES]
    for i, name in enumerate(names[:n]):
        budget = Decimal(1000 + 37 * i).quantize(CENT)
        executed = (budget * Decimal(80 + i % 20) / 100).quantize(CENT)
        rate = (executed / budget * 100).quantize(CENT, ROUND_HALF_UP) + (CENT if i < doubtful else 0)
        score = Decimal(62 + (i * 7) % 37) + Decimal("0.25")
        lines.append(f"{name} {budget} {executed} {rate}% {score} {grade(score)}")
    lines += ["", "二、存在的问题", "", "（一）预算执行进度不均衡。部分单位年底集中支出。", "", "三、建议", "",
              "（一）加强预算执行监控。", ""]
    return "\n".join(lines)
