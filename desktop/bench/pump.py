"""Waiting for the page from the benchmark's own top-level code, never from inside a slot.

The benchmark is a script, not an application: between its steps it lets the event
loop run until a condition holds. Only the top-level driver calls these; no slot
does, so no event loop is ever nested inside a handler.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer

from gridcommand.db.schema.errors import UserFacingError
from gridcommand.maps.panel import MapPanel

CHECK_MS = 5
_stop_requested: list[bool] = []


def request_stop() -> None:
    """Asked from a signal handler: the next check leaves the loop and raises there.

    An exception raised inside a Qt slot is reported and swallowed by PySide, so
    the interruption is carried out of the event loop by this flag instead.
    """
    _stop_requested.append(True)


def pump_until(condition: Callable[[], bool], timeout_s: float, what: str) -> float:
    """Run the event loop until ``condition()``; the seconds it took. Fails in one sentence."""
    started = time.monotonic()
    if condition():
        return 0.0
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(CHECK_MS)
    expired: list[bool] = []

    def check() -> None:
        if _stop_requested or condition():
            loop.quit()
        elif time.monotonic() - started > timeout_s:
            expired.append(True)
            loop.quit()

    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()
    if _stop_requested:
        raise KeyboardInterrupt
    if expired:
        raise UserFacingError(f"The benchmark gave up after {timeout_s:g} s waiting for {what}.")
    return time.monotonic() - started


def pump_for(seconds: float) -> None:
    """Let the window live for a while (the simulator writing, the feed flowing)."""
    end = time.monotonic() + seconds
    pump_until(lambda: time.monotonic() >= end, seconds + 5, "a pause")


def ask_page(panel: MapPanel, expression: str, timeout_s: float = 120.0) -> Any:
    """A fixed JavaScript expression's value (``JSON.stringify`` is applied here).

    The page answers between two pieces of its own work: applying the first diffs of
    a city of 50,000 grids and 200,000 workers kept it from answering for over 30 s on
    a busy machine, which is slow, not dead.
    """
    box: list[object] = []
    panel.page.runJavaScript(f"JSON.stringify({expression})", 0, box.append)
    pump_until(lambda: bool(box), timeout_s, "the map page to answer")
    value = box[0]
    return json.loads(value) if isinstance(value, str) and value else None
