"""The live thread: the change feed's batches applied to the store, off the GUI thread.

The feed (in a process of its own) hands batches over through its relay thread;
they are applied to the store on
one thread of its own (a ``Worker``, ``gridcommand-live``), which also runs the
subscribers that build from the store (the map's diffs). Views hear of the
store's typed changes through its one subscription point, delivered on the GUI
thread by this worker's hand-off (``call=live.to_gui``). So the GUI thread never
loops over a city's worker fixes; it receives the rows its views show, and the
map's diff as a finished string.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from sqlalchemy.engine import URL

from gridcommand.db.live import feed as feed_module
from gridcommand.db.live.pacing import FIX_PACE_S
from gridcommand.db.live.records import ChangeBatch, FeedState, PositionRecord
from gridcommand.db.live.store import StateStore, StoreChanges
from gridcommand.desktop import gc_policy
from gridcommand.desktop.feed_process import FeedProcess
from gridcommand.maps.handoff import Worker

CLOCK_MS = 5000
#: Worker fixes applied in one round at most; the rest follow in the next round, so
#: a report that arrives meanwhile is applied (and drawn) before a backlog of fixes.
MAX_FIXES_PER_ROUND = 5000
#: Middle-generation collections between two full ones (see desktop/gc_policy.py).
FULL_GC_EVERY = gc_policy.FULL_GC_EVERY
#: How long worker fixes wait at most while the operator waits for a moment they asked
#: for (``hold_fixes``): a dot moves at most every 10 s anyway (maps/diffs.py).
HOLD_FIXES_MAX_MS = 1000
#: After the first load, when what it left behind is freed, the C heap is trimmed once.
TRIM_AFTER_LOAD_MS = 10_000
#: Collection is held for the first load at most this long (a database that cannot be
#: reached must not leave it off for good).
GC_HOLD_MAX_MS = 120_000
#: With the dots built in the feed's process, how often a worker's fix reaches the store
#: at most (its card, the workers dock, dispatch); a worker turns stale after 10 minutes.
STORE_PACE_S = 30.0


def merge(batches: list[ChangeBatch]) -> ChangeBatch:
    if len(batches) == 1:
        return batches[0]
    return ChangeBatch(
        grids=tuple(g for b in batches for g in b.grids),
        workers=tuple(w for b in batches for w in b.workers),
        positions=tuple(p for b in batches for p in b.positions),
        tickets=tuple(t for b in batches for t in b.tickets),
        actions=tuple(a for b in batches for a in b.actions),
        rejections=tuple(r for b in batches for r in b.rejections),
        initial=any(b.initial for b in batches),
    )


class LiveData(QObject):
    """Owns the feed and the live thread that applies its batches to the store."""

    connection_state_changed = Signal(str, str)
    #: The first load is in the store (on the GUI thread: grids, workers, tickets).
    loaded = Signal(int, int, int)
    #: How far the first load has got (on the GUI thread): rows in the store, of how many.
    loading = Signal(int, int)

    def __init__(
        self,
        url: URL,
        store: StateStore,
        parent: QObject | None = None,
        clock_ms: int = CLOCK_MS,
        poll_interval: float = 2.0,
        listen: bool = True,
        write_url: URL | None = None,
        dots: bool = False,
    ) -> None:
        """``dots``: the worker dots are built in the feed's process (maps/worker_dots.py)
        for a map that takes them (``send_dots_to``); the store's fixes come slower."""
        super().__init__(parent)
        self.store = store
        #: The live thread: the store is applied here, and so are the map's diffs.
        self.worker = Worker("gridcommand-live", self)
        self._lock = threading.Lock()
        self._pending: deque[ChangeBatch] = deque()
        self._scheduled = False
        self._state_shown: FeedState | None = None
        #: Until when worker fixes wait (``time.monotonic()``), or ``None``.
        self._fixes_held_until: float | None = None
        self._hold_limit = QTimer(self)
        self._hold_limit.setSingleShot(True)
        self._hold_limit.setInterval(HOLD_FIXES_MAX_MS)
        self._hold_limit.timeout.connect(self.release_fixes)
        # In a process of its own: reading and checking a city's rows never holds the
        # interpreter lock the GUI thread needs (desktop/feed_process.py).
        self.feed = FeedProcess(
            url,
            self._from_feed,
            self._state_from_feed,
            poll_interval=poll_interval,
            listen=listen,
            write_url=write_url,
            first_load_slice=feed_module.FIRST_LOAD_SLICE,
            on_dots=self._dots_from_feed if dots else None,
            store_pace_s=STORE_PACE_S if dots else FIX_PACE_S,
            seed=lambda: list(store.workers.values()),
        )
        self._dots_to: Callable[[list[str], int], None] | None = None
        self.batches_applied = 0
        #: Rows of the first load in the store so far (the live thread writes it).
        self.first_load_done = 0
        self._gc_held = False
        self._gc_hold_limit = QTimer(self)
        self._gc_hold_limit.setSingleShot(True)
        self._gc_hold_limit.setInterval(GC_HOLD_MAX_MS)
        self._gc_hold_limit.timeout.connect(self._release_gc)
        self._clock = QTimer(self)
        self._clock.setInterval(clock_ms)
        self._clock.timeout.connect(self._on_clock)
        self.loaded.connect(self._trim_after_load)

    def to_gui(self, fn: Callable[[], None]) -> None:
        """Where a view's subscription runs: the GUI thread (``store.subscribe(call=…)``)."""
        self.worker.post(fn)

    # -- the worker dots, built in the feed's process (a ``DotSource``) ----------------------
    def send_dots_to(self, receive: Callable[[list[str], int], None]) -> None:
        """Where the dots' texts go, on the GUI thread (``MapPanel.receive_dots``)."""
        self._dots_to = receive

    def whole(self, crs: str) -> int:
        return self.feed.whole(crs)

    def flush(self) -> int:
        return self.feed.flush()

    def follow(self, worker_code: str | None) -> None:
        self.feed.follow(worker_code)

    def move_dots(self, batch: ChangeBatch) -> int:
        """The bench's batch of moves, to the dots; the answer's serial."""
        return self.feed.move(batch)

    def _dots_from_feed(self, texts: list[str], serial: int) -> None:
        """On the relay thread: the texts go to the GUI thread as they are."""
        receive = self._dots_to
        if receive is not None:
            self.worker.post(partial(receive, texts, serial))

    def prepare(self) -> None:
        """Start the feed's process ahead of ``start`` (while the window is built)."""
        self.feed.spawn()

    def start(self) -> None:
        gc_policy.forget_module_sources()  # the first load reuses their memory
        gc_policy.hold_full_collections()  # the first load arrives on the relay thread
        if not self.store.loaded:
            self._gc_held = gc_policy.hold_collection()
            self._gc_hold_limit.start()
        self.worker.open()
        self.feed.start()
        self._clock.start()

    def stop(self) -> None:
        self._clock.stop()
        self.feed.stop()
        self.worker.stop()
        self._release_gc()

    def _release_gc(self) -> None:
        with self._lock:
            held, self._gc_held = self._gc_held, False
        if held:
            gc_policy.release_collection()

    def hold_fixes(self) -> None:
        """Worker fixes wait (reports do not) until ``release_fixes``, 1 s at most.

        A city's fixes are thousands a second, and applying them takes the interpreter
        lock from the thread preparing what the operator just asked for (a replay step)
        and from the GUI thread showing it. They are applied in the next round instead;
        a dot moves at most every 10 s, so nobody sees the wait.
        """
        with self._lock:
            self._fixes_held_until = time.monotonic() + HOLD_FIXES_MAX_MS / 1000
        self._hold_limit.start()

    def release_fixes(self) -> None:
        """The fixes held back are applied now (what the operator waited for is shown)."""
        self._hold_limit.stop()
        with self._lock:
            if self._fixes_held_until is None:
                return
            self._fixes_held_until = None
            resume = bool(self._pending) and not self._scheduled
            self._scheduled = self._scheduled or resume
        if resume:
            self.worker.call(self._apply_pending)

    @property
    def fixes_held(self) -> bool:
        with self._lock:
            return self._held()

    def request_catchup(self) -> None:
        self.feed.request_catchup()

    def wait(self, msecs: int = 30_000) -> bool:
        """Until what was handed over is applied (tests and the bench; never in a slot)."""
        return self.worker.wait(msecs)

    # -- called on the feed's relay thread ------------------------------------------
    def _from_feed(self, batch: ChangeBatch) -> None:
        with self._lock:
            self._pending.append(batch)
            if self._scheduled:
                return
            self._scheduled = True
        self.worker.call(self._apply_pending)

    def _held(self) -> bool:
        """Fixes wait now (with ``_lock`` held)."""
        until = self._fixes_held_until
        return until is not None and time.monotonic() < until

    def _state_from_feed(self, state: FeedState) -> None:
        self.worker.post(partial(self._show_state, state))

    # -- on the live thread --------------------------------------------------------
    def _apply_pending(self) -> None:
        """Apply what the feed handed over: reports first, then at most a round of fixes.

        A new alert reaches the views and the map without first paying for the
        thousands of fixes that came with it; a backlog of fixes (after a reconnect's
        catch-up) is spread over rounds, so a report arriving meanwhile goes first.
        """
        with self._lock:
            held, parked = self._held(), False
            fixes: tuple[PositionRecord, ...] = ()
            if not self.store.loaded and self._pending:
                # The first load: one slice a round, each drawn and shown as it comes.
                batches = [self._pending.popleft()]
            else:
                batches = list(self._pending)
                self._pending.clear()
            if not any(b.initial for b in batches):
                fixes = tuple(p for b in batches for p in b.positions)
                if fixes:
                    batches = [replace(b, positions=()) for b in batches]
                    if held:  # they wait for release_fixes (or the next round after it)
                        self._pending.appendleft(ChangeBatch(positions=fixes))
                        fixes, parked = (), True
                    elif len(fixes) > MAX_FIXES_PER_ROUND:
                        self._pending.appendleft(ChangeBatch(positions=fixes[MAX_FIXES_PER_ROUND:]))
                        fixes = fixes[:MAX_FIXES_PER_ROUND]
            again = bool(self._pending) and not parked
            self._scheduled = again
        if again:
            self.worker.call(self._apply_pending)
        first_load = not self.store.loaded
        if first_load:
            gc_policy.hold_full_collections()  # no full collection over the first load
        if batches:
            self.apply(merge(batches))
        if fixes:
            self.apply(ChangeBatch(positions=fixes))
        self.batches_applied += len(batches)
        if first_load:
            self._loading_progress(batches, len(fixes))
        if first_load and self.store.loaded:
            _freeze_what_was_loaded()
            self._release_gc()
            counts = (len(self.store.grids), len(self.store.workers), len(self.store.tickets))
            self.worker.post(partial(self.loaded.emit, *counts))

    def _loading_progress(self, batches: list[ChangeBatch], fixes: int) -> None:
        """Say how far the first load has got (rows in the store, of the rows read)."""
        total = self.feed.first_load_total
        self.first_load_done += fixes + sum(
            len(b.grids) + len(b.tickets) + len(b.workers) + len(b.positions) for b in batches
        )
        done = total if self.store.loaded else min(self.first_load_done, total)
        if total:
            self.worker.post(partial(self.loading.emit, done, total))

    def apply(self, batch: ChangeBatch) -> StoreChanges:
        """Apply one batch (on the live thread; the bench calls it there too)."""
        return self.store.apply(batch)

    # -- on the GUI thread --------------------------------------------------------
    def _trim_after_load(self) -> None:
        QTimer.singleShot(TRIM_AFTER_LOAD_MS, self, partial(self.worker.call, _trim))

    def _on_clock(self) -> None:
        self.worker.call(self.store.refresh_clock)

    def _show_state(self, state: FeedState) -> None:
        if state != self._state_shown:
            self._state_shown = state
            self.connection_state_changed.emit(_shown_state(state), _describe(state))


