"""A worker's system score (系统考评) on their card: the workers panel's and the map's.

The score is ``db/reports/kpi.py``'s ``worker_score``, the code that ranks workers
on the KPI board and scores a grid in its drill-down, read off the GUI thread when
the operator picks a worker (in the panel or on the map).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject
from sqlalchemy import Engine

from gridcommand.db.live.store import StateStore
from gridcommand.db.reports.kpi import KpiRow, worker_score
from gridcommand.desktop.background import BackgroundRunner
from gridcommand.maps.panel import MapPanel
from gridcommand.widgets.workers_panel import WorkersPanel

#: The days a card's score covers, as the grid drill-down's.
CARD_DAYS = 30


class WorkerScores(QObject):
    def __init__(
        self,
        runner: BackgroundRunner,
        engine: Engine,
        store: StateStore,
        panel: WorkersPanel,
        map_panel: MapPanel | None,
    ) -> None:
        super().__init__(panel)
        self._runner, self._engine, self._store = runner, engine, store
        self._panel, self._map = panel, map_panel
        panel.worker_selected.connect(self.load)

    def load(self, code: str) -> None:
        state = self._store.workers.get(code)
        name = state.record.name if state is not None else code
        self._panel.show_score_pending(code, name)
        engine, now = self._engine, self._store.clock()
        self._runner.submit(
            "worker-score",
            lambda: worker_score(engine, code, now, CARD_DAYS),
            lambda row: self._show(code, name, row),
            lambda message: self._panel.show_score(code, name, None, CARD_DAYS),
        )

    def _show(self, code: str, name: str, row: KpiRow | None) -> None:
        self._panel.show_score(code, name, row, CARD_DAYS)
        if self._map is not None and row is not None and row.score is not None:
            label = QCoreApplication.translate("WorkerScores", "System score (30 days)")
            self._map.set_worker_score(code, label, f"{row.score:.1f}")
