"""The bridge between Python and the page: JSON out, clicks and the view back in.

Python only ever emits JSON strings; the page applies them. Nothing is sent
before the page has said it is ready, because signals emitted before the
JavaScript connected are lost: until then diffs and commands wait in a queue.

The page never sees ``MapBridge`` itself. QWebChannel publishes every public
slot, signal and property of the object it is given, inherited ones included
(``deleteLater``, ``objectName``), so the channel gets a ``PageFace``: two
signals out and the handlers in, each checking what the page sent (type, size,
an id that exists) before the application hears of it, and it cannot be
deleted from the page.
"""

from __future__ import annotations

import json
import math
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot

from gridcommand.maps.emit import emit
from gridcommand.maps.json_text import dumps

#: Is there a ``(layer, id)`` on the map? ``layer`` is "alerts", "workers" or "grids".
Known = Callable[[str, object], bool]
MAX_ID = 2**31 - 1
MAX_CODE = 64
MAX_VIEW_TEXT = 1024
VIEW_KEYS = {"south": 90.0, "north": 90.0, "west": 360.0, "east": 360.0, "zoom": 30.0}
#: Characters of diff text passed to the page in one turn of the GUI thread's event
#: loop; more waits for the next turn, in order (a city's first load is megabytes).
TURN_CHARS = 256 * 1024


def _anything(_layer: str, _id: object) -> bool:
    return True


