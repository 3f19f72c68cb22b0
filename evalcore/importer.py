"""Bulk import (issue 18): many workbooks and published report texts into the store, one file at a time.

Each file is read (a workbook with :func:`evalcore.workbook.read_workbook`; a .md/.txt/.docx report through
:func:`evalcore.reporttext.parse_to_workbook`, then validated the same way), compared with what the store holds
(:func:`evalcore.catalog.duplicate_of`), and published with :meth:`evalcore.store.Store.publish`, which writes the
version and its audit entry in one transaction. So a file is either wholly published or not at all: a failure or
an interruption (Ctrl-C) in the middle of a file leaves nothing of that file, and the files before it stay
published. The command line (``python -m evalcore import``) and the 数据管理 page both use :func:`import_bytes`.

What is read is bounded (issue 27): a folder is walked without following links, and a link (to a file or a
folder) whose target resolves outside the folder given is skipped with a refusal that says so; a file's size is
checked (``os.stat`` of the opened file) before a byte is read, against :data:`MAX_IMPORT_BYTES`; a file is
opened without following a link in its last component; .xlsx and .docx go through the bounded inflater (the
workbook reader's checks, :func:`evalcore.reporttext.source.check_docx`). The page adds :data:`MAX_IMPORT_TOTAL_BYTES`
and :data:`MAX_IMPORT_FILES` for one batch (:func:`batch_refusal`).
"""
from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .auth import Actor, PermissionDenied
from .catalog import duplicate_of
from .reporttext import found_nothing, parse_to_workbook
from .reporttext.review import doubts
from .store import PublishError, Store, StoreError
from .workbook import MAX_FILE_BYTES, MAX_PENDING_UPLOAD_BYTES, read_workbook

WORKBOOK_SUFFIXES = (".xlsx",)
TEXT_SUFFIXES = (".md", ".txt", ".docx", ".pdf", ".html", ".htm")
SUFFIXES = WORKBOOK_SUFFIXES + TEXT_SUFFIXES
PUBLISHED, DUPLICATE, REFUSED, PENDING = "published", "duplicate", "refused", "pending"
STATUS_LABELS = {PUBLISHED: "已发布", DUPLICATE: "重复，已跳过", REFUSED: "未通过，未发布",
                 PENDING: "待复核，未发布"}
FIRST_MESSAGES = 3  # how many validation messages a refusal shows
MAX_IMPORT_BYTES = MAX_FILE_BYTES  # one file, whatever its kind (the upload's limit)
MAX_IMPORT_TOTAL_BYTES = MAX_PENDING_UPLOAD_BYTES  # one batch on 数据管理: what the server lets a session hold
MAX_IMPORT_FILES = 200  # one batch on the 数据管理 page


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def too_big(size: int) -> str | None:
    """The refusal of a file of ``size`` bytes, or None."""
    if size <= MAX_IMPORT_BYTES:
        return None
    return f"文件过大（{_mb(size)}，上限 {_mb(MAX_IMPORT_BYTES)}），未读取；请删除多余内容或拆分后再导入"


@dataclass(frozen=True)
class Outcome:
    name: str  # the file as given
    status: str  # published | duplicate | refused
    messages: tuple[str, ...] = ()  # why refused (the first few), or what the duplicate repeats
    evaluation_id: int | None = None
    version_number: int | None = None
    label: str = ""  # 地区 · 年度 · 标题
    source: str = ""  # 工作簿 | 报告文本

    @property
    def ok(self) -> bool:
        return self.status in (PUBLISHED, DUPLICATE)

    def line(self) -> str:
        """One line of the command's output."""
        if self.status == PUBLISHED:
            return f"已发布  {self.name} → {self.label}（评价 {self.evaluation_id}，第 {self.version_number} 版）"
        if self.status == DUPLICATE:
            return (f"已跳过  {self.name}：与“{self.label}”第 {self.version_number} 版内容相同"
                    f"（评价 {self.evaluation_id}）")
        if self.status == PENDING:
            return f"待复核  {self.name}：有待核对的数值，未发布，请在“数据管理”页复核后发布（" + "；".join(
                self.messages) + "）"
        return f"未发布  {self.name}：" + "；".join(self.messages)


