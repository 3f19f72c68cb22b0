"""The 演示 page's slide renderer (components.slides.render) draws every chart kind of the registry: every slide of
the seed's plan and of a 40-unit evaluation's plan (rankings and distributions) rendered in a Streamlit script."""
from streamlit.testing.v1 import AppTest

from evalcore.export import chart_kinds


def _script():
    import datetime as dt

    import streamlit as st

    from components import slides
    from evalcore.export.slides import slide_plan
    from evalcore.figures import style
    from evalcore.workbook import read_workbook
    from sample_data import WORKBOOK
    from sample_data.synth import synthetic_evaluation

    style.register()
    seed = read_workbook(WORKBOOK).evaluation
    big = synthetic_evaluation(units=40, projects_per_unit=1, indicators=8, experts=1, problems=60, seed=3)
    drawn = []
    for n, ev in enumerate((seed, big)):
        for i, slide in enumerate(slide_plan(ev, dt.date(2026, 11, 28))):
            slides.render(slide, ev, key=f"s{n}_{i}")
            drawn.extend(c.kind for c in slide.charts)
    st.session_state["drawn"] = drawn


def test_the_present_renderer_draws_every_kind():
    at = AppTest.from_function(_script, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    drawn = at.session_state["drawn"]
    assert set(drawn) == set(chart_kinds.KINDS)
    assert len(at.get("plotly_chart")) == len(drawn)  # one Plotly chart per chart of the plans
    alts = [e.proto.body for e in at.get("html") if "图表说明" in e.proto.body]
    assert len(alts) == len(drawn)  # each with its registered text alternative (components.a11y)
    assert any("图表说明：预算与实际执行（万元）：2 个单位的预算与实际执行；预算最大为市数据中心" in a for a in alts)
