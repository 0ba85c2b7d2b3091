"""Connecting the data flow to the window: feed → store → models and map → views.

Kept apart from the window so that the window can be built (and tested) with no
database, and so that the order of the data flow reads in one place. Nothing
here runs a query on the GUI thread: the feed has its own thread, and reports
(a ticket's detail, a grid's drill-down) go through the background runner.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from functools import partial
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QStackedWidget
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from gridcommand.db.actions.console import MuteRecord, mute_siren, unmute_siren
from gridcommand.db.actions.service import ActionResult
from gridcommand.db.live.figures import figures_from
from gridcommand.db.live.reference import load_reference
from gridcommand.db.live.store import StateStore, StoreChanges, time_state
from gridcommand.db.live.track import read_track
from gridcommand.db.reports.grid_report import load_grid_report
from gridcommand.db.reports.monthly import load_report
from gridcommand.db.reports.ticket_detail import TicketDetail, load_ticket_detail
from gridcommand.desktop.alarm import Alarm
from gridcommand.desktop.background import BackgroundRunner
from gridcommand.desktop.category_suggest import CategorySuggester
from gridcommand.desktop.exports import Exports
from gridcommand.desktop.fanout import AlarmSync, Paced
from gridcommand.desktop.gil_policy import share_the_gil
from gridcommand.desktop.hotspot_layer import HotspotLayer
from gridcommand.desktop.in_process import end_children, run_in_process
from gridcommand.desktop.live import LiveData
from gridcommand.desktop.loading import LoadingProgress
from gridcommand.desktop.main_window import MainWindow
from gridcommand.desktop.map_menu import MapItemMenu
from gridcommand.desktop.overdue_watch import OverdueWatch
from gridcommand.desktop.replay import ReplayController
from gridcommand.desktop.ticket_actions import TicketActions, fallback_operator, show_failure
from gridcommand.desktop.worker_card import WorkerScores
from gridcommand.maps.basemap import Basemap
from gridcommand.maps.panel import MapPanel
from gridcommand.resources.vocabulary import action_name, ticket_status_name
from gridcommand.widgets.charts import ChartsPanel
from gridcommand.widgets.grid_drilldown import GridDrilldown
from gridcommand.widgets.kpi_board import BoardQuery, KpiBoard
from gridcommand.widgets.quality_panel import QualityPanel
from gridcommand.widgets.queue_filter_bar import QueueFilterBar
from gridcommand.widgets.queues import QueuePanel
from gridcommand.widgets.replay_bar import ReplayBar
from gridcommand.widgets.scrolled import ScrollPanel
from gridcommand.widgets.stacked import stacked
from gridcommand.widgets.ticket_detail import TicketDetailPanel
from gridcommand.widgets.workers_panel import WorkersPanel

log = logging.getLogger(__name__)
CHARTS_MS = 5000
#: The forecast and category models learn, and the KPI board asks for its figures,
#: this long after the city is loaded: their training is seconds of pure Python (and
#: the board's figures a long table to fill), which would take the interpreter from
#: the first load, and the GUI thread from drawing it, if they ran at the same time.
LEARN_AFTER_LOAD_MS = 5000
#: The map's outlines and label spots are computed in a process of their own (a
#: city's union of grids is a minute of Python and GEOS at 50,000 grids, which on a
#: thread here took the interpreter from the GUI thread): a little below the window's
#: own threads in CPU, above the models' learning.
OUTLINE_NICENESS = 5


class Names:
    """Readable names for codes, from the store (the views show names, not keys)."""

    def __init__(self, store: StateStore) -> None:
        self._store = store

    def grid(self, code: str | None) -> str:
        grid = self._store.grids.get(code or "")
        return f"{grid.name}" if grid else (code or "—")

    def worker(self, code: str | None) -> str:
        state = self._store.workers.get(code or "")
        return state.record.name if state else (code or "")

    def regions_of(self, code: str | None) -> tuple[str, ...]:
        grid = self._store.grids.get(code or "")
        if grid is None:
            return ()
        return tuple(c for c in (grid.code, grid.community_code, grid.street_code) if c)


class WindowSession:
    """The running window's parts: built once, started together, stopped together."""

    def __init__(
        self,
        window: MainWindow,
        db: Any,
        store: StateStore,
        poll_interval: float = 2.0,
        basemap: Basemap | None = None,
        with_map: bool = True,
        operator_login: str | None = None,
        operator_role: str | None = None,
        map_probes: bool = False,
    ) -> None:
        self.window = window
        self.engine: Engine = db.engine
        # Reads and the feed from a replica when there is one; writes (actions) to db.engine.
        self.read_engine: Engine = getattr(db, "read_engine", db.engine)
        self.url: URL = getattr(db, "read_url", db.url)
        self.store = store
        self.names = Names(store)
        self.runner = BackgroundRunner(window)
        self.live = LiveData(
            self.url,
            store,
            parent=window,
            poll_interval=poll_interval,
            listen=getattr(db, "listen", True),
            write_url=db.url if self.url != db.url else None,
            dots=with_map,
        )
        self.live.prepare()  # the feed's process starts while the panels are built
        n = self.names
        self.queues = QueuePanel(store.clock, time_state, n.grid, n.worker, n.regions_of)
        self.detail = TicketDetailPanel()
        self.workers = WorkersPanel(store.clock, n.grid, state_of=store.workers.get)
        self.charts = ChartsPanel()
        self.quality = QualityPanel()
        self.drilldown = GridDrilldown()
        self.kpi_board = KpiBoard(store.clock)
        self.alarm = Alarm(window)
        self.alarm_sync = AlarmSync(self.queues, self.alarm, store.loaded)
        self.actions = TicketActions(
            window,
            self.engine,
            store,
            self.runner,
            self.queues,
            self.detail,
            self.live.request_catchup,
            fallback_operator(operator_login, operator_role),
        )
        self.actions.action_failed.connect(self._on_action_failed)
        self.actions.notice.connect(lambda text: window.statusBar().showMessage(text, 5000))
        self.actions.ticket_chosen.connect(self.show_detail)
        self.actions.action_done.connect(self._on_action_done)
        self.actions.operator_changed.connect(window.set_operator)
        self.categories = CategorySuggester(
            window, self.engine, store, self.runner, self.detail, self.actions
        )
        self.overdue = OverdueWatch(window, self.engine, store, self.runner, self.queues)
        window.set_operator(self.actions.operator)
        self._login, self._role = operator_login, operator_role
        self._learning = False
        self.map: MapPanel | None = None
        if with_map:
            # Probes (page timings and counts) only for the bench and the snapshot.
            # The map's diffs are built on the live thread, where the store is applied.
            self.map = MapPanel(
                store,
                basemap=basemap,
                probes=map_probes,
                lane=self.live.worker,
                run_heavy=partial(
                    run_in_process, niceness=OUTLINE_NICENESS, name="gridcommand-outlines"
                ),
                read_track=lambda code: read_track(self.read_engine, code, store.clock()),
                dots=self.live,
            )
            self.live.send_dots_to(self.map.receive_dots)
            window.set_map_widget(self.map)
            self._connect_map(self.map)
        self._chart_timer = QTimer(window)
        self._chart_timer.setInterval(CHARTS_MS)
        self._chart_timer.timeout.connect(self.refresh_charts)

        self.filter_bar = QueueFilterBar()
        self.filter_bar.filters_changed.connect(self._on_filters_changed)
        #: The live queues, and the replay's in their place while replaying.
        self.queue_stack = QStackedWidget()
        self.queue_stack.addWidget(stacked(self.filter_bar, self.queues))
        window.set_panel("queues", self.queue_stack)
        window.set_panel("detail", ScrollPanel(self.detail))
        # The live workers, and the replay's in their place while replaying.
        self.workers_stack = QStackedWidget()
        self.workers_stack.addWidget(self.workers)
        window.set_panel("workers", self.workers_stack)
        window.set_panel("charts", self.charts)
        window.set_panel("quality", self.quality)
        window.set_panel("grid", ScrollPanel(self.drilldown))
        window.set_panel("kpi", self.kpi_board)
        self.kpi_board.query_requested.connect(self.load_kpis)
        self._wire_replay()
        self.worker_scores = WorkerScores(
            self.runner, self.read_engine, store, self.workers, self.map
        )
        self.exports = Exports(
            window, self.read_engine, store, self.queues, self.kpi_board, self.map, self.names.grid
        )

        self.queues.ticket_selected.connect(self.show_detail)
        self.drilldown.case_activated.connect(self._on_drilldown_case)
        self.drilldown.district_requested.connect(self._on_district_requested)
        self.live.connection_state_changed.connect(window.set_connection_state)
        self._subscribe_views()
        self._wire_alarm_banner()

    def _subscribe_views(self) -> None:
        """Every view hears the store's typed changes of its own collections, here.

        The map's subscriber runs on the live thread (it builds the diff text there);
        the others on the GUI thread, big changes (the first load) a slice at a time.
        """
        store, gui = self.store, self.live.to_gui
        self.tickets_in = Paced(self._on_tickets_changed, self.window, progress=self._on_loading)
        self.workers_in = Paced(self._on_workers_changed, self.window)
        store.subscribe(self.tickets_in, ["tickets"], call=gui)
        store.subscribe(self.workers_in, ["workers"], call=gui)
        store.subscribe(self._on_rejections_changed, ["rejections"], call=gui)
        if self.map is not None:
            store.subscribe(self.map.on_store_changed)
        self.window.statusBar().showMessage(
            QCoreApplication.translate("MainWindow", "Loading the city…")
        )
        self.live.loaded.connect(self._on_loaded)
        self.loading = LoadingProgress()
        self.window.statusBar().addPermanentWidget(self.loading)
        self.live.loading.connect(self.loading.show_progress)
        self._learn_later = QTimer(self.window)
        self._learn_later.setSingleShot(True)
        self._learn_later.setInterval(LEARN_AFTER_LOAD_MS)
        self._learn_later.timeout.connect(self._start_learning)
        self.live.loaded.connect(self._learn_later.start)

    def _start_learning(self) -> None:
        """The forecast and the category suggestions learn once the city is in; the KPI
        board asks for its figures then too."""
        if self._learning:
            return
        self._learning = True
        self.categories.start()
        self.overdue.start()
        self.kpi_board.refresh()

    def _on_tickets_changed(self, changes: StoreChanges) -> None:
        self.queues.upsert(changes.tickets.upserted)
        if changes.tickets.removed:
            self.queues.remove(changes.tickets.removed)
        self.alarm_sync.on_tickets_changed(changes)
        self._refresh_detail(changes)

    def _on_workers_changed(self, changes: StoreChanges) -> None:
        self.workers.upsert(changes.workers.upserted)
        if changes.worker_counts is not None:
            self.workers.set_counts(changes.worker_counts)

    def _on_rejections_changed(self, changes: StoreChanges) -> None:
        self.quality.add_rejections(changes.rejections.upserted)

    def _on_loaded(self, grids: int, workers: int, tickets: int) -> None:
        self.loading.show_progress(1, 1)
        text = QCoreApplication.translate(
            "MainWindow", "City loaded: %1 grids, %2 workers, %3 cases"
        )
        self.window.statusBar().showMessage(
            text.replace("%1", f"{grids:,}")
            .replace("%2", f"{workers:,}")
            .replace("%3", f"{tickets:,}"),
            10_000,
        )

    def _on_loading(self, done: int, total: int) -> None:
        text = QCoreApplication.translate("MainWindow", "Loading the queues: %1 of %2 cases")
        message = text.replace("%1", f"{done:,}").replace("%2", f"{total:,}")
        self.window.statusBar().showMessage(message, 0 if done < total else 5000)

    def _connect_map(self, map_panel: MapPanel) -> None:
        """Selection both ways: the map follows the queues, the queues follow the map."""
        map_panel.ticket_clicked.connect(self._choose_ticket)
        map_panel.grid_selected.connect(self.show_grid)
        map_panel.worker_clicked.connect(self.workers.select_worker)
        self.queues.ticket_selected.connect(map_panel.select_ticket)
        self.actions.ticket_chosen.connect(map_panel.select_ticket)
        self.detail.fly_requested.connect(map_panel.select_ticket)
        self.workers.worker_selected.connect(map_panel.show_track)
        # A worker chosen in the dock is brought into view: at the district's zoom their
        # dot is a count in a badge, and their track a few pixels under it.
        self.workers.worker_selected.connect(map_panel.locate_worker)
        self.overdue.at_risk_changed.connect(map_panel.set_at_risk)
        self.map_menu = MapItemMenu(
            self.window,
            self.store,
            self.actions,
            show_in_queue=self._choose_ticket,
            drill=map_panel.select_grid,
            track=partial(self._show_worker, map_panel),
            grid_name=self.names.grid,
        )
        map_panel.item_menu_requested.connect(self.map_menu.open)
        self.hotspot_layer = HotspotLayer(
            self.runner,
            self.read_engine,
            self.store,
            self.kpi_board,
            map_panel,
            self.window.hotspots_action,
        )

    def _wire_replay(self) -> None:
        """Replay (回放): its bar above every dock, opened from the menu or a grid's drill-down."""
        self.replay_bar = ReplayBar()
        self.window.add_top_widget(self.replay_bar)
        self.replay = ReplayController(
            self.read_engine,
            self.store,
            self.runner,
            self.replay_bar,
            self.names,
            self.queue_stack,
            self.charts,
            self.map,
            self.window,
            self.workers_stack,
            fixes=self.live,
        )
        # A case chosen in the replay's queues: its detail (the case now, with its trace).
        self.replay.queues.ticket_selected.connect(self._choose_ticket)
        self.window.replay_requested.connect(self.replay.open_last_day)
        self.replay.active_changed.connect(self.window.live_action.setEnabled)
        self.replay.active_changed.connect(self._on_replay_active)
        self.window.live_action.triggered.connect(self.replay.back_to_live)
        self.drilldown.replay_requested.connect(self.replay.open_grid_day)

    def _show_worker(self, map_panel: MapPanel, code: str) -> None:
        map_panel.show_track(code)
        self.workers.select_worker(code)
        if self.replay.active:  # the track and the row of the replayed moment
            self.replay.workers.select_worker(code)
            self.replay.show_worker(code)

    # -- the alarm no filter can hide ---------------------------------------------------
    def _wire_alarm_banner(self) -> None:
        self.alarm.pending_changed.connect(self._on_pending_changed)
        self.window.alarm_banner.clicked.connect(self.show_oldest_emergency)
        self.window.mute_requested.connect(self.mute)
        self.alarm.mute_expired.connect(self._show_sound)
        self.actions.reveal = self.reveal_ticket
        self._show_sound()

    def oldest_emergency(self) -> int | None:
        waiting = [self.store.tickets[i] for i in self.alarm.pending if i in self.store.tickets]
        return min(waiting, key=lambda t: (t.reported_at, t.id)).id if waiting else None

    def _on_pending_changed(self, count: int) -> None:
        oldest = self.oldest_emergency()
        code = self.store.tickets[oldest].code if oldest is not None else ""
        self.window.alarm_banner.set_emergencies(count, code)

    def show_oldest_emergency(self) -> None:
        """Select the oldest unacknowledged emergency, clearing whatever filter hides it."""
        ticket_id = self.oldest_emergency()
        if ticket_id is None:
            return
        self.window.show_panel("queues")
        self.actions.choose(ticket_id)
        if not self.queues.select_ticket(ticket_id):
            self.reveal_ticket(ticket_id)
        self.show_detail(ticket_id)

    def reveal_ticket(self, ticket_id: int) -> bool:
        """Clear the filters that hide ``ticket_id`` and select it; False if still hidden."""
        self.filter_bar.clear()
        return self.queues.select_ticket(ticket_id)

    def mute(self, minutes: int) -> None:
        """A supervisor mutes (or un-mutes) the siren; the trace is written first."""
        engine, operator = self.engine, self.actions.operator
        self.runner.submit(
            f"mute-{minutes}",
            lambda: (
                mute_siren(engine, operator, minutes) if minutes else unmute_siren(engine, operator)
            ),
            self._on_muted,
            self._on_action_failed,
        )

    def _on_muted(self, record: MuteRecord) -> None:
        if record.until is None:
            self.alarm.set_muted(False)
        else:
            remaining = (record.until - record.at).total_seconds()
            self.alarm.mute_for(int(remaining * 1000))
        self._show_sound(record)

    def _show_sound(self, record: MuteRecord | None = None) -> None:
        if not self.alarm.audible:
            self.window.set_sound_state("off")
        elif self.alarm.muted and record is not None and record.until is not None:
            until = record.until.astimezone().strftime("%H:%M")
            self.window.set_sound_state("muted", until, record.actor)
        else:
            self.window.set_sound_state("on")

    def _choose_ticket(self, ticket_id: int) -> None:
        """A ticket chosen outside the live queues (its point on the map, a replayed
        queue's row): lit in the live queue that holds it, its detail shown either way."""
        self.actions.choose(ticket_id)
        if not self.queues.select_ticket(ticket_id):
            self.show_detail(ticket_id)

    def start(self) -> WindowSession:
        self.actions.resolve_operator(self._login, self._role)
        engine = self.read_engine
        self.runner.submit(
            "reference", lambda: load_reference(engine), self.filter_bar.set_reference
        )
        self.live.start()
        self._chart_timer.start()
        if self.store.loaded:
            self._learn_later.start()
        return self

    def stop(self) -> None:
        self._chart_timer.stop()
        self._learn_later.stop()
        self.exports.progress.cancel()
        self.exports.progress.wait(10)
        self.categories.stop()
        self.overdue.stop()
        end_children()  # learning, outlines: their answers are not wanted now
        self.live.stop()
        self.runner.wait(5000)
        self.runner.shutdown()
        if self.map is not None:
            self.map.release()

    # -- reports off the GUI thread ------------------------------------------------
    def show_detail(self, ticket_id: int) -> None:
        engine = self.read_engine
        self.runner.submit(
            "ticket-detail",
            lambda: load_ticket_detail(engine, ticket_id),
            self._on_detail_loaded,
            self._show_error,
        )

    def _on_detail_loaded(self, detail: TicketDetail) -> None:
        """A citizen's report names no grid; say the one its point lies in, as the queue does."""
        ticket = self.store.tickets.get(detail.fields["id"])
        if not detail.grid_name and ticket is not None and ticket.located_grid:
            located = QCoreApplication.translate("TicketDetail", "%1 (by its location)")
            detail = replace(detail, grid_name=located.replace("%1", self.names.grid(ticket.grid)))
        self.detail.show_detail(detail)

    def show_grid(self, code: str) -> None:
        engine = self.read_engine
        self.window.show_panel("grid")
        self.runner.submit(
            "grid-report",
            lambda: load_grid_report(engine, code),
            self.drilldown.show_report,
            self._show_error,
        )

    def _on_drilldown_case(self, ticket_id: int) -> None:
        """A case double-clicked in the drill-down: its ticket, as a click on its point."""
        self.actions.choose(ticket_id)
        self.show_detail(ticket_id)
        self.window.show_panel("detail")
        if self.map is not None:
            self.map.select_ticket(ticket_id)

    def _on_district_requested(self) -> None:
        """Back to the overview: the map fits the district, the drill-down closes."""
        if self.map is not None:
            self.map.show_district()
        self.window.docks["grid"].hide()

    def load_kpis(self, query: BoardQuery) -> None:
        """The board's figures, computed by the database off the GUI thread."""
        engine, now = self.engine, self.store.clock()
        self.runner.submit(
            "kpi-board",
            lambda: load_report(engine, query.period, query.region, now, with_map=False),
            self.kpi_board.show_data,
            self.kpi_board.show_error,
        )

    def _on_replay_active(self, active: bool) -> None:
        """Back to live, the charts count now at once, not at their next 5 s refresh."""
        if not active:
            self.refresh_charts()

    def refresh_charts(self) -> None:
        if self.replay.active:
            self.workers.refresh()
            return  # the charts show the replayed moment (desktop/replay.py)
        # A snapshot here, the counting off the GUI thread: a city's cases took a
        # stall of their own every 5 s when counted here. The workers are counted as
        # the store keeps them, not copied (200,000 at 50,000 grids).
        tickets, workers = list(self.store.tickets.values()), self.store.worker_counts()
        now = self.store.clock()
        self.runner.submit(
            "figures", lambda: figures_from(tickets, workers, now), self.charts.show_figures
        )
        self.workers.refresh()

    def _refresh_detail(self, changes: StoreChanges) -> None:
        current = self.detail.ticket_id
        if current is not None and any(t.id == current for t in changes.tickets.changed):
            self.show_detail(current)

    def _on_filters_changed(self, changes: dict[str, object]) -> None:
        self.queues.set_filters(**changes)

    def _on_action_failed(self, message: str) -> None:
        self.failure_box = show_failure(self.window, message)

    def _on_action_done(self, result: ActionResult) -> None:
        # Not self.window.tr(): lupdate would file it under a context named "self.window".
        text = QCoreApplication.translate("MainWindow", "%1: %2 → %3")
        status = ticket_status_name(result.to_status) if result.to_status else ""
        self.window.statusBar().showMessage(
            text.replace("%1", result.ticket_code)
            .replace("%2", action_name(result.action))
            .replace("%3", status),
            8000,
        )

    def _show_error(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 10_000)


def wire_window(
    window: MainWindow,
    db: Any,
    store: StateStore | None = None,
    poll_interval: float = 2.0,
    basemap: Basemap | None = None,
    with_map: bool = True,
    operator_login: str | None = None,
    operator_role: str | None = None,
    map_probes: bool = False,
) -> WindowSession:
    """Build the panels, plug them into ``window`` and start the live feed.

    ``map_probes``: the map page also loads its test and bench probes (the page's
    timings and counts), which the bench and ``gridcommand snapshot`` read back.
    """
    share_the_gil()  # the panels paint through Python while the live threads run
    session = WindowSession(
        window,
        db,
        store or StateStore(),
        poll_interval,
        basemap,
        with_map,
        operator_login,
        operator_role,
        map_probes,
    )
    return session.start()
