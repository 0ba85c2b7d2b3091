"""The collector's policy on the live path: a city's first load is never walked by it."""

from __future__ import annotations

import gc
import linecache
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import URL

from gridcommand.db.live.records import ChangeBatch, PositionRecord
from gridcommand.db.live.store import StateStore, StoreChanges
from gridcommand.desktop import gc_policy
from gridcommand.desktop import live as live_module
from gridcommand.desktop.gc_policy import FULL_GC_EVERY
from gridcommand.desktop.live import LiveData
from tests.db.live.test_store import base_batch

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


@pytest.fixture
def defaults() -> Iterator[None]:
    """CPython's thresholds, as a process starts; put back afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def _tracked(obj: object) -> bool:
    """Whether the collector's generations hold ``obj`` (frozen objects are in none)."""
    return any(o is obj for o in gc.get_objects())


def test_the_first_load_is_applied_with_full_collections_held_and_then_frozen(
    qtbot: QtBot, defaults: None
) -> None:
    live = LiveData(URL.create("postgresql+psycopg", database="unused"), StateStore(lambda: NOW))
    thresholds: list[tuple[str, tuple[int, int, int]]] = []

    def note(changes: StoreChanges) -> None:  # on the live thread, as the load is applied
        thresholds.append((threading.current_thread().name, gc.get_threshold()))

    live.store.subscribe(note)
    live.worker.open()  # the feed is never started: batches are handed over as it would
    try:
        live._from_feed(base_batch())
        assert live.wait()
        qtbot.waitUntil(lambda: bool(thresholds))
        name, during = thresholds[0]
        assert name.startswith("gridcommand-live")
        assert during[2] == FULL_GC_EVERY  # no full collection over the first load
        # The loaded city is frozen: no later collection walks its records again.
        worker = live.store.workers["W1"]
        assert gc.get_freeze_count() > 0
        assert not _tracked(worker) and not _tracked(live.store.grids["G1"])
        # What arrives later is collected as usual until it is long-lived.
        live._from_feed(
            ChangeBatch(positions=(PositionRecord(1, "W1", NOW, 113.0, 23.0, 5.0, "pad"),))
        )
        assert live.wait()
        assert _tracked(live.store.workers["W1"])
    finally:
        live.stop()


def test_the_c_heap_is_trimmed_on_the_live_thread_after_the_first_load(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    trimmed_on: list[tuple[str, bool]] = []
    real = gc_policy.return_freed_memory

    def noted() -> bool:
        done = real()
        trimmed_on.append((threading.current_thread().name, done))
        return done

    monkeypatch.setattr(gc_policy, "return_freed_memory", noted)
    monkeypatch.setattr(live_module, "TRIM_AFTER_LOAD_MS", 0)
    live = LiveData(URL.create("postgresql+psycopg", database="unused"), StateStore(lambda: NOW))
    live.worker.open()
    try:
        live._from_feed(ChangeBatch(positions=()))  # not a first load: no trim
        assert live.wait()
        qtbot.wait(100)
        assert trimmed_on == []
        with qtbot.waitSignal(live.loaded):
            live._from_feed(base_batch())
        qtbot.waitUntil(lambda: bool(trimmed_on))
        name, done = trimmed_on[0]
        assert name.startswith("gridcommand-live") and done  # glibc, as on the wall PCs
    finally:
        live.stop()


def test_the_sources_read_at_import_are_dropped_when_the_console_starts(
    qtbot: QtBot, db_url: URL
) -> None:
    """PySide6 read every module's source as it was imported; linecache kept them all."""
    assert linecache.getlines(live_module.__file__)  # as PySide6's import hook leaves it
    live = LiveData(db_url, StateStore(lambda: NOW))
    try:
        live.start()
        assert live_module.__file__ not in linecache.cache
    finally:
        live.stop()
