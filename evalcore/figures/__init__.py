"""Pure Plotly figures and the visual theme, shared by the dashboard (``components``) and the exports.

``theme`` holds the colours, the CJK font stack and the Plotly template (registered by ``theme.register()``, never
as an import side effect); ``charts`` builds figures from evalcore's DataFrames. No Streamlit here.
"""
