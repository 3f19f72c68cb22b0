"""单位详情: one unit of the evaluation (``?eval=ID&unit=KEY``), reached from the charts and tables of 总览 and
单位对比 or by a link."""
from components import layout, results_use, unit

ev = layout.page("单位详情")

key = unit.current_unit(ev)
if key is not None:
    unit.render(ev, key)
    results_use.unit_section(ev, key)  # 结果应用 (issue 26)
