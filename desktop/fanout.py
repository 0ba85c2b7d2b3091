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

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer

from gridcommand.db.live.store import Changes, StoreChanges

#: Rows a view is handed per turn of the event loop while a big change is delivered.
PACE_ROWS = 2000


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


def slices(changes: StoreChanges, size: int) -> list[StoreChanges]:
    """``changes`` cut into pieces of at most ``size`` rows per collection, in order.

    Removals go with the first piece; the counts, the alarm and ``first_load`` with
    the last, so they arrive once every row they describe is there.
    """
    collections = ("grids", "workers", "positions", "tickets", "rejections")
    longest = max(len(getattr(changes, c).upserted) for c in collections)
    if longest <= size:
        return [changes]
    pieces = []
    for start in range(0, longest, size):
        last = start + size >= longest
        cut: dict[str, Any] = {c: _sliced(getattr(changes, c), start, size) for c in collections}
        piece = replace(changes, **cut) if last else StoreChanges(**cut)
        pieces.append(piece)
    return pieces


class Paced(QObject):
    """Delivers a view's changes in order, a slice of ``rows`` per turn of the event loop.

    ``progress(delivered, total)`` hears how far a big change has got (tickets or
    workers rows), for the status bar.
    """

    def __init__(
        self,
        deliver: Callable[[StoreChanges], None],
        parent: QObject | None = None,
        rows: int = PACE_ROWS,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._deliver = deliver
        self._rows = rows
        self._progress = progress
        self._queue: deque[tuple[StoreChanges, int, int]] = deque()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next)

    @property
    def busy(self) -> bool:
        return bool(self._queue)

    def __call__(self, changes: StoreChanges) -> None:
        pieces = slices(changes, self._rows)
        if len(pieces) == 1 and not self._queue:
            self._deliver(changes)
            return
        total = sum(_rows(p) for p in pieces)
        done = 0
        for piece in pieces:
            done += _rows(piece)
            self._queue.append((piece, done, total))
        self._timer.start()

    def _next(self) -> None:
        if not self._queue:
            return
        piece, done, total = self._queue.popleft()
        self._deliver(piece)
        if self._progress is not None and total > self._rows:
            self._progress(done, total)
        if self._queue:
            self._timer.start()


def _rows(changes: StoreChanges) -> int:
    return max(
        len(changes.tickets.upserted), len(changes.workers.upserted), len(changes.grids.upserted)
    )
