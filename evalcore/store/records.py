"""What the store hands out and what it raises: the record dataclasses (evaluations, versions, 整改 changes,
accounts, audit entries), their Chinese labels, and the store's exceptions.

Plain values, no database: every other module of :mod:`evalcore.store` builds or raises these.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import auth
from ..clock import format_time
from ..model import RectificationItem, evaluation_identity, evaluation_label
from ..workbook import Message

KINDS: dict[str, str] = {"publish": "发布", "rectification": "整改更新", "rollback": "回滚", "sample": "示例数据"}
ANONYMOUS = "未署名"
SYSTEM = "系统"


# --- results ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluationInfo:
    id: int
    region: str
    year: int | None
    title: str
    active_version_id: int
    active_number: int
    versions: int
    updated_at: dt.datetime
    archived: bool = False

    @property
    def identity(self) -> tuple[str, int | None, str]:
        return evaluation_identity(self.region, self.year, self.title)

    @property
    def label(self) -> str:
        """"长沙市 · 2023 · <title>" (empty parts left out): :func:`evalcore.model.evaluation_label`."""
        return evaluation_label(self.region, self.year, self.title)


@dataclass(frozen=True)
class VersionInfo:
    id: int
    evaluation_id: int
    number: int
    kind: str
    file_name: str
    file_hash: str
    size: int
    by: str
    at: dt.datetime
    note: str
    source_version_id: int | None
    active: bool

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class ChangeInfo:
    id: int
    evaluation_id: int
    version_id: int
    item_id: str
    field: str
    old: str
    new: str
    by: str
    at: dt.datetime


@dataclass(frozen=True)
class UserInfo:
    """A local account (password mode). The hash never leaves the store."""

    id: int
    name: str
    role: str
    created_at: dt.datetime
    updated_at: dt.datetime
    created_by: str
    email: str = ""  # where reminders go (issue 25)
    units: tuple[str, ...] = ()  # role unit: the units the account reports for

    @property
    def role_label(self) -> str:
        return auth.role_label(self.role)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    actor: str
    role: str
    via: str
    action: str
    summary: str
    evaluation_id: int | None
    version_id: int | None
    target: str
    before: dict | None
    after: dict | None

    @property
    def action_label(self) -> str:
        return AUDIT_ACTIONS.get(self.action, self.action)


# Every kind of audit entry, with its Chinese label (the audit page filters by these).
AUDIT_ACTIONS: dict[str, str] = {
    "sign_in": "登录",
    "sign_in_failed": "登录失败",
    "sign_out": "退出登录",
    "publish": "发布",
    "sample": "载入示例",
    "rollback": "回滚",
    "rectify": "整改更新",
    "evaluation_archive": "归档评价",
    "evaluation_restore": "恢复评价",
    "user_add": "新增账户",
    "user_remove": "删除账户",
    "user_password": "修改密码",
    "user_role": "修改角色",
    "user_unlock": "解除登录锁定",
    "denied": "越权操作被拒绝",
    "audit_export": "导出审计日志",
    "alias_set": "设置单位别名",  # evalcore.catalog (issue 18)
    "alias_retire": "停用单位别名",
    "rule_set": "修改结果应用规则",  # evalcore.application_store (issue 26)
    "rule_reset": "恢复默认结果应用规则",
    "decision_record": "记录结果应用决定",
    "pending_add": "报告待复核",  # evalcore.store.pending (issue 24)
    "pending_discard": "放弃待复核报告",
    "user_units": "修改账户单位或邮箱",  # issue 25: 整改 with the units
    "rect_report": "单位报送整改",
    "rect_accept": "整改销号",
    "rect_return": "整改退回",
    "remind": "发送整改提醒",
}


class StoreError(Exception):
    """A refusal or a failure of the store; the message is Chinese and can be shown as is."""


class UpdateError(StoreError, ValueError):
    """A 整改 update refused by :func:`evalcore.rectification.apply_update` (unknown status, no change, ...)."""


class PublishError(StoreError):
    """The workbook did not pass validation; nothing was written."""

    def __init__(self, messages: list[Message]):
        self.messages = list(messages)
        first = f"第一处：{self.messages[0]}" if self.messages else ""
        super().__init__(f"工作簿未通过校验（{len(self.messages)} 处错误），未发布。{first}")


class SignInError(StoreError):
    """A refused sign-in. ``retry_after`` is the number of seconds the name stays locked (0: try again now)."""

    def __init__(self, message: str, retry_after: float = 0.0):
        super().__init__(message)
        self.retry_after = retry_after


class ConflictError(StoreError):
    """Someone else changed the item since the editor loaded it; the edit was not saved."""

    def __init__(self, item_id: str, current: RectificationItem | None, changed_by: str, changed_at: dt.datetime):
        self.item_id = item_id
        self.current = current
        self.changed_by = changed_by
        self.changed_at = changed_at
        super().__init__(f"整改事项 {item_id} 已被 {changed_by} 于 {format_time(changed_at)} 修改，"
                         "你的修改未保存，请核对后重新提交")

