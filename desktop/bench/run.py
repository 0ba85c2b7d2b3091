"""The benchmark's steps, in order, on the real window: load, inserts, a batch, the naive page.

Each step lets the event loop run (``pump_until``) while timers and callbacks take
the measurements, so what is measured is the application as it runs, not a copy.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QSettings

from gridcommand.db.live.store import StoreChanges
from gridcommand.db.schema.engine import Database
from gridcommand.db.schema.errors import UserFacingError
from gridcommand.desktop.bench.city import City
from gridcommand.desktop.bench.footprint import app_pids, idle_cpu_percent, rss_mb
from gridcommand.desktop.bench.inserts import Inserter
from gridcommand.desktop.bench.meters import PointWatch, StallMeter, percentile
from gridcommand.desktop.bench.moves import apply_batch, move_batch
from gridcommand.desktop.bench.naive import NaiveReload, NaiveTiming
from gridcommand.desktop.bench.profile import Profile, profile_live
from gridcommand.desktop.bench.pump import ask_page, pump_for, pump_until
from gridcommand.desktop.main_window import MainWindow
from gridcommand.desktop.replay import ReplayController
from gridcommand.desktop.wiring import WindowSession, wire_window
from gridcommand.maps.panel import MapPanel
from gridcommand.widgets.replay_bar import ReplayBar

Say = Callable[[str], None]
INSERTS_PER_SECOND = 5.0
POINT_TIMEOUT_S = 20.0
DRAW_TIMEOUT_S = 300.0
BATCH_ATTEMPTS = 3
SETTLE_TIMEOUT_S = 600.0
#: Replay: how long the operator looks at a moment before the next move (the replay
#: reads the hours either side meanwhile), and the moves it has not read ahead.
READ_AHEAD_PAUSE_S = 1.0
COLD_SEEKS = 4


def started_up(session: WindowSession) -> bool:
    """The window's start-up work is done (see ``Figures.settle_s``)."""
    panel = session.map
    return (
        not session.tickets_in.busy
        and not session.workers_in.busy
        and (panel is None or panel.bridge.backlog == 0)
        and session.categories.suggester is not None
        and session.overdue.model is not None
    )


@dataclass
class Options:
    grids: int = 10_000
    workers_moves: int = 10_000
    inserts: int = 200
    warm_up_s: float = 5.0
    idle_s: float = 15.0
    profile_s: float = 15.0
    size: tuple[int, int] = (1920, 1080)
    replay_seeks: int = 12


@dataclass
class Figures:
    startup_s: float = 0.0
    #: Window opened → its start-up work done: queues and workers filled, every text
    #: sent to the page, the forecast and the category model learnt. The steady
    #: figures (inserts, stalls once live) are taken after it.
    settle_s: float = 0.0
    insert_ms: list[float] = field(default_factory=list)
    insert_to_store_ms: list[float] = field(default_factory=list)
    commit_ms: list[float] = field(default_factory=list)
    inserts_missed: int = 0
    batches: list[dict[str, float]] = field(default_factory=list)
    naive: NaiveTiming | None = None
    stalls: dict[str, float] = field(default_factory=dict)
    #: Full garbage collections during the run: how many, and the longest (ms).
    full_gc: tuple[int, float] = (0, 0.0)
    full_gc_by_phase: dict[str, list[float]] = field(default_factory=dict)
    #: The page's own timing of its work during the inserts (``gridmap.perf``), and over
    #: how many seconds.
    page_work: dict[str, dict[str, float]] = field(default_factory=dict)
    page_work_s: float = 0.0
    profile: Profile | None = None
    notes: list[str] = field(default_factory=list)
    #: The main process's CPU while idle with the simulator (100 = a core), and the RSS
    #: of the app's processes at the end of that idle phase (bench/footprint.py).
    idle_cpu_percent: float = 0.0
    #: The same for the app's other processes together (its feed, its web engine).
    idle_cpu_others_percent: float = 0.0
    rss_mb: float = 0.0
    #: The replica path (``bench --replica``), see bench/replica.py.
    replica: dict[str, Any] | None = None
    #: Replay: each move of the slider by an hour until the page showed the new moment.
    replay_seek_ms: list[float] = field(default_factory=list)
    replay_read_ms: list[float] = field(default_factory=list)
    #: Moves by 1 h 7 min, which the replay has not read ahead (see measure_replay), and
    #: how many of the hour steps found their moment read ahead.
    replay_cold_ms: list[float] = field(default_factory=list)
    replay_read_ahead: int = 0
    #: Wall seconds of each step of the run (seeding, start-up, … the replica), to show
    #: which takes the time at a scale.
    phase_s: dict[str, float] = field(default_factory=dict)


