"""The duty officer's hands: actions on tickets, from buttons or from the keyboard alone.

Every action goes through the one service layer (:mod:`gridcommand.db.actions.service`) on
a background thread, with the ticket version the officer saw, so the window never
waits on the database and two officers cannot overwrite each other: the loser is
told plainly who changed the ticket, and sees its new state. The keyboard path
for an emergency is E (jump to it), A (acknowledge), D (dispatch), Enter (send
to the first suggestion).
"""

from __future__ import annotations

import getpass
import itertools
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QInputDialog, QLabel, QMessageBox, QWidget
from sqlalchemy import Engine

from gridcommand.db.actions.caseloop import NEEDS_REASON, SHORTCUTS, allowed_actions
from gridcommand.db.actions.operator import current_operator
from gridcommand.db.actions.service import ActionResult, Operator, perform
from gridcommand.db.actions.suggestions import load_suggestions
from gridcommand.db.live.store import StateStore
from gridcommand.db.live.text import neutralise
from gridcommand.desktop.background import BackgroundRunner
from gridcommand.resources.vocabulary import action_name
from gridcommand.widgets.dispatch_dialog import DispatchDialog
from gridcommand.widgets.queues import QueuePanel
from gridcommand.widgets.ticket_detail import TicketDetailPanel

log = logging.getLogger(__name__)


def fallback_operator(login: str | None, role: str | None) -> Operator:
    """The operator when the database login has no scope row (the embedded demo's owner)."""
    name = login or getpass.getuser()
    return Operator(name, name, role or "supervisor", "district", "district")


