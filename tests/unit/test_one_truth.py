"""One truth per view (issue 28, item 8): the 已完成 count and the cumulative line come from one source (the
status on the day), so an item closed without a dated history entry is counted by both or said to be undated."""
import dataclasses
import datetime as dt

from evalcore.figures.charts import closed_over_time as closed_chart
from evalcore.rectification import closed_over_time, closed_undated, rectification_summary
from evalcore.workbook import read_workbook
from sample_data import WORKBOOK

AS_OF = dt.date(2026, 11, 28)


def test_line_and_count_agree_when_an_item_closes_without_a_date():
    ev = read_workbook(WORKBOOK).evaluation
    open_item = next(it for it in ev.rectification if it.status == "整改中")
    no_history = dataclasses.replace(open_item, status="已整改", history=())  # closed, no dated change
    ev = dataclasses.replace(ev, rectification=tuple(no_history if it is open_item else it
                                                     for it in ev.rectification))
    summary = rectification_summary(ev, AS_OF)
    line = closed_over_time(ev, AS_OF)
    undated = closed_undated(ev, AS_OF)
    assert undated == 1
    assert int(line["cumulative"].iloc[-1]) + undated == summary.closed
    fig = closed_chart(line, summary.total, undated=undated)
    assert any(f"合计已完成 {summary.closed} 项" in a.text for a in fig.layout.annotations)


def test_the_seed_has_no_undated_closing():
    ev = read_workbook(WORKBOOK).evaluation
    assert closed_undated(ev, AS_OF) == 0
    assert int(closed_over_time(ev, AS_OF)["cumulative"].iloc[-1]) == rectification_summary(ev, AS_OF).closed
