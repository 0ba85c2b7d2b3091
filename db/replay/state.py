"""A moment of the past as a ``StateStore``: the same derived facts as the live picture.

The store's clock is fixed at the moment, so a ticket's light, a worker's
online/stale/offline and the counts per grid are what the live store showed then.
The store is filled through its public dicts, not ``apply``: a moment is read
whole, never changed afterwards, and a city's worth of ``apply`` (its timeline and
tracks, kept for a live store's future) cost more than the reading.
"""

from __future__ import annotations

from collections.abc import Iterable

from gridcommand.db.live.records import GridRecord, WorkerRecord
from gridcommand.db.live.store import StateStore, WorkerState
from gridcommand.db.replay.frame import Frame


def replay_store(
    frame: Frame,
    grids: Iterable[GridRecord],
    workers: Iterable[WorkerRecord],
    previous: StateStore | None = None,
) -> StateStore:
    """A store holding ``frame`` with its clock stopped at ``frame.at``.

    A worker whose fix and status are those of ``previous`` (the moment shown before)
    keeps the very same state object, so the map's features of it are reused too.
    """
    at = frame.at
    store = StateStore(clock=lambda: at)
    store.grids = {g.code: g for g in grids}
    store.tickets = dict(frame.tickets)
    store.acknowledged = set(frame.acknowledged)
    stale, offline = store.stale_after, store.offline_after
    states = {}
    before = previous.workers if previous is not None else {}
    for record in workers:
        p = frame.positions.get(record.code)
        if p is None:
            status = "offline"
        else:
            silence = at - p.recorded_at
            status = "offline" if silence >= offline else "stale" if silence >= stale else "online"
        old = before.get(record.code)
        if old is not None and old.position is p and old.status == status and old.record is record:
            states[record.code] = old
        else:
            states[record.code] = WorkerState(record, p, status)
    store.workers = states
    store.loaded = True
    return store
