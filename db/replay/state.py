"""A moment of the past as a ``StateStore``: the same derived facts as the live picture.

The store's clock is fixed at the moment, so a ticket's light, a worker's
online/stale/offline and the counts per grid are what the live store showed then.
"""

from __future__ import annotations

from collections.abc import Iterable

from gridcommand.db.live.records import ActionRecord, ChangeBatch, GridRecord, WorkerRecord
from gridcommand.db.live.store import StateStore
from gridcommand.db.replay.frame import Frame


def replay_store(
    frame: Frame, grids: Iterable[GridRecord], workers: Iterable[WorkerRecord]
) -> StateStore:
    """A store holding ``frame`` with its clock stopped at ``frame.at``."""
    at = frame.at
    store = StateStore(clock=lambda: at)
    acks = tuple(
        ActionRecord(0, i, "acknowledge", None, None, "", "", at, "")
        for i in sorted(frame.acknowledged)
    )
    store.apply(
        ChangeBatch(
            grids=tuple(grids),
            workers=tuple(workers),
            positions=tuple(frame.positions.values()),
            tickets=tuple(frame.tickets.values()),
            actions=acks,
            initial=True,
        )
    )
    return store
