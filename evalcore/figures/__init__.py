"""Pure Plotly figures and their visual style, shared by the dashboard (``components``) and the exports.

``style`` holds the colours, the CJK font stack and the Plotly template (registered by ``style.register()``, never
as an import side effect); ``charts`` builds figures from evalcore's DataFrames. No Streamlit here.
"""
