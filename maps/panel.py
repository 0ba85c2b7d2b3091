"""MapPanel: the live map widget the application plugs in.

It owns the web view, the bridge and the diff builder; the store's deltas become
JSON diffs applied in place, so the operator's zoom survives every update and
nothing is ever reloaded. Heavy geometry (outlines) is computed in a thread and
handed back through a ``Handoff`` (no Qt call from that thread); the newest
request wins.

The page is built with ``probes=True`` only for the tests, the bench and
``gridcommand snapshot``: that page also loads ``gridmap/probes.js``, which times the
page's work and answers ``request_counts``. The operator's window has no probes.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import shiboken6
from PySide6.QtCore import QPoint, QTimer, Signal
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEngineUrlRequestInterceptor
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QVBoxLayout, QWidget

from gridcommand.db.live.store import Delta, StateStore
from gridcommand.maps.basemap import Basemap
from gridcommand.maps.bridge import MapBridge
from gridcommand.maps.diffs import DiffBuilder
from gridcommand.maps.emit import emit
from gridcommand.maps.features import WORKER_SHARDS
from gridcommand.maps.handoff import Handoff
from gridcommand.maps.origin import serve_page
from gridcommand.maps.outlines import SpotCache, outlines_diff
from gridcommand.maps.page import page_file
from gridcommand.maps.sealed import SealedPage
from gridcommand.maps.tiles import handler_for
from gridcommand.maps.worker_buffer import WorkerDiffBuffer
from gridcommand.resources.palette import MAP as MAP_COLOURS
from gridcommand.resources.vocabulary import map_labels

Counts = dict[str, Any]
COUNTS_JS = "JSON.stringify(window.gridmap && gridmap.ready ? gridmap.counts() : {})"
#: How often each worker canvas's held moves go to the page (see maps/worker_buffer.py).
WORKER_SEND_MS = 2000
#: How often the rings of reports no longer new are taken off (DiffBuilder.expire_new).
NEW_CHECK_MS = 30_000


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
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.probes = probes
        self.basemap = basemap or Basemap.none()
        self.builder = DiffBuilder(store, self.basemap.data_crs)
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
        self._outline_generation = 0
        self._outline_results: Handoff[tuple[int, object, object]] = Handoff(
            self._on_outline_result, self, interval_ms=100
        )
        self._workers = WorkerDiffBuffer()
        self._worker_send = QTimer(self)
        self._worker_send.setInterval(WORKER_SEND_MS // WORKER_SHARDS)
        self._worker_send.timeout.connect(self._send_next_worker_canvas)
        self._worker_shard = 0
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

    def on_store_updated(self, deltas: list[Delta]) -> None:
        if self._released:
            return
        now: list[dict[str, Any]] = []
        diffs = self.builder.from_deltas(deltas)
        if self.replaying:
            return  # the builder follows the store; the page shows the past until show_live
        for diff in diffs:
            if diff["layer"] == "workers":
                self._workers.add(diff)
            else:
                now.append(diff)
        self.bridge.send_diffs(now)
        if any(d.collection == "grids" for d in deltas):
            self._start_outlines()
        if self.selected_worker and any(d.collection == "workers" for d in deltas):
            self.bridge.send_diffs([self.builder.track(self.selected_worker)])

    def send_held_workers(self, shard: int | None = None) -> None:
        """Send the worker moves held so far: one canvas's, or all (tests, the bench).

        Dots the builder held back for their 10 s interval join them here, so that
        releasing them never rides on the flush that carries a new alert.
        """
        for due in self.builder.due_workers():
            self._workers.add(due)
        diff = self._workers.take(shard)
        if diff is not None and not self._released and not self.replaying:
            self.bridge.send_diffs([diff])

    def _send_next_worker_canvas(self) -> None:
        self._worker_shard = (self._worker_shard + 1) % WORKER_SHARDS
        self.send_held_workers(self._worker_shard)

    def select_ticket(self, ticket_id: int) -> None:
        self.bridge.send_command("select", id=int(ticket_id))

    def select_grid(self, grid_code: str) -> None:
        """Zoom to a grid and outline it, as a double-click does, without emitting."""
        self.bridge.send_command("drill", id=grid_code)

    def show_district(self) -> None:
        """The whole district again: no highlight, every grid in view."""
        self.bridge.send_command("clear_highlight")
        self.bridge.send_command("fit")

    def show_track(self, worker_code: str | None) -> None:
        """The last hour's track of one worker (``None`` hides it)."""
        if self.selected_worker and self.selected_worker != worker_code:
            self.bridge.send_diffs(
                [{"layer": "track", "upsert": [], "remove": [self.selected_worker]}]
            )
        self.selected_worker = worker_code
        if worker_code:
            self.bridge.send_diffs([self.builder.track(worker_code)])

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
        expired = self.builder.expire_new()
        if not self._released and not self.replaying:
            self.bridge.send_diffs(expired)

    def acknowledge(self, ids: set[int] | list[int]) -> None:
        diffs = self.builder.acknowledge(ids)
        if not self.replaying:
            self.bridge.send_diffs(diffs)

    def show_replay(self, diffs: list[dict[str, Any]], store: StateStore) -> None:
        """A moment of the past: ``diffs`` turn the page into it; live changes stop reaching
        the page (the builder keeps following the live store) until ``show_live``.

        ``store`` holds the moment, so a click names only what the page shows.
        """
        self.replaying = True
        self._replay_store = store
        self._workers.clear()
        self.bridge.send_diffs(diffs)

    def show_live(self, diffs: list[dict[str, Any]]) -> None:
        """Back to live: ``diffs`` turn the page from the past into the live store's state.
        Zoom and pan stay as they are."""
        self.replaying = False
        self._replay_store = None
        self.bridge.send_diffs(diffs)

    def set_basemap(self, basemap: Basemap) -> None:
        crs_changed = basemap.data_crs != self.builder.crs
        self.basemap = basemap
        self._send_basemap()
        if crs_changed:
            self._workers.clear()  # held moves are in the old coordinate system
            self.bridge.send_diffs(self.builder.set_crs(basemap.data_crs))
            if self.selected_worker:
                self.bridge.send_diffs([self.builder.track(self.selected_worker)])
            self._start_outlines()

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
        self._outline_results.stop()
        self._worker_send.stop()
        # The view, not only its page: a view that loses its page makes a fresh one on
        # the default profile the next time it is shown or hidden.
        if shiboken6.isValid(self.view):
            shiboken6.delete(self.view)

    # -- internals -----------------------------------------------------------------------
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
        self._workers.clear()  # the full state below includes every held move
        self.bridge.send_diffs(self.builder.full())
        if self.selected_worker:
            self.bridge.send_diffs([self.builder.track(self.selected_worker)])
        self._start_outlines()
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
        if not self.store.grids:
            return
        self._outline_generation += 1
        generation = self._outline_generation
        grids = list(self.store.grids.values())
        project = self.builder.project
        previous = set(self._outline_ids)
        put = self._outline_results.put
        spots = self._label_spots  # in WGS-84: a change of basemap system reuses them

        def work() -> None:
            put((generation, *outlines_diff(grids, project, previous, spots)))

        self._outline_results.expect(1)
        threading.Thread(target=work, name="map-outlines", daemon=True).start()

    def _on_outline_result(self, outcome: tuple[int, object, object]) -> None:
        if not self._released:
            self._on_outlines_computed(*outcome)

    def _on_outlines_computed(self, generation: int, result: object, ids: object) -> None:
        if generation != self._outline_generation or not isinstance(result, list):
            return  # an older computation finished after a newer one started
        self._outline_ids = set(ids) if isinstance(ids, set) else set()
        self.bridge.send_diffs(result)
