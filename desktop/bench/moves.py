"""One batch of worker moves through the real path: store, views, diff builder, bridge.

The batch is applied on the live thread exactly as a feed batch is (the store, its
subscribers: the map's diff building there, the views' deliveries on the GUI
thread), so the figure includes what the other panels do with the same moves.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from gridcommand.db.live.records import ChangeBatch, PositionRecord
from gridcommand.desktop.bench.pump import pump_until
from gridcommand.desktop.wiring import WindowSession

STEP_DEG = 0.0004  # about 40 m: a worker walking for half a minute


@dataclass
class MoveTiming:
    moves: int
    store_ms: float
    views_ms: float
    sent_at: float
    started_at: float


def move_batch(session: WindowSession, count: int, serial: int) -> ChangeBatch:
    """New fixes for up to ``count`` workers that are on the map now."""
    now = session.store.clock()
    positions = []
    for n, state in enumerate(s for s in session.store.workers.values() if s.position):
        if n >= count:
            break
        p = state.position
        assert p is not None
        sign = 1 if serial % 2 else -1
        positions.append(
            PositionRecord(
                id=-(serial * 1_000_000 + n + 1),
                worker_code=p.worker_code,
                recorded_at=now,
                lon=p.lon + sign * STEP_DEG,
                lat=p.lat + sign * STEP_DEG / 2,
                accuracy_m=p.accuracy_m,
                source="bench",
            )
        )
    return ChangeBatch(positions=tuple(positions))


def apply_batch(session: WindowSession, batch: ChangeBatch) -> MoveTiming:
    """Apply on the live thread, in order with the feed's batches; the page confirms later."""
    started = time.perf_counter()
    stored: list[float] = []

    def apply() -> None:
        session.live.apply(batch)
        stored.append(time.perf_counter())

    session.live.worker.call(apply)
    pump_until(lambda: bool(stored), 120, "the live thread to apply the batch")
    if session.map is not None:
        # Live moves leave for the page a canvas at a time within two seconds, by design;
        # this measures what the batch costs, so it sends every canvas's share now.
        session.map.send_held_workers()
    # The live thread runs jobs in order and their results come back in order: when this
    # marker's result arrives, the batch's diff text has been handed to the page.
    sent_marker: list[bool] = []
    session.live.worker.submit(lambda: None, lambda _: sent_marker.append(True))
    pump_until(lambda: bool(sent_marker), 120, "the batch's diff to be sent")
    sent = time.perf_counter()
    return MoveTiming(
        moves=len(batch.positions),
        store_ms=(stored[0] - started) * 1000,
        views_ms=(sent - stored[0]) * 1000,
        sent_at=sent,
        started_at=started,
    )