def valid_ticket_id(value: object) -> int | None:
    """A ticket id from the page: a whole number in the database's integer range."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and 0 < value <= MAX_ID:
        return value
    return None


def valid_code(value: object) -> str | None:
    """A worker or grid code from the page: short, printable text."""
    if isinstance(value, str) and 0 < len(value) <= MAX_CODE and value.isprintable():
        return value
    return None


def valid_view(text: object) -> dict[str, float] | None:
    """The page's view: its four edges and zoom, finite and in range, nothing else."""
    if not isinstance(text, str) or len(text) > MAX_VIEW_TEXT:
        return None
    try:
        view = json.loads(text)
    except ValueError:
        return None
    if not isinstance(view, dict) or set(view) != set(VIEW_KEYS):
        return None
    clean: dict[str, float] = {}
    for key, limit in VIEW_KEYS.items():
        value = view[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        if not math.isfinite(value) or abs(value) > limit:
            return None
        clean[key] = value
    return clean


def valid_menu(text: object) -> tuple[str, str, int, int] | None:
    """A right-click from the page: a known layer, an id, and a point on the view."""
    if not isinstance(text, str) or len(text) > MAX_VIEW_TEXT:
        return None
    try:
        item = json.loads(text)
    except ValueError:
        return None
    if not isinstance(item, dict) or set(item) != {"layer", "id", "x", "y"}:
        return None
    layer, x, y = item["layer"], item["x"], item["y"]
    if layer not in ("alerts", "grids", "workers"):
        return None
    if any(isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 100_000 for v in (x, y)):
        return None
    if layer == "alerts":
        ticket = valid_ticket_id(int(item["id"]) if str(item["id"]).isdigit() else None)
        return None if ticket is None else (layer, str(ticket), x, y)
    code = valid_code(item["id"])
    return None if code is None else (layer, code, x, y)


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
    menu_requested = Signal(str, str, int, int)  # layer, id, x, y in the view's CSS pixels

    def __init__(self, parent: QObject | None = None, known: Known = _anything) -> None:
        super().__init__(parent)
        self.ready = False
        self.view: dict[str, Any] = {}
        self.known = known
        self.refused = 0
        self._queue: list[tuple[str, Any]] = []
        #: Ready, but over this turn's share of text: sent on the next turns, in order.
        self._outgoing: deque[tuple[str, Any]] = deque()
        self._turn_chars = 0
        self._turn = QTimer(self)
        self._turn.setSingleShot(True)
        self._turn.setInterval(0)
        self._turn.timeout.connect(self._next_turn)
        self.face = PageFace(self)

    # -- outgoing ----------------------------------------------------------------------
    def send_diffs(self, diffs: list[dict[str, Any]]) -> None:
        if diffs:
            self._send("diffs", diffs)

    def send_command(self, cmd: str, **args: Any) -> None:
        self._send("command", {"cmd": cmd, **args})

    def send_text(self, text: str) -> None:
        """Diffs already written as the page's JSON (built off the GUI thread)."""
        if text:
            self._send("text", text)

    def _send(self, kind: str, payload: Any) -> None:
        if not self.ready:
            self._queue.append((kind, payload))
            return
        size = len(payload) if kind == "text" else 0
        if self._outgoing or (self._turn_chars and self._turn_chars + size > TURN_CHARS):
            self._outgoing.append((kind, payload))
            self._turn.start()
            return
        self._emit_counted(kind, payload)

    @property
    def backlog(self) -> int:
        """Items waiting for a later turn of the event loop (0: everything has gone)."""
        return len(self._outgoing)

    def _emit_counted(self, kind: str, payload: Any) -> None:
        if kind == "text":
            self._turn_chars += len(payload)
            self._turn.start()  # the share is counted again from the next turn
        self._emit(kind, payload)

    def _next_turn(self) -> None:
        """A new turn of the event loop: this turn's share of what waits, in order."""
        self._turn_chars = 0
        while self._outgoing:
            kind, payload = self._outgoing[0]
            size = len(payload) if kind == "text" else 0
            if self._turn_chars and self._turn_chars + size > TURN_CHARS:
                break
            self._outgoing.popleft()
            self._turn_chars += size
            self._emit(kind, payload)
        if self._outgoing or self._turn_chars:
            self._turn.start()

    def _emit(self, kind: str, payload: Any) -> None:
        if kind == "text":
            emit(self.diffs_sent, payload)
            return
        text = dumps(payload)
        emit(self.diffs_sent if kind == "diffs" else self.command_sent, text)

    def reset(self) -> None:
        """The page is gone (reload, crashed renderer): queue again until it is back."""
        self.ready = False
        self._queue.clear()
        self._outgoing.clear()

    # -- incoming (from the page, through the face; every argument checked) -------------
    def report_ready(self) -> None:
        self.ready = True
        queued, self._queue = self._queue, []
        if sum(len(p) for kind, p in queued if kind == "text") > TURN_CHARS:
            # Too much for one turn (a city loaded before the page was up): in order,
            # a turn's share at a time, never parsed and written again here.
            for kind, payload in queued:
                self._send(kind, payload)
            emit(self.page_ready_reported)
            return
        diffs = [
            d
            for kind, payload in queued
            if kind != "command"
            for d in (payload if kind == "diffs" else json.loads(payload))
        ]
        if diffs:
            self._emit("diffs", diffs)  # one batch: in order, applied in one go
        for kind, payload in queued:
            if kind == "command":
                self._emit(kind, payload)
        emit(self.page_ready_reported)

    def click_alert(self, ticket_id: object) -> None:
        valid = valid_ticket_id(ticket_id)
        if valid is None or not self.known("alerts", valid):
            self.refused += 1
            return
        emit(self.alert_clicked, valid)

    def click_worker(self, code: object) -> None:
        self._code(self.worker_clicked, "workers", code)

    def click_grid(self, code: object) -> None:
        self._code(self.grid_clicked, "grids", code)

    def double_click_grid(self, code: object) -> None:
        self._code(self.grid_double_clicked, "grids", code)

    def _code(self, signal: Any, layer: str, code: object) -> None:
        valid = valid_code(code)
        if valid is None or not self.known(layer, valid):
            self.refused += 1
            return
        emit(signal, valid)

    def open_menu(self, text: object) -> None:
        """A right-click on an item: its layer, its id and where, as JSON from the page."""
        item = valid_menu(text)
        key: object = None if item is None else int(item[1]) if item[0] == "alerts" else item[1]
        if item is None or not self.known(item[0], key):
            self.refused += 1
            return
        emit(self.menu_requested, *item)

    def report_view(self, text: object) -> None:
        view = valid_view(text)
        if view is None:
            self.refused += 1
            return
        self.view = view
        emit(self.view_changed, view)


class PageFace(QObject):
    """The only object on the channel: the page's two signals and its handlers, no more.

    Its slots take ``QVariant`` so that a wrong type arrives as what it is and is
    refused, instead of being converted by Qt (a string to 0, a float cut short).
    ``deleteLater`` called from the page is refused here: the channel would
    otherwise delete the object every update goes through. ``objectName``, the one
    property QObject gives it, goes back to ``NAME`` as soon as the page writes it.
    """

    NAME = "bridge"

    diffs_sent = Signal(str)
    command_sent = Signal(str)

    def __init__(self, bridge: MapBridge) -> None:
        super().__init__(bridge)
        self._bridge = bridge
        self.setObjectName(self.NAME)
        bridge.diffs_sent.connect(self.diffs_sent)
        bridge.command_sent.connect(self.command_sent)

        def keep_name(name: str) -> None:  # a closure, not a method: nothing more on the channel
            if name != self.NAME:
                self.setObjectName(self.NAME)

        self.objectNameChanged.connect(keep_name)

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.DeferredDelete:
            return True  # deleted with its bridge, never on the page's word
        return super().event(e)

    @Slot()
    def report_ready(self) -> None:
        self._bridge.report_ready()

    @Slot("QVariant")
    def click_alert(self, ticket_id: object) -> None:
        self._bridge.click_alert(ticket_id)

    @Slot("QVariant")
    def click_worker(self, code: object) -> None:
        self._bridge.click_worker(code)

    @Slot("QVariant")
    def click_grid(self, code: object) -> None:
        self._bridge.click_grid(code)

    @Slot("QVariant")
    def double_click_grid(self, code: object) -> None:
        self._bridge.double_click_grid(code)

    @Slot("QVariant")
    def open_menu(self, text: object) -> None:
        self._bridge.open_menu(text)

    @Slot("QVariant")
    def report_view(self, text: object) -> None:
        self._bridge.report_view(text)
