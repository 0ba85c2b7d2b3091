"""Items from other threads, delivered on the GUI thread: the one hand-off this app uses.

A PySide emit from a Python thread takes Qt's locks while holding the GIL, and
the GUI thread can hold one of those locks while it waits for the GIL (when it
destroys a connection whose slot is a Python callable): both then wait for good.
A CI run hung for 90 minutes that way. So worker threads make no Qt call at all:
they ``put`` on a queue, and a short timer on the GUI thread delivers what is
there. The timer runs only while something is expected, so an idle window pays
nothing.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QObject, QTimer

T = TypeVar("T")

#: How often the GUI thread looks for items while any are expected.
DRAIN_MS = 10


class Handoff(QObject, Generic[T]):
    """``put`` from any thread; ``deliver`` is called on the GUI thread, in order."""

    def __init__(
        self,
        deliver: Callable[[T], None],
        parent: QObject | None = None,
        interval_ms: int = DRAIN_MS,
    ) -> None:
        super().__init__(parent)
        self._deliver = deliver
        self._items: queue.SimpleQueue[T] = queue.SimpleQueue()
        self._expected = 0
        self._open = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.drain)

    # -- any thread ------------------------------------------------------------------
    def put(self, item: T) -> None:
        self._items.put(item)

    # -- GUI thread ------------------------------------------------------------------
    @property
    def pending(self) -> int:
        """Items expected and not yet delivered."""
        return self._expected

    def expect(self, count: int = 1) -> None:
        """``count`` more items will come (one per job): look until they have."""
        self._expected += count
        self._timer.start()

    def open(self) -> None:
        """An open-ended producer starts: look until ``close``."""
        self._open = True
        self._timer.start()

    def close(self) -> None:
        self._open = False

    def drain(self) -> None:
        """Deliver what has arrived; stop looking once nothing more is expected."""
        while True:
            try:
                item = self._items.get_nowait()
            except queue.Empty:
                break
            self._expected = max(self._expected - 1, 0)
            self._deliver(item)
        if not self._open and self._expected == 0:
            self._timer.stop()

    def stop(self) -> None:
        """Look no more (shutdown); items still put are never delivered."""
        self._open, self._expected = False, 0
        self._timer.stop()
