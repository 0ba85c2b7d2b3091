"""From the store's typed changes to the alarm, and big changes to a view in slices.

Views subscribe to the store in the wiring (``store.subscribe(view_fn, collections,
call=live.to_gui)``) and read typed rows; this module holds what sits between:

- ``AlarmSync`` keeps the alarm honest: an open emergency that nobody has
  acknowledged (an ``acknowledge`` row in the trace, from this console or
  another) sounds the siren and flashes its row, including one that was already
  waiting when the window started at 3 a.m. The store keeps that set; this
  follows it.
- ``Paced`` hands a view a large change (the first load: tens of thousands of
  cases) a slice per turn of the event loop, so the window stays usable and can
  say how far the loading has got.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer

from gridcommand.db.live.store import Changes, StoreChanges

#: Rows a view is handed per turn of the event loop while a big change is delivered,
#: at most ...
PACE_ROWS = 2000
#: ... and fewer when a turn took longer than this (ms): the next slice is cut to fit,
#: so that a slow view (a queue sorting as it fills) never holds the GUI thread long.
PACE_BUDGET_MS = 40.0
#: The fewest rows a turn is handed, however slow the view; and the first slice's,
#: doubled each turn while the view keeps within the budget.
PACE_MIN_ROWS = 50
PACE_FIRST_ROWS = 250


class TicketView(Protocol):
    unacknowledged: set[int]

    def acknowledge(self, ids: Iterable[int]) -> None: ...


class AlarmLike(Protocol):
    pending: set[int]

    def raise_emergency(self, ticket_id: int) -> None: ...
    def acknowledge(self, ticket_ids: set[int] | None = None) -> set[int]: ...
    def chime(self) -> None: ...


class AlarmSync:
    """The siren and the flashing rows follow the store's set of waiting emergencies."""

    def __init__(self, tickets: TicketView, alarm: AlarmLike, loaded: bool = False) -> None:
        self._tickets = tickets
        self._alarm = alarm
        self._loaded = loaded

    def on_tickets_changed(self, changes: StoreChanges) -> None:
        fresh = any(t.status == "reported" for t in changes.tickets.added)
        raised = self.sync(changes.alarming) if changes.alarming is not None else False
        # The first load brings every open report at once: that is no news to chime for.
        if fresh and not raised and self._loaded and not changes.first_load:
            self._alarm.chime()
        self._loaded = self._loaded or changes.first_load

    def sync(self, wanted: frozenset[int]) -> bool:
        """Make the siren and the flashing rows match; True if a new one sounded."""
        raised = False
        for ticket_id in wanted - self._alarm.pending:
            self._alarm.raise_emergency(ticket_id)
            raised = True
        settled = self._alarm.pending - wanted
        if settled:
            self._alarm.acknowledge(set(settled))
        self._tickets.unacknowledged.clear()
        self._tickets.unacknowledged.update(wanted)
        if settled:
            self._tickets.acknowledge(settled)
        return raised


def _sliced(changes: Changes[Any, Any], start: int, size: int) -> Changes[Any, Any]:
    """Rows ``start`` to ``start + size`` of added-then-changed."""
    added = changes.added[start : start + size]
    n = len(changes.added)
    changed = changes.changed[max(start - n, 0) : max(start + size - n, 0)]
    return Changes(added, changed, changes.removed if start == 0 else ())


COLLECTIONS = ("grids", "workers", "positions", "tickets", "rejections")


def _longest(changes: StoreChanges) -> int:
    return max(len(getattr(changes, c).upserted) for c in COLLECTIONS)


def _piece(changes: StoreChanges, start: int, size: int) -> tuple[StoreChanges, bool]:
    """Rows ``start`` to ``start + size`` of every collection, and whether it is the last.

    Removals go with the first piece; the counts, the alarm and ``first_load`` with
    the last, so they arrive once every row they describe is there.
    """
    last = start + size >= _longest(changes)
    if start == 0 and last:
        return changes, True
    cut: dict[str, Any] = {c: _sliced(getattr(changes, c), start, size) for c in COLLECTIONS}
    return (replace(changes, **cut) if last else StoreChanges(**cut)), last


def slices(changes: StoreChanges, size: int) -> list[StoreChanges]:
    """``changes`` cut into pieces of at most ``size`` rows per collection, in order."""
    longest = _longest(changes)
    if longest <= size:
        return [changes]
    return [_piece(changes, start, size)[0] for start in range(0, longest, size)]


@dataclass
class _Pending:
    changes: StoreChanges
    start: int = 0


class Paced(QObject):
    """Delivers a view's changes in order, a slice per turn of the event loop.

    A slice is at most ``rows`` rows, and fewer while the view takes longer than
    ``PACE_BUDGET_MS`` a slice: each slice is cut to what the last one showed fits.
    ``progress(delivered, total)`` hears how far a big change has got (tickets or
    workers rows), for the status bar.
    """

    def __init__(
        self,
        deliver: Callable[[StoreChanges], None],
        parent: QObject | None = None,
        rows: int = PACE_ROWS,
        progress: Callable[[int, int], None] | None = None,
        budget_ms: float = PACE_BUDGET_MS,
    ) -> None:
        super().__init__(parent)
        self._deliver = deliver
        self._rows = rows
        #: Rows in the next slice: from a few, up to ``rows`` while the view keeps up.
        self.slice_rows = min(rows, PACE_FIRST_ROWS)
        self._budget_ms = budget_ms
        self._progress = progress
        self._queue: deque[_Pending] = deque()
        #: Rows handed over, of the rows queued, since the queue was last empty: a first
        #: load that comes as several changes is reported as one.
        self._done = 0
        self._total = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next)

    @property
    def busy(self) -> bool:
        return bool(self._queue)

    def __call__(self, changes: StoreChanges) -> None:
        if not self._queue and _longest(changes) <= self._rows:
            self._deliver(changes)
            return
        self._queue.append(_Pending(changes))
        self._total += _rows(changes)
        self._timer.start()

    def _next(self) -> None:
        if not self._queue:
            return
        pending = self._queue[0]
        size = self.slice_rows
        piece, last = _piece(pending.changes, pending.start, size)
        began = time.perf_counter()
        self._deliver(piece)
        took_ms = (time.perf_counter() - began) * 1000
        self._done += _rows(piece)
        pending.start += size
        if last:
            self._queue.popleft()
        if self._progress is not None and self._total > self._rows:
            self._progress(min(self._done, self._total), self._total)
        if not self._queue:
            self._done = self._total = 0
        self._fit(size, took_ms)
        if self._queue:
            self._timer.start()

    def _fit(self, size: int, took_ms: float) -> None:
        """The next slice's rows: what fits the budget at the pace just seen, within bounds."""
        fast = took_ms <= self._budget_ms
        fitted = size * 2 if fast else int(size * self._budget_ms / took_ms)
        self.slice_rows = max(min(fitted, self._rows), min(PACE_MIN_ROWS, self._rows))


def _rows(changes: StoreChanges) -> int:
    return max(
        len(changes.tickets.upserted), len(changes.workers.upserted), len(changes.grids.upserted)
    )
