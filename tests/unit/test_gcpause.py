"""The garbage-collector pause: only around the command line's bulk reads, never inside ``read_workbook`` (the app's
server process keeps its collector running whatever the sessions read), and always restored."""
from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest

from evalcore import cli, gcpause
from evalcore.workbook import validate

SEED = Path(__file__).resolve().parents[2] / "sample_data" / "changsha_2023.xlsx"


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether the collector was on each time a workbook's file was opened for reading."""
    states: list[bool] = []
    real = validate.read_raw

    def spy(source):
        states.append(gc.isenabled())
        return real(source)

    monkeypatch.setattr(validate, "read_raw", spy)
    return states


def test_read_workbook_leaves_the_collector_alone(seen: list[bool]) -> None:
    assert gc.isenabled()
    assert validate.read_workbook(SEED).ok
    assert seen == [True] and gc.isenabled()


def test_the_bulk_commands_read_with_the_collector_paused_and_restore_it(seen: list[bool], tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", str(SEED)]) == 0
    assert cli.main(["summary", str(SEED), "--json"]) == 0
    assert cli.main(["export", str(SEED), "--format", "md", "--out", str(tmp_path / "r.md")]) == 0
    assert seen == [False, False, False]
    assert gc.isenabled()
    capsys.readouterr()


def test_a_failing_command_restores_it_too(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert cli.main(["validate", str(tmp_path / "missing.xlsx")]) == 1
    assert gc.isenabled()
    capsys.readouterr()


def test_nested_and_concurrent_pauses_share_one() -> None:
    inside = threading.Event()
    release = threading.Event()

    def other() -> None:
        with gcpause.paused():
            inside.set()
            release.wait(10)

    t = threading.Thread(target=other)
    with gcpause.paused():
        t.start()
        assert inside.wait(10)
        with gcpause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread's pause still holds
    release.set()
    t.join(10)
    assert gc.isenabled()


def test_a_caller_that_had_it_off_keeps_it_off() -> None:
    gc.disable()
    try:
        with gcpause.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
