"""The workers table: silent workers on top, and a city's stream of fixes costs no model work."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from gridcommand.db.live.records import PositionRecord, WorkerRecord
from gridcommand.db.live.store import WorkerState
from gridcommand.widgets import workers_panel as panel_module
from gridcommand.widgets.workers_panel import LAST_FIX_COLUMN, WorkersPanel
from tests.widgets.screen import shown_cell

T0 = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def _state(code: str, status: str, at: datetime | None = T0) -> WorkerState:
    record = WorkerRecord(code, f"网格员{code}", "full_time", "G1", "138****0000", True)
    fix = PositionRecord(1, code, at, 113.0, 23.0, 5.0, "pad") if at else None
    return WorkerState(record, fix, status)


def test_fixes_do_not_touch_the_model_but_status_changes_reorder(qtbot: QtBot) -> None:
    live: dict[str, WorkerState] = {}
    panel = WorkersPanel(
        lambda: T0 + timedelta(minutes=3), lambda g: g or "", state_of=live.get, reorder_every_s=0
    )
    qtbot.addWidget(panel)
    states = [_state("W1", "online"), _state("W2", "online"), _state("W3", "offline", None)]
    live.update({s.record.code: s for s in states})
    panel.upsert(states)
    panel.refresh()
    assert [panel.model.record(r).record.code for r in range(3)] == ["W3", "W1", "W2"]

    changes: list[object] = []
    panel.model.dataChanged.connect(lambda *a: changes.append(a))
    newer = _state("W1", "online", T0 + timedelta(minutes=2))
    live["W1"] = newer
    panel.upsert([newer])  # a new fix, same status: nothing for the model to do
    assert changes == []
    row = panel.model.row_of("W1")
    assert row is not None
    # ... yet the cell shows the fix it has now, read when painted.
    text = panel.model.index(row, 4).data()
    assert "1" in text and "3" not in text, text

    quiet = _state("W2", "stale", T0)
    live["W2"] = quiet
    panel.upsert([quiet])
    panel.refresh()
    assert panel.model.record(0).record.code == "W2"  # the phone that went quiet leads
    assert "1 stale" in panel.summary.text().replace("◐ ", "")


def test_the_last_fix_on_screen_follows_the_clock(qtbot: QtBot) -> None:
    now = [T0 + timedelta(minutes=3)]
    live = {"W1": _state("W1", "online")}
    panel = WorkersPanel(lambda: now[0], lambda g: g or "", state_of=live.get)
    qtbot.addWidget(panel)
    panel.resize(900, 300)
    panel.show()
    qtbot.waitExposed(panel)
    panel.upsert(list(live.values()))
    view = panel.view
    qtbot.wait(100)  # the first paint
    before = shown_cell(view, 0, LAST_FIX_COLUMN)
    now[0] = T0 + timedelta(minutes=9)
    panel.refresh()  # what the window's chart timer does
    qtbot.waitUntil(lambda: shown_cell(view, 0, LAST_FIX_COLUMN) != before, timeout=3000)
    assert "9" in view.model().index(0, LAST_FIX_COLUMN).data()


def test_columns_fit_the_rows_on_screen_and_follow_a_longer_one(qtbot: QtBot) -> None:
    names = {"G1": "一网格"}
    panel = WorkersPanel(lambda: T0, lambda g: names.get(g or "", ""))
    qtbot.addWidget(panel)
    panel.resize(900, 300)
    panel.show()
    qtbot.waitExposed(panel)
    panel.upsert([_state("W1", "online")])
    view, grid = panel.view, 3
    assert view.columnWidth(grid) >= view.sizeHintForColumn(grid)
    names["G1"] = "一个名字很长很长的网格第十二网格"
    panel.upsert([_state("W1", "offline")])  # a change to the row: its grid's name is read again
    # Within a second: the columns follow a stream of changes once a second, not per change.
    qtbot.waitUntil(lambda: view.columnWidth(grid) >= view.sizeHintForColumn(grid), timeout=3000)


def test_only_the_rows_that_changed_are_placed_again_and_the_order_is_whole(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rounds of status changes and new workers, each put in order by bisection alone.

    After every round the table is in the order a full sort gives, the worker the
    operator chose is still the chosen row, and the rows that did not change were not
    asked their sort key again.
    """
    rng = random.Random(5)
    statuses = ("online", "stale", "offline")
    panel = WorkersPanel(lambda: T0, lambda g: g or "", reorder_every_s=0)
    qtbot.addWidget(panel)
    panel.resize(600, 400)
    panel.show()
    states = {f"W{i:03d}": _state(f"W{i:03d}", rng.choice(statuses)) for i in range(300)}
    panel.upsert(states.values())
    panel.refresh()
    chosen = "W150"
    panel.select_worker(chosen)
    asked: list[str] = []
    keyed = panel_module.worker_order

    def counting(state: WorkerState) -> tuple[int, str, str]:
        asked.append(state.record.code)
        return keyed(state)

    monkeypatch.setattr(panel_module, "worker_order", counting)
    for round_ in range(8):
        asked.clear()
        codes = rng.sample(sorted(states), 12)
        changed = [_state(c, rng.choice(statuses)) for c in codes]
        added = [_state(f"X{round_}{i}", rng.choice(statuses)) for i in range(3)]
        states.update({s.record.code: s for s in (*changed, *added)})
        panel.upsert([*changed, *added])
        panel.refresh()

        shown = [panel.model.record(r) for r in range(panel.model.rowCount())]
        assert shown == sorted(states.values(), key=keyed)
        current = panel.proxy.mapToSource(panel.view.currentIndex())
        assert panel.model.record(current.row()).record.code == chosen
        # Each placed row is asked once, plus a bisection's few comparisons: never all.
        assert len(asked) < len(states) // 2, len(asked)

    # As many new rows as at start-up, when the workers arrive in slices: one sort.
    arrived = [_state(f"Y{i:03d}", rng.choice(statuses)) for i in range(400)]
    states.update({s.record.code: s for s in arrived})
    panel.upsert(arrived)
    panel.refresh()
    assert [panel.model.record(r) for r in range(panel.model.rowCount())] == sorted(
        states.values(), key=keyed
    )