class Bench:
    def __init__(self, city: City, options: Options, say: Say) -> None:
        self.city = city
        self.options = options
        self.say = say
        self.figures = Figures()
        self._diffs_sent = 0
        self._store_seen: dict[int, float] = {}
        self._scratch = tempfile.TemporaryDirectory(prefix="gridcommand-bench-ui-")

    # -- the window --------------------------------------------------------------------
    def open_window(self) -> WindowSession:
        layout = QSettings(str(Path(self._scratch.name) / "layout.ini"), QSettings.Format.IniFormat)
        self.window = MainWindow(layout, "(bench)")
        self.meter = StallMeter(self.window)
        self.meter.start()
        started = time.monotonic()
        session = wire_window(self.window, Database(url=self.city.url), map_probes=True)
        assert session.map is not None
        session.map.bridge.diffs_sent.connect(self._count_diffs)
        # On the live thread, as the store applies each change.
        session.store.subscribe(self._note_store, ["tickets"])
        self.window.resize(*self.options.size)
        self.window.show()
        self.window._apply_first_layout()  # the wall screen's layout; no public hook yet
        panel = session.map
        store = session.store
        pump_until(
            lambda: store.loaded and panel.is_ready and self._diffs_sent > 0,
            900,
            "the window to load the city",
        )
        grids = len(store.grids)
        deadline = time.monotonic() + DRAW_TIMEOUT_S

        def drawn() -> int:  # each question may wait as long as the whole step may
            left = max(1.0, deadline - time.monotonic())
            return int(ask_page(panel, "gridmap.counts().grids", left) or 0)

        pump_until(lambda: drawn() >= grids, DRAW_TIMEOUT_S, "the page to draw every grid")
        self.figures.startup_s = time.monotonic() - started
        self._opened = started
        return session

    def settle(self, session: WindowSession) -> None:
        """Until the window's start-up work is done (see ``Figures.settle_s``).

        The city reaches the map first and the rest follows (queues, the workers'
        table, outlines, the models); reports arriving meanwhile wait behind that work,
        so the steady figures are taken once it is done, and this time is reported.
        """
        pump_until(partial(started_up, session), SETTLE_TIMEOUT_S, "the window's start-up work")
        self.figures.settle_s = time.monotonic() - self._opened

    def _count_diffs(self, _text: str) -> None:
        self._diffs_sent += 1

    def _note_store(self, changes: StoreChanges) -> None:
        now = time.perf_counter()
        for ticket in changes.tickets.added:
            self._store_seen.setdefault(ticket.id, now)

    # -- (a) INSERT → point ----------------------------------------------------------
    def measure_inserts(self, session: WindowSession) -> None:
        panel = session.map
        assert panel is not None
        self.meter.enter("inserts")
        self._store_seen.clear()
        watch = PointWatch(panel, self.window)
        inserter = Inserter(self.city.conninfo, self.options.inserts, INSERTS_PER_SECOND, "bench")
        inserter.inserted.connect(watch.watch)
        done: list[bool] = []
        inserter.finished.connect(lambda: done.append(True))
        ask_page(panel, "(function () { gridmap.perf = {}; return 1; })()")  # from now on
        perf_from = time.perf_counter()
        inserter.start()
        expected = self.options.inserts / INSERTS_PER_SECOND
        pump_until(lambda: bool(done), expected * 3 + 60, "the test tickets to be written")
        try:
            pump_until(lambda: not watch.waiting, POINT_TIMEOUT_S, "the last points")
        except Exception:
            self.figures.notes.append(f"{len(watch.waiting)} points never appeared")
        watch.stop()
        inserter.stop()
        if inserter.error:
            self.figures.notes.append(f"inserts stopped: {inserter.error}")
        for ticket_id, before in inserter.started_at.items():
            if ticket_id in watch.drawn_ms:
                wall = inserter.started_wall[ticket_id] * 1000
                self.figures.insert_ms.append(watch.drawn_ms[ticket_id] - wall)
            else:
                self.figures.inserts_missed += 1
            if ticket_id in self._store_seen:
                self.figures.insert_to_store_ms.append(
                    (self._store_seen[ticket_id] - before) * 1000
                )
        self.figures.commit_ms = inserter.commit_ms
        self.figures.page_work = ask_page(panel, "gridmap.perf") or {}
        self.figures.page_work_s = time.perf_counter() - perf_from
        self.say(f"  inserts: {len(self.figures.insert_ms)} points seen on the page")

    # -- (b) a batch of worker moves -------------------------------------------------
    def measure_batch(self, session: WindowSession) -> None:
        panel = session.map
        assert panel is not None
        for attempt in range(1, BATCH_ATTEMPTS + 1):
            batch = move_batch(session, self.options.workers_moves, attempt)
            self.meter.enter("batch")  # building the test batch is not the app's work
            timing = apply_batch(session, batch)
            sent_as = self._diffs_sent
            applied, page_ms = self._wait_applied(panel, sent_as)
            confirmed = time.perf_counter()
            self.figures.batches.append(
                {
                    "moves": timing.moves,
                    "store_ms": timing.store_ms,
                    "views_and_diff_ms": timing.views_ms,
                    "page_apply_ms": page_ms if applied == sent_as else -1.0,
                    "wall_ms": (confirmed - timing.started_at) * 1000,
                }
            )
            pump_for(1.0)
        self.say(f"  batch: {self.figures.batches[-1]['moves']} moves applied")

    def _wait_applied(self, panel: MapPanel, sent_as: int) -> tuple[int, float]:
        answer: list[Any] = [0, 0.0]

        def page_has_it() -> bool:
            answer[:] = ask_page(panel, "[gridmap.applied, gridmap.lastApplyMs]") or [0, 0.0]
            return int(answer[0]) >= sent_as

        deadline = time.monotonic() + 120
        while not page_has_it():
            if time.monotonic() > deadline:
                raise UserFacingError("The page never confirmed the batch of worker moves.")
        return int(answer[0]), float(answer[1])

    # -- (c) replay: the slider moved by an hour -------------------------------------------
    def measure_replay(self, session: WindowSession) -> None:
        """From the slider's move by one hour until the page has applied the new moment.

        The replay opens on the last day at 12 hours ago (its first moment, the whole
        city, is not counted); then the slider moves an hour at a time, alternately on
        and back, as an operator looking for when something happened does.
        """
        panel, replay, bar = session.map, session.replay, session.replay_bar
        assert panel is not None
        self.meter.enter("replay")
        now = datetime.now().astimezone()
        replay.open(now - timedelta(hours=24), now, now - timedelta(hours=12))
        pump_until(lambda: replay.shown_at is not None, 300, "the first replayed moment")
        self._wait_applied(panel, self._diffs_sent)
        hits = replay.prefetch_hits
        for n in range(self.options.replay_seeks):
            pump_for(READ_AHEAD_PAUSE_S)  # the operator looks at the moment shown
            step = timedelta(hours=1 if n % 4 < 2 else -1)
            self.figures.replay_seek_ms.append(self._seek(panel, replay, bar, step))
            self.figures.replay_read_ms.append(replay.last_seek_ms)
        self.figures.replay_read_ahead = replay.prefetch_hits - hits
        # Moves the replay has not read ahead: a drag of the handle, not a step.
        for n in range(COLD_SEEKS):
            pump_for(READ_AHEAD_PAUSE_S)
            step = timedelta(hours=1, minutes=7) * (1 if n % 2 == 0 else -1)
            self.figures.replay_cold_ms.append(self._seek(panel, replay, bar, step))
        replay.back_to_live()
        pump_for(1.0)
        self.say(f"  replay: {len(self.figures.replay_seek_ms)} seeks of an hour shown")

    def _seek(
        self, panel: MapPanel, replay: ReplayController, bar: ReplayBar, step: timedelta
    ) -> float:
        """Milliseconds from moving the slider by ``step`` until the page has the moment."""
        shown = replay.shown_at
        assert shown is not None
        target = shown + step
        started = time.perf_counter()
        bar.seek(target)
        pump_until(partial(_is_shown, replay, target), 120, "a replayed moment")
        self._wait_applied(panel, self._diffs_sent)
        return (time.perf_counter() - started) * 1000

    # -- (d) the naive page ------------------------------------------------------------
    def measure_naive(self, session: WindowSession) -> None:
        self.meter.enter("naive")
        box: list[NaiveTiming] = []
        naive = NaiveReload(session.store, box.append)
        try:
            naive.start()
            pump_until(lambda: bool(box), 900, "the naive page to load")
        finally:
            naive.close()
        self.figures.naive = box[0]
        self.say(f"  naive: {box[0].markers} of {box[0].of_markers} markers rebuilt and reloaded")

    def run(self) -> Figures:
        session = self.open_window()
        try:
            self.say(f"  window: the city is on the map after {self.figures.startup_s:.1f} s")
            self.meter.enter("settle")
            self.settle(session)
            self.say(f"  window: its start-up work done after {self.figures.settle_s:.1f} s")
            self.meter.enter("live")
            pump_for(self.options.warm_up_s)
            self.measure_inserts(session)
            self.measure_batch(session)
            self.measure_replay(session)
            self.meter.enter("after")
            pump_for(1.0)
            self.meter.enter("idle")
            simulator = self.city.simulator
            not_app = (simulator.pid,) if simulator is not None else ()
            others = [pid for pid in app_pids(exclude=not_app) if pid != os.getpid()]
            main, rest = idle_cpu_percent(self.options.idle_s, others)
            self.figures.idle_cpu_percent, self.figures.idle_cpu_others_percent = main, rest
            self.figures.rss_mb = rss_mb(exclude=not_app)
            if self.options.profile_s > 0:
                self.meter.enter("profile")
                self.figures.profile = profile_live(session, self.options.profile_s)
            self.measure_naive(session)
            self.meter.stop()
            self.figures.stalls = dict(self.meter.max_gap_ms)
            self.figures.full_gc = (self.meter.full_gc_count, self.meter.max_full_gc_ms)
            self.figures.full_gc_by_phase = dict(self.meter.full_gc_by_phase)
            self.figures.phase_s.update(self.meter.phase_s)
        finally:
            session.stop()
            self.window.close()
            # The web pages must go before their profile, at exit, or Chromium complains.
            self.window.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            self._scratch.cleanup()
        return self.figures


def _is_shown(replay: ReplayController, at: datetime) -> bool:
    return replay.shown_at == at


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def summarise(figures: Figures) -> dict[str, Any]:
    """``p50/p95/p99`` and the batch's median attempt, in milliseconds."""

    def spread(values: list[float]) -> dict[str, float]:
        return {f"p{p}": round(percentile(values, p / 100), 1) for p in (50, 95, 99)}

    return {
        "insert": spread(figures.insert_ms),
        "insert_to_store": spread(figures.insert_to_store_ms),
        "commit": spread(figures.commit_ms),
        "batch_wall_ms": round(median([b["wall_ms"] for b in figures.batches]), 1),
        "replay_seek": spread(figures.replay_seek_ms),
        "replay_read": spread(figures.replay_read_ms),
        "replay_cold": spread(figures.replay_cold_ms),
    }
