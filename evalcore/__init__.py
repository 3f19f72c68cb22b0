"""evalcore: the domain library of EvalBoard (绩效评价看板). Pure Python: no Streamlit anywhere in it."""
from .model import Evaluation
from .workbook import ReadResult, read_workbook, write_workbook

__all__ = ["Evaluation", "ReadResult", "read_workbook", "write_workbook"]
