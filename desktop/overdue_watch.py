"""The overdue forecast on the console: the at-risk queue and the count on the wall.

The model (time from each status to closing, from the trace) is learnt off the GUI
thread at start and every half hour. Every minute, and when it arrives, the open
cases whose deadline falls within the hour are scored from the store: a bisection
per case, so a city's worth costs the GUI thread a few milliseconds. Cases at
``SHOW_FROM`` or more are listed in the queue tab and counted on the wall.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy import Engine

from gridcommand.db.insight.case_history import learn_recent_at
from gridcommand.db.insight.forecast import OverdueModel, open_case_of
from gridcommand.db.live.store import StateStore
from gridcommand.desktop.background import BackgroundRunner
from gridcommand.desktop.in_process import run_in_process
from gridcommand.desktop.main_window import MainWindow
from gridcommand.widgets.queues import QueuePanel

log = logging.getLogger(__name__)
HORIZON = timedelta(hours=1)
SHOW_FROM = 0.5
SCORE_MS = 60_000
LEARN_MS = 30 * 60_000


class OverdueWatch(QObject):
    #: The tickets at risk now, {id: risk} (the map rings them).
    at_risk_changed = Signal(object)

    def __init__(
        self,
        window: MainWindow,
        engine: Engine,
        store: StateStore,
        runner: BackgroundRunner,
        queues: QueuePanel,
    ) -> None:
        super().__init__(window)
        self._window, self._engine, self._store = window, engine, store
        self._runner, self._queues = runner, queues
        self.model: OverdueModel | None = None
        self.risks: dict[int, float] = {}
        self._score_timer = QTimer(self)
        self._score_timer.setInterval(SCORE_MS)
        self._score_timer.timeout.connect(self.score)
        self._learn_timer = QTimer(self)
        self._learn_timer.setInterval(LEARN_MS)
        self._learn_timer.timeout.connect(self.learn)

    def start(self) -> None:
        self.learn()
        self._score_timer.start()
        self._learn_timer.start()

    def stop(self) -> None:
        self._score_timer.stop()
        self._learn_timer.stop()

    def learn(self) -> None:
        url = self._engine.url  # learnt in a process of its own: see desktop/in_process.py
        self._runner.submit(
            "overdue-model",
            lambda: run_in_process(learn_recent_at, url),
            self._on_learnt,
            lambda message: log.warning("no overdue forecast: %s", message),
        )

    def _on_learnt(self, model: object) -> None:
        if isinstance(model, OverdueModel):
            self.model = model
            self.score()

    def score(self) -> None:
        """Score the cases that can go red within the hour (public: tests step it)."""
        if self.model is None:
            return
        now = self._store.clock()
        tickets = list(self._store.open_tickets())
        load = Counter(t.assignee_worker_code for t in tickets if t.assignee_worker_code)
        risks: dict[int, float] = {}
        for ticket in tickets:
            if not now < ticket.deadline <= now + HORIZON:
                continue
            grid = self._store.grids.get(ticket.grid or "")
            street = grid.street_code if grid is not None else None
            case = open_case_of(ticket, street, load.get(ticket.assignee_worker_code or "", 0))
            risk = self.model.risk(case, now, HORIZON).risk
            if risk >= SHOW_FROM:
                risks[ticket.id] = risk
        self.risks = risks
        self._queues.set_at_risk(risks)
        self._window.set_at_risk_count(len(risks))
        self.at_risk_changed.emit(dict(risks))
