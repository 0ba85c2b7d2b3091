"""Every grid worker at a glance: who is out, where, and who has gone quiet.

An operator asks "is anyone near that alert?" and "whose phone is off?"; the
table answers both, sorted so that silent workers (stale, then offline) stand
out. It is fed deltas from the state store, so a city of workers costs one
``dataChanged`` per moved row, never a reset.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable, Iterable
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gridcommand.db.live.store import WorkerState
from gridcommand.db.reports.kpi import KpiRow
from gridcommand.resources.palette import WORKER_STATUS
from gridcommand.resources.vocabulary import worker_role_name, worker_status_name
from gridcommand.widgets.on_screen import ScreenFit, repaint_column
from gridcommand.widgets.plain import plain
from gridcommand.widgets.record_table import Column, RecordRole, RecordTableModel, SortRole
from gridcommand.widgets.ticket_columns import span

STATUS_ORDER = {"stale": 0, "offline": 1, "online": 2}


def last_fix_text(state: WorkerState, now: datetime) -> str:
    # Spelled out (not through a helper) so that lupdate sees the strings.
    if state.position is None:
        return QCoreApplication.translate("WorkersPanel", "never")
    ago = QCoreApplication.translate("WorkersPanel", "%1 ago")
    return ago.replace("%1", span(now - state.position.recorded_at))


#: The least time between two re-sorts of the workers table (see WorkersPanel.refresh).
REORDER_EVERY_S = 30.0
#: The column whose text follows the clock ("3 min ago").
LAST_FIX_COLUMN = 4


def worker_order(state: WorkerState) -> tuple[int, str, str]:
    """Stale first (a phone that just went quiet), then offline, then online; by grid."""
    return (STATUS_ORDER.get(state.status, 3), state.record.grid_code, state.record.code)


class WorkersPanel(QWidget):
    """The workers table with a search box; emits the worker the operator picks."""

    worker_selected = Signal(str)

    def __init__(
        self,
        clock: Callable[[], datetime],
        grid_name: Callable[[str | None], str],
        parent: QWidget | None = None,
        state_of: Callable[[str], WorkerState | None] | None = None,
        reorder_every_s: float = REORDER_EVERY_S,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._reorder_every_s = reorder_every_s
        self._reordered_at = -math.inf
        # A fix every few seconds from every worker must not become a model change: the
        # row keeps the worker and their status, the "last fix" cell reads the current
        # state when it is painted. Only a new worker or a changed status touches the model.
        self._state_of = state_of or (lambda code: None)
        columns: list[Column[WorkerState]] = [
            Column(
                self.tr("Status"),
                lambda s: worker_status_name(s.status),
                foreground=lambda s: WORKER_STATUS.get(s.status),
                sort_key=lambda s: STATUS_ORDER.get(s.status, 3),
            ),
            Column(self.tr("Worker"), lambda s: f"{s.record.name} ({s.record.code})"),
            Column(self.tr("Role"), lambda s: worker_role_name(s.record.role)),
            Column(self.tr("Grid"), lambda s: grid_name(s.record.grid_code)),
            Column(
                self.tr("Last fix"),
                lambda s: last_fix_text(self._current(s), self._clock()),
            ),
        ]
        self.model: RecordTableModel[WorkerState] = RecordTableModel(
            columns, key=lambda s: s.record.code, coalesce_changes=True
        )
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.proxy.setDynamicSortFilter(False)  # the model keeps its own order (see reorder)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        #: The workers whose rows may be out of order since the last reorder (added or
        #: their status changed); ``None`` until the rows have been put in order once.
        self._moved: set[str] | None = None
        #: Counts by status given by the store (set_counts); until then counted from the rows.
        self._counts: dict[str, int] | None = None
        self.view.verticalHeader().hide()
        # Qt's ResizeToContents measured 200 rows in Python at every change to a city's
        # 40,000 workers: sized to the rows on screen instead.
        self._fit_soon = ScreenFit(self.view)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_change)

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Find a worker or grid…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.summary = QLabel()
        plain(self.summary)
        # The counts above the search, not beside it: the dock may be narrow (wall text,
        # a 1280-pixel desk), and a wrapped Chinese line breaks inside a word.
        top = QVBoxLayout()
        top.addWidget(self.summary)
        top.addWidget(self.search)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view)
        layout.addWidget(self._score_card())
        self._update_summary()

    # -- the chosen worker's system score (系统考评), as the rankings compute it ----------
    def _score_card(self) -> QLabel:
        self.card = QLabel()
        self.card.setObjectName("workerScore")
        plain(self.card)
        self.card.setWordWrap(True)
        self.card.hide()
        self.card_worker: str | None = None
        return self.card

    def show_score_pending(self, code: str, name: str) -> None:
        self.card_worker = code
        self.card.setText(self.tr("%1: computing the system score…").replace("%1", name))
        self.card.show()

    def show_score(self, code: str, name: str, row: KpiRow | None, days: int) -> None:
        """The score of the last ``days`` days and its parts; an older answer is dropped."""
        if code != self.card_worker:
            return
        if row is None:
            self.card.setText(self.tr("%1: no system score").replace("%1", name))
            return
        parts = (
            (self.tr("Patrol share"), row.patrol),
            (self.tr("Handled on time"), row.handled_on_time_rate),
            (self.tr("Reporting share"), row.reporting),
            (self.tr("Satisfaction"), row.satisfaction_rate),
        )
        score = "—" if row.score is None else f"{row.score:.1f}"
        text = (
            self.tr("%1 · system score %2 (last %3 days)")
            .replace("%1", name)
            .replace("%2", score)
            .replace("%3", str(days))
        )
        shares = " · ".join(f"{label} {'—' if v is None else f'{v:.0%}'}" for label, v in parts)
        self.card.setText(f"{text}\n{shares}")

    def upsert(self, states: Iterable[WorkerState]) -> None:
        states = list(states)
        gone = [s.record.code for s in states if not s.record.active]
        if any(self.model.row_of(code) is not None for code in gone):
            self.model.remove(gone)
            self._update_summary()
        changed = [s for s in states if s.record.active and self._differs(s)]
        if not changed:
            return
        self.model.upsert(changed)
        if self._moved is not None:
            self._moved.update(s.record.code for s in changed)
        self._update_summary()
        self._fit_soon()

    def _differs(self, state: WorkerState) -> bool:
        row = self.model.row_of(state.record.code)
        if row is None:
            return True
        shown = self.model.record(row)
        return shown.status != state.status or shown.record != state.record

    def _current(self, state: WorkerState) -> WorkerState:
        return self._state_of(state.record.code) or state

    def remove(self, codes: Iterable[Hashable]) -> None:
        self.model.remove(codes)
        self._update_summary()

    def refresh(self) -> None:
        """Silent workers to the top, then repaint the clock-dependent cells ("3 min ago").

        Re-sorting a city's 40,000 rows stalled the GUI thread for up to half a second
        on a loaded wall PC, so it happens at most every ``reorder_every_s``; a worker
        whose phone went quiet ten minutes ago can wait that long to reach the top.
        """
        due = time.monotonic() - self._reordered_at >= self._reorder_every_s
        if self._moved != set() and due:
            moved, self._moved = self._moved, set()
            self._reordered_at = time.monotonic()
            self.model.reorder(worker_order, moved=moved)
        # Only "last fix" ("3 min ago") follows the clock; status changes come as rows.
        repaint_column(self.view, LAST_FIX_COLUMN)

    def select_worker(self, code: str) -> None:
        """Show a worker the operator picked elsewhere (on the map)."""
        row = self.model.row_of(code)
        if row is not None:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)

    def set_counts(self, counts: dict[str, int]) -> None:
        """Workers by status, as the store keeps them (no pass over a city's rows here)."""
        self._counts = dict(counts)
        self._update_summary()

    def _update_summary(self) -> None:
        counts = {"online": 0, "stale": 0, "offline": 0}
        if self._counts is not None:
            counts.update(self._counts)
        else:
            for state in self.model.records():
                counts[state.status] = counts.get(state.status, 0) + 1
        text = (
            self.tr("● %1 online   ◐ %2 stale   ○ %3 offline")
            .replace("%1", str(counts["online"]))
            .replace("%2", str(counts["stale"]))
            .replace("%3", str(counts["offline"]))
        )
        self.summary.setText(text)

    def _on_current_change(self, current: object, previous: object) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.worker_selected.emit(index.data(RecordRole).record.code)
