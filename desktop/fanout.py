"""From store deltas to every view that shows them, and to the alarm.

The store publishes what changed; this is the one place that decides which panel
hears of it. It also keeps the alarm honest: an open emergency that nobody has
acknowledged (an ``acknowledge`` row in the trace, from this console or
another) sounds the siren and flashes its row, including one that was already
waiting when the window started at 3 a.m.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, cast

from gridcommand.db.live.records import RejectionRecord, TicketRecord
from gridcommand.db.live.store import Delta, StateStore, WorkerState

#: Statuses in which an emergency still waits for the command centre to act.
AWAITING_ACTION = frozenset({"reported", "registered"})


class TicketView(Protocol):
    unacknowledged: set[int]

    def upsert(self, tickets: Iterable[TicketRecord]) -> None: ...
    def remove(self, ids: Iterable[int]) -> None: ...
    def acknowledge(self, ids: Iterable[int]) -> None: ...


class WorkerView(Protocol):
    def upsert(self, states: Iterable[WorkerState]) -> None: ...


class QualityView(Protocol):
    def add_rejections(self, records: Iterable[RejectionRecord]) -> None: ...


class AlarmLike(Protocol):
    pending: set[int]

    def raise_emergency(self, ticket_id: int) -> None: ...
    def acknowledge(self, ticket_ids: set[int] | None = None) -> set[int]: ...
    def chime(self) -> None: ...


def needs_alarm(ticket: TicketRecord, acknowledged: set[int]) -> bool:
    return (
        ticket.is_emergency and ticket.status in AWAITING_ACTION and ticket.id not in acknowledged
    )


class DeltaFanout:
    """Subscribes views to the store's deltas; extra listeners (the map) join by callback."""

    def __init__(
        self,
        store: StateStore,
        tickets: TicketView,
        workers: WorkerView,
        quality: QualityView,
        alarm: AlarmLike,
    ) -> None:
        self.store = store
        self._tickets = tickets
        self._workers = workers
        self._quality = quality
        self._alarm = alarm
        self._listeners: list[Callable[[list[Delta]], None]] = []
        self._was_loaded = store.loaded

    def add_listener(self, callback: Callable[[list[Delta]], None]) -> None:
        self._listeners.append(callback)

    def on_store_updated(self, deltas: list[Delta]) -> None:
        fresh_reports = False
        for delta in deltas:
            if delta.collection == "tickets":
                upserts = [t for t in (*delta.added, *delta.changed) if isinstance(t, TicketRecord)]
                self._tickets.upsert(upserts)
                if delta.removed:
                    self._tickets.remove(cast(Iterable[int], delta.removed))
                fresh_reports = fresh_reports or any(
                    isinstance(t, TicketRecord) and t.status == "reported" for t in delta.added
                )
            elif delta.collection == "workers":
                self._workers.upsert(
                    s for s in (*delta.added, *delta.changed) if isinstance(s, WorkerState)
                )
            elif delta.collection == "rejections":
                self._quality.add_rejections(
                    r for r in (*delta.added, *delta.changed) if isinstance(r, RejectionRecord)
                )
        # Positions alone (thousands a second in a city) cannot change what alarms.
        raised = self.sync_alarm() if any(d.collection == "tickets" for d in deltas) else False
        # The first load brings every open report at once: that is no news to chime for.
        if fresh_reports and not raised and self._was_loaded:
            self._alarm.chime()
        self._was_loaded = self.store.loaded
        for listener in self._listeners:
            listener(deltas)

    def sync_alarm(self) -> bool:
        """Make the siren and the flashing rows match the store; True if a new one sounded."""
        wanted = {
            t.id for t in self.store.open_tickets() if needs_alarm(t, self.store.acknowledged)
        }
        raised = False
        for ticket_id in wanted - self._alarm.pending:
            self._alarm.raise_emergency(ticket_id)
            raised = True
        settled = self._alarm.pending - wanted
        if settled:
            self._alarm.acknowledge(settled)
        self._tickets.unacknowledged.clear()
        self._tickets.unacknowledged.update(wanted)
        if settled:
            self._tickets.acknowledge(settled)
        return raised
