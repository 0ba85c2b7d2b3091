"""Clocks on the GUI thread: how long it stalls, and when the page shows a new point.

Both are driven by timers and callbacks, so measuring never holds the event loop
that it measures; the page is asked with ``runJavaScript`` and answers later.
"""

from __future__ import annotations

import gc
import json
import math
import time
from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt, QTimer

from gridcommand.db.live.store import StoreChanges
from gridcommand.maps.panel import MapPanel

TICK_MS = 10
#: How often the page is asked for its stamps (it stamps on its own; see PointWatch).
ASK_MS = 250


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile: a figure that was actually observed, never interpolated."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def tickets_refused(changes: StoreChanges) -> dict[int, str]:
    """The tickets this change set aside, by id, with the reason's code.

    A bench point that never appears is first of all a question of whether the console
    refused the row (and rightly: a duplicate, a point outside the district).
    """
    return {
        int(r.row_ref): r.reason_code
        for r in changes.rejections.added
        if r.source_table == "tickets" and r.row_ref.isdigit()
    }


class StallMeter(QObject):
    """A 10 ms timer; the longest gap between its ticks is the longest GUI stall.

    Gaps are kept per phase, because a start-up load and a steady live picture are
    different questions.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.phase = "start-up"
        self.max_gap_ms: dict[str, float] = {}
        self.max_full_gc_ms = 0.0
        self.full_gc_count = 0
        self.full_gc_by_phase: dict[str, list[float]] = {}
        self._gc_started = 0.0
        self._last = 0.0
        #: Wall seconds spent in each phase, to tell which step of a run takes the time.
        self.phase_s: dict[str, float] = {}
        self._phase_started = 0.0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = self._phase_started = time.perf_counter()
        self._timer.start()
        gc.callbacks.append(self._on_gc)

    def stop(self) -> None:
        self._close_phase(time.perf_counter())
        self._timer.stop()
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)

    def _on_gc(self, event: str, info: dict[str, int]) -> None:
        """Full collections stop every thread: their length is kept, as a suspect for stalls."""
        if info.get("generation") != 2:
            return
        if event == "start":
            self._gc_started = time.perf_counter()
        elif self._gc_started:
            pause = (time.perf_counter() - self._gc_started) * 1000
            self._gc_started = 0.0
            self.full_gc_count += 1
            self.max_full_gc_ms = max(self.max_full_gc_ms, pause)
            self.full_gc_by_phase.setdefault(self.phase, []).append(round(pause, 1))

    def enter(self, phase: str) -> None:
        now = time.perf_counter()
        self._close_phase(now)
        self.phase = phase
        self._last = self._phase_started = now

    def _close_phase(self, now: float) -> None:
        if self._phase_started:
            spent = now - self._phase_started
            self.phase_s[self.phase] = self.phase_s.get(self.phase, 0.0) + spent

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = (now - self._last) * 1000
        self._last = now
        if gap > self.max_gap_ms.get(self.phase, 0.0):
            self.max_gap_ms[self.phase] = gap


class PointWatch(QObject):
    """Learns when the page painted each awaited ticket's point, by the page's own clock.

    The page stamps every new alert with ``Date.now()`` two animation frames after
    its diff was applied (``gridmap.drawnAt``); this asks for those stamps four
    times a second. An earlier version asked "is it there yet?" every 10 ms: those
    questions took 15% of the GUI thread in a profile and delayed what they timed,
    and each answer also waited for a free GUI thread. ``drawn_ms[id]`` is the
    page's stamp, comparable with ``time.time() * 1000`` on the same machine.
    """

    def __init__(self, panel: MapPanel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.panel = panel
        self.waiting: set[int] = set()
        self.drawn_ms: dict[int, float] = {}
        self.asks = 0
        self._asking = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(ASK_MS)
        self._timer.timeout.connect(self._ask)

    def watch(self, ticket_id: int) -> None:
        self.waiting.add(int(ticket_id))
        if not self._asking and not self._timer.isActive():
            self._timer.start()

    def stop(self) -> None:
        self.waiting.clear()
        self._timer.stop()

    def _ask(self) -> None:
        if not self.waiting:
            return
        self._asking = True
        self.asks += 1
        ids = sorted(self.waiting)
        # Only integers from our own INSERT are written into the expression.
        code = f"JSON.stringify(window.gridmap ? gridmap.drawnTimes({json.dumps(ids)}) : [])"
        self.panel.page.runJavaScript(code, 0, lambda result: self._on_answer(ids, result))

    def _on_answer(self, ids: list[int], result: object) -> None:
        self._asking = False
        stamps = json.loads(result) if isinstance(result, str) and result else []
        for ticket_id, at_ms in zip(ids, stamps, strict=False):
            if isinstance(at_ms, int | float) and ticket_id in self.waiting:
                self.waiting.discard(ticket_id)
                self.drawn_ms[ticket_id] = float(at_ms)
        if self.waiting:
            self._timer.start()
