"""The change feed where LISTEN is not available: a hot standby, PgBouncer, or told not to.

The standby is real (``pg_standby``: the embedded server's own pg_basebackup, streaming);
rows are written on the primary and must reach the store through the replica.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from gridcommand.db.actions.service import Operator, perform
from gridcommand.db.demo.seed import DISTRICT_CODE, seed_demo
from gridcommand.db.live.feed import POLL_IDLE_S
from gridcommand.db.schema import embedded
from gridcommand.db.schema.engine import Database
from tests.conftest import conninfo
from tests.db.live.feed_harness import FeedHarness
from tests.pgbouncer import pgbouncer, through

NOW = datetime.now(UTC)
DUTY = Operator("duty.pool", "值班员", "supervisor", "district", DISTRICT_CODE)


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_demo(engine, grids=6, random_seed=4, days=1, now=NOW)
    return engine


@pytest.fixture(scope="module")
def bouncer_port(
    pg_server: embedded.EmbeddedServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[int]:
    with pgbouncer(pg_server, Path(tmp_path_factory.mktemp("pgbouncer"))) as port:
        yield port


def _grid_point(engine: Engine) -> tuple[str, float, float]:
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT grid_code, lon, lat FROM tickets WHERE grid_code IS NOT NULL LIMIT 1")
        ).one()
    return row.grid_code, row.lon, row.lat


def _insert(db_url: URL, grid: str, lon: float, lat: float, description: str) -> int:
    with psycopg.connect(conninfo(db_url), autocommit=True) as conn:
        row = conn.execute(
            "INSERT INTO tickets (source, category_code, grid_code, lon, lat, description,"
            " reporter) VALUES ('hotline', '0201', %s, %s, %s, %s, %s) RETURNING id",
            (grid, lon, lat, description, f"caller-{time.monotonic_ns()}"),
        ).fetchone()
    assert row is not None  # INSERT ... RETURNING yields exactly one row
    return int(row[0])


def _arrives_within(h: FeedHarness, db_url: URL, engine: Engine, seconds: float) -> float:
    """Insert on the primary; the seconds until the ticket is in the feed's store."""
    grid, lon, lat = _grid_point(engine)
    started = time.monotonic()
    tid = _insert(db_url, grid, lon, lat, "路灯不亮")
    h.wait_until(lambda s: tid in s.tickets, timeout=seconds)
    assert h.store.tickets[tid].description == "路灯不亮"
    return time.monotonic() - started


def test_the_feed_follows_a_hot_standby_by_polling(
    seeded: Engine, db_url: URL, replica_url: URL
) -> None:
    with FeedHarness(replica_url, write_url=db_url) as h:
        h.wait_until(lambda s: s.loaded)
        assert len(h.store.grids) == 6
        # LISTEN was tried and refused ("during recovery"): the catch-up alone is left.
        assert h.feed.mode == "poll"
        state = h.connected()
        assert (state.state, state.mode, state.replica) == ("connected", "poll", True)
        # Quiet for a while (the poll backs off), then a row on the primary: still prompt.
        time.sleep(2 * POLL_IDLE_S)
        _arrives_within(h, db_url, seeded, 10)  # arrives by polling; the bench measures how fast


def test_rows_refused_on_a_replica_are_recorded_on_the_primary(
    seeded: Engine, db_url: URL, replica_url: URL
) -> None:
    grid, lon, lat = _grid_point(seeded)
    with FeedHarness(replica_url, write_url=db_url) as h:
        h.wait_until(lambda s: s.loaded)
        bad = _insert(db_url, grid, lon, lat, "   ")  # an empty description is refused
        h.wait_until(lambda s: any(r.row_ref == str(bad) for r in s.rejections.values()))
        assert bad not in h.store.tickets
        assert h.feed.is_alive()
    with seeded.connect() as conn:
        recorded = conn.execute(
            text("SELECT reason_code FROM rejected_input WHERE row_ref = :r"), {"r": str(bad)}
        ).scalars()
        assert list(recorded) == ["empty_description"]


