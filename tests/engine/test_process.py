"""Engine process helpers."""

from __future__ import annotations

import gc
from pathlib import Path

from seclens.engine.process import collector_paused, plan_tasks


def test_collector_paused_restores_the_collector_state() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause leaves it to the outer one
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # was disabled by the caller: stays so
    finally:
        gc.enable()


def test_collector_paused_is_restored_after_an_error() -> None:
    try:
        with collector_paused():
            raise ValueError("x")
    except ValueError:
        pass
    assert gc.isenabled()


def test_planning_leaves_the_collector_enabled(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("国家安全", encoding="utf-8")
    tasks, excluded = plan_tasks([tmp_path])
    assert [t.doc_id for t in tasks] == ["a"] and excluded == []
    assert gc.isenabled()
