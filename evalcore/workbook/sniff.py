"""What an uploaded file is: its bytes loaded within :data:`~.spec.MAX_FILE_BYTES`, and anything that is not a zip
(an .xls, a Word or PDF file, CSV, HTML, an image, an encrypted workbook…) refused with a Chinese message naming it.
"""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from .raw import SAVE_AS, WorkbookError, mb
from .spec import MAX_FILE_BYTES

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def load_bytes(source: str | Path | bytes | BinaryIO) -> bytes:
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            if not path.is_file():
                raise WorkbookError(f"找不到文件“{path.name}”，请检查文件名和路径后重试")
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise _too_big(size)
            return path.read_bytes()
        except OSError as exc:
            raise WorkbookError(f"无法打开文件“{path.name}”（{exc.strerror or type(exc).__name__}），"
                                "请检查文件是否存在、是否有读取权限") from exc
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        try:
            data = source.read(MAX_FILE_BYTES + 1)
        except Exception as exc:  # any stream: a Streamlit upload, an open file, a socket
            raise WorkbookError("无法读取上传的文件，请重新上传") from exc
        if isinstance(data, str):
            raise WorkbookError("文件是以文本方式打开的，无法作为 Excel 工作簿读取；请以二进制方式打开 .xlsx 文件")
        data = bytes(data or b"")
    if len(data) > MAX_FILE_BYTES:
        raise _too_big(len(data))
    return data


def _too_big(size: int) -> WorkbookError:
    return WorkbookError(f"文件过大（{mb(size)}，上限 {mb(MAX_FILE_BYTES)}）。正常的评价工作簿只有几 MB；"
                         "请删除图片、多余的工作表和空行后另存为 .xlsx 再上传", value=mb(size))


def _as_text(head: bytes) -> str | None:
    """The start of the file as text if it looks like text (UTF-8, UTF-16 with BOM, or GB18030), else None."""
    candidates: list[str] = []
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            candidates.append(head[: len(head) // 2 * 2].decode("utf-16"))
        except UnicodeDecodeError:
            pass
    for cut in range(4):
        try:
            candidates.append(head[: len(head) - cut].decode("utf-8-sig"))
            break
        except UnicodeDecodeError:
            continue
    if not candidates:
        for cut in range(4):
            try:
                candidates.append(head[: len(head) - cut].decode("gb18030"))
                break
            except UnicodeDecodeError:
                continue
    for text in candidates:
        if text and not any(ord(ch) < 32 and ch not in "\t\r\n\f" for ch in text):
            return text
    return None


def sniff(data: bytes) -> None:
    """Raise a WorkbookError naming what the file is, unless it starts like a zip (an .xlsx is a zip)."""
    if not data:
        raise WorkbookError("文件是空的（0 字节）。请下载模板填写后另存为 .xlsx，再上传")
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return
    head = data[:4096]
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise WorkbookError("文件设置了打开密码（已加密），无法读取。请在 Excel 中取消密码"
                                "（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码），另存为 .xlsx 后再上传")
        if "WordDocument".encode("utf-16-le") in data:
            raise WorkbookError("这是 Word 文档（.doc），不是 Excel 工作簿。请上传按模板填写的 Excel 工作簿（.xlsx）")
        if "PowerPoint Document".encode("utf-16-le") in data:
            raise WorkbookError("这是 PowerPoint 演示文稿（.ppt），不是 Excel 工作簿。请上传按模板填写的 .xlsx 文件")
        raise WorkbookError(f"这是旧版 Excel 97-2003 工作簿（.xls），不能直接读取。{SAVE_AS}")
    if head.startswith(b"%PDF"):
        raise WorkbookError("这是 PDF 文件，不是 Excel 工作簿。请上传按模板填写的 Excel 工作簿（.xlsx）")
    if head.startswith(b"{\\rtf"):
        raise WorkbookError("这是 RTF 文档，不是 Excel 工作簿。请上传按模板填写的 Excel 工作簿（.xlsx）")
    if head[:2] == b"\x1f\x8b" or head.startswith((b"Rar!", b"7z\xbc\xaf\x27\x1c", b"BZh")):
        raise WorkbookError("这是压缩包（gzip、RAR、7z 等），不是 Excel 工作簿。请先解压，再上传其中的 .xlsx 文件")
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")):
        raise WorkbookError("这是图片文件，不是 Excel 工作簿。请上传按模板填写的 Excel 工作簿（.xlsx）")
    text = _as_text(head)
    if text is not None:
        low = text.lstrip("\ufeff \t\r\n").lower()
        if low.startswith("<"):
            if "urn:schemas-microsoft-com:office:spreadsheet" in low or "excel.sheet" in low:
                raise WorkbookError(f"这是 Excel 2003 XML 表格，不是 .xlsx 工作簿。{SAVE_AS}")
            if any(tag in low for tag in ("<html", "<!doctype html", "<table", "<meta", "<body", "<head")):
                raise WorkbookError("这是网页（HTML）文件，不是 Excel 工作簿；有些系统导出的“.xls”其实是网页。"
                                    f"{SAVE_AS}")
            raise WorkbookError("这是 XML 文本文件，不是 Excel 工作簿（.xlsx）。请下载模板填写后另存为 .xlsx 再上传")
        if any(sep in text for sep in (",", "\t", "，", ";")):
            raise WorkbookError("这是 CSV 文本文件（用逗号或制表符分隔的文字），不是 Excel 工作簿。"
                                "请用模板：把数据粘贴到模板对应的工作表中，另存为 .xlsx 后再上传")
        raise WorkbookError("这是纯文本文件，不是 Excel 工作簿。请下载模板填写后另存为 .xlsx 再上传")
    raise WorkbookError("无法识别的文件格式：既不是 Excel 工作簿（.xlsx），也不是常见的文本或办公文档。"
                        "请确认上传的是按模板填写、另存为 .xlsx 的文件")
