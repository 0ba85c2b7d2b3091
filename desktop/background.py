"""The one place where the GUI hands work to other threads.

Work is a plain callable run on a small thread pool; its outcome comes back to
the GUI thread through a ``Handoff`` (maps/handoff.py), so the pool threads make
no Qt call at all.

Requests have a key ("grid-report", "dispatch-T17"): when a newer request with
the same key is submitted, the older result is dropped on arrival, so the latest
request wins and a slow query can never overwrite a newer answer. Callables must
not touch widgets.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from typing import Any, NamedTuple

from PySide6.QtCore import QObject, Signal

from gridcommand.db.schema.errors import UserFacingError
from gridcommand.maps.handoff import Handoff
from gridcommand.resources.refusals import describe

log = logging.getLogger(__name__)


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
        self._outcomes: Handoff[_Outcome] = Handoff(self._deliver, self)
        self._outstanding: set[Future[None]] = set()
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
        self._outstanding = {f for f in self._outstanding if not f.done()}
        self._outstanding.add(self._pool.submit(_run, self._outcomes.put, key, generation, fn))
        self._outcomes.expect(1)
        return generation

    @property
    def pending(self) -> int:
        """Results submitted and not yet delivered (or dropped) on the GUI thread."""
        return self._outcomes.pending

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until submitted work is done (shutdown and tests only, never in a slot).

        Results of the finished work are still delivered on the GUI thread, on the
        next turn of the event loop.
        """
        _, not_done = wait_futures(list(self._outstanding), timeout=msecs / 1000)
        return not not_done

    def shutdown(self) -> None:
        """Stop accepting work; running jobs finish on their own threads."""
        self._outcomes.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)

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


def _run(put: Callable[[_Outcome], None], key: str, generation: int, fn: Callable[[], Any]) -> None:
    """Runs on a pool thread: no Qt call here, only the hand-off's queue."""
    try:
        result = fn()
    except UserFacingError as exc:
        put(_Outcome(key, generation, None, describe(exc)))
    except Exception as exc:  # reported, never raised into the pool
        log.exception("background job %s failed", key)
        put(_Outcome(key, generation, None, f"{type(exc).__name__}: {exc}"))
    else:
        put(_Outcome(key, generation, result, ""))