def _freeze_what_was_loaded() -> None:
    """Keep full garbage collections off the live picture's path.

    A city's first load is millions of long-lived objects (grid outlines, cases,
    workers), and a full collection stops every thread while it walks them all: in
    the bench such pauses reached half a second. The first load is frozen (never
    walked again; reference counting still frees what the store drops), and full
    collections, which CPython otherwise starts every few seconds under a city's
    traffic (50-115 ms each in the bench, after the freeze), wait for a hundred
    times as many younger collections. Short-lived objects are still collected
    as before.
    """
    gc_policy.freeze_what_was_loaded()


def _trim() -> None:
    gc_policy.return_freed_memory()


def _shown_state(state: FeedState) -> str:
    """``lagging``: live, but from a replica far enough behind to say so."""
    if state.state == "connected" and state.lag_s is not None:
        return "lagging"
    return state.state


def _describe(state: FeedState) -> str:
    if state.state == "connected":
        return _how_live(state)
    if state.since is None:
        return state.detail
    since = state.since.astimezone().strftime("%H:%M:%S")
    if state.state == "lost":
        return f"since {since} — {state.detail}"
    return f"{state.detail} (since {since})"


def _how_live(state: FeedState) -> str:
    """Where the live picture comes from, when it is not the usual LISTEN on the primary."""
    if state.lag_s is not None:
        text = QCoreApplication.translate("LiveData", "replica %1 s behind")
        return text.replace("%1", f"{state.lag_s:.1f}")
    if state.replica:
        return QCoreApplication.translate("LiveData", "replica, polling")
    if state.mode == "poll":
        return QCoreApplication.translate("LiveData", "polling, no LISTEN")
    return state.detail


__all__ = ["LiveData", "merge"]
