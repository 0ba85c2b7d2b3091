"""The map's hot-spot layer, fed by the KPI board: its period, its region, one category.

The board says what it wants (a ``HotspotQuery``, or ``None`` when the layer is
switched off); the counts come from the database (``db/reports/hotspots.py``) on the
runner's threads, and the map shades its grids in place. The board's check box and
*View → Hot-spot layer* are the same switch.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction
from sqlalchemy import Engine

from gridcommand.db.live.reference import Reference
from gridcommand.db.live.store import StateStore
from gridcommand.db.reports.hotspots import HotSpot, hotspots
from gridcommand.db.reports.kpi import LOCAL
from gridcommand.desktop.background import BackgroundRunner
from gridcommand.maps.panel import MapPanel
from gridcommand.widgets.kpi_board import HotspotQuery, KpiBoard


def period_text(query: HotspotQuery) -> str:
    """``2026-11-01 – 2026-11-30 · 东城街道``: the days of the period, both ends shown."""
    first = query.period.start.astimezone(LOCAL)
    last = (query.period.end - timedelta(microseconds=1)).astimezone(LOCAL)
    return f"{first:%Y-%m-%d} – {last:%Y-%m-%d} · {query.region_name}"


class HotspotLayer(QObject):
    """Keeps the map's hot-spot layer on the board's choice; the newest choice wins."""

    def __init__(
        self,
        runner: BackgroundRunner,
        engine: Engine,
        store: StateStore,
        board: KpiBoard,
        map_panel: MapPanel,
        switch: QAction,
    ) -> None:
        super().__init__(map_panel)
        self._runner, self._engine, self._store = runner, engine, store
        self._board, self._map = board, map_panel
        self._wanted: HotspotQuery | None = None
        board.hotspots_requested.connect(self.request)
        runner.finished.connect(self._on_job_finished)
        switch.toggled.connect(board.hotspots_box.setChecked)
        board.hotspots_box.toggled.connect(switch.setChecked)

    def _on_job_finished(self, key: str, result: object) -> None:
        """The category classes come with the reference lists the window reads at start."""
        if key == "reference" and isinstance(result, Reference):
            self._board.set_classes(result.classes)

    def request(self, query: HotspotQuery | None) -> None:
        self._wanted = query
        if query is None:
            self._map.hide_hotspots()
            return
        engine = self._engine
        self._runner.submit(
            "hotspots",
            lambda: hotspots(
                engine, query.period.start, query.period.end, query.region, query.class_code
            ),
            lambda spots: self._show(query, spots),
            self._board.show_error,
        )

    def _show(self, query: HotspotQuery, spots: list[HotSpot]) -> None:
        if query is not self._wanted:
            return  # switched off (or asked again) while it was being counted
        # Every grid of the region has a count on its card, a grid without cases too.
        region = query.region
        counts = {
            g.code: 0
            for g in self._store.grids.values()
            if region is None or region in (g.code, g.community_code, g.street_code)
        }
        counts.update({s.grid_code: s.count for s in spots})
        title = QCoreApplication.translate("HotspotLayer", "Cases: %1").replace(
            "%1", query.class_name
        )
        self._map.set_hotspots(
            counts,
            title,
            period_text(query),
            QCoreApplication.translate("HotspotLayer", "Cases in the period"),
            QCoreApplication.translate("HotspotLayer", "No case in the period"),
        )
