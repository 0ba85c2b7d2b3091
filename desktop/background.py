"""The one place where the GUI hands work to other threads.

Work is a plain callable run on a small thread pool; its result comes back to the
GUI thread through a queue that a GUI-thread timer drains. The worker threads make
no Qt call at all: a PySide emit from a Python thread takes Qt's locks while
holding the GIL, and the GUI thread can hold one of those locks while it waits
for the GIL (destroying a connection whose slot is a Python callable), which
deadlocks both for good. A test run that hung in CI for 90 minutes taught this.

Requests have a key ("grid-report", "dispatch-T17"): when a newer request with
the same key is submitted, the older result is dropped on arrival, so the latest
request wins and a slow query can never overwrite a newer answer. Callables must
not touch widgets.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from typing import Any, NamedTuple

from PySide6.QtCore import QObject, QTimer, Signal

from gridcommand.db.errors import UserFacingError

log = logging.getLogger(__name__)

#: How often the GUI thread looks for finished work while any is outstanding.
DRAIN_MS = 10


class _Outcome(NamedTuple):
    key: str
    generation: int
    result: object
    error: str


class BackgroundRunner(QObject):
    """Runs callables off the GUI thread; ``finished``/``failed`` arrive on the GUI thread."""

    finished = Signal(str, object)
    failed = Signal(str, str)

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=max_threads, thread_name_prefix="gc-bg")
        self._outcomes: queue.SimpleQueue[_Outcome] = queue.SimpleQueue()
        self._outstanding: set[Future[None]] = set()
        self._generations: dict[str, int] = {}
        self._callbacks: dict[
            tuple[str, int], tuple[Callable[[Any], None] | None, Callable[[str], None] | None]
        ] = {}
        # The timer runs only while work is outstanding, so an idle window costs nothing.
        self._drain = QTimer(self)
        self._drain.setInterval(DRAIN_MS)
        self._drain.timeout.connect(self._on_drain)

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
        future = self._pool.submit(_run, self._outcomes, key, generation, fn)
        self._outstanding.add(future)
        self._drain.start()
        return generation

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until submitted work is done (shutdown and tests only, never in a slot).

        Results of the finished work are still delivered by the drain timer, on the
        next turn of the event loop.
        """
        _, not_done = wait_futures(list(self._outstanding), timeout=msecs / 1000)
        return not not_done

    def shutdown(self) -> None:
        """Stop accepting work; running jobs finish on their own threads."""
        self._drain.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _on_drain(self) -> None:
        while True:
            try:
                outcome = self._outcomes.get_nowait()
            except queue.Empty:
                break
            self._deliver(outcome)
        self._outstanding = {f for f in self._outstanding if not f.done()}
        if not self._outstanding and self._outcomes.empty():
            self._drain.stop()

    def _deliver(self, outcome: _Outcome) -> None:
        key, generation, result, error = outcome
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


def _run(
    outcomes: queue.SimpleQueue[_Outcome], key: str, generation: int, fn: Callable[[], Any]
) -> None:
    """Runs on a pool thread: no Qt call here, only the queue."""
    try:
        result = fn()
    except UserFacingError as exc:
        outcomes.put(_Outcome(key, generation, None, str(exc)))
    except Exception as exc:  # reported, never raised into the pool
        log.exception("background job %s failed", key)
        outcomes.put(_Outcome(key, generation, None, f"{type(exc).__name__}: {exc}"))
    else:
        outcomes.put(_Outcome(key, generation, result, ""))
