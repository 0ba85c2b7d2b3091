"""The simulator's main loop: a fixed tick on a virtual clock, paced to real time.

Every tick does the same things in the same order (walk and send fixes, send the
reports that are due, restore broken grids, let handlers act), and the virtual
clock advances exactly one tick each time, so a given ``--random-seed`` and
``--duration`` give the same writes however busy the machine is: a slow tick only
delays the next one. Rows carry the database's own time of writing.
"""

from __future__ import annotations

import logging
import math
import os
import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from gridcommand.db.fieldsim.badrows import Spoiler
from gridcommand.db.fieldsim.contract import FieldWriter, NewReport, WriteStats
from gridcommand.db.fieldsim.handlers import Handlers
from gridcommand.db.fieldsim.options import SimOptions
from gridcommand.db.fieldsim.tickets import ReportMaker
from gridcommand.db.fieldsim.walkers import Patrols
from gridcommand.db.fieldsim.world import World, load_world, restore_broken_grids
from gridcommand.db.schema.errors import UserFacingError

log = logging.getLogger(__name__)

MAX_TICK = 0.5
STATUS_EVERY = 60.0
RECONNECT_WAIT = 3.0


def tick_seconds(options: SimOptions) -> float:
    return min(MAX_TICK, options.position_interval / 2)


def connect(conninfo: str) -> psycopg.Connection[Any]:
    return psycopg.connect(
        conninfo, autocommit=True, connect_timeout=5, application_name="gridcommand-simulate"
    )


class Simulation:
    """One run against one database: the world, its walkers, reporters and handlers."""

    def __init__(self, conn: psycopg.Connection[Any], options: SimOptions, start: datetime):
        self.options = options
        self.stats = WriteStats(journal=[] if options.journal else None)
        self.writer = FieldWriter(conn, self.stats)
        restore_broken_grids(conn)
        self.world: World = load_world(conn)
        if not self.world.grids or not self.world.categories:
            raise UserFacingError(
                "The database has no grids or no item types to simulate; "
                "run 'gridcommand seed' or 'gridcommand import-grids' first."
            )
        seed = options.random_seed
        areas = {code: g.geometry for code, g in self.world.grids.items()}
        workers = [(w.code, w.role, w.grid_code) for w in self.world.workers]
        self.patrols = Patrols(workers, areas, options, random.Random(f"{seed}-patrols"), start)
        run_tag = f"{start:%y%m%d%H%M%S}{os.getpid() % 1000:03d}"
        self.reports = ReportMaker(
            self.world,
            self.patrols,
            options,
            random.Random(f"{seed}-reports"),
            start,
            run_tag,
        )
        self.handlers = Handlers(
            self.writer,
            self.patrols,
            {w.code for w in self.world.workers},
            options,
            random.Random(f"{seed}-handlers"),
        )
        self.spoiler = Spoiler(self.world, options.bad_rows, random.Random(f"{seed}-bad"))
        self.broken: dict[str, datetime] = {}
        self.poll_every = timedelta(seconds=max(tick_seconds(options), options.handler_poll))
        self.next_poll = start

    def tick(self, now: datetime) -> None:
        self._positions(now)
        for report in self.reports.due(now):
            self._report(report, now)
        for code, until in list(self.broken.items()):
            if until <= now:
                self.writer.restore_grid(code)
                del self.broken[code]
        if now >= self.next_poll:
            self.handlers.poll(self.writer.conn, now)
            self.next_poll = now + self.poll_every
        self.handlers.step(now)

    def _positions(self, now: datetime) -> None:
        good = []
        for f in self.patrols.step(now):
            fix = (f.worker_code, f.lon, f.lat, f.accuracy_m)
            if self.spoiler.hit():
                self.writer.bad_position(*self.spoiler.position(fix))
            else:
                good.append(fix)
        self.writer.positions(good)

    def _report(self, report: NewReport, now: datetime) -> None:
        if not self.spoiler.hit():
            self.writer.report(report)
            self.spoiler.remember(report)
            return
        spoiled, kind = self.spoiler.report(report)
        if kind != "broken_geojson":
            self.writer.report(spoiled)
            return
        code, broken = self.spoiler.broken_boundary()
        if code not in self.broken and self.writer.break_grid(code, broken):
            self.broken[code] = now + timedelta(seconds=self.options.broken_grid_seconds)

    def restore_all(self) -> None:
        for code in list(self.broken):
            self.writer.restore_grid(code)
            del self.broken[code]


def run(
    conninfo: str,
    options: SimOptions,
    stop: threading.Event | None = None,
    duration: float | None = None,
    status: Callable[[str], None] | None = None,
) -> WriteStats:
    """Simulate until ``stop`` is set or ``duration`` seconds have passed; the counts."""
    stop = stop or threading.Event()
    say = status or log.info
    step = tick_seconds(options)
    ticks = math.ceil(duration / step) if duration is not None else None
    start = datetime.now(UTC)
    began = time.monotonic()
    try:
        conn = connect(conninfo)
    except psycopg.OperationalError as exc:
        detail = str(exc).strip().splitlines()[0].rstrip(".") if str(exc).strip() else "no answer"
        raise UserFacingError(f"The simulator cannot reach the database: {detail}.") from None
    sim = Simulation(conn, options, start)
    say(
        f"simulating {len(sim.world.grids)} grids, {len(sim.patrols.walkers)} workers on patrol, "
        f"{options.tickets_per_minute:g} reports a minute, speed ×{options.speed:g}"
    )
    k = 0
    last_status = began
    try:
        while not stop.is_set() and (ticks is None or k < ticks):
            k += 1
            try:
                sim.tick(start + timedelta(seconds=k * step))
            except psycopg.OperationalError as exc:
                log.warning("lost the database (%s); retrying", str(exc).strip())
                if stop.wait(RECONNECT_WAIT):
                    break
                sim.writer.conn = _reconnect(conninfo, sim.writer.conn)
            if time.monotonic() - last_status >= STATUS_EVERY:
                last_status = time.monotonic()
                say(sim.stats.summary())
            stop.wait(max(0.0, began + k * step - time.monotonic()))
    finally:
        try:
            sim.restore_all()
        except psycopg.Error as exc:
            log.warning("could not restore broken grids (restored on next start): %s", exc)
        sim.writer.conn.close()
    say(f"stopped after {time.monotonic() - began:.1f} s: {sim.stats.summary()}")
    return sim.stats


def _reconnect(conninfo: str, old: psycopg.Connection[Any]) -> psycopg.Connection[Any]:
    try:
        old.close()
        return connect(conninfo)
    except psycopg.OperationalError:
        return old
