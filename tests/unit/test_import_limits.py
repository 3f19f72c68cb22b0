"""Imports read only what they should (issue 27): a link out of the folder given is never followed (and the
refusal names it), a file's size is checked before it is read (a 3 GB sparse file costs no disk and is never
read), and a .docx is inflated through the bounded inflater (a small file whose document.xml inflates to 20 MB
is refused with a Chinese message instead of being parsed for minutes)."""
from __future__ import annotations

import dataclasses
import io
import json
import os
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import badfiles
import pytest

from evalcore.auth import Actor
from evalcore.importer import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_FILES,
    MAX_IMPORT_TOTAL_BYTES,
    REFUSED,
    batch_refusal,
    collect,
    import_bytes,
    import_file,
)
from evalcore.reporttext import parse_to_workbook, write_docx
from evalcore.reporttext.source import DOCX_MAX_XML_PART
from evalcore.workbook import read_workbook, workbook_bytes

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE = REPO_ROOT / "sample_data" / "changsha_2023.xlsx"
GROUP = Actor("评价组", "evaluator")
GIB3 = 3 * 1024 ** 3


@pytest.fixture
def cli(tmp_path: Path, run_cli: Callable[..., Any]) -> Callable[..., Any]:
    return lambda *args: run_cli(*args, db=tmp_path / "store.db")


def _workbook(title: str) -> bytes:
    ev = read_workbook(SAMPLE.read_bytes()).evaluation
    return workbook_bytes(dataclasses.replace(ev, meta=dataclasses.replace(ev.meta, title=title)))


def _titles(cli: Callable[..., Any]) -> set[str]:
    proc = cli("list", "--json")
    assert proc.returncode == 0, proc.stderr
    return {r["title"] for r in json.loads(proc.stdout)}


def test_links_out_of_the_folder_are_never_followed(cli, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "nested").mkdir(parents=True)
    (outside / "secret.xlsx").write_bytes(_workbook("外面的文件"))
    (outside / "nested" / "deep.xlsx").write_bytes(_workbook("外面的文件夹"))
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "inside.xlsx").write_bytes(_workbook("里面的文件"))
    (folder / "link.xlsx").symlink_to(outside / "secret.xlsx")  # a file link out
    (folder / "linked_dir").symlink_to(outside / "nested", target_is_directory=True)  # a folder link out
    (folder / "same.xlsx").symlink_to(folder / "inside.xlsx")  # a link inside: the same file, once

    files, refused = collect([folder])
    assert files == [folder / "inside.xlsx"]
    assert {Path(o.name).name for o in refused} == {"link.xlsx", "linked_dir"}
    assert all(o.status == REFUSED and "以外的链接" in o.messages[0] for o in refused)

    proc = cli("import", str(folder))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert any("link.xlsx" in line and "以外的链接" in line and "未导入" in line for line in lines), lines
    assert any("linked_dir" in line and "以外的链接" in line for line in lines), lines
    assert _titles(cli) == {"里面的文件"}


def test_an_oversize_file_is_refused_before_it_is_read(cli, tmp_path: Path) -> None:
    folder = tmp_path / "big"
    folder.mkdir()
    for name in ("巨大.xlsx", "巨大.txt", "巨大.docx"):
        with open(folder / name, "wb") as f:  # sparse: 3 GB that take no disk
            f.truncate(GIB3)
    assert (folder / "巨大.txt").stat().st_blocks * 512 < 1024 * 1024
    outcome = import_file(None, folder / "巨大.txt", by=GROUP)  # type: ignore[arg-type]  # refused before the store
    assert outcome.status == REFUSED and "文件过大" in outcome.messages[0] and "3,072.0 MB" in outcome.messages[0]
    proc = cli("import", str(folder))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    refused = [line for line in proc.stdout.splitlines() if line.startswith("未发布")]
    assert len(refused) == 3 and all("文件过大" in line for line in refused), refused


def test_a_file_just_over_the_limit_is_refused_and_one_at_the_limit_read(tmp_path: Path) -> None:
    over = tmp_path / "over.md"
    with open(over, "wb") as f:
        f.truncate(MAX_IMPORT_BYTES + 1)
    assert "文件过大" in import_file(None, over, by=GROUP).messages[0]  # type: ignore[arg-type]
    assert "文件过大" in import_bytes(None, bytes(MAX_IMPORT_BYTES + 1), "x.txt", by=GROUP).messages[0]  # type: ignore[arg-type]


