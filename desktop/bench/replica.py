"""The replica path: INSERT on the primary → point on a window fed from a hot standby.

A real streaming standby of the bench's city (``db/schema/standby.py``: the embedded
server's own pg_basebackup) is started after the main measurements; a second window
reads it (``--read-replica``: LISTEN is refused there, so the feed polls) while tickets
are inserted on the primary at the same rate as the main INSERT → point figure.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import psycopg
from PySide6.QtCore import QCoreApplication, QEvent, QSettings

from gridcommand.db.live.store import StoreChanges
from gridcommand.db.schema.embedded import DATABASE_NAME
from gridcommand.db.schema.engine import Database
from gridcommand.db.schema.standby import start_standby
from gridcommand.desktop.bench.city import City
from gridcommand.desktop.bench.inserts import Inserter
from gridcommand.desktop.bench.meters import PointWatch, percentile, tickets_refused
from gridcommand.desktop.bench.pump import ask_page, pump_for, pump_until
from gridcommand.desktop.bench.run import SETTLE_TIMEOUT_S, started_up
from gridcommand.desktop.main_window import MainWindow
from gridcommand.desktop.wiring import wire_window

INSERTS_PER_SECOND = 5.0
POINT_TIMEOUT_S = 20.0
CONNECTIONS = (
    "SELECT coalesce(nullif(application_name, ''), '(none)') AS app, count(*)"
    " FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
    " GROUP BY 1 ORDER BY 1"
)


@dataclass
class ReplicaFigures:
    insert_ms: list[float] = field(default_factory=list)
    insert_to_store_ms: list[float] = field(default_factory=list)
    missed: int = 0
    #: Of the missed points, how many reached the replica-fed store (so the page, not
    #: the standby or the feed, lost them).
    missed_in_store: int = 0
    #: Of the missed points, the ones the console set aside, by reason (a bench that
    #: writes a duplicate report is wrong, not the replica).
    refused: dict[str, int] = field(default_factory=dict)
    standby_s: float = 0.0
    startup_s: float = 0.0
    #: Window opened → its start-up work done, as the main window's ``settle_s``: the
    #: points are timed after it, so they measure the replica path, not the start-up.
    settle_s: float = 0.0
    mode: str = ""
    catchups: int = 0
    catchup_ms_mean: float = 0.0
    polls_per_s: float = 0.0
    #: The replica-fed console's connections by application name: on the standby (the
    #: feed, the read pool) and on the primary (the write pool).
    connections: dict[str, dict[str, int]] = field(default_factory=dict)
    error: str | None = None

    def summary(self) -> dict[str, Any]:
        def spread(values: list[float]) -> dict[str, float]:
            return {f"p{p}": round(percentile(values, p / 100), 1) for p in (50, 95, 99)}

        return {
            "insert_to_point_ms": spread(self.insert_ms),
            "insert_to_store_ms": spread(self.insert_to_store_ms),
            "inserts": len(self.insert_ms) + self.missed,
            "inserts_missed": self.missed,
            "inserts_missed_in_store": self.missed_in_store,
            "inserts_refused": self.refused,
            "error": self.error,
            "standby_start_s": round(self.standby_s, 1),
            "startup_s": round(self.startup_s, 1),
            "settle_s": round(self.settle_s, 1),
            "feed_mode": self.mode,
            "catchups": self.catchups,
            "catchup_ms_mean": round(self.catchup_ms_mean, 2),
            "polls_per_s": round(self.polls_per_s, 2),
            "connections": self.connections,
        }


def measure_replica(city: City, inserts: int, size: tuple[int, int]) -> ReplicaFigures:
    figures = ReplicaFigures()
    started = time.monotonic()
    standby = start_standby(city.server, Path(tempfile.mkdtemp(prefix="gridcommand-standby-")))
    scratch = tempfile.TemporaryDirectory(prefix="gridcommand-bench-replica-")
    try:
        standby.wait_for(DATABASE_NAME)
        figures.standby_s = time.monotonic() - started
        layout = QSettings(str(Path(scratch.name) / "layout.ini"), QSettings.Format.IniFormat)
        window = MainWindow(layout, "(bench, replica)")
        db = Database(url=city.url, replica_url=standby.url())
        opened = time.monotonic()
        session = wire_window(window, db, map_probes=True)
        try:
            panel, store = session.map, session.store
            assert panel is not None
            window.resize(*size)
            window.show()
            pump_until(lambda: store.loaded and panel.is_ready, 900, "the replica's window")
            grids = len(store.grids)
            pump_until(
                lambda: (ask_page(panel, "gridmap.counts().grids") or 0) >= grids,
                300,
                "the replica's page to draw every grid",
            )
            figures.startup_s = time.monotonic() - opened
            pump_until(partial(started_up, session), SETTLE_TIMEOUT_S, "the replica's start-up")
            figures.settle_s = time.monotonic() - opened
            pump_for(3.0)
            figures.mode = session.live.feed.mode
            _measure(city, session, inserts, figures, window)
            pool = db.engine.pool
            figures.connections = {
                "standby": _connections(standby.url()),
                # The console's own pool on the primary (actions, the operator's scope).
                "primary": {"gridcommand": pool.checkedin() + pool.checkedout()},  # type: ignore[attr-defined]
            }
        finally:
            session.stop()
            window.close()
            window.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            db.close()
    finally:
        standby.stop()
        scratch.cleanup()
    return figures


def _measure(
    city: City, session: Any, count: int, figures: ReplicaFigures, window: MainWindow
) -> None:
    panel = session.map
    feed = session.live.feed
    seen: dict[int, float] = {}
    refused: dict[int, str] = {}

    def note(changes: StoreChanges) -> None:
        now = time.perf_counter()
        for ticket in changes.tickets.added:
            seen.setdefault(ticket.id, now)
        refused.update(tickets_refused(changes))

    unsubscribe = session.store.subscribe(note, ["tickets", "rejections"])
    watch = PointWatch(panel, window)
    inserter = Inserter(city.conninfo, count, INSERTS_PER_SECOND, "bench-replica")
    inserter.inserted.connect(watch.watch)
    done: list[bool] = []
    inserter.finished.connect(lambda: done.append(True))
    polls_before, cost_before, clock = feed.catchups, feed.catchup_s, time.monotonic()
    inserter.start()
    pump_until(lambda: bool(done), count / INSERTS_PER_SECOND * 3 + 60, "the replica's tickets")
    try:
        pump_until(lambda: not watch.waiting, POINT_TIMEOUT_S, "the replica's last points")
    except Exception:
        figures.error = f"{len(watch.waiting)} points never appeared through the replica"
    watch.stop()
    inserter.stop()
    unsubscribe()
    polls = feed.catchups - polls_before
    figures.catchups = polls
    figures.catchup_ms_mean = (feed.catchup_s - cost_before) * 1000 / polls if polls else 0.0
    figures.polls_per_s = polls / max(time.monotonic() - clock, 1e-9)
    if inserter.error:
        figures.error = f"inserts stopped: {inserter.error}"
    for ticket_id, before in inserter.started_at.items():
        if ticket_id in watch.drawn_ms:
            wall = inserter.started_wall[ticket_id] * 1000
            figures.insert_ms.append(watch.drawn_ms[ticket_id] - wall)
        else:
            figures.missed += 1
            figures.missed_in_store += ticket_id in seen
            if ticket_id in refused:
                reason = refused[ticket_id]
                figures.refused[reason] = figures.refused.get(reason, 0) + 1
        if ticket_id in seen:
            figures.insert_to_store_ms.append((seen[ticket_id] - before) * 1000)


def _connections(url: Any) -> dict[str, int]:
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        return {str(app): int(n) for app, n in conn.execute(CONNECTIONS)}
