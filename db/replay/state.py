"""A moment of the past as a ``StateStore``: the same derived facts as the live picture.

The store's clock is fixed at the moment, so a ticket's light, a worker's
online/stale/offline and the counts per grid are what the live store showed then.
The store is filled through its public dicts, not ``apply``: a moment is read
whole, never changed afterwards, and a city's worth of ``apply`` (its timeline and
tracks, kept for a live store's future) cost more than the reading.

A moment read as a change from the one before (``Frame.touched``) is built from
that moment's store: only the workers whose fix or status may differ are looked
at, not a city's 40,000.
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta

from gridcommand.db.live.records import GridRecord, PositionRecord, WorkerRecord
from gridcommand.db.live.store import StateStore, WorkerState
from gridcommand.db.replay.frame import Frame


class ReplayStore(StateStore):
    """A moment's store, with what the next moment needs to be built from it."""

    def __init__(self, at: datetime) -> None:
        super().__init__(clock=lambda: at)
        self.at = at
        #: The worker records it was built from (the live store's, in its order).
        self.records: list[WorkerRecord] = []
        #: The store this one was built from, and the workers whose state differs from
        #: it (``None``: built whole, anything may differ).
        self.base: weakref.ref[ReplayStore] | None = None
        self.changed_workers: frozenset[str] | None = None

    def built_from(self, other: object) -> bool:
        return self.base is not None and other is not None and self.base() is other


def replay_store(
    frame: Frame,
    grids: Iterable[GridRecord],
    workers: Iterable[WorkerRecord],
    previous: StateStore | None = None,
) -> ReplayStore:
    """A store holding ``frame`` with its clock stopped at ``frame.at``.

    A worker whose fix and status are those of ``previous`` (the moment shown before)
    keeps the very same state object, so the map's features of it are reused too.
    """
    at = frame.at
    store = ReplayStore(at)
    store.records = list(workers)
    store.grids = {g.code: g for g in grids}
    store.tickets = dict(frame.tickets)
    store.acknowledged = set(frame.acknowledged)
    # The counts ``apply`` keeps, which the grids' fills and the cards read.
    for t in store.tickets.values():
        grid = t.grid if t.is_open else None
        if grid is not None:
            store.open_by_grid[grid].add(t.id)
    if (
        isinstance(previous, ReplayStore)
        and frame.touched is not None
        and frame.since == previous.at
        and store.offline_after <= previous.offline_after
        and store.records == previous.records  # the same objects: compared in C, at once
    ):
        _workers_from(store, frame, previous, frame.touched)
    else:
        _workers_whole(store, frame, previous)
    store.loaded = True
    return store


def _status(p: PositionRecord | None, at: datetime, stale: timedelta, offline: timedelta) -> str:
    if p is None:
        return "offline"
    silence = at - p.recorded_at
    return "offline" if silence >= offline else "stale" if silence >= stale else "online"


def _workers_whole(store: ReplayStore, frame: Frame, previous: StateStore | None) -> None:
    at, stale, offline = frame.at, store.stale_after, store.offline_after
    states = {}
    before = previous.workers if previous is not None else {}
    for record in store.records:
        p = frame.positions.get(record.code)
        status = _status(p, at, stale, offline)
        old = before.get(record.code)
        if old is not None and old.position is p and old.status == status and old.record is record:
            states[record.code] = old
        else:
            states[record.code] = WorkerState(record, p, status)
    store.workers = states
    store.status_counts.update(s.status for s in states.values() if s.record.active)
    store.full_timers.update(
        s.record.grid_code
        for s in states.values()
        if s.record.role == "full_time" and s.record.active
    )


def _workers_from(
    store: ReplayStore, frame: Frame, previous: ReplayStore, touched: Iterable[str]
) -> None:
    """``previous``'s workers with the ``touched`` ones looked at again."""
    at, stale, offline = frame.at, store.stale_after, store.offline_after
    states = dict(previous.workers)
    counts: Counter[str] = Counter(previous.status_counts)
    changed = []
    for code in touched:
        old = states.get(code)
        if old is None:
            continue  # a fix of a worker the live store does not know (yet)
        p = frame.positions.get(code)
        status = _status(p, at, stale, offline)
        if old.position is p and old.status == status:
            continue
        states[code] = WorkerState(old.record, p, status)
        changed.append(code)
        if old.record.active:
            counts[old.status] -= 1
            counts[status] += 1
    store.workers = states
    store.status_counts = counts
    store.full_timers = Counter(previous.full_timers)
    store.base = weakref.ref(previous)
    store.changed_workers = frozenset(changed)
