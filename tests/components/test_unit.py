"""components.unit.clicked_unit: the unit key of a clicked point in a st.plotly_chart selection event."""
from components.unit import clicked_unit


def test_clicked_unit_reads_the_first_points_key():
    event = {"selection": {"points": [{"customdata": ["单位0007", "合成市第7单位"]}, {"customdata": ["单位0001"]}]}}
    assert clicked_unit(event) == "单位0007"


def test_clicked_unit_treemap_key_and_empty_events():
    assert clicked_unit({"selection": {"points": [{"customdata": "单位0003"}]}}) == "单位0003"
    assert clicked_unit({"selection": {"points": [{"customdata": ""}]}}) is None  # a group tile
    assert clicked_unit({"selection": {"points": []}}) is None
    assert clicked_unit(None) is None
    assert clicked_unit({"selection": {}}) is None
