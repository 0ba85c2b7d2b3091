"""Replay (回放) in the window: the bar's moments read off the GUI thread, then shown.

Each moment is read by ``db.replay`` on the background runner (the latest request
wins), turned into a store and the page's features there too, and only then
handed to the GUI thread, which sends the map what differs from the moment
before, refills the replay queues and the charts. The live feed keeps running
underneath: the live store, the alarm and the live queues carry on, and "Back to
live" sends the page the live state again with its zoom and pan kept.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QStackedWidget
from sqlalchemy import Engine

from gridcommand.db.live.figures import DashboardFigures, figures_from
from gridcommand.db.live.records import TicketRecord
from gridcommand.db.live.store import StateStore, WorkerState, time_state
from gridcommand.db.replay.frame import Frame, FrameReader
from gridcommand.db.replay.state import ReplayStore, replay_store
from gridcommand.desktop.background import BackgroundRunner
from gridcommand.maps.features import Located, Project, projector
from gridcommand.maps.panel import MapPanel
from gridcommand.maps.replay_picture import Picture, dots_unknown, picture_of
from gridcommand.resources.palette import REPLAY_BANNER
from gridcommand.widgets.charts import ChartsPanel
from gridcommand.widgets.queues import QueuePanel
from gridcommand.widgets.replay_bar import HOUR, ReplayBar
from gridcommand.widgets.stacked import stacked
from gridcommand.widgets.workers_panel import WorkersPanel

#: How long after a moment is shown the hours either side are read (``_read_ahead``):
#: the reads take the interpreter lock from the page's answer and the panels' paints.
READ_AHEAD_AFTER_MS = 300
#: The window a replay opens on by default: the last day, at an hour ago.
LAST_DAY = timedelta(hours=24)


@dataclass(frozen=True)
class Moment:
    """One moment read and prepared off the GUI thread."""

    at: datetime
    frame: Frame
    store: ReplayStore
    picture: Picture
    figures: DashboardFigures
    #: Active workers by status (the workers panel's counts).
    worker_counts: dict[str, int]
    asked: float  # time.monotonic() when the bar asked for it


def local_day(at: datetime) -> tuple[datetime, datetime]:
    """The PC's local day holding ``at``: midnight to midnight."""
    local = at.astimezone()
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


