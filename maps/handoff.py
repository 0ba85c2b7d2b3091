"""Items from other threads, delivered on the GUI thread: the one hand-off this app uses.

A PySide emit from a Python thread takes Qt's locks while holding the GIL, and
the GUI thread can hold one of those locks while it waits for the GIL (when it
destroys a connection whose slot is a Python callable): both then wait for good.
A CI run hung for 90 minutes that way. So worker threads make no Qt call at all:
they ``put`` on a queue, and a short timer on the GUI thread delivers what is
there. The timer runs only while something is expected, so an idle window pays
nothing.

``Worker`` is the one abstraction built on it for "work on a thread, result on the
GUI thread": the background reports (``desktop/background.py``), the live thread
that applies the store and builds the map's diffs (``desktop/live.py``), and the
map's outlines all use it.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from contextlib import suppress
from functools import partial
from typing import Any, Generic, NamedTuple, TypeVar

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

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
        self._items: queue.SimpleQueue[tuple[bool, T]] = queue.SimpleQueue()
        self._expected = 0
        self._open = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.drain)

    # -- any thread ------------------------------------------------------------------
    def put(self, item: T, counted: bool = True) -> None:
        """``counted``: one of the items ``expect`` announced (not an open producer's)."""
        self._items.put((counted, item))

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
                counted, item = self._items.get_nowait()
            except queue.Empty:
                break
            if counted:
                self._expected = max(self._expected - 1, 0)
            self._deliver(item)
        if not self._open and self._expected == 0:
            self._timer.stop()

    def stop(self) -> None:
        """Look no more (shutdown); items still put are never delivered."""
        self._open, self._expected = False, 0
        self._timer.stop()


class _Job(NamedTuple):
    key: str
    generation: int
    result: object
    error: BaseException | None
    on_result: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None


class Worker(QObject):
    """Work on a thread, the result on the GUI thread: the one way this app does that.

    ``submit`` runs a job on the worker's own threads (one thread keeps jobs in
    order) and delivers its result, or its exception, on the GUI thread through a
    ``Handoff``. Jobs given the same ``key`` race no more: only the newest one's
    result is delivered (the latest request wins). ``post`` runs a callable on
    the GUI thread, from any thread (how a subscription reaches a view). The
    worker's threads make no Qt call; jobs must not touch widgets.
    """

    def __init__(
        self,
        name: str,
        parent: QObject | None = None,
        threads: int = 1,
        interval_ms: int = DRAIN_MS,
    ) -> None:
        super().__init__(parent)
        self.name = name
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix=name)
        self._results: Handoff[_Job | Callable[[], None]] = Handoff(
            self._deliver, self, interval_ms
        )
        #: Jobs not yet finished (for ``wait``); added from any thread, hence the lock.
        self._outstanding: set[Future[None]] = set()
        self._outstanding_lock = threading.Lock()
        self._generations: dict[str, int] = {}
        self._stopped = False

    # -- GUI thread ------------------------------------------------------------------
    def submit(
        self,
        job: Callable[[], Any],
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        key: str = "",
    ) -> int:
        """Run ``job`` on a worker thread; ``on_result(result)`` follows on this thread.

        After ``stop`` nothing runs (0 is returned).
        """
        if self._stopped:
            return 0
        generation = self._generations.get(key, 0) + 1
        if key:
            self._generations[key] = generation
        self._results.expect(1)
        self._track(self._pool.submit(self._run, job, key, generation, on_result, on_error))
        return generation

    def _track(self, future: Future[None]) -> None:
        with self._outstanding_lock:
            self._outstanding.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future[None]) -> None:
        with self._outstanding_lock:
            self._outstanding.discard(future)

    def open(self) -> None:
        """Results will be posted without a submit (a subscription): look until ``stop``."""
        self._results.open()

    @property
    def pending(self) -> int:
        """Jobs submitted whose result is not yet delivered (or dropped)."""
        return self._results.pending

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until submitted jobs are done (shutdown and tests only, never in a slot)."""
        with self._outstanding_lock:
            running = list(self._outstanding)
        _, not_done = wait_futures(running, timeout=msecs / 1000)
        return not not_done

    def drain(self) -> None:
        """Deliver what has arrived now (tests; the timer does it otherwise)."""
        self._results.drain()

    def stop(self) -> None:
        """Accept no more; running jobs finish on their threads, undelivered."""
        self._stopped = True
        self._results.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- any thread ------------------------------------------------------------------
    def call(self, fn: Callable[[], object]) -> None:
        """Run ``fn`` on the worker's thread, from any thread, with no result to deliver."""
        if self._stopped:
            return
        with suppress(RuntimeError):  # stopped meanwhile, from another thread: nothing runs
            self._track(self._pool.submit(_logged, self.name, fn))

    def post(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` on the GUI thread soon, in the order posted (no Qt call here)."""
        if not self._stopped:
            self._results.put(fn, counted=False)

    def _run(
        self,
        job: Callable[[], Any],
        key: str,
        generation: int,
        on_result: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
    ) -> None:
        try:
            result, error = job(), None
        except Exception as exc:  # delivered to on_error, never raised into the pool
            result, error = None, exc
            if on_error is None:
                log.exception("%s: job failed", self.name)
        self._results.put(_Job(key, generation, result, error, on_result, on_error))

    # -- delivery (GUI thread) -----------------------------------------------------------
    def _deliver(self, item: _Job | Callable[[], None]) -> None:
        if not isinstance(item, _Job):
            _guarded(item)
            return
        if item.key and item.generation != self._generations.get(item.key):
            log.debug("%s: dropped a stale result of %s", self.name, item.key)
            return
        if item.error is not None:
            if item.on_error is not None:
                _guarded(partial(item.on_error, item.error))
        elif item.on_result is not None:
            _guarded(partial(item.on_result, item.result))


def _logged(name: str, fn: Callable[[], object]) -> None:
    try:
        fn()
    except Exception:
        log.exception("%s: a call failed", name)


def _guarded(fn: Callable[[], None]) -> None:
    """One failing delivery must not stop the ones queued behind it."""
    try:
        fn()
    except Exception:
        log.exception("a delivery on the GUI thread failed")
