"""components.theme: one registered default template, merged once (not for every figure)."""
import plotly.graph_objects as go
import plotly.io as pio

from components import theme


def test_the_default_template_is_merged_once_and_unchanged_in_effect():
    theme.register()
    assert "+" not in pio.templates.default  # "a+b" would be merged again for every figure
    expected = pio.templates.merge_templates(pio.templates["plotly_white"], pio.templates[theme.TEMPLATE_NAME])
    assert go.Figure().layout.template == expected
    assert theme.FONT_FAMILY.split(",")[0].strip("'\" ") in str(go.Figure().layout.template.layout.font.family)