def _docx_with_document(document: bytes, declared: int | None = None) -> bytes:
    """A real .docx (the sample as a report) whose word/document.xml is replaced: deflated, with its true size
    in the headers, or with ``declared`` (a header that lies) through a zip written by hand."""
    ev = read_workbook(SAMPLE.read_bytes()).evaluation
    src = zipfile.ZipFile(io.BytesIO(write_docx(ev)))
    if declared is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
            for info in src.infolist():
                out.writestr(info.filename, document if info.filename == "word/document.xml" else src.read(info))
        return buf.getvalue()
    entries = []
    for info in src.infolist():
        data = src.read(info)
        if info.filename == "word/document.xml":
            entries.append((info.filename, badfiles.deflate(document), zlib.crc32(document), declared))
        else:
            entries.append((info.filename, badfiles.deflate(data), zlib.crc32(data), len(data)))
    return badfiles.raw_zip(entries)


def _inflated_document(size: int) -> bytes:
    """A document.xml of ``size`` bytes: one paragraph repeated (compresses about 300 times)."""
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.'
            b'openxmlformats.org/wordprocessingml/2006/main"><w:body>')
    para = b"<w:p><w:r><w:t>\xe9\x97\xae\xe9\xa2\x98</w:t></w:r></w:p>"
    tail = b"</w:body></w:document>"
    return head + para * ((size - len(head) - len(tail)) // len(para)) + tail


@pytest.mark.parametrize("lying", [False, True], ids=["true_header", "lying_header"])
def test_a_docx_bomb_is_refused_with_a_chinese_message(lying: bool) -> None:
    document = _inflated_document(20 * 1024 * 1024)
    data = _docx_with_document(document, declared=4096 if lying else None)
    assert len(data) < 200 * 1024 and len(document) > 2 * DOCX_MAX_XML_PART
    with pytest.raises(ValueError, match="document.xml.*压缩炸弹.*另存为 .docx"):
        parse_to_workbook(data, "炸弹.docx")
    outcome = import_bytes(None, data, "炸弹.docx", by=GROUP)  # type: ignore[arg-type]  # refused before the store
    assert outcome.status == REFUSED and "压缩炸弹" in outcome.messages[0]


def test_a_docx_with_a_doctype_or_not_a_zip_is_refused() -> None:
    doctype = _docx_with_document(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><w:document '
                                  b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
    with pytest.raises(ValueError, match="DOCTYPE"):
        parse_to_workbook(doctype, "实体.docx")
    with pytest.raises(ValueError, match="ZIP 结构"):
        parse_to_workbook(b"PK\x03\x04" + bytes(100), "坏的.docx")


def test_a_real_docx_still_reads() -> None:
    ev = read_workbook(SAMPLE.read_bytes()).evaluation
    workbook, parsed = parse_to_workbook(write_docx(ev), "长沙.docx")
    assert read_workbook(workbook).ok and parsed.evaluation.units


def test_the_pages_batch_limits() -> None:
    assert batch_refusal([1024] * 3) is None
    assert "分批" in (batch_refusal([1024] * (MAX_IMPORT_FILES + 1)) or "")
    many = [MAX_IMPORT_BYTES] * (MAX_IMPORT_TOTAL_BYTES // MAX_IMPORT_BYTES + 1)
    assert len(many) <= MAX_IMPORT_FILES
    said = batch_refusal(many) or ""
    assert "合计" in said and "上限" in said


def test_a_tree_without_links_imports_as_before(cli, tmp_path: Path) -> None:
    folder = tmp_path / "tree"
    (folder / "a" / "b").mkdir(parents=True)
    (folder / "a" / "b" / "深处.xlsx").write_bytes(_workbook("深处"))
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "藏.xlsx").write_bytes(_workbook("藏"))
    (folder / "~$锁.xlsx").write_bytes(b"lock")
    files, refused = collect([folder])
    assert files == [folder / "a" / "b" / "深处.xlsx"] and refused == []
    assert os.path.exists(folder / "~$锁.xlsx")
