"""A city's first load: in slices, grids first, the page's texts bounded, progress to 100 %."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from gridcommand.db.demo.seed import seed_demo
from gridcommand.db.live.store import StateStore, StoreChanges
from gridcommand.db.schema.engine import Database
from gridcommand.desktop.main_window import MainWindow
from gridcommand.desktop.wiring import WindowSession, wire_window
from gridcommand.maps import bridge as bridge_module
from gridcommand.maps import diff_stream
from tests.desktop.conftest import NOW

#: Small enough that a district of 12 grids loads in several slices and texts.
SLICE_ROWS = 5
TEXT_LIMIT = 4000


class Seen:
    """What the live thread's subscriber saw, slice by slice, and what the page was sent."""

    def __init__(self) -> None:
        self.slices: list[tuple[str, ...]] = []
        self.first_load_at: int | None = None
        self.gc_during_load: list[bool] = []
        self.texts: list[str] = []
        self.progress: list[tuple[int, int]] = []

    def on_changes(self, changes: StoreChanges) -> None:
        if changes.first_load:
            self.first_load_at = len(self.slices)
            return
        if self.first_load_at is not None:
            return
        kinds = ("grids", "tickets", "workers", "positions")
        self.slices.append(tuple(k for k in kinds if getattr(changes, k).upserted))
        self.gc_during_load.append(gc.isenabled())


@pytest.fixture
def loading(
    qtbot: QtBot,
    engine: Engine,
    db_url: URL,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[WindowSession, Seen]]:
    monkeypatch.setattr("gridcommand.db.live.feed.FIRST_LOAD_SLICE", SLICE_ROWS)
    monkeypatch.setattr(diff_stream, "MAX_TEXT", TEXT_LIMIT)
    monkeypatch.setattr(bridge_module, "TURN_CHARS", TEXT_LIMIT)
    seed_demo(engine, grids=12, random_seed=3, days=2, now=NOW)
    window = MainWindow(QSettings(str(tmp_path / "gc.ini"), QSettings.Format.IniFormat), "test")
    qtbot.addWidget(window)
    seen = Seen()
    store = StateStore()
    store.subscribe(seen.on_changes)  # on the live thread, as the store applies each slice
    session = wire_window(window, Database(url=db_url), store, poll_interval=0.3, map_probes=True)
    assert session.map is not None
    session.map.bridge.diffs_sent.connect(seen.texts.append)
    session.live.loading.connect(lambda done, total: seen.progress.append((done, total)))
    window.show()
    qtbot.waitUntil(lambda: store.loaded, timeout=30_000)
    yield session, seen
    session.stop()


def test_the_first_load_comes_in_slices_grids_first(
    qtbot: QtBot, loading: tuple[WindowSession, Seen]
) -> None:
    session, seen = loading
    assert seen.first_load_at is not None and seen.first_load_at > 3
    order = [kind for kinds in seen.slices for kind in kinds]
    # Grids first, then cases, then workers (their fixes after them show as workers
    # changed: a first fix takes a worker from offline to their status).
    firsts = [order.index(kind) for kind in ("grids", "tickets", "workers")]
    assert firsts == sorted(firsts)
    assert seen.slices[0] == ("grids",)
    assert len([s for s in seen.slices if "grids" in s]) == 3  # 12 grids, 5 a slice
    # Collection waits until the load is in, then the load is frozen and it resumes.
    assert seen.gc_during_load and not any(seen.gc_during_load)
    assert gc.isenabled()
    assert len(session.store.grids) == 12


def test_no_text_for_the_page_is_longer_than_the_bound_and_every_grid_is_drawn(
    qtbot: QtBot, loading: tuple[WindowSession, Seen]
) -> None:
    session, seen = loading
    panel = session.map
    assert panel is not None
    counts: dict[str, int] = {}

    def drawn() -> bool:
        panel.request_counts(lambda c: counts.update(c))
        return counts.get("grids") == len(session.store.grids)

    qtbot.waitUntil(drawn, timeout=30_000)
    qtbot.waitUntil(lambda: panel.bridge.backlog == 0, timeout=10_000)
    assert len(seen.texts) > 3
    for text in seen.texts:
        diffs = json.loads(text)
        single = len(diffs) == 1 and len(diffs[0]["upsert"]) == 1
        assert len(text) <= TEXT_LIMIT or single


def test_progress_reaches_100_percent_and_the_models_learn_after_the_load(
    qtbot: QtBot, loading: tuple[WindowSession, Seen]
) -> None:
    session, seen = loading
    qtbot.waitUntil(lambda: bool(seen.progress) and seen.progress[-1][0] >= seen.progress[-1][1])
    done = [d for d, _ in seen.progress]
    total = seen.progress[-1][1]
    assert len(seen.progress) > 3 and done == sorted(done) and total > 12
    qtbot.waitUntil(lambda: session.loading.percent == 100)
    assert session.loading.isHidden()
    # The forecast learns once the city is in (deferred off the first load's path).
    qtbot.waitUntil(lambda: session.overdue.model is not None, timeout=60_000)
