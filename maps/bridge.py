"""The one object on the page's QWebChannel: JSON out, clicks and the view back in.

Python only ever emits JSON strings; the page applies them. Nothing is sent
before the page has said it is ready, because signals emitted before the
JavaScript connected are lost: until then diffs and commands wait in a queue.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from gridcommand.maps.emit import emit


class MapBridge(QObject):
    # Python → page
    diffs_sent = Signal(str)
    command_sent = Signal(str)
    # page → Python
    page_ready_reported = Signal()
    alert_clicked = Signal(int)
    worker_clicked = Signal(str)
    grid_clicked = Signal(str)
    grid_double_clicked = Signal(str)
    view_changed = Signal(dict)
    #: Right-click on an item: its layer, its id and where (CSS pixels in the view).
    menu_requested = Signal(str, str, int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ready = False
        self.view: dict[str, Any] = {}
        self._queue: list[tuple[str, Any]] = []

    # -- outgoing ----------------------------------------------------------------------
    def send_diffs(self, diffs: list[dict[str, Any]]) -> None:
        if diffs:
            self._send("diffs", diffs)

    def send_command(self, cmd: str, **args: Any) -> None:
        self._send("command", {"cmd": cmd, **args})

    def _send(self, kind: str, payload: Any) -> None:
        if not self.ready:
            self._queue.append((kind, payload))
            return
        self._emit(kind, payload)

    def _emit(self, kind: str, payload: Any) -> None:
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        emit(self.diffs_sent if kind == "diffs" else self.command_sent, text)

    def reset(self) -> None:
        """The page is gone (reload, crashed renderer): queue again until it is back."""
        self.ready = False
        self._queue.clear()

    # -- incoming (called from JavaScript) -----------------------------------------------
    @Slot()
    def report_ready(self) -> None:
        self.ready = True
        queued, self._queue = self._queue, []
        diffs = [d for kind, payload in queued if kind == "diffs" for d in payload]
        if diffs:
            self._emit("diffs", diffs)  # one batch: in order, applied in one go
        for kind, payload in queued:
            if kind == "command":
                self._emit(kind, payload)
        emit(self.page_ready_reported)

    @Slot(int)
    def click_alert(self, ticket_id: int) -> None:
        emit(self.alert_clicked, int(ticket_id))

    @Slot(str)
    def click_worker(self, code: str) -> None:
        emit(self.worker_clicked, code)

    @Slot(str)
    def click_grid(self, code: str) -> None:
        emit(self.grid_clicked, code)

    @Slot(str)
    def double_click_grid(self, code: str) -> None:
        emit(self.grid_double_clicked, code)

    @Slot(str)
    def open_menu(self, text: str) -> None:
        try:
            item = json.loads(text)
            layer, code = str(item["layer"]), str(item["id"])
            x, y = int(item["x"]), int(item["y"])
        except (ValueError, KeyError, TypeError):
            return
        if layer in ("alerts", "grids", "workers"):
            emit(self.menu_requested, layer, code, x, y)

    @Slot(str)
    def report_view(self, text: str) -> None:
        try:
            view = json.loads(text)
        except ValueError:
            return
        if isinstance(view, dict):
            self.view = view
            emit(self.view_changed, view)
