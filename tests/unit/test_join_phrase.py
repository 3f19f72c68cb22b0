"""The doubled "资金资金总额" fixed at its root (issue 28, item 3): a generated sentence joins a field and fixed words
without saying the shared words twice."""
import dataclasses
import datetime as dt

from evalcore.export.slides import slide_plan
from evalcore.reporttext.write import write_markdown
from evalcore.textutil import join_phrase
from evalcore.workbook import read_workbook
from sample_data import WORKBOOK


def test_join_phrase():
    assert join_phrase("2023年产业发展专项资金", "资金总额为100万元") == "2023年产业发展专项资金总额为100万元"
    assert join_phrase("2023年信息化建设和运维项目", "资金总额为1万元") == "2023年信息化建设和运维项目资金总额为1万元"
    assert join_phrase("", "资金总额") == "资金总额"
    assert join_phrase("资", "资金", min_overlap=2) == "资资金"  # one shared character is not a repeated word


def test_no_doubled_words_when_the_project_ends_in_funds():
    ev = read_workbook(WORKBOOK).evaluation
    ev = dataclasses.replace(ev, meta=dataclasses.replace(ev.meta, project="产业发展专项资金"))
    text = "\n".join(s for slide in slide_plan(ev, dt.date(2024, 6, 30)) for s in slide.sentences)
    text += write_markdown(ev)
    assert "资金资金" not in text
    assert "2023年产业发展专项资金总额为14331.38万元" in text
