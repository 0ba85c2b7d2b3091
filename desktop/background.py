"""The one place where the GUI hands work to other threads.

Work is a plain callable run on a QThreadPool; its result comes back to the GUI
thread through a queued signal. Requests have a key ("grid-report",
"dispatch-T17"): when a newer request with the same key is submitted, the older
result is dropped on arrival, so the latest request wins and a slow query can
never overwrite a newer answer. Callables must not touch widgets.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from gridcommand.db.errors import UserFacingError

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread; signals emitted from pool threads are queued to it."""

    done = Signal(str, int, object, str)


class _Job(QRunnable):
    def __init__(self, relay: _Relay, key: str, generation: int, fn: Callable[[], Any]) -> None:
        super().__init__()
        self._relay, self._key, self._generation, self._fn = relay, key, generation, fn

    def run(self) -> None:
        try:
            result = self._fn()
        except UserFacingError as exc:
            self._relay.done.emit(self._key, self._generation, None, str(exc))
        except Exception as exc:  # reported, never raised into Qt's thread pool
            log.exception("background job %s failed", self._key)
            self._relay.done.emit(self._key, self._generation, None, f"{type(exc).__name__}: {exc}")
        else:
            self._relay.done.emit(self._key, self._generation, result, "")


class BackgroundRunner(QObject):
    """Runs callables off the GUI thread; ``finished``/``failed`` arrive on the GUI thread."""

    finished = Signal(str, object)
    failed = Signal(str, str)

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_done)
        self._generations: dict[str, int] = {}
        self._callbacks: dict[
            tuple[str, int], tuple[Callable[[Any], None] | None, Callable[[str], None] | None]
        ] = {}

    def submit(
        self,
        key: str,
        fn: Callable[[], Any],
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> int:
        generation = self._generations.get(key, 0) + 1
        self._generations[key] = generation
        self._callbacks[(key, generation)] = (on_result, on_error)
        self._pool.start(_Job(self._relay, key, generation, fn))
        return generation

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until queued work is done (shutdown and tests only, never in a slot)."""
        return self._pool.waitForDone(msecs)

    @Slot(str, int, object, str)
    def _on_done(self, key: str, generation: int, result: object, error: str) -> None:
        on_result, on_error = self._callbacks.pop((key, generation), (None, None))
        if generation != self._generations.get(key):
            log.debug("dropped stale result of %s (generation %d)", key, generation)
            return
        if error:
            if on_error is not None:
                on_error(error)
            self.failed.emit(key, error)
        else:
            if on_result is not None:
                on_result(result)
            self.finished.emit(key, result)
