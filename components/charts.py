"""Chart builders for the pages: pure functions from evalcore's DataFrames to Plotly figures.

They are defined once in ``evalcore.figures.charts`` (the HTML export draws the same figures, and evalcore never
imports components); this module re-exports them so pages keep ``from components import charts``. Show a figure with
``components.layout.chart``; ``components.layout.page`` registers the Plotly template they use.
"""
from evalcore.figures.charts import (
    HOVER_LIMIT,
    HOVER_WIDTH,
    LEGEND_LIMIT,
    RADAR_WIDTH,
    budget_vs_executed,
    category_counts,
    closed_over_time,
    deductions,
    dimension_bars,
    dimension_radar,
    esc,
    execution_rates,
    hover_label,
    legend_label,
    links_overview,
    links_sankey,
    problems_sunburst,
    shorten,
    status_donut,
    status_stacked,
    unit_counts,
    wrap_label,
)

__all__ = ["HOVER_LIMIT", "HOVER_WIDTH", "LEGEND_LIMIT", "RADAR_WIDTH", "budget_vs_executed", "category_counts",
           "closed_over_time", "deductions", "dimension_bars", "dimension_radar", "esc", "execution_rates",
           "hover_label", "legend_label", "links_overview", "links_sankey", "problems_sunburst", "shorten",
           "status_donut", "status_stacked", "unit_counts", "wrap_label"]
