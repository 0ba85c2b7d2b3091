"""The category suggested for a report's text, and the officer's one-key acceptance.

The model is trained on the district's closed cases off the GUI thread, at start
and every half hour (cases close all day; a correction made today teaches
tomorrow's suggestions). Suggesting for one description is a sum over a few dozen
columns, done on the GUI thread when a ticket's detail appears. ``K`` then ``1``,
``2`` or ``3`` takes a suggestion; the change goes through the service layer like
every action, with the version the officer saw, and is traced.
"""

from __future__ import annotations

import logging
from functools import partial

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget
from sqlalchemy import Engine

from gridcommand.db.actions import recategorize
from gridcommand.db.insight.category_history import TrainedSuggester, train_suggester_at
from gridcommand.db.live.store import StateStore
from gridcommand.desktop.background import BackgroundRunner
from gridcommand.desktop.in_process import run_in_process
from gridcommand.desktop.ticket_actions import TicketActions
from gridcommand.widgets.ticket_detail import SUGGESTIONS, TicketDetailPanel

log = logging.getLogger(__name__)
RETRAIN_MS = 30 * 60 * 1000


class CategorySuggester(QObject):
    def __init__(
        self,
        window: QWidget,
        engine: Engine,
        store: StateStore,
        runner: BackgroundRunner,
        detail: TicketDetailPanel,
        actions: TicketActions,
    ) -> None:
        super().__init__(window)
        self._engine = engine
        self._store = store
        self._runner = runner
        self._detail = detail
        self._actions = actions
        self.suggester: TrainedSuggester | None = None
        detail.detail_shown.connect(self.suggest_for)
        detail.category_chosen.connect(self.accept)
        self.shortcuts: list[QShortcut] = []
        for index in range(SUGGESTIONS):
            shortcut = QShortcut(QKeySequence(f"K, {index + 1}"), window)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(partial(detail.choose_suggestion, index))
            self.shortcuts.append(shortcut)
        self._timer = QTimer(self)
        self._timer.setInterval(RETRAIN_MS)
        self._timer.timeout.connect(self.train)

    def start(self) -> None:
        self.train()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def train(self) -> None:
        url = self._engine.url  # learnt in a process of its own: see desktop/in_process.py
        self._runner.submit(
            "category-model",
            lambda: run_in_process(train_suggester_at, url),
            self._on_trained,
            lambda message: log.warning("no category model: %s", message),
        )

    def _on_trained(self, suggester: object) -> None:
        if suggester is None:
            log.info("no category suggestions yet: the district has no closed case to learn from")
        if isinstance(suggester, TrainedSuggester):
            self.suggester = suggester
            if self._detail.ticket_id is not None:
                self.suggest_for(self._detail.ticket_id)

    def suggest_for(self, ticket_id: int) -> None:
        ticket = self._store.tickets.get(ticket_id)
        if self.suggester is None or ticket is None or not ticket.description.strip():
            return
        can_change = (
            self._actions.operator.role in recategorize.ROLES
            and ticket.status in recategorize.STATUSES
        )
        suggested = self.suggester.suggest(ticket.description, SUGGESTIONS)
        self._detail.show_suggestions(ticket_id, suggested, can_change)

    def accept(self, ticket_id: int, category_code: str) -> None:
        details = {"category_code": category_code}
        self._actions.request_with(recategorize.ACTION, ticket_id, details)