def collect(paths: Iterable[str | Path]) -> tuple[list[Path], list[Outcome]]:
    """The files to import, in order: each file given, and every file with a supported suffix under each folder
    (recursively, sorted by path, hidden files and Office lock files ~$… left out). Paths that do not exist or
    files of another kind are refusals, and so is every link under a folder whose target is outside it (a link
    inside it is followed for a file, not for a folder: what it points to is walked anyway)."""
    files: list[Path] = []
    refused: list[Outcome] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found, outside = _walk(p)
            files.extend(found)
            refused.extend(outside)
        elif p.is_file():
            if p.suffix.lower() in SUFFIXES:
                files.append(p)
            else:
                refused.append(Outcome(str(raw), REFUSED, (f"不支持的文件类型“{p.suffix or '无扩展名'}”，"
                                                          f"应为 {'、'.join(SUFFIXES)}",)))
        else:
            refused.append(Outcome(str(raw), REFUSED, ("找不到该文件或文件夹",)))
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, refused


def _wanted(name: str) -> bool:
    return not name.startswith((".", "~$"))


def _walk(root: Path) -> tuple[list[Path], list[Outcome]]:
    """The supported files under ``root`` (sorted), never following a link out of it: such links are refusals."""
    base = root.resolve()
    found: list[Path] = []
    refused: list[Outcome] = []
    for folder, dirs, names in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if _wanted(d))
        here = Path(folder)
        for d in dirs:  # os.walk lists a link to a folder among the folders and does not enter it
            link = here / d
            if link.is_symlink() and not _inside(link, base):
                refused.append(_outside(link, root))
        for name in sorted(names):
            f = here / name
            if not _wanted(name) or f.suffix.lower() not in SUFFIXES:
                continue
            if f.is_symlink() and not _inside(f, base):
                refused.append(_outside(f, root))
            elif f.is_file():
                found.append(f)
    found.sort()
    return found, refused


def _inside(link: Path, base: Path) -> bool:
    try:
        return link.resolve().is_relative_to(base)
    except (OSError, RuntimeError):  # a broken or looping link
        return False


def _outside(link: Path, root: Path) -> Outcome:
    return Outcome(str(link), REFUSED, (f"是指向所选文件夹“{root}”以外的链接，出于安全原因未读取、未导入；"
                                        "如需导入，请把文件本身复制到该文件夹中",))


def import_bytes(store: Store, data: bytes, name: str, *, by: Actor, note: str = "") -> Outcome:
    """Validate, check for a duplicate, publish. Never raises for a bad file: the outcome says why."""
    suffix = Path(name).suffix.lower()
    source = "报告文本" if suffix in TEXT_SUFFIXES else "工作簿"
    refused = too_big(len(data))
    if refused:
        return Outcome(name, REFUSED, (refused,), source=source)
    if suffix in TEXT_SUFFIXES:
        try:
            workbook, parsed = parse_to_workbook(data, name)
        except ValueError as exc:
            return Outcome(name, REFUSED, (f"无法解析报告文本：{exc}",), source=source)
        if found_nothing(parsed):  # nothing found is not a success: never an empty evaluation (issue 13)
            return Outcome(name, REFUSED, ("文本中没有识别出任何单位、金额、得分、等次或问题、建议，未导入；"
                                           "请确认这是绩效评价结果的正文",), source=source)
        reasons = doubts(parsed)
        if reasons:  # a person sees what is uncertain before anything reaches the dashboard (issue 24)
            return _wait_for_review(store, data, name, reasons, by, source)
        file_name = Path(name).stem + ".xlsx"
        note = note or f"由报告文本“{Path(name).name}”解析导入"
    elif suffix in WORKBOOK_SUFFIXES:
        workbook, file_name = data, Path(name).name
    else:
        return Outcome(name, REFUSED, (f"不支持的文件类型“{suffix or '无扩展名'}”",), source=source)
    result = read_workbook(workbook)
    if not result.ok or result.evaluation is None:
        first = tuple(str(m) for m in result.errors[:FIRST_MESSAGES])
        more = len(result.errors) - len(first)
        return Outcome(name, REFUSED, first + ((f"另有 {more} 处错误",) if more > 0 else ()), source=source)
    ev = result.evaluation
    dup = duplicate_of(store, workbook, ev)
    if dup is not None:
        return Outcome(name, DUPLICATE, (), dup.evaluation_id, dup.number, ev.meta.label, source)
    try:
        version = store.publish(workbook, file_name=file_name, by=by, note=note)
    except PublishError as exc:
        return Outcome(name, REFUSED, tuple(str(m) for m in exc.messages[:FIRST_MESSAGES]), source=source)
    except PermissionDenied as exc:
        return Outcome(name, REFUSED, (str(exc),), source=source)
    except StoreError as exc:  # another writer published the same content in between
        dup = duplicate_of(store, workbook, ev)
        if dup is not None:
            return Outcome(name, DUPLICATE, (), dup.evaluation_id, dup.number, ev.meta.label, source)
        return Outcome(name, REFUSED, (str(exc),), source=source)
    return Outcome(name, PUBLISHED, (), version.evaluation_id, version.number, ev.meta.label, source)


