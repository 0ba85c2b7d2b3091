"""Ctrl+C and SIGTERM close the window the way Ctrl+Q does.

Python runs a signal handler only when the interpreter gets control, and inside
``app.exec()`` it does not: Ctrl+C used to do nothing until the mouse moved, and
then printed a ``KeyboardInterrupt`` traceback; SIGTERM killed the process before
it could save the layout or release the embedded server. Here the C-level
handler writes the signal number to a socket (``signal.set_wakeup_fd``), a
``QSocketNotifier`` wakes the event loop on it, and the window is closed on the
GUI thread like any other close.
"""

from __future__ import annotations

import logging
import signal
import socket
from collections.abc import Callable
from types import FrameType
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier

log = logging.getLogger(__name__)

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class SignalQuit(QObject):
    """While alive, SIGINT and SIGTERM call ``on_signal(signum)`` on the GUI thread."""

    def __init__(self, on_signal: Callable[[int], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_signal = on_signal
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        self._previous: dict[int, Any] = {}
        for signum in SIGNALS:
            self._previous[signum] = signal.signal(signum, self._python_handler)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_wakeup)
        self.received: list[int] = []

    @staticmethod
    def _python_handler(signum: int, frame: FrameType | None) -> None:
        # Nothing to do here: the byte on the socket is what the window acts on. A
        # Python handler must exist all the same, or SIGINT raises KeyboardInterrupt.
        return None

    def _on_wakeup(self) -> None:
        try:
            data = self._reader.recv(64)
        except (BlockingIOError, InterruptedError):
            return
        for signum in data:
            if signum in SIGNALS:
                log.info("%s received: closing the window", signal.Signals(signum).name)
                self.received.append(signum)
                self._on_signal(signum)

    def restore(self) -> None:
        """Give the signals back to Python (before the server is released)."""
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._previous_fd)
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._reader.close()
        self._writer.close()
