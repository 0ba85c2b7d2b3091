"""The live state the views read: a plain-Python store with no Qt in it.

It holds the current grids, open and recently closed tickets, every worker with
their latest fix and a short track, and the data-quality list. It derives the
facts an operator reads at a glance — a worker's status, a ticket's time against
its deadline, counts per grid and community — with the time injected, so tests
never sleep. Subscribers receive deltas (added / changed / removed per
collection), napari-style: plain callbacks, named after what changed.
"""

from __future__ import annotations

import heapq
from collections import defaultdict, deque
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final, Protocol

from gridcommand.db.live.records import (
    ChangeBatch,
    GridRecord,
    PositionRecord,
    RejectionRecord,
    TicketRecord,
    WorkerRecord,
)

Clock = Callable[[], datetime]
OVERLOAD_HOUSEHOLDS = 500
TRACK_WINDOW = timedelta(hours=1)
#: Tracks keep at most one point per this interval, so a city of workers stays small.
TRACK_SPACING = timedelta(seconds=20)
#: A PositionRecord's fields in order, as a track keeps them; ``_AT`` is recorded_at.
_TrackPoint = tuple[int, str, datetime, float, float, float | None, str]
_AT: Final = 2
#: Closed tickets are dropped once strictly older than ``keep_closed``.
_TICK = timedelta(microseconds=1)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Delta:
    """What changed in one collection: ``grids``, ``workers``, ``tickets`` or ``rejections``."""

    collection: str
    added: tuple[object, ...] = ()
    changed: tuple[object, ...] = ()
    removed: tuple[Hashable, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass(frozen=True, slots=True)
class WorkerState:
    record: WorkerRecord
    position: PositionRecord | None
    status: str


@dataclass(frozen=True, slots=True)
class GridCounts:
    open: int = 0
    overdue: int = 0
    emergencies: int = 0


class Timed(Protocol):
    """What the traffic light reads: a TicketRecord, or any view's ticket-like record."""

    @property
    def reported_at(self) -> datetime: ...
    @property
    def deadline(self) -> datetime: ...


def time_state(ticket: Timed, now: datetime) -> str:
    """Green while on time, yellow in the last quarter of the allowed time, red when overdue."""
    if now >= ticket.deadline:
        return "red"
    allowed = ticket.deadline - ticket.reported_at
    return "yellow" if now >= ticket.deadline - allowed / 4 else "green"


def count_workers(states: Iterable[WorkerState]) -> dict[str, int]:
    """Active workers by status; a plain function, so a snapshot can be counted anywhere."""
    counts = {"online": 0, "stale": 0, "offline": 0}
    for state in states:
        if state.record.active:
            counts[state.status] += 1
    return counts


@dataclass
class _Collector:
    added: dict[str, list[object]] = field(default_factory=lambda: defaultdict(list))
    changed: dict[str, list[object]] = field(default_factory=lambda: defaultdict(list))
    removed: dict[str, list[Hashable]] = field(default_factory=lambda: defaultdict(list))

    def deltas(self) -> list[Delta]:
        names = ("grids", "workers", "tickets", "rejections")
        out = [
            Delta(n, tuple(self.added[n]), tuple(self.changed[n]), tuple(self.removed[n]))
            for n in names
        ]
        return [d for d in out if d]


class StateStore:
    def __init__(
        self,
        clock: Clock = utc_now,
        stale_after: timedelta = timedelta(minutes=10),
        offline_after: timedelta = timedelta(hours=1),
        keep_closed: timedelta = timedelta(hours=24),
    ) -> None:
        self.clock = clock
        self.stale_after = stale_after
        self.offline_after = offline_after
        self.keep_closed = keep_closed
        self.grids: dict[str, GridRecord] = {}
        self.workers: dict[str, WorkerState] = {}
        self.tickets: dict[int, TicketRecord] = {}
        self.rejections: dict[tuple[str, str, str], RejectionRecord] = {}
        self.acknowledged: set[int] = set()
        # Track points as plain tuples of atoms, which CPython's collector stops
        # scanning once it has seen them: a city's hour of tracks is millions of
        # points, and as objects they would make every full collection a stall.
        self._tracks: dict[str, deque[_TrackPoint]] = defaultdict(deque)
        self._ticket_states: dict[int, str] = {}
        # When each worker's status or ticket's light can next change by time alone, so
        # that the clock tick looks at those few and not at a city of rows. One pending
        # entry per key (``_due``); an entry whose time no longer matches is stale.
        self._timeline: list[tuple[datetime, int, str, Hashable]] = []
        self._due: dict[tuple[str, Hashable], datetime] = {}
        self._sequence = 0
        self._subscribers: list[Callable[[list[Delta]], None]] = []
        self.loaded = False

    # -- subscription ----------------------------------------------------------------
    def subscribe(self, callback: Callable[[list[Delta]], None]) -> Callable[[], None]:
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback)

    def _publish(self, deltas: list[Delta]) -> list[Delta]:
        if deltas:
            for callback in list(self._subscribers):
                callback(deltas)
        return deltas

    # -- applying changes ------------------------------------------------------------
    def apply(self, batch: ChangeBatch) -> list[Delta]:
        now = self.clock()
        c = _Collector()
        for grid in batch.grids:
            (c.changed if grid.code in self.grids else c.added)["grids"].append(grid)
            self.grids[grid.code] = grid
        touched: dict[str, WorkerState] = {}
        new_workers: set[str] = set()
        for worker in batch.workers:
            old = self.workers.get(worker.code)
            if old is None:
                new_workers.add(worker.code)
            position = old.position if old else None
            touched[worker.code] = self.workers[worker.code] = WorkerState(
                worker, position, self._status(position, now)
            )
            self._schedule_worker(worker.code, position, now)
        for p in batch.positions:
            self._add_to_track(p)
            state = self.workers.get(p.worker_code)
            if state is None:
                continue  # a fix for a worker not (yet) known; their row will follow
            if state.position is None or p.recorded_at >= state.position.recorded_at:
                touched[p.worker_code] = self.workers[p.worker_code] = WorkerState(
                    state.record, p, self._status(p, now)
                )
                self._schedule_worker(p.worker_code, p, now)
        for code, state in touched.items():
            (c.added if code in new_workers else c.changed)["workers"].append(state)
        newly_acknowledged: set[int] = set()
        for action in batch.actions:
            if action.action == "acknowledge" and action.ticket_id not in self.acknowledged:
                self.acknowledged.add(action.ticket_id)
                newly_acknowledged.add(action.ticket_id)
        for t in batch.tickets:
            self._apply_ticket(t, now, c)
            newly_acknowledged.discard(t.id)
        # An acknowledgement changes how a ticket is shown (it stops pulsing) even when
        # the ticket row itself did not change.
        c.changed["tickets"].extend(
            self.tickets[i] for i in sorted(newly_acknowledged) if i in self.tickets
        )
        for r in batch.rejections:
            if r.resolved_at is not None:
                # A later verdict accepted the row: it is on the map now, not in the list.
                if self.rejections.pop(r.key, None) is not None:
                    c.removed["rejections"].append(r.key)
                continue
            (c.changed if r.key in self.rejections else c.added)["rejections"].append(r)
            self.rejections[r.key] = r
        if batch.initial:
            self.loaded = True
        return self._publish(c.deltas())

    def _apply_ticket(self, t: TicketRecord, now: datetime, c: _Collector) -> None:
        old = self.tickets.get(t.id)
        if old is not None and old.version > t.version:
            return  # an older row read after a newer one: keep the newer
        if not t.is_open and t.closed_at is not None and now - t.closed_at > self.keep_closed:
            if old is not None:
                del self.tickets[t.id]
                self._ticket_states.pop(t.id, None)
                c.removed["tickets"].append(t.id)
            return
        self.tickets[t.id] = t
        self._ticket_states[t.id] = time_state(t, now) if t.is_open else "closed"
        self._schedule("tickets", t.id, self._ticket_due(t, now))
        (c.changed if old is not None else c.added)["tickets"].append(t)

    def refresh_clock(self) -> list[Delta]:
        """Re-evaluate what depends on time; publish only what changed.

        Only the workers and tickets whose next change of state by time alone has
        come are looked at (a heap of those times), so the tick costs next to
        nothing in a city of 40,000 workers and 60,000 tickets.
        """
        now = self.clock()
        c = _Collector()
        while self._timeline and self._timeline[0][0] <= now:
            due, _, kind, key = heapq.heappop(self._timeline)
            if self._due.get((kind, key)) != due:
                continue  # superseded by a later change to the same row
            del self._due[(kind, key)]
            if kind == "workers":
                self._recheck_worker(str(key), now, c)
            else:
                assert isinstance(key, int)  # tickets are keyed by id
                self._recheck_ticket(key, now, c)
        return self._publish(c.deltas())

    def _recheck_worker(self, code: str, now: datetime, c: _Collector) -> None:
        state = self.workers.get(code)
        if state is None:
            return
        status = self._status(state.position, now)
        if status != state.status:
            state = self.workers[code] = WorkerState(state.record, state.position, status)
            c.changed["workers"].append(state)
        self._schedule_worker(code, state.position, now)

    def _recheck_ticket(self, ticket_id: int, now: datetime, c: _Collector) -> None:
        t = self.tickets.get(ticket_id)
        if t is None:
            return
        if not t.is_open:
            if t.closed_at is not None and now - t.closed_at > self.keep_closed:
                del self.tickets[ticket_id]
                self._ticket_states.pop(ticket_id, None)
                c.removed["tickets"].append(ticket_id)
            else:
                self._schedule("tickets", ticket_id, self._ticket_due(t, now))
            return
        t_state = time_state(t, now)
        if t_state != self._ticket_states.get(ticket_id):
            self._ticket_states[ticket_id] = t_state
            c.changed["tickets"].append(t)
        self._schedule("tickets", ticket_id, self._ticket_due(t, now))

    def _schedule_worker(self, code: str, position: PositionRecord | None, now: datetime) -> None:
        if position is None:
            return
        for after in (self.stale_after, self.offline_after):
            if now - position.recorded_at < after:
                self._schedule("workers", code, position.recorded_at + after)
                return

    def _ticket_due(self, t: TicketRecord, now: datetime) -> datetime | None:
        if not t.is_open:
            # Closed rows leave the store a little after they are kept for.
            return t.closed_at + self.keep_closed + _TICK if t.closed_at is not None else None
        yellow_at = t.deadline - (t.deadline - t.reported_at) / 4
        for moment in (yellow_at, t.deadline):
            if now < moment:
                return moment
        return None

    def _schedule(self, kind: str, key: Hashable, due: datetime | None) -> None:
        """Keep the earliest pending time per row; a later one is found again on recheck."""
        if due is None:
            return
        pending = self._due.get((kind, key))
        if pending is not None and pending <= due:
            return
        self._due[(kind, key)] = due
        self._sequence += 1
        heapq.heappush(self._timeline, (due, self._sequence, kind, key))

    # -- derived facts ---------------------------------------------------------------
    def _status(self, position: PositionRecord | None, now: datetime) -> str:
        if position is None:
            return "offline"
        silence = now - position.recorded_at
        if silence >= self.offline_after:
            return "offline"
        return "stale" if silence >= self.stale_after else "online"

    def _position_of(self, code: str) -> PositionRecord | None:
        state = self.workers.get(code)
        return state.position if state else None

    def _add_to_track(self, p: PositionRecord) -> None:
        track = self._tracks[p.worker_code]
        if track and p.recorded_at - track[-1][_AT] < TRACK_SPACING:
            return
        track.append((p.id, p.worker_code, p.recorded_at, p.lon, p.lat, p.accuracy_m, p.source))
        horizon = p.recorded_at - TRACK_WINDOW
        while track and track[0][_AT] < horizon:
            track.popleft()

    def track(self, worker_code: str) -> list[PositionRecord]:
        horizon = self.clock() - TRACK_WINDOW
        return [PositionRecord(*t) for t in self._tracks.get(worker_code, ()) if t[_AT] >= horizon]

    def worker_status(self, code: str) -> str:
        state = self.workers.get(code)
        return self._status(state.position, self.clock()) if state else "offline"

    def ticket_time_state(self, ticket_id: int) -> str:
        t = self.tickets[ticket_id]
        return time_state(t, self.clock()) if t.is_open else "closed"

    def open_tickets(self) -> Iterable[TicketRecord]:
        return (t for t in self.tickets.values() if t.is_open)

    def counts_per_grid(self) -> dict[str, GridCounts]:
        now = self.clock()
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for t in self.open_tickets():
            grid = t.grid
            if grid is None:
                continue
            row = totals[grid]
            row[0] += 1
            row[1] += now >= t.deadline
            row[2] += t.is_emergency
        return {code: GridCounts(*row) for code, row in totals.items()}

    def counts_per_community(self) -> dict[str, GridCounts]:
        per_grid = self.counts_per_grid()
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for code, counts in per_grid.items():
            grid = self.grids.get(code)
            if grid is None:
                continue
            row = totals[grid.community_code]
            row[0] += counts.open
            row[1] += counts.overdue
            row[2] += counts.emergencies
        return {code: GridCounts(*row) for code, row in totals.items()}

    def households_per_worker(self, grid_code: str) -> float:
        grid = self.grids.get(grid_code)
        if grid is None:
            return 0.0
        full_timers = sum(
            1
            for s in self.workers.values()
            if s.record.grid_code == grid_code and s.record.role == "full_time" and s.record.active
        )
        return grid.households / max(full_timers, 1)

    def worker_counts(self) -> dict[str, int]:
        return count_workers(self.workers.values())
