"""The one place where the GUI hands work to other threads.

Work is a plain callable run on a small thread pool, a ``Worker`` (maps/handoff.py,
the one hand-off of this app): its outcome comes back to the GUI thread, and the
pool threads make no Qt call at all.

Requests have a key ("grid-report", "dispatch-T17"): when a newer request with
the same key is submitted, the older result is dropped on arrival, so the latest
request wins and a slow query can never overwrite a newer answer. Callables must
not touch widgets.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Signal

from gridcommand.db.schema.errors import UserFacingError
from gridcommand.maps.handoff import Worker
from gridcommand.resources.refusals import describe

log = logging.getLogger(__name__)


class BackgroundRunner(QObject):
    """Runs callables off the GUI thread; ``finished``/``failed`` arrive on the GUI thread."""

    finished = Signal(str, object)
    failed = Signal(str, str)

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self._worker = Worker("gc-bg", self, threads=max_threads)

    def submit(
        self,
        key: str,
        fn: Callable[[], Any],
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> int:
        return self._worker.submit(
            fn,
            partial(self._done, key, on_result),
            partial(self._failed, key, on_error),
            key=key,
        )

    @property
    def pending(self) -> int:
        """Results submitted and not yet delivered (or dropped) on the GUI thread."""
        return self._worker.pending

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until submitted work is done (shutdown and tests only, never in a slot).

        Results of the finished work are still delivered on the GUI thread, on the
        next turn of the event loop.
        """
        return self._worker.wait(msecs)

    def shutdown(self) -> None:
        """Stop accepting work; running jobs finish on their own threads."""
        self._worker.stop()

    def _done(self, key: str, on_result: Callable[[Any], None] | None, result: object) -> None:
        if on_result is not None:
            on_result(result)
        self.finished.emit(key, result)

    def _failed(
        self, key: str, on_error: Callable[[str], None] | None, error: BaseException
    ) -> None:
        if isinstance(error, UserFacingError):
            message = describe(error)
        else:
            log.error("background job %s failed", key, exc_info=error)
            message = f"{type(error).__name__}: {error}"
        if on_error is not None:
            on_error(message)
        self.failed.emit(key, message)
