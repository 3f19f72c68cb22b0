"""``python -m evalcore list / publish / import``, as an operator runs them, on a database file.

Folders of good, duplicate, broken and mixed files, and a run interrupted with Ctrl-C (SIGINT) in the middle:
every file is published whole or not at all. The interrupted run is a real ``python -m evalcore`` process (the
signal and exit status 130 are what it tests); the other commands call ``evalcore.cli.main`` in this process
(``cli(...)``, the ``run_cli`` fixture)."""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from evalcore.store import Store
from evalcore.workbook import read_workbook, workbook_bytes

REPO_ROOT = Path(__file__).resolve().parents[2]
Cli = Callable[..., Any]  # the cli fixture: (*args) -> run_cli's result
SAMPLE = REPO_ROOT / "sample_data" / "changsha_2023.xlsx"
REPORT = REPO_ROOT / "tests" / "fixtures" / "reports" / "changde_2022_unit_headings.txt"


def _env(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "EVALBOARD_DATABASE_URL"}
    env.update(PYTHONIOENCODING="utf-8", EVALBOARD_DB_PATH=str(db))
    return env


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


@pytest.fixture
def cli(db: Path, run_cli: Callable[..., Any]) -> Callable[..., Any]:
    """``cli(*args)``: the command on ``db``, in this process."""
    return lambda *args: run_cli(*args, db=db)


def _variant(folder: Path, n: int) -> Path:
    """The sample workbook as another evaluation (another title), written to ``folder``."""
    ev = read_workbook(SAMPLE.read_bytes()).evaluation
    other = dataclasses.replace(ev, meta=dataclasses.replace(ev.meta, title=f"{ev.meta.title}（第{n}批）"))
    path = folder / f"评价{n:02d}.xlsx"
    path.write_bytes(workbook_bytes(other))
    return path


def _broken(folder: Path) -> list[Path]:
    import openpyxl
    wb = openpyxl.load_workbook(SAMPLE)
    wb["预算执行"]["D2"] = "三千万"  # a text where an amount belongs
    bad = folder / "坏的金额.xlsx"
    wb.save(bad)
    noise = folder / "不是工作簿.xlsx"
    noise.write_bytes(b"not a zip at all")
    return [bad, noise]


