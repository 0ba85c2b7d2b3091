"""Map test fixtures: records made in code, a real offscreen QtWebEngine page.

The scheme for offline tiles must be declared before the QApplication exists,
which is why it happens at import time here, before pytest-qt makes the app.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWebEngineCore import QWebEngineUrlRequestInfo, QWebEngineUrlRequestInterceptor

from gridcommand.maps.tiles import register_scheme

register_scheme()

from gridcommand.db.live.store import StateStore  # noqa: E402
from gridcommand.maps.panel import MapPanel  # noqa: E402
from tests.maps.factory import NOW  # noqa: E402


class RecordingInterceptor(QWebEngineUrlRequestInterceptor):
    """Records every URL the page asks for and blocks anything headed for the network."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        self.urls.append(url.toString())
        if url.scheme() in ("http", "https", "ws", "wss", "ftp"):
            info.block(True)


@pytest.fixture
def store() -> StateStore:
    return StateStore(clock=lambda: NOW)


@pytest.fixture
def interceptor() -> RecordingInterceptor:
    return RecordingInterceptor()


@pytest.fixture
def panel(qtbot, store: StateStore, interceptor: RecordingInterceptor) -> Iterator[MapPanel]:
    widget = MapPanel(store, interceptor=interceptor, probes=True)
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    with qtbot.waitSignal(widget.ready, timeout=20000):
        pass
    yield widget
    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def counts(qtbot, panel: MapPanel) -> dict:
    """The page's own counts, read back with runJavaScript."""
    box: list[dict] = []
    panel.request_counts(box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=5000)
    return box[0]


def js(qtbot, panel: MapPanel, code: str) -> Any:
    """Evaluate a fixed expression in the page (tests only; no data is pasted in)."""
    box: list[object] = []
    panel.page.runJavaScript(f"JSON.stringify({code})", 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=5000)
    return json.loads(str(box[0])) if box[0] else None