class ReplayController(QObject):
    """Owns the replay's queues and its picture on the map; ``active`` while replaying."""

    active_changed = Signal(bool)
    #: A moment is on the map and in the queues: its time, and ms since it was asked for.
    moment_shown = Signal(object, float)

    def __init__(
        self,
        engine: Engine,
        live: StateStore,
        runner: BackgroundRunner,
        bar: ReplayBar,
        names: Names,
        queue_stack: QStackedWidget,
        charts: ChartsPanel,
        map_panel: MapPanel | None,
        parent: QObject | None = None,
        workers_stack: QStackedWidget | None = None,
        fixes: FixGate | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        #: The live thread's worker fixes, held back while a step is read and shown.
        self.fixes = fixes
        self.live = live
        self.runner = runner
        self.bar = bar
        self.clock = MomentClock()
        self.queues = replay_queue_panel(self.clock, names)
        self.queue_stack = queue_stack
        self.charts = charts
        self.map = map_panel
        self.active = False
        self.shown_at: datetime | None = None
        #: The moment on screen as a store (``None`` while live).
        self.store: StateStore | None = None
        self.last_seek_ms = 0.0
        self._reader: FrameReader | None = None
        self._picture: Picture | None = None
        #: The moment shown, read again only where it may differ from the next one asked.
        self._frame: Frame | None = None
        #: Moments read ahead of a step (``_read_ahead``): time -> (the frame read from,
        #: the frame), and how many steps found theirs there.
        self._ahead: dict[datetime, tuple[Frame, Frame]] = {}
        self.prefetch_hits = 0
        self._centres: dict[str, tuple[float, float]] = {}
        self._shown_tickets: dict[int, TicketRecord] = {}
        #: Moments handed to the live thread's queue and not yet presented.
        self._in_lane = 0
        #: The moment the replay's workers panel shows.
        self._workers_from: ReplayStore | None = None
        #: The worker whose track the map shows at the replayed moment (``None``: nobody).
        self.track_worker: str | None = None
        self._heading = heading()
        self._replay_queues = stacked(self._heading, self.queues)
        queue_stack.addWidget(self._replay_queues)
        # The workers as they stood: their status, last fix and track of the moment.
        self.workers = WorkersPanel(self.clock, names.grid, state_of=self._worker_state)
        self._workers_heading = heading()
        self._replay_workers = stacked(self._workers_heading, self.workers)
        self.workers_stack = workers_stack
        if workers_stack is not None:
            workers_stack.addWidget(self._replay_workers)
        self.workers.worker_selected.connect(self.show_worker)
        bar.seek_requested.connect(self.seek)
        bar.live_requested.connect(self.back_to_live)
        if map_panel is not None:
            # A case chosen in the replay's queues is shown where it was on the map.
            self.queues.ticket_selected.connect(map_panel.select_ticket)
            map_panel.worker_clicked.connect(self._on_map_worker_clicked)

    # -- opening and leaving ---------------------------------------------------------------
    def open_last_day(self) -> None:
        now = datetime.now().astimezone()
        self.open(now - LAST_DAY, now, now - timedelta(hours=1))

    def open_grid_day(self, grid_code: str) -> None:
        """A grid's day: the map on the grid, the window today (up to now)."""
        now = datetime.now().astimezone()
        start, end = local_day(now)
        if self.map is not None:
            self.map.select_grid(grid_code)
        self.open(start, min(end, now), start)

    def open(self, start: datetime, end: datetime, at: datetime) -> None:
        if self._reader is None:
            self._reader = FrameReader(self.engine, self.live.grids)
        if not self.active:
            self.active = True
            # The worker whose track the map showed live keeps it, at the replayed time.
            self.track_worker = self.map.selected_worker if self.map is not None else None
            self.queue_stack.setCurrentWidget(self._replay_queues)
            if self.workers_stack is not None:
                self.workers_stack.setCurrentWidget(self._replay_workers)
            self.active_changed.emit(True)
        self.bar.open(start, end, at)
        self.bar.setFocus()

    def back_to_live(self) -> None:
        """One click: the map, the queues and the charts show now again."""
        if not self.active:
            return
        self.bar.pause()
        self.runner.submit("replay", lambda: None)  # a moment still being read is dropped
        self._release_fixes()
        self.active = False
        self.bar.hide()
        self.queue_stack.setCurrentIndex(0)
        if self.workers_stack is not None:
            self.workers_stack.setCurrentIndex(0)
        if self.map is not None and self._picture is not None:
            # The live store is applied on the live thread: its picture is taken there.
            shown, project, centres = self._picture, self.map.builder.project, self._centres
            live, chosen, points = self.live, self.map.selected_worker, self.map.diffs.track_points
            self.map.return_from_past(
                lambda: live_picture(live, project, centres, chosen, points).diffs_from(shown)
            )
        elif self.map is not None:
            self.map.show_live([])
        self._picture = None
        self._frame = None
        self._ahead = {}
        self.shown_at = None
        self.store = None
        self.active_changed.emit(False)

    # -- moments -------------------------------------------------------------------------
    def seek(self, at: datetime) -> None:
        reader = self._reader
        if not self.active or reader is None:
            return
        grids = list(self.live.grids.values())
        workers = [s.record for s in list(self.live.workers.values())]  # applied elsewhere
        project: Project = self.map.builder.project if self.map is not None else projector("WGS84")
        centres = self._centres
        asked = time.monotonic()
        since = self._frame
        before = (self.store, self._picture) if self.store and self._picture else None
        chosen = self.track_worker

        if self.fixes is not None and not self.bar.playing:
            self.fixes.hold_fixes()  # the operator waits for this moment: it goes first
        ahead = self._ahead.get(at)
        ready = ahead[1] if ahead is not None and ahead[0] is since else None
        self.prefetch_hits += ready is not None

        def read() -> Moment:
            frame = ready if ready is not None else reader.frame(at, since)
            store = replay_store(frame, grids, workers, before[0] if before else None)
            counts = store.worker_counts()
            figures = figures_from(list(store.tickets.values()), counts, at)
            track = (chosen, reader.track(chosen, at)) if chosen else None
            picture = picture_of(store, project, centres, before, track)
            return Moment(at, frame, store, picture, figures, counts, asked)

        self.runner.submit("replay", read, self._show, self._failed)

    def _show(self, moment: object) -> None:
        if not isinstance(moment, Moment) or not self.active:
            return
        previous = self._picture  # what the page has (or will have, in order) before this
        # The next moment is read against this one, whether or not it is on screen yet.
        self._picture = moment.picture
        self._frame = moment.frame
        self.store = moment.store
        if self.map is None:
            self._present(moment)
            return
        if previous is not None and not self._in_lane:
            # Replaying already, and nothing ahead of it: the page has (or has been sent)
            # ``previous``, so this moment's diffs go now. A return to live goes through
            # the live thread's queue after it, so the order holds.
            self._present(moment, moment.picture.diffs_from(previous))
            return
        # From live, the live picture is taken on the live thread, where the live store is
        # applied; a moment that follows one still in that queue waits behind it, so the
        # page gets them in order.
        panel, project, centres, live = self.map, self.map.builder.project, self._centres, self.live
        chosen, points = panel.selected_worker, panel.diffs.track_points
        self._in_lane += 1

        def present(before: Picture) -> None:
            self._in_lane -= 1
            self._present(moment, moment.picture.diffs_from(before))

        panel.on_live_thread(
            lambda: (
                previous
                if previous is not None
                else dots_unknown(live_picture(live, project, centres, chosen, points))
            ),
            present,
        )

    def _present(self, moment: Moment, diffs: list[dict[str, Any]] | None = None) -> None:
        """The moment on the map (always: a return to live diffs from it), then, if
        replay is still open, in the queues, the charts and the bar."""
        if self.map is not None and diffs is not None:
            self.map.show_replay(diffs, moment.store)
        if not self.active:
            return
        self._fill_queues(moment)
        self._fill_workers(moment)
        self.charts.show_figures(moment.figures)
        self.shown_at = moment.at
        self.last_seek_ms = (time.monotonic() - moment.asked) * 1000
        self.bar.shown(moment.at)
        self._release_fixes()
        self.moment_shown.emit(moment.at, self.last_seek_ms)
        # Once the page and the panels have taken this moment in, not while they do.
        QTimer.singleShot(READ_AHEAD_AFTER_MS, self, partial(self._read_ahead, moment))

    def _read_ahead(self, moment: Moment) -> None:
        """Read the hours either side of the moment shown, from it, while the operator looks.

        An operator looking for when something happened steps the slider an hour on or
        back (its page keys): that step then starts from a moment already read, and only
        the preparation is left. Not while playing (the next moment is minutes on, and
        the reads would double the replay's load), and only inside the bar's window.
        """
        if not self.active or self._frame is not moment.frame:
            return  # another moment came meanwhile (or live did)
        reader, base = self._reader, moment.frame
        self._ahead = {at: pair for at, pair in self._ahead.items() if pair[0] is base}
        if reader is None or self.bar.playing:
            return
        for name, at in (("on", moment.at + HOUR), ("back", moment.at - HOUR)):
            if at in self._ahead or not self.bar.start <= at <= self.bar.end:
                continue
            self.runner.submit(
                f"replay-ahead-{name}",
                partial(reader.frame, at, base),
                partial(self._ahead_read, base, at),
                lambda _error: None,  # a step not read ahead is read when asked
            )

    def _ahead_read(self, base: Frame, at: datetime, frame: object) -> None:
        if isinstance(frame, Frame) and self.active and self._frame is base:
            self._ahead[at] = (base, frame)

    def _fill_queues(self, moment: Moment) -> None:
        """Only the cases that differ from the moment before: a city's queue refilled row by
        row at every step of the slider kept the GUI thread busy for seconds."""
        tickets = moment.store.tickets
        shown = self._shown_tickets
        gone = shown.keys() - tickets.keys()
        if gone:
            self.queues.remove(gone)
        self.clock.at = moment.at
        changed = [t for i, t in tickets.items() if shown.get(i) is not t]
        if changed:
            self.queues.upsert(changed)
        # The queues that depend on the time (the replay also goes back), then the lights.
        self.queues.follow_clock()
        self._shown_tickets = dict(tickets)
        self._heading.setText(
            self.tr("Queues as they stood at %1 (replay)").replace(
                "%1", f"{moment.at.astimezone():%Y-%m-%d %H:%M:%S}"
            )
        )

    def _fill_workers(self, moment: Moment) -> None:
        """The workers whose state differs from the moment before (the same object where
        neither their fix nor their status changed, see ``replay_store``)."""
        store, shown = moment.store, self._workers_from
        states = store.workers
        if store.changed_workers is not None and store.built_from(shown):
            changed = [states[code] for code in store.changed_workers]
        else:
            before = shown.workers if shown is not None else {}
            changed = [s for code, s in states.items() if before.get(code) is not s]
        if changed:
            self.workers.upsert(changed)
        self.workers.set_counts(moment.worker_counts)
        self.workers.refresh()
        self._workers_from = store
        self._workers_heading.setText(
            self.tr("Workers as they stood at %1 (replay)").replace(
                "%1", f"{moment.at.astimezone():%Y-%m-%d %H:%M:%S}"
            )
        )

    # -- a worker and their track ------------------------------------------------------------
    def show_worker(self, code: str) -> None:
        """The map draws ``code``'s track of the hour before the moment shown, and keeps
        it as the replay moves (the moment is read again with it)."""
        if not self.active or code == self.track_worker:
            return
        self.track_worker = code
        if self.shown_at is not None:
            self.seek(self.shown_at)

    def _on_map_worker_clicked(self, code: str) -> None:
        if self.active:
            self.workers.select_worker(code)  # its selection asks for the track
            self.show_worker(code)

    def _worker_state(self, code: str) -> WorkerState | None:
        return self.store.workers.get(code) if self.store is not None else None

    def _release_fixes(self) -> None:
        if self.fixes is not None:
            self.fixes.release_fixes()

    def _failed(self, error: str) -> None:
        self._release_fixes()
        self.bar.shown()
        self.bar.pause()
        self._heading.setText(self.tr("The replay could not be read: %1").replace("%1", error))


def heading() -> QLabel:
    """The blue line over a replayed panel that says which moment it shows."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(
        f"background:{REPLAY_BANNER['background']}; color:{REPLAY_BANNER['text']};"
        " font-weight:bold; padding:4px 8px;"
    )
    return label


def live_picture(
    live: StateStore,
    project: Project,
    centres: dict[str, tuple[float, float]],
    chosen: str | None,
    track_points: Callable[[str | None], Sequence[Located]],
) -> Picture:
    """The live store's picture with the chosen worker's live track (on the live thread,
    where the map keeps that track: ``MapDiffs.track_points``)."""
    track = (chosen, track_points(chosen)) if chosen else None
    return picture_of(live, project, centres, None, track)


class MomentClock:
    """The replay queues' clock: the moment shown, so countdowns and lights are of then."""

    def __init__(self) -> None:
        self.at = datetime.now().astimezone()

    def __call__(self) -> datetime:
        return self.at


class FixGate(Protocol):
    """Where the live worker fixes can be held back for a moment (``LiveData``)."""

    def hold_fixes(self) -> None: ...
    def release_fixes(self) -> None: ...


class Names(Protocol):
    def grid(self, code: str | None) -> str: ...
    def worker(self, code: str | None) -> str: ...
    def regions_of(self, code: str | None) -> tuple[str, ...]: ...


def replay_queue_panel(clock: MomentClock, names: Names) -> QueuePanel:
    """Queues like the live ones, on the replay's clock (moved by each moment shown)."""
    return QueuePanel(clock, time_state, names.grid, names.worker, names.regions_of)
