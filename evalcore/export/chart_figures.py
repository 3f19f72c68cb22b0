"""The Plotly figure of each slide chart kind (the 演示 page and the HTML report), registered in
:data:`.chart_kinds.KINDS`; :func:`figure` is the entry point. The builders are the dashboard pages' own
(``evalcore.figures.charts`` and ``findings_scale``), so a slide shows what the pages show."""
from __future__ import annotations

import plotly.graph_objects as go

from ..figures import charts, findings_scale, style
from .chart_kinds import KINDS, Chart, alt_text, renderer


def _height(height: int | None) -> dict[str, int]:
    return {"height": height} if height else {}


def budget(chart: Chart, height: int | None) -> go.Figure:
    return charts.budget_vs_executed(chart.data, height=height)


def rates(chart: Chart, height: int | None) -> go.Figure:
    return charts.execution_rates(chart.data, chart.options.get("target"), **_height(height))


def dimensions(chart: Chart, height: int | None) -> go.Figure:
    return charts.dimension_radar(chart.data, **_height(height))


def problem_categories(chart: Chart, height: int | None) -> go.Figure:
    return findings_scale.category_counts(chart.data, chart.options.get("unit", "项"), color=style.PRIMARY,
                                          height=height)


def recommendation_categories(chart: Chart, height: int | None) -> go.Figure:
    return findings_scale.category_counts(chart.data, chart.options.get("unit", "条"), color=style.PRIMARY,
                                          height=height)


def status(chart: Chart, height: int | None) -> go.Figure:
    by_status = {s: int(n) for s, n in zip(chart.data["status"], chart.data["count"], strict=True)}
    return charts.status_donut(by_status, chart.options.get("rate_label", ""), **_height(height))


def closed(chart: Chart, height: int | None) -> go.Figure:
    return charts.closed_over_time(chart.data, int(chart.options.get("total", 0)), **_height(height))


def distribution(chart: Chart, height: int | None) -> go.Figure:
    return findings_scale.distribution_bars(chart.data, chart.options.get("unit", "个"), height=height,
                                            grades=bool(chart.options.get("grades")))


def ranking(chart: Chart, height: int | None) -> go.Figure:
    return findings_scale.ranking_bars(chart.data, chart.options.get("format", "score"), chart.options.get("target"),
                                       height=height)


def figure(chart: Chart, height: int | None = None, font_size: int | None = None) -> go.Figure:
    """The Plotly figure of one slide chart; ``font_size`` enlarges the text for a projector. Not clickable (a slide
    is for showing), a count axis keeps legible ticks, and the figure carries the kind's text alternative
    (``layout.meta["alt"]``, escaped; ``evalcore.figures.describe.alt_text`` reads it)."""
    fig = findings_scale.fit_ticks(renderer(KINDS[chart.kind].plotly)(chart, height))
    fig.update_layout(clickmode="none", meta={"alt": charts.esc(alt_text(chart))})  # escaped like all text
    if font_size:
        fig.update_layout(font=dict(size=font_size), hoverlabel=dict(font=dict(size=font_size)))
        fig.update_traces(textfont_size=font_size, selector=dict(type="bar"))
        fig.update_traces(textfont_size=font_size, selector=dict(type="pie"))
        fig.update_polars(angularaxis_tickfont_size=font_size, radialaxis_tickfont_size=max(12, font_size - 4))
        fig.update_annotations(font_size=font_size)
    return fig


__all__ = ["budget", "closed", "dimensions", "distribution", "figure", "problem_categories", "rates", "ranking",
           "recommendation_categories", "status"]
