"""One batch of worker moves through the real path: store, views, dots, bridge.

The batch is applied on the live thread exactly as a feed batch is (the store, its
subscribers, the views' deliveries on the GUI thread), so the figure includes what
the other panels do with the same moves; and to the dots in the feed's process,
whose texts come back through the relay to the page.
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

    panel = session.map
    # The dots are built in the feed's process: the batch goes there as well, as the
    # feed's fixes do, and every canvas comes back at once (live moves leave a canvas at
    # a time within two seconds, by design; this measures what the batch costs).
    serial = session.live.move_dots(batch) if panel is not None else 0
    session.live.worker.call(apply)
    pump_until(lambda: bool(stored), 120, "the live thread to apply the batch")
    if panel is not None:
        pump_until(lambda: panel.dots_answered >= serial, 120, "the batch's dots to be sent")
    sent = time.perf_counter()
    return MoveTiming(
        moves=len(batch.positions),
        store_ms=(stored[0] - started) * 1000,
        views_ms=(sent - stored[0]) * 1000,
        sent_at=sent,
        started_at=started,
    )
