"""The bridge from the change feed's thread to the GUI thread.

The feed hands batches over from its own thread; this adapter queues them and, on
a timer on the GUI thread, merges whatever arrived into one batch for the store.
So a storm of a thousand changes a second costs the GUI a few small updates a
second, and the store is only ever touched by the GUI thread.
"""

from __future__ import annotations

import gc
import threading
from collections import deque
from dataclasses import replace

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from sqlalchemy.engine import URL

from gridcommand.db.live.feed import ChangeFeed
from gridcommand.db.live.records import ChangeBatch, FeedState
from gridcommand.db.live.store import Delta, StateStore

FLUSH_MS = 150
URGENT_CHECK_MS = 10
CLOCK_MS = 5000
#: Worker fixes applied by one regular flush at most (a city sends ~5,000 a second,
#: ~750 a tick); the rest wait for the next tick, in order.
MAX_FIXES_PER_FLUSH = 2000
#: Middle-generation collections between two full ones, once the first load is in
#: (CPython's default is 10; see _freeze_what_was_loaded).
FULL_GC_EVERY = 1000


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
    """Owns the feed; applies its batches to the store on the GUI thread."""

    connection_state_changed = Signal(str, str)
    store_updated = Signal(list)

    def __init__(
        self,
        url: URL,
        store: StateStore,
        parent: QObject | None = None,
        flush_ms: int = FLUSH_MS,
        clock_ms: int = CLOCK_MS,
        poll_interval: float = 2.0,
        listen: bool = True,
        write_url: URL | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self._lock = threading.Lock()
        self._pending: deque[ChangeBatch] = deque()
        self._state: FeedState | None = None
        self._state_shown: FeedState | None = None
        self.feed = ChangeFeed(
            url,
            self._from_feed,
            self._state_from_feed,
            poll_interval=poll_interval,
            listen=listen,
            write_url=write_url,
        )
        self.batches_applied = 0
        self._flush = QTimer(self)
        self._flush.setInterval(flush_ms)
        self._flush.timeout.connect(self.flush)
        # Reports do not wait for the next flush tick: the feed raises a flag (no Qt call
        # from its thread) and a short timer on the GUI thread flushes when it sees it.
        self._urgent = threading.Event()
        self._urgent_check = QTimer(self)
        self._urgent_check.setInterval(URGENT_CHECK_MS)
        self._urgent_check.timeout.connect(self._on_urgent_check)
        self._clock = QTimer(self)
        self._clock.setInterval(clock_ms)
        self._clock.timeout.connect(self._on_clock)

    def start(self) -> None:
        self.feed.start()
        self._flush.start()
        self._urgent_check.start()
        self._clock.start()

    def stop(self) -> None:
        self._flush.stop()
        self._urgent_check.stop()
        self._clock.stop()
        self.feed.stop()

    def request_catchup(self) -> None:
        self.feed.request_catchup()

    # -- called on the feed thread -------------------------------------------------
    def _from_feed(self, batch: ChangeBatch) -> None:
        with self._lock:
            self._pending.append(batch)
        if batch.tickets or batch.actions:
            self._urgent.set()

    def _state_from_feed(self, state: FeedState) -> None:
        with self._lock:
            self._state = state

    # -- on the GUI thread --------------------------------------------------------
    def _on_urgent_check(self) -> None:
        if self._urgent.is_set():
            self._urgent.clear()
            self.flush(urgent=True)

    def flush(self, urgent: bool = False) -> list[Delta]:
        """Apply what the feed handed over.

        ``urgent`` (a report or trace row arrived) applies everything but the worker
        fixes, which wait for the next regular tick: a new alert reaches the views
        and the map without first paying for the thousands of fixes that came
        with it. A regular tick applies at most ``MAX_FIXES_PER_FLUSH`` fixes, so a
        backlog (after a stall, or a reconnect's catch-up) is spread over several
        ticks instead of freezing the window in one.
        """
        with self._lock:
            batches = list(self._pending)
            self._pending.clear()
            state = self._state
            if not any(b.initial for b in batches):
                fixes = tuple(p for b in batches for p in b.positions)
                now = 0 if urgent else MAX_FIXES_PER_FLUSH
                if len(fixes) > now:
                    batches = [replace(b, positions=()) for b in batches]
                    if now:
                        batches.append(ChangeBatch(positions=fixes[:now]))
                    self._pending.appendleft(ChangeBatch(positions=fixes[now:]))
        if state is not None and state != self._state_shown:
            self._state_shown = state
            self.connection_state_changed.emit(_shown_state(state), _describe(state))
        if not batches:
            return []
        first_load = not self.store.loaded
        deltas = self.store.apply(merge(batches))
        self.batches_applied += len(batches)
        if first_load and self.store.loaded:
            _freeze_what_was_loaded()
        if deltas:
            self.store_updated.emit(deltas)
        return deltas

    def _on_clock(self) -> None:
        deltas = self.store.refresh_clock()
        if deltas:
            self.store_updated.emit(deltas)


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
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_GC_EVERY)


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
