"""LiveData's hand-over from the feed thread to the store, without a database."""

from __future__ import annotations

from datetime import UTC, datetime

from pytestqt.qtbot import QtBot
from sqlalchemy.engine import URL

from gridcommand.db.live.records import ChangeBatch, PositionRecord, WorkerRecord
from gridcommand.db.live.store import StateStore
from gridcommand.desktop.live import MAX_FIXES_PER_FLUSH, LiveData
from tests.db.live.test_store import base_batch, ticket

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def _live(qtbot: QtBot) -> LiveData:
    # The feed is never started: batches are handed over as its thread would.
    store = StateStore(clock=lambda: NOW)
    return LiveData(URL.create("postgresql+psycopg", database="unused"), store)


def test_a_report_does_not_wait_for_the_fixes_that_came_with_it(qtbot: QtBot) -> None:
    live = _live(qtbot)
    live._from_feed(base_batch())
    live.flush()
    fix = PositionRecord(7, "W1", NOW, 113.001, 23.001, 5.0, "pad")
    live._from_feed(ChangeBatch(positions=(fix,), tickets=(ticket(1),)))
    seen: list[list[str]] = []
    live.store_updated.connect(lambda deltas: seen.append([d.collection for d in deltas]))

    live.flush(urgent=True)
    assert 1 in live.store.tickets
    assert live.store.workers["W1"].position is None  # the fix waits for the regular tick
    live.flush()
    assert live.store.workers["W1"].position == fix
    assert seen == [["tickets"], ["workers"]]


def test_the_first_load_is_never_split(qtbot: QtBot) -> None:
    live = _live(qtbot)
    worker = WorkerRecord("W1", "王芳", "full_time", "G1", "138****1234", True)
    fix = PositionRecord(7, "W1", NOW, 113.001, 23.001, 5.0, "pad")
    live._from_feed(
        ChangeBatch(workers=(worker,), positions=(fix,), tickets=(ticket(1),), initial=True)
    )
    live.flush(urgent=True)
    assert live.store.loaded and live.store.workers["W1"].position == fix


def test_a_backlog_of_fixes_is_spread_over_ticks_in_order(qtbot: QtBot) -> None:
    live = _live(qtbot)
    live._from_feed(base_batch())
    live.flush()
    backlog = MAX_FIXES_PER_FLUSH + 500
    fixes = tuple(
        PositionRecord(n, "W1", NOW, 113.0 + n * 1e-6, 23.001, 5.0, "pad") for n in range(backlog)
    )
    live._from_feed(ChangeBatch(positions=fixes))
    live.flush()
    position = live.store.workers["W1"].position
    assert position is not None and position.id == MAX_FIXES_PER_FLUSH - 1
    live.flush()
    assert live.store.workers["W1"].position == fixes[-1]
