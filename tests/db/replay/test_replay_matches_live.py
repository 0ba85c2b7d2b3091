"""Replay of a recorded stretch equals what the live store held at each moment of it.

The real feed fills a live store while the field simulator reports, walks and
handles cases and the command centre registers, dispatches and acknowledges; at
several moments the test records the store's picture (each ticket's status and
light, each worker's fix and status). Afterwards replay rebuilds each moment
from the database alone, and the pictures must be the same.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import psycopg
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from gridcommand.db.actions.operator import Operator
from gridcommand.db.actions.service import acknowledge, dispatch, register
from gridcommand.db.demo.seed import DISTRICT_CODE, seed_demo
from gridcommand.db.fieldsim.options import SimOptions
from gridcommand.db.fieldsim.runner import run
from gridcommand.db.live.store import StateStore
from gridcommand.db.replay.frame import FrameReader
from gridcommand.db.replay.state import replay_store
from tests.conftest import conninfo
from tests.db.live.feed_harness import FeedHarness

SIM = SimOptions(
    position_interval=0.5,
    tickets_per_minute=300,
    random_seed=5,
    speed=3000,
    handler_poll=0.3,
)
DUTY = Operator("li.na", "李娜", "supervisor", "district", DISTRICT_CODE)

Picture = tuple[dict[int, tuple[str, str]], dict[str, tuple[int, str]]]


def picture(store: StateStore) -> Picture:
    """Every ticket's status and light, every worker's fix and status, as shown."""
    tickets = {i: (t.status, store.ticket_time_state(i)) for i, t in store.tickets.items()}
    workers = {
        code: (s.position.id, s.status)
        for code, s in store.workers.items()
        if s.position is not None
    }
    return tickets, workers


def _stopped(at: datetime) -> Callable[[], datetime]:
    return lambda: at


def _database_now(info: str) -> dict[str, Any]:
    """What the database holds now: open tickets' (status, version), latest fixes."""
    with psycopg.connect(info) as conn:
        tickets = dict(
            (r[0], (r[1], r[2]))
            for r in conn.execute(
                "SELECT id, status, version FROM tickets t WHERE status NOT IN"
                " ('closed', 'rejected') AND NOT EXISTS (SELECT FROM rejected_input r"
                " WHERE r.source_table = 'tickets' AND r.row_ref = t.id::text"
                " AND r.resolved_at IS NULL)"
            )
        )
        fixes: dict[str, int] = dict(
            conn.execute(
                "SELECT DISTINCT ON (worker_code) worker_code, id FROM worker_positions"
                " ORDER BY worker_code, recorded_at DESC, id DESC"
            ).fetchall()
        )
    return {"tickets": tickets, "fixes": fixes}


def _caught_up(store: StateStore, info: str) -> bool:
    now = _database_now(info)
    tickets = {i: (t.status, t.version) for i, t in store.tickets.items() if t.is_open}
    fixes = {c: s.position.id for c, s in store.workers.items() if s.position is not None}
    return tickets == now["tickets"] and fixes == now["fixes"]


def _command_centre_acts(engine: Engine) -> int:
    """Register two new reports, dispatch one, acknowledge one: traced actions of the desk."""
    acted = 0
    with engine.connect() as conn:
        reported = conn.execute(
            text("SELECT id, version FROM tickets WHERE status = 'reported' ORDER BY id LIMIT 3")
        ).all()
    for ticket_id, version in reported[:2]:
        register(engine, DUTY, ticket_id, version)
        acted += 1
    if len(reported) > 2:
        acknowledge(engine, DUTY, reported[2].id, reported[2].version)
        acted += 1
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT t.id, t.version, w.code FROM tickets t JOIN workers w"
                " ON w.grid_code = t.grid_code AND w.role = 'full_time' AND w.active"
                " WHERE t.status = 'registered' ORDER BY t.id LIMIT 1"
            )
        ).first()
    if row is not None:
        dispatch(engine, DUTY, row.id, row.version, worker_code=row.code)
        acted += 1
    return acted


def test_replay_of_a_recorded_stretch_equals_the_live_store(engine: Engine, db_url: URL) -> None:
    seed_demo(engine, grids=12, random_seed=2, days=1)
    info = conninfo(db_url)
    recorded: list[tuple[datetime, Picture]] = []
    acted = 0
    with FeedHarness(db_url, poll_interval=0.2) as live:
        live.wait_until(lambda s: s.loaded)
        for _ in range(4):
            run(info, SIM, duration=1.5)
            acted += _command_centre_acts(engine)
            live.wait_until(lambda s: _caught_up(s, info))
            # A moment strictly after the last write and before the next one.
            time.sleep(0.05)
            at = datetime.now(UTC)
            live.store.clock = _stopped(at)
            recorded.append((at, picture(live.store)))
            time.sleep(0.05)
        grids = dict(live.store.grids)
        workers = [s.record for s in live.store.workers.values()]

    assert acted >= 4
    reader = FrameReader(engine, grids)
    first_tickets, first_workers = recorded[0][1]
    last_tickets, last_workers = recorded[-1][1]
    # The stretch really changed things: cases moved on, workers walked.
    assert first_tickets != last_tickets
    assert first_workers != last_workers
    first_open = {i for i, v in first_tickets.items() if v[1] != "closed"}
    lights = {light for _, (tickets, _) in recorded for _, light in tickets.values()}
    assert {"green", "closed"} <= lights

    frames = [reader.frame(at) for at, _ in recorded]
    # Moving from one moment to the next (on, then back) reads only what may differ,
    # and gives the same moment as reading it whole.
    hop = frames[0]
    for whole in [*frames[1:], *frames[-2::-1]]:
        hop = reader.frame(whole.at, since=hop)
        assert hop == whole, whole.at

    for (at, (tickets, fixes)), frame in zip(recorded, frames, strict=True):
        replayed_tickets, replayed_fixes = picture(replay_store(frame, grids.values(), workers))
        open_live = {i: v for i, v in tickets.items() if v[1] != "closed"}
        open_replayed = {i: v for i, v in replayed_tickets.items() if v[1] != "closed"}
        assert open_replayed == open_live, at
        # A case the live store showed closed is closed (or already gone) in the replay.
        for i in (i for i, v in tickets.items() if v[1] == "closed"):
            assert replayed_tickets.get(i, ("closed", "closed"))[1] == "closed", (at, i)
        # Cases closed during the stretch are in both, closed.
        closed_during = {i for i, v in tickets.items() if v[1] == "closed" and i not in first_open}
        assert closed_during <= set(replayed_tickets), at
        assert replayed_fixes == fixes, at
