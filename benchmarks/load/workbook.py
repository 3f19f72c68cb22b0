"""The changed workbook the evaluator of a load run publishes: the sample with one unit's spending raised."""
from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

CHANGED_UNIT = "市数据局"


def changed_workbook(version: int, directory: Path) -> tuple[Path, str]:
    """The sample workbook with 市数据局's 实际执行金额 raised (and its stated rate to match) for ``version``.

    Version 2: 2,811.47 → 2,900.00 万元 (85.29%); each later version another 88.53 万元. Edited with openpyxl,
    as a person would in Excel. Returns the file and the new rate as the overview shows it.
    """
    import openpyxl

    from sample_data import WORKBOOK

    wb = openpyxl.load_workbook(WORKBOOK)
    ws = wb["预算执行"]
    header = [c.value for c in ws[1]]
    col_unit, col_budget = header.index("单位") + 1, header.index("预算金额（万元）") + 1
    col_exec, col_rate = header.index("实际执行金额（万元）") + 1, header.index("报告执行率（%）") + 1
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, col_unit).value == CHANGED_UNIT:
            break
    else:
        raise RuntimeError(f"no {CHANGED_UNIT} row in 预算执行 of {WORKBOOK}")
    budget = Decimal(str(ws.cell(row, col_budget).value))
    executed = Decimal(str(ws.cell(row, col_exec).value)) + Decimal("88.53") * (version - 1)
    rate = (executed / budget * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    ws.cell(row, col_exec).value = float(executed)
    ws.cell(row, col_rate).value = float(rate)
    path = directory / f"长沙2023_修订第{version}版.xlsx"
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    return path, f"{rate}%"
