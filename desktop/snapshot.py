"""Pictures of the running window, taken only once the page shows what the store holds.

A screenshot taken too early shows an empty map and proves nothing, so the
snapshot waits for three things: the feed's first load, the page's handshake, and
the page's own counts (read back with ``runJavaScript``) equal to the store's.
Everything here is driven by timers and callbacks: nothing waits on the GUI thread.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QWidget

from gridcommand.db.live.store import StateStore
from gridcommand.desktop.wiring import WindowSession
from gridcommand.maps.features import pulses
from gridcommand.maps.panel import Counts

PANELS = ("queues", "workers", "charts", "quality", "detail", "grid")
POLL_MS = 250
#: After the counts match, let the page paint (halos, labels, canvas) before grabbing.
SETTLE_MS = 1500
#: The replay window ``--at`` opens: the day before the moment.
REPLAY_WINDOW = timedelta(hours=24)
BLANK = "blank (offscreen)"


def expected_counts(store: StateStore, acknowledged: set[int]) -> Counts:
    """What the page must draw for this store: the same rules the diff builder applies."""
    workers = {"online": 0, "stale": 0, "offline": 0}
    for state in store.workers.values():
        if state.record.active and state.position is not None:
            workers[state.status] = workers.get(state.status, 0) + 1
    open_tickets = list(store.open_tickets())
    acked = store.acknowledged | acknowledged
    now = store.clock()  # the page's rule: emergencies until acknowledged, reports while new
    return {
        "grids": len(store.grids),
        "alerts": sum(1 for t in open_tickets if _drawable(t.lon, t.lat, t.grid)),
        "alerts_pulsing": sum(
            1 for t in open_tickets if pulses(t, acked, now) and _drawable(t.lon, t.lat, t.grid)
        ),
        "workers": workers,
    }


def _drawable(lon: float | None, lat: float | None, grid: str | None) -> bool:
    return (lon is not None and lat is not None) or bool(grid)


def store_figures(store: StateStore, acknowledged: set[int]) -> dict[str, Any]:
    """The store's own figures, beside the page's, so a reader can see they agree."""
    return {
        **expected_counts(store, acknowledged),
        "open_tickets": sum(1 for _ in store.open_tickets()),
        "workers_active_by_status": store.worker_counts(),
    }


def shown(page: Counts, expected: Counts) -> bool:
    return all(page.get(key) == value for key, value in expected.items())


def is_blank(image: QImage) -> bool:
    """All one colour: what an offscreen grab of a QWebEngineView gives."""
    if image.isNull() or image.width() == 0 or image.height() == 0:
        return True
    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    data = bytes(rgb.constBits())
    first = data[:4]
    return data == first * (len(data) // 4)


def grab_map(widget: QWidget) -> QPixmap:
    """``QWidget.grab`` first; the screen's framebuffer when that comes back blank.

    Under X (Xvfb included) the web view's compositor output is in the window
    system's framebuffer even when the widget's own render path misses it.
    """
    pixmap = widget.grab()
    if not is_blank(pixmap.toImage()):
        return pixmap
    screen = widget.screen()
    if screen is None:
        return pixmap
    top_left = widget.mapToGlobal(widget.rect().topLeft())
    window = widget.window()
    origin = window.mapToGlobal(window.rect().topLeft())
    offset = top_left - origin
    from_screen = screen.grabWindow(
        window.winId(), offset.x(), offset.y(), widget.width(), widget.height()
    )
    return pixmap if from_screen.isNull() or is_blank(from_screen.toImage()) else from_screen


@dataclass
class SnapshotResult:
    out: Path
    page: Counts
    store: dict[str, Any]
    files: list[str] = field(default_factory=list)
    map_png: str = "map.png"
    waited_s: float = 0.0
    #: The moment shown (``--at``), ISO 8601; empty for now.
    at: str = ""


class Snapshotter(QObject):
    """Polls until the data is shown, then writes the PNGs and ``snapshot.json``.

    ``finished`` carries a :class:`SnapshotResult`; ``failed`` one sentence.
    """

    finished = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        session: WindowSession,
        out: Path,
        timeout_s: float = 60.0,
        before_grab: Callable[[], None] | None = None,
        at: datetime | None = None,
    ) -> None:
        super().__init__(session.window)
        self.session = session
        self.out = out
        self.timeout_s = timeout_s
        self.before_grab = before_grab
        #: A moment of the past to show through replay instead of now.
        self.at = at
        self._replay_opened = False
        self.last_page: Counts = {}
        self._started = 0.0
        self._asking = False
        self._done = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    def start(self) -> None:
        self._started = time.monotonic()
        self._timer.start()

    def _elapsed(self) -> float:
        return time.monotonic() - self._started

    def _poll(self) -> None:
        if self._done or self._asking:
            return
        if self._elapsed() > self.timeout_s:
            self._fail()
            return
        panel = self.session.map
        if panel is None:
            self._finish_with({})  # a window without a map: panels only
            return
        if not (self.session.store.loaded and panel.is_ready):
            return
        if self.at is not None and not self._replay_opened:
            self._replay_opened = True
            self.session.replay.open(self.at - REPLAY_WINDOW, self.at, self.at)
        if self.at is not None and self.session.replay.shown_at != self.at:
            return
        self._asking = True
        panel.request_counts(self._on_counts)

    def _on_counts(self, page: Counts) -> None:
        self._asking = False
        if self._done:
            return
        self.last_page = page
        panel = self.session.map
        assert panel is not None
        if shown(page, self._expected()):
            self._done = True
            self._timer.stop()
            if self.before_grab is not None:
                self.before_grab()
            QTimer.singleShot(SETTLE_MS, lambda: self._finish_with(page))

    def _shown_store(self) -> StateStore:
        """The live store, or the replayed moment's."""
        replayed = self.session.replay.store if self.at is not None else None
        return self.session.store if replayed is None else replayed

    def _acknowledged(self) -> set[int]:
        panel = self.session.map
        return set() if self.at is not None or panel is None else panel.builder.acknowledged

    def _expected(self) -> Counts:
        return expected_counts(self._shown_store(), self._acknowledged())

    def _fail(self) -> None:
        self._done = True
        self._timer.stop()
        store = self.session.store
        panel = self.session.map
        if not store.loaded:
            why = "the database's first load never arrived"
        elif panel is None or not panel.is_ready:
            why = "the map page never reported ready"
        elif self.at is not None and self.session.replay.shown_at != self.at:
            why = "the replayed moment was never read from the database"
        else:
            expected = self._expected()
            why = f"the page showed {self.last_page or 'nothing'} while the store held {expected}"
        self.failed.emit(f"The data was not shown within {self.timeout_s:g} s: {why}.")

    def _finish_with(self, page: Counts) -> None:
        self._done = True
        try:
            result = self._write(page)
        except OSError as exc:
            self.failed.emit(f"Cannot write the snapshot into {self.out}: {exc.strerror}.")
            return
        self.finished.emit(result)

    def _write(self, page: Counts) -> SnapshotResult:
        session = self.session
        self.out.mkdir(parents=True, exist_ok=True)
        result = SnapshotResult(
            out=self.out,
            page=page,
            store=store_figures(self._shown_store(), self._acknowledged()),
            waited_s=round(self._elapsed(), 2),
        )
        if session.map is not None:
            pixmap = grab_map(session.map)
            pixmap.save(str(self.out / "map.png"))
            result.files.append("map.png")
            if is_blank(pixmap.toImage()):
                result.map_png = BLANK
        session.window.grab().save(str(self.out / "window.png"))
        result.files.append("window.png")
        if self.at is not None:
            result.at = self.at.isoformat()
        for name in PANELS:
            dock = session.window.docks.get(name)
            widget = dock.widget() if dock is not None else None
            if widget is not None:
                widget.grab().save(str(self.out / f"{name}.png"))
                result.files.append(f"{name}.png")
        (self.out / "snapshot.json").write_text(
            json.dumps(to_json(result), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        return result


def to_json(result: SnapshotResult) -> dict[str, Any]:
    keys = ("grids", "alerts", "alerts_pulsing", "workers")
    page = result.page
    return {
        **{key: page.get(key) for key in keys},
        "page": page,
        "store": result.store,
        "map_png": result.map_png,
        "files": result.files,
        "waited_s": result.waited_s,
        **({"at": result.at} if result.at else {}),
    }


__all__ = ["SnapshotResult", "Snapshotter", "expected_counts", "is_blank", "store_figures"]
