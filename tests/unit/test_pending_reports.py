"""Report texts that wait for review (issue 24): ``import`` publishes a text only when nothing in it is uncertain;
the others are kept (待复核) until an evaluator publishes them after review (the version's note says what was
corrected, the audit entry who) or discards them."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from evalcore.auth import Actor
from evalcore.importer import PENDING, PUBLISHED, import_bytes
from evalcore.reporttext import parse_report_file
from evalcore.reporttext.review import apply_review, figure_rows
from evalcore.store import StoreError
from evalcore.workbook import workbook_bytes

ZHANG = Actor("张三", "evaluator")
VIEWER = Actor("访客", "viewer")
CLEAR = ("2023年度甲区项目绩效评价报告\n一、基本情况\n区教育局项目预算300万元，实际支出240万元，预算执行率80%。\n"
         "二、评价结论\n区教育局综合得分88分，等级为良。\n").encode()
UNCLEAR = "2023年度乙项目绩效评价报告\n一、基本情况\n项目预算资金300万元，实际支出240万元。\n".encode()


def test_a_clear_text_is_published_and_an_uncertain_one_waits(store) -> None:
    assert import_bytes(store, CLEAR, "甲区.txt", by=ZHANG).status == PUBLISHED
    waiting = import_bytes(store, UNCLEAR, "乙.txt", by=ZHANG)
    assert waiting.status == PENDING and "本项目" in waiting.messages[0]
    assert waiting.line().startswith("待复核  乙.txt：有待核对的数值，未发布")
    assert [e.title for e in store.evaluations()] == ["2023年度甲区项目绩效评价报告"]
    (pending,) = store.pending_reports()
    assert (pending.file_name, pending.submitted_by, pending.resolution) == ("乙.txt", "张三", None)
    assert store.pending_data(pending.id) == UNCLEAR
    again = import_bytes(store, UNCLEAR, "乙（副本）.txt", by=ZHANG)  # the same bytes are not kept twice
    assert again.status == PENDING and len(store.pending_reports()) == 1
    assert any(e.action == "pending_add" and e.actor == "张三" for e in store.audit_log())


def test_publishing_after_review_records_the_corrections_and_who(store) -> None:
    import_bytes(store, UNCLEAR, "乙.txt", by=ZHANG)
    (pending,) = store.pending_reports()
    parsed = parse_report_file(store.pending_data(pending.id), pending.file_name)
    rows = [{"unit": "乙区水利局", "orig_unit": r.unit, "kind": r.kind,
             "value": "250" if r.kind == "executed" else r.value} for r in figure_rows(parsed)]
    reviewed = apply_review(parsed, rows)
    version = store.publish_reviewed(pending.id, workbook_bytes(reviewed.evaluation), file_name="乙.xlsx", by=ZHANG,
                                     note=reviewed.note(pending.file_name))
    assert version.note == ("由报告“乙.txt”解析导入，经人工核对；更正 本项目 → 乙区水利局 预算 300.00；"
                            "更正 本项目 → 乙区水利局 实际执行 240.00 → 250.00")
    assert store.pending_reports() == []
    (done,) = store.pending_reports(include_resolved=True)
    assert (done.resolution, done.resolved_by, done.evaluation_id) == ("published", "张三", version.evaluation_id)
    entry = next(e for e in store.audit_log() if e.action == "publish")
    assert entry.actor == "张三" and "更正" in (entry.after or {}).get("说明", "")
    with pytest.raises(StoreError, match="已由他人处理"):
        store.publish_reviewed(pending.id, workbook_bytes(reviewed.evaluation), file_name="乙.xlsx", by=ZHANG,
                               note="again")


def test_discarding_and_permissions(store) -> None:
    import_bytes(store, UNCLEAR, "乙.txt", by=ZHANG)
    (pending,) = store.pending_reports()
    from evalcore.auth import PermissionDenied
    with pytest.raises(PermissionDenied):
        store.discard_pending(pending.id, by=VIEWER)
    store.discard_pending(pending.id, by=ZHANG, reason="重复上传")
    assert store.pending_reports() == []
    assert any(e.action == "pending_discard" for e in store.audit_log())
    assert import_bytes(store, UNCLEAR, "乙.txt", by=VIEWER).status == "refused"


def test_the_cli_lists_a_waiting_text_and_exits_1(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "甲区.txt").write_bytes(CLEAR)
    (folder / "乙.txt").write_bytes(UNCLEAR)
    db = tmp_path / "store.db"
    out = run_cli("import", str(folder), db=db)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "已发布  " in out.stdout and "待复核  " in out.stdout
    assert "合计：已发布 1 个，重复跳过 0 个，未发布 0 个，待复核 1 个" in out.stdout


def test_an_oversized_report_file_is_refused_before_it_is_read(tmp_path: Path, store) -> None:
    from evalcore.importer import REFUSED, import_file
    from evalcore.reporttext.formats import MAX_REPORT_BYTES
    big = tmp_path / "大报告.pdf"
    with big.open("wb") as fh:
        fh.truncate(MAX_REPORT_BYTES + 1)  # sparse: nothing to read if the size is checked first
    outcome = import_file(store, big, by=ZHANG)
    assert outcome.status == REFUSED and "过大" in outcome.messages[0]


def test_a_count_of_problems_from_unnumbered_paragraphs_waits_for_review(store) -> None:
    """A count of problems that rests on how the text is cut into paragraphs (docs/reporttext.md, "Certainty") keeps
    the text for a person; the same problems numbered publish."""
    problems = "三、存在的问题\n{a}项目资金拨付进度较慢，部分资金年底才拨付到位。\n{b}绩效目标设置不够细化。\n"
    unnumbered = CLEAR + problems.format(a="", b="").encode()
    waiting = import_bytes(store, unnumbered, "丙.txt", by=ZHANG)
    assert waiting.status == PENDING and waiting.messages[0].startswith("问题 · 条数 2：")
    assert import_bytes(store, CLEAR + problems.format(a="1.", b="2.").encode(), "丁.txt", by=ZHANG).status == PUBLISHED
