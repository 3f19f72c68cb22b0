"""Streamlit and Plotly building blocks of EvalBoard. Chart builders (``charts``) are pure: DataFrame -> Figure."""