def _listing(cli: Callable[..., Any]) -> list[dict]:
    proc = cli("list", "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_good_folder_then_the_same_folder_again(db: Path, cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "good"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(SAMPLE, folder / "changsha_2023.xlsx")
    _variant(folder / "sub", 1)
    shutil.copy(REPORT, folder / REPORT.name)
    (folder / "说明.zip").write_bytes(b"PK")  # not a kind we import: not even listed
    first = cli("import", str(folder))
    assert first.returncode == 0, first.stdout + first.stderr
    lines = first.stdout.splitlines()
    assert sum(line.startswith("已发布") for line in lines) == 3
    assert "合计：已发布 3 个，重复跳过 0 个，未发布 0 个" in first.stdout
    assert "Traceback" not in first.stderr
    listed = _listing(cli)
    assert len(listed) == 3
    changsha = next(r for r in listed if r["region"] == "长沙市")
    assert (changsha["budget"], changsha["units"], changsha["active_version"]) == ("14331.38", 2, 1)
    changde = next(r for r in listed if r["region"] == "常德市")
    assert (changde["year"], changde["budget"], changde["executed"]) == (2022, "1130.00", "913.50")
    again = cli("import", str(folder))
    assert again.returncode == 0, again.stdout
    assert "合计：已发布 0 个，重复跳过 3 个，未发布 0 个" in again.stdout
    assert [r["versions"] for r in _listing(cli)] == [1, 1, 1]  # nothing written twice
    store = Store.sqlite(db)
    try:
        entries = store.audit_log(actions=["publish"])
        assert len(entries) == 3 and all(e.actor.endswith("@命令行") for e in entries)
    finally:
        store.dispose()


def test_broken_folder_writes_nothing_and_exits_1(db: Path, cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    _broken(folder)
    (folder / "空.md").write_bytes(b"\xff\xfe\x00garbage")
    proc = cli("import", str(folder), str(tmp_path / "不存在"))
    assert proc.returncode == 1
    refused = [line for line in proc.stdout.splitlines() if line.startswith("未发布")]
    assert any("坏的金额.xlsx" in line and "预算执行" in line for line in refused)
    assert any("不是工作簿.xlsx" in line for line in refused)
    assert any("不存在" in line and "找不到" in line for line in refused)
    assert "Traceback" not in proc.stderr
    assert all(r["region"] != "长沙市" for r in _listing(cli))


def test_mixed_folder_publishes_the_good_ones(db: Path, cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "a_changsha.xlsx")
    shutil.copy(SAMPLE, folder / "b_changsha_copy.xlsx")  # the same content under another name: a duplicate
    _broken(folder)
    proc = cli("import", str(folder))
    assert proc.returncode == 1
    out = proc.stdout
    assert "已发布  " in out and "已跳过  " in out and "b_changsha_copy.xlsx" in out
    assert "合计：已发布 1 个，重复跳过 1 个，未发布 2 个" in out
    assert [r["region"] for r in _listing(cli)] == ["长沙市"]


def test_publish_command(db: Path, cli: Cli, tmp_path: Path) -> None:
    ok = cli("publish", str(SAMPLE), "--note", "首次发布")
    assert ok.returncode == 0, ok.stderr
    assert "第 1 版" in ok.stdout
    again = cli("publish", str(SAMPLE))
    assert again.returncode == 1 and "与当前版本内容相同" in again.stderr
    bad, _ = _broken(tmp_path)
    refused = cli("publish", str(bad))
    assert refused.returncode == 1 and "未通过校验" in refused.stderr and "预算执行" in refused.stderr
    missing = cli("publish", str(tmp_path / "无.xlsx"))
    assert missing.returncode == 1 and "找不到文件" in missing.stderr
    store = Store.sqlite(db)
    try:
        [v] = store.versions(store.evaluations()[0].id)
        assert v.note == "首次发布" and v.by.endswith("@命令行")
    finally:
        store.dispose()


def test_interrupted_run_leaves_only_whole_files(db: Path, cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(1, 16):
        _variant(folder, n)
    proc = subprocess.Popen([sys.executable, "-m", "evalcore", "import", str(folder)], cwd=REPO_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
                            env=_env(db))
    assert proc.stdout is not None
    first = proc.stdout.readline()  # the first file is published: interrupt while the next ones are under way
    assert first.startswith("已发布"), first
    proc.send_signal(signal.SIGINT)
    rest, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, (rest, err)
    assert "已中断" in rest and "Traceback" not in err
    published = 1 + sum(line.startswith("已发布") for line in rest.splitlines())
    assert published < 15
    listed = _listing(cli)
    assert len(listed) == published  # every file reported as published is there, and nothing else
    store = Store.sqlite(db)
    try:
        for info in store.evaluations():
            assert store.load(info.active_version_id).meta.title.startswith("2023年度长沙市")
    finally:
        store.dispose()
    resumed = cli("import", str(folder))  # running again finishes the job
    assert resumed.returncode == 0
    assert f"重复跳过 {published} 个" in resumed.stdout and len(_listing(cli)) == 15


def test_a_text_with_nothing_recognised_is_refused_not_published(db: Path, cli: Cli, tmp_path: Path) -> None:
    """A stray note in a folder of reports (no unit, figure or finding) is refused, never an empty evaluation."""
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "README.md").write_text("# 说明\n\n这个文件夹存放历年报告，请勿删除。\n", encoding="utf-8")
    proc = cli("import", str(folder))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert any(line.startswith("未发布") and "README.md" in line and "没有识别出" in line
               for line in proc.stdout.splitlines()), proc.stdout
    assert _listing(cli) == []