def test_a_replica_far_behind_is_reported_with_its_lag(
    seeded: Engine, db_url: URL, replica_url: URL
) -> None:
    with FeedHarness(replica_url, write_url=db_url) as h:
        h.wait_until(lambda s: s.loaded)
        assert h.connected().lag_s is None  # streaming and caught up: nothing to say
        with psycopg.connect(conninfo(replica_url), autocommit=True) as standby:
            standby.execute("SELECT pg_wal_replay_pause()")
            try:
                grid, lon, lat = _grid_point(seeded)
                time.sleep(1.2)  # the last replayed commit is now more than a second old
                tid = _insert(db_url, grid, lon, lat, "水管爆裂")
                deadline = time.monotonic() + 10
                while h.feed.state.lag_s is None and time.monotonic() < deadline:
                    time.sleep(0.05)
                lag = h.feed.state.lag_s
                assert lag is not None and lag >= 1.0
                h.drain()
                assert tid not in h.store.tickets  # not replayed yet: not shown
            finally:
                standby.execute("SELECT pg_wal_replay_resume()")
        h.wait_until(lambda s: tid in s.tickets)
        deadline = time.monotonic() + 10
        while h.feed.state.lag_s is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert h.feed.state.lag_s is None


def test_the_feed_runs_without_listen_when_told(seeded: Engine, db_url: URL) -> None:
    with FeedHarness(db_url, listen=False) as h:
        h.wait_until(lambda s: s.loaded)
        assert h.feed.mode == "poll"
        state = h.connected()
        assert (state.mode, state.replica) == ("poll", False)
        for _ in range(5):  # each arrives by polling alone (how fast: the bench measures)
            _arrives_within(h, db_url, seeded, 10)
        with psycopg.connect(conninfo(db_url), autocommit=True) as conn:
            listening = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name ="
                " 'gridcommand-feed' AND query ILIKE 'LISTEN%%'"
            ).fetchone()
        assert listening == (0,)


def test_the_feed_works_through_pgbouncer_in_transaction_mode(
    seeded: Engine, db_url: URL, bouncer_port: int
) -> None:
    pooled = through(db_url, bouncer_port)
    with psycopg.connect(conninfo(pooled), autocommit=True) as conn:
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()
        assert pid is not None and pid[0] != conn.info.backend_pid  # a pooler in between
    # Left to choose (LISTEN allowed): the feed sees the pooler and polls; more than
    # five catch-ups (psycopg's prepare threshold) pass without a prepared statement.
    with FeedHarness(pooled) as h:
        h.wait_until(lambda s: s.loaded)
        assert h.feed.mode == "poll"
        deadline = time.monotonic() + 10
        while h.feed.catchups <= 6 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert h.feed.catchups > 6
        for _ in range(3):
            _arrives_within(h, db_url, seeded, 10)
        assert h.states[-1].state == "connected"
        assert all(s.state != "reconnecting" for s in h.states)


def test_a_console_told_not_to_listen_acts_through_pgbouncer(
    seeded: Engine, db_url: URL, bouncer_port: int
) -> None:
    """Actions through the pooler: more than psycopg's five uses, never a prepared statement."""
    db = Database(url=through(db_url, bouncer_port), listen=False)
    try:
        with db.engine.connect() as conn:
            assert conn.connection.driver_connection.prepare_threshold is None  # type: ignore[union-attr]
        grid, lon, lat = _grid_point(seeded)
        for n in range(8):
            tid = _insert(db_url, grid, lon, lat, f"井盖缺失 {n}")
            result = perform(db.engine, DUTY, "register", tid, 1)
            assert result.to_status == "registered"
        with seeded.connect() as conn:
            registered = conn.execute(
                text(
                    "SELECT count(*) FROM ticket_actions WHERE action = 'register'"
                    " AND actor LIKE '%duty.pool%'"
                )
            ).scalar_one()
        assert registered == 8
    finally:
        db.close()
