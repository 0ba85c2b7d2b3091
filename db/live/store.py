"""The live state the views read: a plain-Python store with no Qt in it.

It holds the current grids, open and recently closed tickets, every worker with
their latest fix, and the data-quality list (a worker's track is read when chosen:
``db/live/track.py``). It derives the facts an operator reads at a glance — a
worker's status, a ticket's time against its deadline, counts per grid and
community — with the time injected, so tests never sleep. Subscribers receive
deltas (added / changed / removed per collection), napari-style: plain callbacks,
named after what changed.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Final, Generic, Protocol, TypeVar

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
#: Closed tickets are dropped once strictly older than ``keep_closed``.
_TICK = timedelta(microseconds=1)


def utc_now() -> datetime:
    return datetime.now(UTC)


K = TypeVar("K", bound=Hashable)
R = TypeVar("R")
#: Runs a callable somewhere (a thread's queue, the GUI thread's hand-off); plain Python.
Call = Callable[[Callable[[], None]], None]
#: "workers": a worker added, or their row or status changed; "positions": only moved.
COLLECTIONS: Final = ("grids", "workers", "positions", "tickets", "rejections")
#: Statuses in which an emergency still waits for the command centre to act.
AWAITING_ACTION = frozenset({"reported", "registered"})


@dataclass(frozen=True, slots=True)
class Changes(Generic[R, K]):
    """What changed in one collection, typed: records added or changed, keys removed."""

    added: tuple[R, ...] = ()
    changed: tuple[R, ...] = ()
    removed: tuple[K, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    @property
    def upserted(self) -> tuple[R, ...]:
        return self.added + self.changed


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


@dataclass(frozen=True, slots=True)
class StoreChanges:
    """One published change of the store: per collection, typed; plus the counts it moved.

    A subscriber to some collections receives these with the others left empty.
    """

    grids: Changes[GridRecord, str] = Changes()
    workers: Changes[WorkerState, str] = Changes()
    #: Workers whose newest fix moved them, same row and status (thousands a second).
    positions: Changes[WorkerState, str] = Changes()
    tickets: Changes[TicketRecord, int] = Changes()
    rejections: Changes[RejectionRecord, tuple[str, str, str]] = Changes()
    #: Tickets whose acknowledgement arrived in this change (also in ``tickets.changed``).
    acknowledged: frozenset[int] = frozenset()
    #: Open emergencies nobody has acknowledged, when that set changed (part of "tickets").
    alarming: frozenset[int] | None = None
    #: Active workers by status, when they changed (part of "workers").
    worker_counts: dict[str, int] | None = None
    #: Grids whose open tickets or full-timers changed: their fill may differ.
    restyle: frozenset[str] = frozenset()
    #: This change completed the first load.
    first_load: bool = False

    def __bool__(self) -> bool:
        return any(self.touches(c) for c in COLLECTIONS)

    def touches(self, collection: str) -> bool:
        if collection == "tickets":
            return bool(self.tickets or self.alarming is not None or self.first_load)
        if collection == "workers":
            return bool(self.workers or self.worker_counts is not None)
        if collection == "grids":
            return bool(self.grids or self.restyle)
        if collection == "positions":
            return bool(self.positions)
        return bool(self.rejections)

    def only(self, collections: frozenset[str]) -> StoreChanges:
        """These changes with the collections not asked for left empty."""
        if collections.issuperset(COLLECTIONS):
            return self
        return StoreChanges(
            grids=self.grids if "grids" in collections else Changes(),
            workers=self.workers if "workers" in collections else Changes(),
            positions=self.positions if "positions" in collections else Changes(),
            tickets=self.tickets if "tickets" in collections else Changes(),
            rejections=self.rejections if "rejections" in collections else Changes(),
            acknowledged=self.acknowledged if "tickets" in collections else frozenset(),
            alarming=self.alarming if "tickets" in collections else None,
            worker_counts=self.worker_counts if "workers" in collections else None,
            restyle=self.restyle if "grids" in collections else frozenset(),
            first_load=self.first_load,
        )


@dataclass(frozen=True, slots=True)
class _Subscription:
    callback: Callable[[StoreChanges], None]
    collections: frozenset[str]
    call: Call | None


def needs_alarm(ticket: TicketRecord, acknowledged: set[int]) -> bool:
    return (
        ticket.is_open
        and ticket.is_emergency
        and ticket.status in AWAITING_ACTION
        and ticket.id not in acknowledged
    )


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
    added: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    changed: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    removed: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    acknowledged: set[int] = field(default_factory=set)
    restyle: set[str] = field(default_factory=set)

    def changes(self, name: str) -> Changes[Any, Any]:
        return Changes(
            tuple(self.added[name]), tuple(self.changed[name]), tuple(self.removed[name])
        )


class StateStore:
    """The live state. Applied by one thread (the live thread in the window); others read.

    Readers on other threads see whole records (dict reads are atomic) and take
    snapshots (``open_tickets``) before looping.
    """

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
        # Counts several views need, kept here once as rows change (never recounted):
        #: open tickets per grid, full-timers per grid, active workers by status, and
        #: the open emergencies nobody has acknowledged (the alarm).
        self.open_by_grid: dict[str, set[int]] = defaultdict(set)
        self._ticket_grid: dict[int, str] = {}
        self.full_timers: Counter[str] = Counter()
        self._full_timer_grid: dict[str, str] = {}
        self.status_counts: Counter[str] = Counter()
        self.alarming: set[int] = set()
        self._ticket_states: dict[int, str] = {}
        # When each worker's status or ticket's light can next change by time alone, so
        # that the clock tick looks at those few and not at a city of rows. One pending
        # entry per key (``_due``); an entry whose time no longer matches is stale.
        self._timeline: list[tuple[datetime, int, str, Hashable]] = []
        self._due: dict[tuple[str, Hashable], datetime] = {}
        self._sequence = 0
        self._subscriptions: list[_Subscription] = []
        self._restyle: set[str] = set()
        self.loaded = False

    # -- subscription: the one way changes leave the store ------------------------------
    def subscribe(
        self,
        callback: Callable[[StoreChanges], None],
        collections: Iterable[str] = COLLECTIONS,
        call: Call | None = None,
    ) -> Callable[[], None]:
        """``callback`` hears of changes to ``collections`` (only those; others empty).

        ``call`` says where it runs (e.g. the GUI thread's hand-off); by default on
        the thread that applied the change. Returns the unsubscribe function.
        """
        wanted = frozenset(collections)
        unknown = wanted - set(COLLECTIONS)
        if unknown:
            raise ValueError(f"no such collection: {', '.join(sorted(unknown))}")
        subscription = _Subscription(callback, wanted, call)
        self._subscriptions.append(subscription)
        return lambda: self._subscriptions.remove(subscription)

    def _publish(self, changes: StoreChanges) -> StoreChanges:
        for sub in list(self._subscriptions):
            if not any(changes.touches(c) for c in sub.collections):
                continue
            mine = changes.only(sub.collections)
            if sub.call is None:
                sub.callback(mine)
            else:
                sub.call(partial(sub.callback, mine))
        return changes

    def _before(self) -> tuple[frozenset[int], dict[str, int]]:
        return frozenset(self.alarming), {k: v for k, v in self.status_counts.items() if v}

    def _finish(
        self,
        c: _Collector,
        before: tuple[frozenset[int], dict[str, int]],
        first_load: bool = False,
    ) -> StoreChanges:
        alarming_before, counts_before = before
        for t in c.added["tickets"] + c.changed["tickets"]:
            self._index_ticket(t)
        for ticket_id in c.removed["tickets"]:
            self._unindex_ticket(ticket_id)
        for state in c.added["workers"] + c.changed["workers"]:
            self._note_full_timer(state.record, c.restyle)
        c.restyle.update(self._restyle)
        self._restyle.clear()
        alarming = frozenset(self.alarming)
        counts = {k: v for k, v in self.status_counts.items() if v}
        changes = StoreChanges(
            grids=c.changes("grids"),
            workers=c.changes("workers"),
            positions=c.changes("positions"),
            tickets=c.changes("tickets"),
            rejections=c.changes("rejections"),
            acknowledged=frozenset(c.acknowledged),
            alarming=alarming if alarming != alarming_before or first_load else None,
            worker_counts=self.worker_counts() if counts != counts_before or first_load else None,
            restyle=frozenset(c.restyle),
            first_load=first_load,
        )
        return self._publish(changes)

    # -- applying changes ------------------------------------------------------------
    def apply(self, batch: ChangeBatch) -> StoreChanges:
        now = self.clock()
        before = self._before()
        c = _Collector()
        for grid in batch.grids:
            (c.changed if grid.code in self.grids else c.added)["grids"].append(grid)
            self.grids[grid.code] = grid
        touched: dict[str, WorkerState] = {}
        was: dict[str, WorkerState | None] = {}
        for worker in batch.workers:
            old = self.workers.get(worker.code)
            was.setdefault(worker.code, old)
            position = old.position if old else None
            touched[worker.code] = self._set_worker(
                WorkerState(worker, position, self._status(position, now))
            )
            self._schedule_worker(worker.code, position, now)
        if batch.positions:
            self._apply_fixes(batch.positions, now, touched, was)
        for code, state in touched.items():
            old = was[code]
            if old is None:
                c.added["workers"].append(state)
            elif old.status != state.status or (
                old.record is not state.record and old.record != state.record
            ):
                c.changed["workers"].append(state)
            else:
                c.changed["positions"].append(state)
        newly_acknowledged: set[int] = set()
        for action in batch.actions:
            if action.action == "acknowledge" and action.ticket_id not in self.acknowledged:
                self.acknowledged.add(action.ticket_id)
                self.alarming.discard(action.ticket_id)
                newly_acknowledged.add(action.ticket_id)
        c.acknowledged |= newly_acknowledged
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
        first_load = batch.initial and not self.loaded
        if batch.initial:
            self.loaded = True
        return self._finish(c, before, first_load)

    def _apply_fixes(
        self,
        positions: Iterable[PositionRecord],
        now: datetime,
        touched: dict[str, WorkerState],
        was: dict[str, WorkerState | None],
    ) -> None:
        """A city's fixes (thousands a second, on the live thread): each costs little.

        The same as ``_set_worker(WorkerState(record, p, _status(p, now)))`` per fix,
        with the lookups hoisted out of the loop: the record is the worker's own, so
        the counts move only when the status does.
        """
        workers, counts = self.workers, self.status_counts
        stale_after, offline_after = self.stale_after, self.offline_after
        schedule = self._schedule_worker
        for p in positions:
            code = p.worker_code
            state = workers.get(code)
            if state is None:
                continue  # a fix for a worker not (yet) known; their row will follow
            last = state.position
            if last is not None and p.recorded_at < last.recorded_at:
                continue
            silence = now - p.recorded_at
            status = (
                "offline"
                if silence >= offline_after
                else "stale"
                if silence >= stale_after
                else "online"
            )
            if status != state.status and state.record.active:
                counts[state.status] -= 1
                counts[status] += 1
            if code not in was:
                was[code] = state
            workers[code] = touched[code] = WorkerState(state.record, p, status)
            schedule(code, p, now)

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

    def refresh_clock(self) -> StoreChanges:
        """Re-evaluate what depends on time; publish only what changed.

        Only the workers and tickets whose next change of state by time alone has
        come are looked at (a heap of those times), so the tick costs next to
        nothing in a city of 40,000 workers and 60,000 tickets.
        """
        now = self.clock()
        before = self._before()
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
        return self._finish(c, before)

    def _recheck_worker(self, code: str, now: datetime, c: _Collector) -> None:
        state = self.workers.get(code)
        if state is None:
            return
        status = self._status(state.position, now)
        if status != state.status:
            state = self._set_worker(WorkerState(state.record, state.position, status))
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

    # -- the counts, kept as rows change -----------------------------------------------
    def _set_worker(self, state: WorkerState) -> WorkerState:
        old = self.workers.get(state.record.code)
        if old is not None and old.record.active:
            self.status_counts[old.status] -= 1
        if state.record.active:
            self.status_counts[state.status] += 1
        self.workers[state.record.code] = state
        return state

    def _index_ticket(self, t: TicketRecord) -> None:
        """Open tickets per grid and the alarm follow a ticket's row; its grids restyle."""
        grid = t.grid if t.is_open else None
        before = self._ticket_grid.get(t.id)
        if before != grid:
            self._unindex_ticket(t.id, keep_alarm=True)
            if grid is not None:
                self._ticket_grid[t.id] = grid
                self.open_by_grid[grid].add(t.id)
        if grid is not None:
            self._restyle.add(grid)  # its light may have changed, and with it the fill
        if needs_alarm(t, self.acknowledged):
            self.alarming.add(t.id)
        else:
            self.alarming.discard(t.id)

    def _unindex_ticket(self, ticket_id: int, keep_alarm: bool = False) -> None:
        before = self._ticket_grid.pop(ticket_id, None)
        if before is not None:
            ids = self.open_by_grid[before]
            ids.discard(ticket_id)
            if not ids:
                del self.open_by_grid[before]
            self._restyle.add(before)
        if not keep_alarm:
            self.alarming.discard(ticket_id)

    def _note_full_timer(self, r: WorkerRecord, restyle: set[str]) -> None:
        """Full-timers per grid follow role, grid and active changes only."""
        now = r.grid_code if r.role == "full_time" and r.active else ""
        before = self._full_timer_grid.get(r.code, "")
        if now == before:
            return
        if before:
            self.full_timers[before] -= 1
            restyle.add(before)
        if now:
            self.full_timers[now] += 1
            restyle.add(now)
        self._full_timer_grid[r.code] = now

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

    def worker_status(self, code: str) -> str:
        state = self.workers.get(code)
        return self._status(state.position, self.clock()) if state else "offline"

    def ticket_time_state(self, ticket_id: int) -> str:
        t = self.tickets[ticket_id]
        return time_state(t, self.clock()) if t.is_open else "closed"

    def open_tickets(self) -> list[TicketRecord]:
        """A snapshot (list() of a dict's values is one step for CPython: safe to loop)."""
        return [t for t in list(self.tickets.values()) if t.is_open]

    def grid_counts(self, code: str) -> GridCounts:
        """One grid's open, overdue and emergency cases, from the kept index."""
        now = self.clock()
        found = (self.tickets.get(i) for i in tuple(self.open_by_grid.get(code, ())))
        tickets = [t for t in found if t is not None]
        return GridCounts(
            open=len(tickets),
            overdue=sum(now >= t.deadline for t in tickets),
            emergencies=sum(t.is_emergency for t in tickets),
        )

    def counts_per_grid(self) -> dict[str, GridCounts]:
        return {code: self.grid_counts(code) for code in list(self.open_by_grid)}

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
        return grid.households / max(self.full_timers.get(grid_code, 0), 1)

    def worker_counts(self) -> dict[str, int]:
        """Active workers by status, kept as they change (``count_workers`` recounts)."""
        return {s: self.status_counts.get(s, 0) for s in ("online", "stale", "offline")}
