"""Opening an uploaded file safely: :func:`read_raw`, the raw read of the spec's sheets once the file has passed
every check. The checks live beside it, one concern a module:

- :mod:`.sniff`    what the file is (not an .xls, a PDF, CSV, HTML…), within the size limit
- :mod:`.zipread`  the zip read within bounds: entries, ratios, inflating a part, structural XML, the sheet list
- :mod:`.scan`     every part scanned (DOCTYPE, sheet extents, error cells, formulas); parts not needed refused
- :mod:`.raw`      what they share: :class:`WorkbookError`, :class:`SheetInfo`, :class:`RawWorkbook`

An uploaded file is checked before python-calamine sees it, so a broken or hostile file gives a Chinese message
instead of an exception, a hang, a process abort or an exhausted memory. python-calamine allocates rows x columns
for a sheet and reserves what a shared-strings table declares, so a single value in cell XFD1048576, or a declared
count of 4 billion strings, would abort the process: the extent of every sheet and the declared count are checked
first. The scan also records what calamine does not report: hidden sheets, merged ranges, error values (#N/A,
#DIV/0!, ...), formulas and formulas without a saved result.

Every part of the zip is inflated, chunk by chunk (:func:`.zipread.inflate_part`), whatever it is (a sheet, an image,
a binary part): its real size is counted while inflating and never trusted from the zip's headers, and inflating
stops as soon as the part outgrows what its header declares or the whole file outgrows
:data:`~.spec.MAX_UNCOMPRESSED_BYTES`.

The uploaded file is stored as it is and offered for download again, so a file with parts that an evaluation does
not need and that could act when the file is opened (:func:`.scan.check_parts`: images and other media, external
links and data connections, VBA projects under any name, ActiveX controls, embedded or linked objects, defined names
with formulas or external references) is refused with a message naming what was found; formulas in any cell of
any sheet are refused by :mod:`.sheets`. What is stored is therefore always a workbook of plain values.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any, BinaryIO

from .cells import norm_text
from .raw import Raw, RawWorkbook, SheetInfo, WorkbookError
from .scan import check_parts, scan_parts
from .sniff import load_bytes, sniff
from .spec import MAX_BOOK_CELLS, MAX_MERGED, MAX_SHEET_CELLS, SPEC_NAMES
from .zipread import open_zip, sheets_of

__all__ = ["Raw", "RawWorkbook", "SheetInfo", "WorkbookError", "read_raw"]


def sheet_spec_name(name: str) -> str | None:
    """The spec sheet a sheet of the file is read as: its exact name, or its name without stray spaces."""
    if name in SPEC_NAMES:
        return name
    squeezed = norm_text(name)
    return squeezed if squeezed in SPEC_NAMES else None


def read_raw(source: str | Path | bytes | BinaryIO) -> RawWorkbook:
    """The cells of the spec's sheets (python-calamine), row 0 = Excel row 1, after the file has been checked:
    its size, that it is an .xlsx (not .xls, CSV, HTML, a macro workbook, ...), the unzipped size and the
    compression ratios (zip bombs), no DOCTYPE/ENTITY in any XML part (billion laughs), and each sheet's extent.

    Raises only :class:`WorkbookError` (a ``ValueError``) with a Chinese message saying what to do.
    """
    try:
        return _read_raw(source)
    except WorkbookError:
        raise
    except MemoryError as exc:
        raise WorkbookError("文件内容过多，超出可读取的范围。请删除多余的行、列和工作表后另存为 .xlsx 再上传") from exc
    except Exception as exc:  # calamine and zipfile raise several types for a damaged file
        raise WorkbookError(f"无法读取该文件：不是有效的 Excel 工作簿（.xlsx），或文件已损坏（{type(exc).__name__}）。"
                            "请在 Excel 中打开后另存为 .xlsx 再上传") from exc


def _read_raw(source: str | Path | bytes | BinaryIO) -> RawWorkbook:
    import python_calamine

    data = load_bytes(source)
    sniff(data)
    zf = open_zip(data)
    sheets = sheets_of(zf)
    check_parts(zf)
    scan_parts(zf, sheets)
    chosen: dict[str, SheetInfo] = {}
    for s in sheets:
        spec_name = sheet_spec_name(s.name)
        if spec_name and (spec_name not in chosen or s.name == spec_name):
            chosen[spec_name] = s
    cells = 0
    for spec_name, s in chosen.items():
        if s.kind != "worksheet":
            raise WorkbookError(f"“{s.name}”是图表或其他类型的工作表，不是数据表。请按模板使用普通工作表",
                                sheet=s.name)
        if not s.part:  # not found, so not checked: python-calamine must not read it unchecked
            raise WorkbookError(f"文件中找不到工作表“{s.name}”的内容，文件已损坏。"
                                "请用 Excel 重新保存为 .xlsx 后再上传", sheet=s.name)
        area = s.height * s.width
        cells += area
        if area > MAX_SHEET_CELLS:
            raise WorkbookError(f"工作表“{s.name}”的使用区域过大（约 {s.height:,} 行 × {s.width:,} 列），"
                                f"超出可读取的范围（{MAX_SHEET_CELLS:,} 个单元格）。通常是远处的行或列误填了内容；"
                                "请删除数据区以外的行和列后另存为 .xlsx 再上传", sheet=s.name,
                                value=f"{s.height}×{s.width}")
        s.read_as = spec_name
    if cells > MAX_BOOK_CELLS:
        raise WorkbookError(f"各工作表的使用区域合计约 {cells:,} 个单元格，超出可读取的范围（{MAX_BOOK_CELLS:,}）。"
                            "请删除数据区以外的行和列，或把数据拆分到多个评价后再上传")
    wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows: dict[str, list[list[Any]]] = {}
    for spec_name, s in chosen.items():
        try:
            sheet = wb.get_sheet_by_name(s.name)
            rows[spec_name] = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges or []
        except Exception as exc:
            raise WorkbookError(f"无法读取工作表“{s.name}”的内容（{type(exc).__name__}），文件可能已损坏。"
                                "请用 Excel 重新保存为 .xlsx 后再上传", sheet=s.name) from exc
        if len(merged) > MAX_MERGED:
            raise WorkbookError(f"工作表“{s.name}”有 {len(merged):,} 个合并单元格（上限 {MAX_MERGED:,}），"
                                "无法逐行读取。请全选该工作表并取消合并单元格，在每一行填写完整后再上传",
                                sheet=s.name, value=f"{len(merged):,}")
        s.merged = tuple((a[0], a[1], b[0], b[1]) for a, b in merged)
    return RawWorkbook(rows, {s.name: s for s in sheets})