def _wait_for_review(store: Store, data: bytes, name: str, reasons: list[str], by: Actor, source: str) -> Outcome:
    try:
        store.add_pending(data, file_name=Path(name).name, reasons=reasons, by=by)
    except PermissionDenied as exc:
        return Outcome(name, REFUSED, (str(exc),), source=source)
    except StoreError as exc:
        return Outcome(name, REFUSED, (str(exc),), source=source)
    first = tuple(reasons[:FIRST_MESSAGES])
    more = len(reasons) - len(first)
    return Outcome(name, PENDING, first + ((f"另有 {more} 处待核对",) if more > 0 else ()), source=source)


def read_bounded(path: Path) -> bytes:
    """The bytes of ``path`` (a link in its folders resolved first, none in its last component followed at open),
    its size checked on the opened file before anything is read. Raises ValueError (Chinese) or OSError."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path.resolve(), flags)
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("不是普通文件，未读取")
        refused = too_big(info.st_size)
        if refused:
            raise ValueError(refused)
        data = f.read(MAX_IMPORT_BYTES + 1)
    refused = too_big(len(data))  # grown since the check
    if refused:
        raise ValueError(refused)
    return data


def import_file(store: Store, path: Path, *, by: Actor, note: str = "") -> Outcome:
    try:
        data = read_bounded(path)
    except ValueError as exc:
        return Outcome(str(path), REFUSED, (str(exc),))
    except OSError as exc:
        return Outcome(str(path), REFUSED, (f"无法读取文件：{exc.strerror or exc}",))
    outcome = import_bytes(store, data, path.name, by=by, note=note)
    return Outcome(str(path), outcome.status, outcome.messages, outcome.evaluation_id, outcome.version_number,
                   outcome.label, outcome.source)


def batch_refusal(sizes: list[int]) -> str | None:
    """The refusal of the page's whole batch (the files' sizes) before any is read: too many files or too many
    bytes in all; None when it may go on (each file is then refused by :func:`too_big` alone, never read)."""
    if len(sizes) > MAX_IMPORT_FILES:
        return f"一次最多导入 {MAX_IMPORT_FILES} 个文件（已选择 {len(sizes)} 个），未读取；请分批导入"
    total = sum(sizes)
    if total > MAX_IMPORT_TOTAL_BYTES:
        return f"所选文件合计 {_mb(total)}，超过一次导入的上限 {_mb(MAX_IMPORT_TOTAL_BYTES)}，未读取；请分批导入"
    return None


def totals(outcomes: Iterable[Outcome]) -> dict[str, int]:
    counts = {PUBLISHED: 0, DUPLICATE: 0, REFUSED: 0, PENDING: 0}
    for o in outcomes:
        counts[o.status] += 1
    return counts


__all__ = ["DUPLICATE", "MAX_IMPORT_BYTES", "MAX_IMPORT_FILES", "MAX_IMPORT_TOTAL_BYTES", "PENDING", "PUBLISHED",
           "REFUSED", "STATUS_LABELS", "SUFFIXES", "Outcome", "batch_refusal", "collect", "import_bytes", "import_file",
           "read_bounded", "too_big", "totals"]
