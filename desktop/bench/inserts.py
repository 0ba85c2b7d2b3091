"""Tickets written at a steady rate from a connection of their own, as a hotline would.

Each inserter writes as a reporter of its own (``reporter`` and the insert's number): the
console sets aside a report with the same place, category, source and reporter within 10
minutes as a duplicate (db/live/validation.py), and two phases of one bench run drawing
the same place at random once made the replica phase's point "missing".

The thread never touches Qt objects, not even to emit: it records the time just
before each INSERT and puts the new id on a ``Handoff`` (maps/handoff.py), which
delivers it on the GUI thread. The latency is measured from
``started_at``, so the drain's delay can only make a figure worse, never better.
"""

from __future__ import annotations

import threading
import time

import psycopg
from PySide6.QtCore import QObject, Signal

from gridcommand.maps.handoff import Handoff

PLACES = (
    "SELECT grid_code, lon, lat FROM tickets WHERE lon IS NOT NULL AND grid_code IS NOT NULL"
    " ORDER BY random() LIMIT %s"
)
INSERT = (
    "INSERT INTO tickets (source, category_code, grid_code, lon, lat, description, reporter)"
    " VALUES ('hotline', '0201', %s, %s, %s, %s, %s) RETURNING id"
)


class Inserter(QObject):
    """``inserted(id)`` arrives on the GUI thread; ``started_at[id]`` is the clock before it."""

    inserted = Signal(int)
    finished = Signal()

    def __init__(self, conninfo: str, count: int, per_second: float, reporter: str) -> None:
        super().__init__()
        self.conninfo = conninfo
        self.reporter = reporter
        self.count = count
        self.per_second = per_second
        self.started_at: dict[int, float] = {}
        #: The wall clock (``time.time()``) just before each INSERT, to compare with the
        #: page's own ``Date.now()`` stamps (the same clock, on the same machine).
        self.started_wall: dict[int, float] = {}
        self.commit_ms: list[float] = []
        self.error: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-inserts", daemon=True)
        self._ids: Handoff[int | None] = Handoff(self._on_id, self)  # None: the end

    def start(self) -> None:
        self._ids.open()
        self._thread.start()

    def _on_id(self, ticket_id: int | None) -> None:
        if ticket_id is None:
            self._ids.close()
            self.finished.emit()
        else:
            self.inserted.emit(ticket_id)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        try:
            with psycopg.connect(self.conninfo, autocommit=True) as conn:
                places = conn.execute(PLACES, (self.count,)).fetchall()
                if not places:
                    raise RuntimeError("the seeded city has no located tickets to copy from")
                begin = time.perf_counter()
                for n in range(self.count):
                    due = begin + n / self.per_second
                    if self._stop.wait(max(0.0, due - time.perf_counter())):
                        break
                    grid, lon, lat = places[n % len(places)]
                    before, wall = time.perf_counter(), time.time()
                    row = conn.execute(
                        INSERT, (grid, lon, lat, f"基准测试 {n}: 井盖缺失", f"{self.reporter}-{n}")
                    ).fetchone()
                    after = time.perf_counter()
                    assert row is not None
                    self.started_at[int(row[0])] = before
                    self.started_wall[int(row[0])] = wall
                    self.commit_ms.append((after - before) * 1000)
                    self._ids.put(int(row[0]))
        except Exception as exc:  # reported in the results, not swallowed
            self.error = f"{type(exc).__name__}: {exc}"
        self._ids.put(None)
