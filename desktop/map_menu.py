"""Right-click on the map: the item's own actions, at the pointer.

An alert offers acknowledge, dispatch and show in queue; a grid its drill-down; a
worker their track. What the role or the case loop forbids is shown disabled, so the
officer sees that it exists and that it is not theirs to do now. Actions go through
the same paths as the keys and buttons (:class:`~gridcommand.desktop.ticket_actions.TicketActions`
and ``perform``). The menu is popped, not executed: no nested event loop, the wall
keeps moving behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, QPoint
from PySide6.QtWidgets import QMenu, QWidget

from gridcommand.db.actions.caseloop import allowed_actions
from gridcommand.db.live.store import StateStore
from gridcommand.desktop.ticket_actions import TicketActions


class MapItemMenu(QObject):
    """Builds and pops the menu for one map item; the last menu stays in ``menu``."""

    def __init__(
        self,
        parent: QWidget,
        store: StateStore,
        actions: TicketActions,
        *,
        show_in_queue: Callable[[int], None],
        drill: Callable[[str], None],
        track: Callable[[str], None],
        grid_name: Callable[[str], str],
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._store = store
        self._actions = actions
        self._show_in_queue = show_in_queue
        self._drill = drill
        self._track = track
        self._grid_name = grid_name
        self.menu: QMenu | None = None

    def open(self, layer: str, code: str, at: QPoint) -> None:
        if self.menu is not None:
            self.menu.close()
            self.menu.deleteLater()
        menu = QMenu(self._parent)
        if layer == "alerts":
            self._alert(menu, int(code))
        elif layer == "grids":
            menu.addSection(self._grid_name(code))
            menu.addAction(self.tr("Drill down into this grid"), partial(self._drill, code))
        elif layer == "workers":
            state = self._store.workers.get(code)
            menu.addSection(state.record.name if state else code)
            menu.addAction(self.tr("Show the last hour's track"), partial(self._track, code))
        if menu.isEmpty():
            menu.deleteLater()
            return
        self.menu = menu
        menu.popup(at)

    def _alert(self, menu: QMenu, ticket_id: int) -> None:
        ticket = self._store.tickets.get(ticket_id)
        if ticket is None:
            return
        menu.addSection(ticket.code)
        allowed = allowed_actions(ticket.status, self._actions.operator.role)
        acknowledge = menu.addAction(
            self.tr("Acknowledge"), partial(self._request, "acknowledge", ticket_id)
        )
        acknowledge.setEnabled(
            "acknowledge" in allowed and ticket_id not in self._store.acknowledged
        )
        step = "redispatch" if "redispatch" in allowed else "dispatch"
        dispatch = menu.addAction(self.tr("Dispatch…"), partial(self._request, step, ticket_id))
        dispatch.setEnabled(step in allowed)
        menu.addAction(self.tr("Show in queue"), partial(self._show_in_queue, ticket_id))

    def _request(self, action: str, ticket_id: int) -> None:
        self._actions.choose(ticket_id)
        self._actions.request(action, ticket_id)