class TicketActions(QObject):
    """Routes requested actions to the service layer and reports the outcome."""

    action_done = Signal(object)  # ActionResult
    action_failed = Signal(str)
    #: A short word for the status bar (a key that does not apply to this ticket).
    notice = Signal(str)
    #: The officer's ticket could not be shown in the queues (a filter hides it).
    ticket_chosen = Signal(int)
    operator_changed = Signal(object)  # Operator

    def __init__(
        self,
        window: QWidget,
        engine: Engine,
        store: StateStore,
        runner: BackgroundRunner,
        queues: QueuePanel,
        detail: TicketDetailPanel,
        on_written: Callable[[], None],
        operator: Operator,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._engine = engine
        self._store = store
        self._runner = runner
        self._queues = queues
        self._detail = detail
        self._on_written = on_written
        self.operator = operator
        #: The ticket the officer last chose (queue, map or E), known at once, before
        #: its detail has come back from the database: the keys act on this one.
        self.current_id: int | None = None
        #: The version of that ticket when it was chosen: a key acts on what was seen,
        #: and the service layer says who changed it meanwhile.
        self.seen_version: int | None = None
        self._writes = itertools.count(1)
        self.ask_text: Callable[[str, str], str | None] = self._ask_text
        #: Clears whatever hides a ticket from the queues and selects it (the filter bar
        #: lives with the window); E uses it as the alarm banner does.
        self.reveal: Callable[[int], bool] | None = None
        self.confirm_dispatch: Callable[[DispatchDialog], bool] = lambda dialog: (
            dialog.exec() == QDialog.DialogCode.Accepted
        )
        detail.set_role(operator.role)
        detail.action_requested.connect(self.request)
        queues.ticket_activated.connect(self._on_activated)
        queues.ticket_selected.connect(self.choose)
        self.shortcuts: list[QShortcut] = []
        for key, action in SHORTCUTS:
            self._shortcut(key, partial(self.request_for_current, action))
        self._shortcut("E", self.jump_to_emergency)
        self._shortcut("F", self._fly)

    def _shortcut(self, key: str, slot: Callable[[], None]) -> None:
        shortcut = QShortcut(QKeySequence(key), self._window)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(slot)
        self.shortcuts.append(shortcut)

    # -- who is acting ---------------------------------------------------------------
    def resolve_operator(self, login: str | None, role: str | None) -> None:
        """Ask the database who this login is (off the GUI thread); scoped logins win."""
        engine = self._engine
        self._runner.submit(
            "operator",
            lambda: current_operator(engine) or fallback_operator(login, role),
            self.set_operator,
            lambda message: log.warning("could not read the operator: %s", message),
        )

    def set_operator(self, operator: object) -> None:
        if isinstance(operator, Operator):
            self.operator = operator
            self._detail.set_role(operator.role)
            self.operator_changed.emit(operator)

    # -- requests --------------------------------------------------------------------
    def choose(self, ticket_id: int) -> None:
        ticket = self._store.tickets.get(ticket_id)
        self.seen_version = ticket.version if ticket is not None else None
        self.current_id = ticket_id
        if self._queues.chosen_id != ticket_id:
            self._queues.set_chosen(ticket_id)

    def request_for_current(self, action: str) -> None:
        ticket_id = self.current_id if self.current_id is not None else self._detail.ticket_id
        if ticket_id is None:
            return
        ticket = self._store.tickets.get(ticket_id)
        if ticket is None:
            return
        chosen = self.seen_version if ticket_id == self.current_id else None
        changed = chosen is not None and chosen != ticket.version
        if action == "acknowledge" and ticket_id in self._store.acknowledged:
            text = self.tr("%1 is already acknowledged.")
            self.notice.emit(text.replace("%1", ticket.code))
            return
        # The keys obey the same rules as the buttons: case loop and role.
        if action not in allowed_actions(ticket.status, self.operator.role):
            if changed:
                # Someone moved it on since the officer chose it: try it as it was when
                # chosen, so that the refusal says who changed it and how.
                self.seen_version = ticket.version
                self.request(action, ticket_id, chosen)
                return
            step = action_name(action)
            text = self.tr("%1 cannot be done on %2 now.")
            self.notice.emit(text.replace("%1", step).replace("%2", ticket.code))
            return
        # What the officer sees: the detail's version once it shows this ticket (a newer
        # state in the store, not yet shown, is refused with who changed it).
        detail = self._detail.detail
        shown = (
            detail.fields.get("version") if detail and detail.fields["id"] == ticket_id else None
        )
        self.request(action, ticket_id, shown if isinstance(shown, int) else chosen)

    def request(self, action: str, ticket_id: int, version: int | None = None) -> None:
        ticket = self._store.tickets.get(ticket_id)
        if ticket is None:
            self.action_failed.emit(self.tr("That ticket is no longer on the board."))
            return
        version = ticket.version if version is None else version
        details: dict[str, Any] = {}
        if action in NEEDS_REASON:
            step = action_name(action)
            reason = self.ask_text(
                self.tr("Reason"),
                self.tr("Reason (%1 · %2):").replace("%1", ticket.code).replace("%2", step),
            )
            if not reason:
                text = self.tr("No reason given: %1 is unchanged.")
                self.notice.emit(text.replace("%1", ticket.code))
                return
            details["reason"] = reason
        if action in ("dispatch", "redispatch"):
            self._open_dispatch(action, ticket_id, ticket.code, version)
            return
        self._submit(action, ticket_id, version, details)

    def request_with(self, action: str, ticket_id: int, details: dict[str, Any]) -> None:
        """An action whose details the caller already knows (a suggested category)."""
        ticket = self._store.tickets.get(ticket_id)
        if ticket is None:
            self.action_failed.emit(self.tr("That ticket is no longer on the board."))
            return
        self._submit(action, ticket_id, ticket.version, details)

    def jump_to_emergency(self) -> None:
        """Select the oldest emergency nobody has acknowledged yet."""
        waiting = [t for t in self._store.open_tickets() if t.id in self._queues.unacknowledged]
        if not waiting:
            self.notice.emit(self.tr("No emergency is waiting to be acknowledged."))
        if waiting:
            first = min(waiting, key=lambda t: t.reported_at)
            self.choose(first.id)
            if not self._queues.select_ticket(first.id) and not (
                self.reveal is not None and self.reveal(first.id)
            ):
                self.ticket_chosen.emit(first.id)  # hidden by a filter: show it anyway

    # -- dispatch --------------------------------------------------------------------
    def _open_dispatch(self, action: str, ticket_id: int, code: str, version: int) -> None:
        engine, store = self._engine, self._store
        known = store.tickets.get(ticket_id)
        located = known.grid if known is not None else None  # a citizen report's, by its point
        self._runner.submit(
            f"suggestions-{ticket_id}",
            lambda: load_suggestions(
                engine,
                ticket_id,
                stale_after=store.stale_after,
                offline_after=store.offline_after,
                located_grid=located,
            ),
            lambda suggestions: self._choose(action, ticket_id, code, version, suggestions),
            self.action_failed.emit,
        )

    def _choose(
        self, action: str, ticket_id: int, code: str, version: int, suggestions: Any
    ) -> None:
        dialog = DispatchDialog(code, list(suggestions), self._window)
        try:
            if not self.confirm_dispatch(dialog):
                return
            worker, department, note = dialog.choice()
        finally:
            dialog.deleteLater()  # one dialog per dispatch; focus goes back to the wall
            self._window.activateWindow()
        if worker is None and department is None:
            self.action_failed.emit(self.tr("Choose a worker or a department."))
            return
        details = {"worker_code": worker, "department": department, "note": note}
        self._submit(action, ticket_id, version, details)

    # -- writing ---------------------------------------------------------------------
    def _submit(self, action: str, ticket_id: int, version: int, details: dict[str, Any]) -> None:
        engine, operator = self._engine, self.operator
        self._runner.submit(
            # Every write has its own key: "the latest wins" is for reads; a write's
            # outcome, or its refusal, must always reach the officer.
            f"action-{ticket_id}-{next(self._writes)}",
            lambda: perform(engine, operator, action, ticket_id, version, **details),
            self._on_done,
            self._on_failed,
        )

    def _on_done(self, result: object) -> None:
        self._on_written()
        if isinstance(result, ActionResult):
            self.action_done.emit(result)

    def _on_failed(self, message: str) -> None:
        self._on_written()  # the ticket may have moved on: fetch its new state
        self.action_failed.emit(message)

    def _on_activated(self, ticket_id: int) -> None:
        self._detail.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _fly(self) -> None:
        if self._detail.ticket_id is not None:
            self._detail.fly_requested.emit(self._detail.ticket_id)

    def _ask_text(self, title: str, label: str) -> str | None:
        dialog = reason_dialog(self._window, title, label)
        ok = dialog.exec() == QDialog.DialogCode.Accepted
        text = dialog.textValue().strip()
        dialog.deleteLater()
        # The keys go on working without a click on the queue: the main window is active
        # again once the dialog has gone (after it, so that its closing cannot undo it).
        QTimer.singleShot(0, self._window, self._window.activateWindow)
        return text if ok and text else None


def reason_dialog(parent: QWidget, title: str, label: str) -> QInputDialog:
    """``QInputDialog.getText``'s dialog, but its label (a ticket's code) is plain text."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(neutralise(label))
    for child in dialog.findChildren(QLabel):
        child.setTextFormat(Qt.TextFormat.PlainText)
    return dialog


def show_failure(parent: QWidget, message: str) -> QMessageBox:
    """A refused action is said plainly, in a box the officer must read.

    ``open()``, not ``exec()``: no nested event loop, the wall keeps moving behind it.
    """
    # Not parent.tr(): lupdate would file the string under a context named "parent".
    title = QCoreApplication.translate("TicketActions", "Not done")
    box = QMessageBox(QMessageBox.Icon.Warning, title, "", parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # the message names tickets and people
    box.setText(neutralise(message))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    # Once read, the keys work again at once (no window manager may give focus back).
    window = parent.window()
    box.finished.connect(window.activateWindow)
    box.open()
    return box
