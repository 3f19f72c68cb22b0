"""Exports of an evaluation: a results workbook (xlsx), a deck (pptx) and a self-contained HTML report.

Each exporter is a function ``Evaluation -> bytes`` with no I/O of its own; the command line and the app's
download buttons write or serve the bytes.
"""
