"""Real mouse input on the map: Qt events sent to the web view where an item is drawn.

The page only says *where* an item is (``latLngToContainerPoint``); the click, the
double-click, the hover and the right-click then go the whole way a user's do:
Qt → Chromium → the DOM → Leaflet → the bridge. No handler is called directly.
"""

from __future__ import annotations

import json
import time

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from gridcommand.maps.panel import MapPanel


def run_js(qtbot, panel: MapPanel, code: str) -> object:
    """Evaluate a fixed expression in the page (no data is pasted into it)."""
    box: list[object] = []
    panel.page.runJavaScript(f"JSON.stringify({code})", 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=5000)
    return json.loads(str(box[0])) if box[0] else None


def pixel(qtbot, panel: MapPanel, lat: float, lng: float) -> QPoint:
    """Where the page draws (lat, lng), in the view's pixels."""
    point = run_js(
        qtbot,
        panel,
        f"gridmap.map().latLngToContainerPoint([{float(lat)!r}, {float(lng)!r}])",
    )
    assert isinstance(point, dict)
    zoom = panel.view.zoomFactor()
    return QPoint(round(point["x"] * zoom), round(point["y"] * zoom))


def target(panel: MapPanel) -> QWidget:
    """The widget Chromium reads the mouse from."""
    proxy = panel.view.focusProxy()
    assert proxy is not None
    return proxy


def settle(qtbot) -> None:
    """A few frames: the page has seen the pointer (hover is handled once a frame)."""
    qtbot.wait(150)


def move(qtbot, panel: MapPanel, at: QPoint) -> None:
    QTest.mouseMove(target(panel), at)
    settle(qtbot)


def click(
    qtbot, panel: MapPanel, at: QPoint, button: Qt.MouseButton = Qt.MouseButton.LeftButton
) -> None:
    move(qtbot, panel, at)
    QTest.mouseClick(target(panel), button, Qt.KeyboardModifier.NoModifier, at)


def double_click(qtbot, panel: MapPanel, at: QPoint) -> None:
    """Press, release, press, release 80 ms apart, as a hand does.

    ``QTest`` spaces successive clicks by the double-click interval on purpose, and
    Chromium counts clicks from the events' timestamps, so ``QTest.mouseDClick`` reaches
    the page as two single clicks. These events carry close timestamps of their own.
    """
    move(qtbot, panel, at)
    widget = target(panel)
    start = int(time.monotonic() * 1000)
    left = Qt.MouseButton.LeftButton
    steps = (
        (QEvent.Type.MouseButtonPress, left, 0),
        (QEvent.Type.MouseButtonRelease, Qt.MouseButton.NoButton, 20),
        (QEvent.Type.MouseButtonPress, left, 80),
        (QEvent.Type.MouseButtonRelease, Qt.MouseButton.NoButton, 100),
    )
    local = QPointF(at)
    for kind, held, offset in steps:
        event = QMouseEvent(
            kind,
            local,
            QPointF(widget.mapToGlobal(at)),
            left,
            held,
            Qt.KeyboardModifier.NoModifier,
        )
        event.setTimestamp(start + offset)
        QApplication.sendEvent(widget, event)
