"""MapPanel: the live map widget the application plugs in.

It owns the web view, the bridge and the map's diffs (``MapDiffs``); the store's
changes become JSON diffs applied in place, so the operator's zoom survives every
update and nothing is ever reloaded. Given the live thread's ``Worker`` (``lane``),
the diffs are built on that thread, where the store is applied, and the GUI
thread only passes the finished text to the page; without one (tests of the page
alone) they are built where they are asked for. Given a ``DotSource`` (``dots``), the
worker dots are not built here at all: in the window the feed's process builds them,
and their texts arrive at ``receive_dots``. Heavy geometry (outlines) is
computed on a ``Worker`` of its own; the newest request wins.

The page is built with ``probes=True`` only for the tests, the bench and
``gridcommand snapshot``: that page also loads ``gridmap/probes.js``, which times the
page's work and answers ``request_counts``. The operator's window has no probes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QPoint, QTimer, Signal
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEngineUrlRequestInterceptor
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QVBoxLayout, QWidget

from gridcommand.db.live.records import PositionRecord
from gridcommand.db.live.store import StateStore, StoreChanges
from gridcommand.maps.basemap import Basemap
from gridcommand.maps.bridge import MapBridge
from gridcommand.maps.diff_stream import MapDiffs
from gridcommand.maps.diffs import DiffBuilder
from gridcommand.maps.emit import emit
from gridcommand.maps.features import WORKER_SHARDS
from gridcommand.maps.handoff import Worker
from gridcommand.maps.origin import serve_page
from gridcommand.maps.outlines import SpotCache, known_spots, outline_texts, remember_spots
from gridcommand.maps.page import page_file
from gridcommand.maps.sealed import SealedPage
from gridcommand.maps.tiles import handler_for
from gridcommand.maps.worker_dots import DotSource
from gridcommand.resources.palette import MAP as MAP_COLOURS
from gridcommand.resources.vocabulary import map_labels

Counts = dict[str, Any]
COUNTS_JS = "JSON.stringify(window.gridmap && gridmap.ready ? gridmap.counts() : {})"
#: How often each worker canvas's held moves go to the page (see maps/worker_buffer.py).
WORKER_SEND_MS = 2000
#: How often the rings of reports no longer new are taken off (DiffBuilder.expire_new).
NEW_CHECK_MS = 30_000
T = TypeVar("T")
log = logging.getLogger(__name__)
#: Runs ``fn(*args)`` somewhere and returns its answer (``desktop.in_process`` in a window).
RunHeavy = Callable[..., Any]
#: Reads one worker's last hour of fixes (a blocking database read, off the GUI thread).
ReadTrack = Callable[[str], Sequence[PositionRecord]]


class MapPanel(QWidget):
    ticket_clicked = Signal(int)
    worker_clicked = Signal(str)
    grid_selected = Signal(str)
    #: Right-click on an item: "alerts" / "grids" / "workers", its id, the global point.
    item_menu_requested = Signal(str, str, QPoint)
    ready = Signal()

    def __init__(
        self,
        store: StateStore,
        parent: QWidget | None = None,
        *,
        basemap: Basemap | None = None,
        interceptor: QWebEngineUrlRequestInterceptor | None = None,
        probes: bool = False,
        lane: Worker | None = None,
        run_heavy: RunHeavy | None = None,
        read_track: ReadTrack | None = None,
        dots: DotSource | None = None,
    ) -> None:
        """``dots``: where the worker dots are built, when not here (the feed's process in
        the window); their texts arrive at ``receive_dots``."""
        super().__init__(parent)
        self.store = store
        self.probes = probes
        self.basemap = basemap or Basemap.none()
        self._dots = dots
        self.diffs = MapDiffs(store, self.basemap.data_crs, dots_here=dots is None)
        #: The serial of the newest answer of ``dots`` received (the bench waits on it).
        self.dots_answered = 0
        #: Where the diffs are built: the live thread's worker, or here (None).
        self._lane = lane
        self.selected_worker: str | None = None
        self._released = False
        #: Replay (回放) is on the page: live changes keep the builder current, unsent.
        self.replaying = False
        self._replay_store: StateStore | None = None
        # In the language installed now; sent on every load, replaced by set_labels.
        self.labels: dict[str, str] = map_labels()
        self._outline_ids: set[str] = set()
        #: The hot-spot layer's last command (sent again on a reload), None while it is off.
        self._hotspots: dict[str, Any] | None = None
        #: Grid label spots, kept between outline runs (only the outline threads touch it).
        self._label_spots: SpotCache = {}
        #: Where the outlines are computed: in a process of its own in the window
        #: (``desktop/in_process.py``), or on the outline thread.
        self._run_heavy: RunHeavy = run_heavy or _here
        #: The process that computed the outlines shown (the tests check where they ran).
        self.outlines_built_in: int | None = None
        #: Outline runs that failed (their process died or raised), for the tests.
        self.outline_failures = 0
        self._outline_worker = Worker("map-outlines", self, interval_ms=100)
        #: Where a chosen worker's hour of fixes is read (none: the track starts with
        #: the store's latest fix).
        self._read_track = read_track
        self._track_reader = Worker("map-track", self)
        self._worker_send = QTimer(self)
        self._worker_send.setInterval(WORKER_SEND_MS // WORKER_SHARDS)
        self._worker_send.timeout.connect(self._send_next_worker_canvas)
        self._worker_shard = 0
        if dots is None:
            self._worker_send.start()
        # A plain report rings while it is new; this ends the rings of those no longer new.
        self._new_check = QTimer(self)
        self._new_check.setInterval(NEW_CHECK_MS)
        self._new_check.timeout.connect(self.expire_new)
        self._new_check.start()

        self.view = QWebEngineView(self)
        # The page comes from its own origin and reaches nothing else; tiles come
        # through our scheme.
        self.page = SealedPage(self.view)
        self.home = serve_page(self.page.profile(), page_file(probes))
        self.page.home = self.home.toString()
        if interceptor is not None:
            self.page.setUrlRequestInterceptor(interceptor)
        self.page.setBackgroundColor(MAP_COLOURS["background"])
        self.view.setPage(self.page)
        self.tiles = handler_for(self.page.profile())
        self.bridge = MapBridge(self, known=self._on_map)
        self.channel = QWebChannel(self.page)
        self.channel.registerObject("bridge", self.bridge.face)
        self.page.setWebChannel(self.channel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

        self.bridge.page_ready_reported.connect(self.ready)
        self.bridge.alert_clicked.connect(self.ticket_clicked)
        self.bridge.worker_clicked.connect(self._on_worker_clicked)
        self.bridge.grid_double_clicked.connect(self.grid_selected)
        self.bridge.menu_requested.connect(self._on_menu_requested)
        self.page.home_loading.connect(self._on_load_started)
        self.page.renderProcessTerminated.connect(self._on_render_process_terminated)
        self.page.load(self.home)

    # -- public API ----------------------------------------------------------------------
    @property
    def is_ready(self) -> bool:
        return self.bridge.ready

    @property
    def builder(self) -> DiffBuilder:
        return self.diffs.builder

    def on_store_changed(self, changes: StoreChanges) -> None:
        """The store's changes, on the thread that applied them (the live thread).

        The diff is built here, off the GUI thread; the GUI thread only sends the text.
        """
        if self._released:
            return
        texts = self.diffs.on_changes(changes)
        # The outlines follow the grids; while a city's first load brings its grids in
        # slices, they are drawn once, when the load is complete.
        outline = bool(changes.grids) and (self._lane is None or self.store.loaded)
        outline = outline or changes.first_load
        if texts or outline:
            self._on_gui(partial(self._after_changes, texts, outline, changes.first_load))

    def send_diff_text(self, text: str | list[str] | None) -> None:
        """Send diffs already written as the page's JSON (each a list of layer diffs).

        The bridge passes long runs of text to the page a turn of the event loop at a time.
        """
        if not text or self._released:
            return
        for one in [text] if isinstance(text, str) else text:
            self.bridge.send_text(one)

    def send_held_workers(self, shard: int | None = None) -> None:
        """Send the worker moves held so far: one canvas's, or all (tests, the bench).

        Dots the builder held back for their 10 s interval join them here, so that
        releasing them never rides on the flush that carries a new alert. Dots built
        elsewhere send every canvas (their answer comes to ``receive_dots``).
        """
        if self._dots is not None:
            self._dots.flush()
            return
        self._build(partial(self.diffs.worker_canvas, shard))

    def receive_dots(self, texts: list[str], serial: int = 0) -> None:
        """The dots' texts from where they are built (on the GUI thread), answering the
        request ``serial`` (0: a canvas on that side's clock). Not shown while replaying:
        the return to live asks for every dot."""
        self.dots_answered = max(self.dots_answered, serial)
        if not self.replaying and self.store.loaded:
            self.send_diff_text(texts)

    def _send_next_worker_canvas(self) -> None:
        """The timer's slot. Not while replaying: the page would not take the moves, and
        building them takes the live thread from the replay; they stay held, and the
        return to live sends every dot where it is."""
        if self.replaying:
            return
        self._worker_shard = (self._worker_shard + 1) % WORKER_SHARDS
        self.send_held_workers(self._worker_shard)

    def select_ticket(self, ticket_id: int) -> None:
        self.bridge.send_command("select", id=int(ticket_id))

    def select_grid(self, grid_code: str) -> None:
        """Zoom to a grid and outline it, as a double-click does, without emitting."""
        self.bridge.send_command("drill", id=grid_code)

    def locate_worker(self, worker_code: str) -> None:
        """Bring a worker's dot into view, zoomed in to the dots (unless it is in view)."""
        self.bridge.send_command("locate_worker", id=worker_code)

    def show_district(self) -> None:
        """The whole district again: no highlight, every grid in view."""
        self.bridge.send_command("clear_highlight")
        self.bridge.send_command("fit")

    def show_track(self, worker_code: str | None) -> None:
        """The last hour's track of one worker (``None`` hides it).

        The hour is read from the database on a thread of its own; the live thread
        then draws it and keeps it current. Every choice goes through that thread, so
        a later one (another worker, or none) always wins over an earlier read. The
        worker chosen already is not read again: a click on a dot chooses them here and
        then in the workers dock, which chooses them again.
        """
        if worker_code is not None and worker_code == self.selected_worker:
            return  # read or being read, and kept current on the live thread
        self.selected_worker = worker_code
        if self._dots is not None:
            self._dots.follow(worker_code)
        read = self._read_track

        def points() -> Sequence[PositionRecord]:
            return read(worker_code) if worker_code and read is not None else ()

        def draw(points: Sequence[PositionRecord]) -> None:
            self._build(partial(self.diffs.track, worker_code, points))

        def failed(error: BaseException) -> None:
            log.warning("the track of %s could not be read: %s", worker_code, error)
            draw(())

        self._track_reader.submit(points, draw, failed, key="track")

    def set_at_risk(self, ids: Iterable[int]) -> None:
        """Ring the alerts likely to go red within the hour (ids; a dict's keys will do)."""
        self.bridge.send_command("at_risk", ids=sorted(int(i) for i in ids))

    def set_hotspots(
        self,
        counts: Mapping[str, int],
        title: str,
        period: str,
        count_label: str,
        none: str = "—",
    ) -> None:
        """Shade grids by their number of cases (gridmap/hotspots.js); the view stays put.

        ``none`` is what the legend says when no grid has a case.
        """
        self._hotspots = {
            "counts": {str(k): int(v) for k, v in counts.items()},
            "title": title,
            "period": period,
            "count_label": count_label,
            "none": none,
        }
        self.bridge.send_command("hotspots", **self._hotspots)

    def set_worker_score(self, code: str, label: str, score: str) -> None:
        """A worker's system score, shown on their card (gridmap/workerscore.js)."""
        self.bridge.send_command("worker_score", id=code, label=label, score=score)

    def hide_hotspots(self) -> None:
        self._hotspots = None
        self.bridge.send_command("hotspots_off")

    def expire_new(self) -> None:
        """Public so that a test can step it without waiting (the timer's slot)."""
        if not self._released:
            self._build(self.diffs.expire_new)

    def acknowledge(self, ids: set[int] | list[int]) -> None:
        self._build(partial(self.diffs.acknowledge, set(ids)))

    def show_replay(self, diffs: list[dict[str, Any]], store: StateStore) -> None:
        """A moment of the past: ``diffs`` turn the page into it; live changes stop reaching
        the page (the builder keeps following the live store) until ``show_live``.

        ``store`` holds the moment, so a click names only what the page shows.
        """
        self.replaying = True
        self._replay_store = store
        self.bridge.send_diffs(diffs)

    def show_live(self, diffs: list[dict[str, Any]]) -> None:
        """Back to live: ``diffs`` turn the page from the past into the live store's state.
        Zoom and pan stay as they are."""
        self.replaying = False
        self._replay_store = None
        self.bridge.send_diffs(diffs)

    def return_from_past(self, diffs_from_past: Callable[[], list[dict[str, Any]]]) -> None:
        """Back to live from a moment of the past on the page: ``diffs_from_past()`` (the
        live picture's diffs from that moment) is built where the live store is applied,
        then sent by ``show_live``. The worker moves held while the page showed the past
        are in that picture, so they are dropped rather than sent again after it."""

        def build() -> list[dict[str, Any]]:
            self.diffs.live_again()
            return diffs_from_past()

        def show(diffs: list[dict[str, Any]]) -> None:
            self.show_live(diffs)
            if self._dots is not None:  # the dots where they are now, not where the
                self._dots.whole(self.builder.crs)  # store's slower fixes put them

        self.on_live_thread(build, show)

    def on_live_thread(self, job: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """Run ``job`` where the live store is applied (it may read the store whole), then
        ``then`` with its result on the GUI thread."""
        if self._lane is None:
            then(job())
        else:
            self._lane.submit(job, then)

    def set_basemap(self, basemap: Basemap) -> None:
        crs_changed = basemap.data_crs != self.builder.crs
        self.basemap = basemap
        self._send_basemap()
        if crs_changed:
            self._build(partial(self.diffs.set_crs, basemap.data_crs), then=self._start_outlines)
            if self._dots is not None:
                self._dots.whole(basemap.data_crs)

    def set_labels(self, labels: Mapping[str, str]) -> None:
        """Words for the legend and tooltips, by key of ``vocabulary.map_labels()``."""
        self.labels.update(labels)
        self.bridge.send_command("labels", labels=self.labels)

    def request_counts(self, callback: Callable[[Counts], None]) -> None:
        """What the page itself has drawn (not what was sent), for snapshot and tests.

        Needs the page's probes (``probes=True``); ``{}`` until the page is ready.
        """
        if not self.probes:
            raise RuntimeError("request_counts needs a MapPanel built with probes=True")
        if self._released:
            callback({})
            return

        def parse(result: object) -> None:
            callback(json.loads(result) if isinstance(result, str) and result else {})

        self.page.runJavaScript(COUNTS_JS, 0, parse)

    def release(self) -> None:
        """Delete the web page now, while its profile still exists.

        Qt releases the default profile when the application ends; a page that
        outlives it crashes the process on the way out. The panel shows nothing
        after this; it is the last call a closing window makes.
        """
        self._released = True
        self._outline_worker.stop()
        self._track_reader.stop()
        self._worker_send.stop()
        # The view, not only its page: a view that loses its page makes a fresh one on
        # the default profile the next time it is shown or hidden.
        if shiboken6.isValid(self.view):
            shiboken6.delete(self.view)

    # -- internals -----------------------------------------------------------------------
    def _on_gui(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` on the GUI thread: now when the diffs are built here, else posted."""
        if self._lane is None:
            fn()
        else:
            self._lane.post(fn)

    def _build(self, job: Callable[[], list[str]], then: Callable[[], None] | None = None) -> None:
        """Build a diff where the store is applied; send its texts from the GUI thread."""

        def send(text: list[str]) -> None:
            if not self.replaying:  # the live state reaches the page again with show_live
                self.send_diff_text(text)
            if then is not None:
                then()

        if self._lane is None:
            send(job())
        else:
            self._lane.submit(job, send)

    def _after_changes(self, texts: list[str], grids_changed: bool, loaded: bool) -> None:
        if not self.replaying:
            self.send_diff_text(texts)
        if loaded and self._dots is not None:
            self._dots.whole(self.builder.crs)  # the city is in: now its workers
        if grids_changed and not self._released:
            self._start_outlines()

    def _send_basemap(self) -> None:
        key = ""
        if self.basemap.kind == "mbtiles":
            key = f"m{abs(hash(self.basemap.source)):x}"
            self.tiles.files[key] = self.basemap.source
        elif self.basemap.kind == "xyz":
            key = f"x{abs(hash(self.basemap.source)):x}"
            self.tiles.templates[key] = self.basemap.source
        self.bridge.send_command("basemap", basemap=self.basemap.to_page(key))

    def _on_load_started(self) -> None:
        """Every (re)load starts from the whole current state, queued until ready."""
        self.bridge.reset()
        self._outline_ids = set()
        self._send_basemap()
        if self.labels:
            self.bridge.send_command("labels", labels=self.labels)
        self._build(self.diffs.full, then=self._start_outlines)
        if self._dots is not None:
            self._dots.whole(self.builder.crs)
        if self._hotspots is not None:
            self.bridge.send_command("hotspots", **self._hotspots)

    def _on_render_process_terminated(self, *_: object) -> None:
        self.page.load(self.home)

    def _on_map(self, layer: str, key: object) -> bool:
        """Does the store hold what the page clicked (the page may only name what it shows)?"""
        store = self.store if self._replay_store is None else self._replay_store
        if layer == "alerts":
            return key in store.tickets
        if layer == "workers":
            return key in store.workers
        return layer == "grids" and key in store.grids

    def _on_worker_clicked(self, code: str) -> None:
        self.show_track(code)
        emit(self.worker_clicked, code)

    def _on_menu_requested(self, layer: str, code: str, x: int, y: int) -> None:
        zoom = self.view.zoomFactor()  # the page's CSS pixels to the view's pixels
        at = self.view.mapToGlobal(QPoint(round(x * zoom), round(y * zoom)))
        emit(self.item_menu_requested, layer, code, at)

    def _start_outlines(self) -> None:
        if not self.store.grids or self._released:
            return
        grids = list(self.store.grids.values())
        crs = self.builder.crs
        previous = set(self._outline_ids)
        spots = self._label_spots  # in WGS-84: a change of basemap system reuses them
        run = self._run_heavy

        def job() -> tuple[list[str], set[str]]:
            known = list(known_spots(grids, spots).items())
            texts, ids, placed, pid = run(outline_texts, grids, crs, previous, known)
            remember_spots(grids, dict(placed), spots)
            self.outlines_built_in = pid
            return texts, ids

        self._outline_worker.submit(
            job, self._on_outlines_computed, self._on_outlines_failed, key="outlines"
        )

    def _on_outlines_failed(self, error: BaseException) -> None:
        """The grids stay drawn without region outlines; one line says why (a closing
        window ends the outline process on purpose, and says nothing)."""
        if not self._released:
            log.warning("map outlines not drawn: %s", error)
            self.outline_failures += 1

    def _on_outlines_computed(self, outcome: tuple[object, object]) -> None:
        result, ids = outcome
        if self._released or not isinstance(result, list):
            return
        self._outline_ids = set(ids) if isinstance(ids, set) else set()
        self.send_diff_text([str(text) for text in result])


def _here(fn: Callable[..., T], *args: Any) -> T:
    return fn(*args)
