"""LiveData: the feed's batches applied on the live thread, the views told on the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import URL

from gridcommand.db.live.records import ChangeBatch, PositionRecord, WorkerRecord
from gridcommand.db.live.store import StateStore, StoreChanges
from gridcommand.desktop.live import MAX_FIXES_PER_ROUND, LiveData
from tests.db.live.test_store import base_batch, ticket

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


@pytest.fixture
def live(qtbot: QtBot) -> Iterator[LiveData]:
    # The feed is never started: batches are handed over as its thread would.
    live = LiveData(URL.create("postgresql+psycopg", database="unused"), StateStore(lambda: NOW))
    live.worker.open()
    yield live
    live.stop()


def _fix(n: int, lon: float = 113.001) -> PositionRecord:
    return PositionRecord(n, "W1", NOW, lon, 23.001, 5.0, "pad")


def test_the_store_is_applied_on_the_live_thread_and_views_hear_on_the_gui_thread(
    qtbot: QtBot, live: LiveData
) -> None:
    applied_on: list[str] = []
    heard: list[tuple[bool, list[int]]] = []

    def view(changes: StoreChanges) -> None:
        on_gui = threading.current_thread() is threading.main_thread()
        heard.append((on_gui, [t.id for t in changes.tickets.added]))

    live.store.subscribe(lambda c: applied_on.append(threading.current_thread().name))
    live.store.subscribe(view, ["tickets"], call=live.to_gui)
    live._from_feed(base_batch())
    live._from_feed(ChangeBatch(tickets=(ticket(1),)))
    qtbot.waitUntil(lambda: any(ids == [1] for _, ids in heard))
    assert applied_on and all(name.startswith("gridcommand-live") for name in applied_on)
    assert all(on_gui for on_gui, _ in heard)


def test_a_report_does_not_wait_for_the_fixes_that_came_with_it(
    qtbot: QtBot, live: LiveData
) -> None:
    live._from_feed(base_batch())
    assert live.wait()
    order: list[str] = []
    live.store.subscribe(
        lambda c: order.append("tickets" if c.tickets.added else "workers"),
        ["tickets", "workers", "positions"],
    )
    live._from_feed(ChangeBatch(positions=(_fix(7),), tickets=(ticket(1),)))
    qtbot.waitUntil(lambda: len(order) >= 2)
    assert order == ["tickets", "workers"]
    assert live.store.workers["W1"].position == _fix(7)


def test_the_first_load_is_never_split(live: LiveData) -> None:
    worker = WorkerRecord("W1", "王芳", "full_time", "G1", "138****1234", True)
    live._from_feed(
        ChangeBatch(workers=(worker,), positions=(_fix(7),), tickets=(ticket(1),), initial=True)
    )
    assert live.wait()
    assert live.store.loaded and live.store.workers["W1"].position == _fix(7)


def test_a_backlog_of_fixes_is_spread_over_rounds_in_order(qtbot: QtBot, live: LiveData) -> None:
    live._from_feed(base_batch())
    assert live.wait()
    rounds: list[int] = []
    live.store.subscribe(
        lambda c: (
            rounds.append(c.positions.changed[0].position.id)  # type: ignore[union-attr]
            if c.positions
            else None
        ),
        ["positions"],
    )
    backlog = MAX_FIXES_PER_ROUND + 500
    fixes = tuple(_fix(n, 113.0 + n * 1e-6) for n in range(1, backlog + 1))
    live._from_feed(ChangeBatch(positions=(_fix(0),)))  # online first: later fixes only move
    assert live.wait()
    live._from_feed(ChangeBatch(positions=fixes))
    qtbot.waitUntil(lambda: live.store.workers["W1"].position == fixes[-1])
    # The store sets the position before it tells its subscribers: the round must end.
    assert live.wait()
    assert rounds == [MAX_FIXES_PER_ROUND, backlog]


def test_held_fixes_wait_for_the_release_and_reports_do_not(qtbot: QtBot, live: LiveData) -> None:
    live._from_feed(base_batch())
    live._from_feed(ChangeBatch(positions=(_fix(0),)))
    assert live.wait()
    live.hold_fixes()
    live._from_feed(ChangeBatch(positions=(_fix(1, 113.002),), tickets=(ticket(1),)))
    qtbot.waitUntil(lambda: 1 in live.store.tickets)
    live._from_feed(ChangeBatch(positions=(_fix(2, 113.003),)))
    assert live.wait()
    assert live.fixes_held
    assert live.store.workers["W1"].position == _fix(0)  # the report went, the fixes wait
    live.release_fixes()
    qtbot.waitUntil(lambda: live.store.workers["W1"].position == _fix(2, 113.003))
    assert not live.fixes_held


def test_fixes_are_never_held_longer_than_the_limit(qtbot: QtBot, live: LiveData) -> None:
    live._from_feed(base_batch())
    live._from_feed(ChangeBatch(positions=(_fix(0),)))
    assert live.wait()
    live.hold_fixes()  # and nobody releases them
    live._from_feed(ChangeBatch(positions=(_fix(1, 113.002),)))
    qtbot.waitUntil(lambda: live.store.workers["W1"].position == _fix(1, 113.002), timeout=5000)
    assert not live.fixes_held
