"""Rollback by version number, for the command line (``python -m evalcore rollback EVALUATION_ID VERSION``) and
for the 数据管理 page when the active version cannot be read (issue 27).

:func:`rollback_to` resolves 第 N 版 of an evaluation to its stored version, refuses a version that the current
reader cannot read either (rolling back to it would leave the evaluation as unreadable as before), and calls
:meth:`evalcore.store.Store.rollback`, which copies the version's bytes into a new active version and writes the
audit entry in the same transaction. It never reads the active version, so it works when that one is the broken
one. Every refusal is a :class:`~evalcore.store.StoreError` with a Chinese message.
"""
from __future__ import annotations

from dataclasses import dataclass

from .auth import Actor
from .store import EvaluationInfo, Store, StoreError, VersionInfo


@dataclass(frozen=True)
class RollbackDone:
    evaluation: EvaluationInfo
    source: VersionInfo  # the version rolled back to
    version: VersionInfo  # the new active version, a copy of ``source``
    replaced: int  # the number of the version that was active before

    def line(self) -> str:
        return (f"已回滚评价 {self.evaluation.id}（{self.evaluation.label}）：第 {self.source.number} 版的内容"
                f"已发布为第 {self.version.number} 版（原当前版本为第 {self.replaced} 版），已记入审计日志")


def readable(store: Store, version_id: int) -> str | None:
    """None when the current reader reads the stored version, else why not (Chinese)."""
    try:
        store.load(version_id)
    except StoreError as exc:
        return str(exc)
    return None


def rollback_to(store: Store, evaluation_id: int, number: int, *, by: Actor, note: str = "") -> RollbackDone:
    """Make 第 ``number`` 版 of the evaluation current again (a new version, see the module docstring)."""
    try:
        info = store.evaluation(evaluation_id)
    except StoreError as exc:
        raise StoreError(f"没有编号为 {evaluation_id} 的评价；可用 python -m evalcore list 查看评价编号") from exc
    versions = store.versions(evaluation_id)
    source = next((v for v in versions if v.number == number), None)
    if source is None:
        numbers = "、".join(str(v.number) for v in reversed(versions))
        raise StoreError(f"评价 {evaluation_id}（{info.label}）没有第 {number} 版；现有版本：{numbers}")
    why = readable(store, source.id)
    if why is not None:
        raise StoreError(f"第 {number} 版也无法被当前程序读取，回滚到它仍无法显示，未回滚（{why}）；"
                         "请选择其他版本")
    version = store.rollback(evaluation_id, source.id, by=by, note=note)
    return RollbackDone(store.evaluation(evaluation_id), source, version, info.active_number)


__all__ = ["RollbackDone", "readable", "rollback_to"]
