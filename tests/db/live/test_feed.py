"""The change feed against a real PostgreSQL: nothing missed, nothing stops it."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from gridcommand.db.demo.seed import seed_demo
from gridcommand.db.live import queries as q
from gridcommand.db.live.store import StateStore
from gridcommand.db.schema import embedded
from gridcommand.db.schema.engine import make_engine
from gridcommand.db.schema.migrate import upgrade
from tests.conftest import conninfo
from tests.db.live.feed_harness import FeedHarness

NOW = datetime.now(UTC)


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_demo(engine, grids=12, random_seed=2, days=1, now=NOW)
    return engine


def _grid_point(engine: Engine) -> tuple[str, float, float]:
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT grid_code, lon, lat FROM tickets WHERE grid_code IS NOT NULL"
                " ORDER BY id LIMIT 1"
            )
        ).one()
    return row.grid_code, row.lon, row.lat


def _insert_ticket(
    conn: psycopg.Connection, grid: str, lon: float, lat: float, **kw: object
) -> int:
    fields = {
        "source": "patrol",
        "category_code": "0201",
        "grid_code": grid,
        "lon": lon,
        "lat": lat,
        "description": "井盖缺失，请处理",
        "reporter": "W000001",
    }
    fields.update(kw)
    cols = ", ".join(fields)
    marks = ", ".join(f"%({k})s" for k in fields)
    row = conn.execute(
        f"INSERT INTO tickets ({cols}) VALUES ({marks}) RETURNING id", fields
    ).fetchone()
    assert row is not None  # INSERT ... RETURNING yields exactly one row
    return row[0]


def test_a_row_written_elsewhere_reaches_the_store(seeded: Engine, db_url: URL) -> None:
    grid, lon, lat = _grid_point(seeded)
    with FeedHarness(db_url) as h:
        h.wait_until(lambda s: s.loaded)
        assert len(h.store.grids) == 12
        with psycopg.connect(conninfo(db_url), autocommit=True) as conn:
            tid = _insert_ticket(conn, grid, lon, lat, description="路灯不亮")
        h.wait_until(lambda s: tid in s.tickets)
        assert h.store.tickets[tid].description == "路灯不亮"
        assert h.states[-1].state == "connected"


def test_a_burst_of_5000_inserts_all_arrive_in_order_per_ticket(
    seeded: Engine, db_url: URL
) -> None:
    grid, lon, lat = _grid_point(seeded)
    with FeedHarness(db_url) as h:
        h.wait_until(lambda s: s.loaded)
        ids: list[int] = []
        with psycopg.connect(conninfo(db_url)) as conn:
            for burst in range(50):
                with conn.transaction():
                    ids.extend(
                        _insert_ticket(conn, grid, lon + i * 1e-6, lat, reporter=f"r{burst}-{i}")
                        for i in range(100)
                    )
            for status in ("registered", "dispatched"):
                with conn.transaction():
                    conn.execute(
                        "UPDATE tickets SET status = %s WHERE id = ANY(%s)", (status, ids[:500])
                    )
        h.wait_until(
            lambda s: (
                all(i in s.tickets for i in ids)
                and all(s.tickets[i].status == "dispatched" for i in ids[:500])
            ),
            timeout=60,
        )
        seen_versions: dict[int, list[int]] = {}
        for batch in h.history:
            for t in batch.tickets:
                seen_versions.setdefault(t.id, []).append(t.version)
        for ticket_id in ids[:500]:
            versions = seen_versions[ticket_id]
            assert versions == sorted(versions), (ticket_id, versions)
        assert not h.store.rejections  # good rows are never refused


def test_catch_up_finds_rows_without_notifications(seeded: Engine, db_url: URL) -> None:
    grid, lon, lat = _grid_point(seeded)
    with seeded.begin() as conn:
        conn.execute(text("DROP TRIGGER gc_notify_change ON tickets"))
    with FeedHarness(db_url, poll_interval=0.3) as h:
        h.wait_until(lambda s: s.loaded)
        with psycopg.connect(conninfo(db_url), autocommit=True) as conn:
            tid = _insert_ticket(conn, grid, lon, lat)
        h.wait_until(lambda s: tid in s.tickets)


def test_store_matches_the_database_after_a_server_restart(tmp_path: Path) -> None:
    server = embedded.start(tmp_path, delete_on_exit=True)
    try:
        url = server.url()
        engine = make_engine(url)
        upgrade(engine)
        seed_demo(engine, grids=8, random_seed=4, days=1, now=NOW)
        grid, lon, lat = _grid_point(engine)
        stop = threading.Event()
        written: list[int] = []

        def writer() -> None:
            while not stop.is_set():
                try:
                    with psycopg.connect(conninfo(url), autocommit=True, connect_timeout=2) as c:
                        while not stop.is_set():
                            written.append(
                                _insert_ticket(c, grid, lon, lat, reporter=f"w{len(written)}")
                            )
                            time.sleep(0.01)
                except psycopg.Error:
                    time.sleep(0.1)  # the server is restarting; a tablet would retry

        with FeedHarness(url) as h:
            h.wait_until(lambda s: s.loaded)
            thread = threading.Thread(target=writer)
            thread.start()
            time.sleep(1.0)
            server.restart()
            time.sleep(1.5)
            stop.set()
            thread.join()
            with engine.connect() as conn:
                in_db = set(
                    conn.execute(
                        text(
                            "SELECT id FROM tickets WHERE status NOT IN ('closed','rejected')"
                            " OR closed_at >= now() - interval '24 hours'"
                        )
                    ).scalars()
                )
            h.wait_until(lambda s: set(s.tickets) == in_db, timeout=30)
            assert set(written) <= in_db
            assert any(state.state == "reconnecting" for state in h.states)
            assert h.states[-1].state == "connected"
        engine.dispose()
    finally:
        server.release()


BAD_KINDS = st.sampled_from(
    ["swapped", "outside", "empty", "huge", "duplicate", "no_location", "unknown_grid_layer"]
)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(kinds=st.lists(BAD_KINDS, min_size=1, max_size=8), jitter=st.floats(0.0, 0.001))
def test_a_flood_of_malformed_rows_is_refused_and_listed(
    seeded: Engine, db_url: URL, kinds: list[str], jitter: float
) -> None:
    grid, lon, lat = _grid_point(seeded)
    with seeded.connect() as conn:
        boundary = conn.execute(
            text("SELECT boundary::text FROM grids WHERE code = :c"), {"c": grid}
        ).scalar_one()
    try:
        _flood(db_url, grid, lon, lat, kinds, jitter)
    finally:  # hypothesis examples share the database: leave the grid as it was
        with seeded.begin() as conn:
            conn.execute(
                text("UPDATE grids SET boundary = CAST(:b AS jsonb) WHERE code = :c"),
                {"b": boundary, "c": grid},
            )


def _flood(db_url: URL, grid: str, lon: float, lat: float, kinds: list[str], jitter: float) -> None:
    with FeedHarness(db_url) as h:
        h.wait_until(lambda s: s.loaded)
        bad: list[int] = []
        with psycopg.connect(conninfo(db_url), autocommit=True) as conn:
            for n, kind in enumerate(kinds):
                tag = f"{time.monotonic_ns()}-{n}"
                if kind == "swapped":
                    # Here latitude 113 is impossible: the database itself refuses the row
                    # and the tablet is told; nothing reaches the feed.
                    with pytest.raises(psycopg.errors.CheckViolation):
                        _insert_ticket(conn, None, lat, lon + jitter, reporter=tag)  # type: ignore[arg-type]
                elif kind == "outside":
                    bad.append(_insert_ticket(conn, None, lon + 1.5, lat + jitter, reporter=tag))  # type: ignore[arg-type]
                elif kind == "empty":
                    bad.append(_insert_ticket(conn, grid, lon, lat, description="  ", reporter=tag))
                elif kind == "huge":
                    bad.append(
                        _insert_ticket(
                            conn, grid, lon, lat, description="长" * 1_000_000, reporter=tag
                        )
                    )
                elif kind == "duplicate":
                    first = _insert_ticket(conn, grid, lon + jitter, lat, reporter=tag)

                    def has_first(s: StateStore, f: int = first) -> bool:
                        return f in s.tickets

                    h.wait_until(has_first)
                    bad.append(_insert_ticket(conn, grid, lon + jitter, lat, reporter=tag))
                elif kind == "no_location":
                    bad.append(_insert_ticket(conn, None, None, None, reporter=tag))  # type: ignore[arg-type]
                else:
                    conn.execute(
                        "UPDATE grids SET boundary = %s::jsonb WHERE code = %s",
                        ('{"type": "Polygon", "coordinates": [[1, 2]]}', grid),
                    )
            good = _insert_ticket(conn, grid, lon, lat, reporter=f"good-{time.monotonic_ns()}")
        refused_refs = lambda s: {r.row_ref for r in s.rejections.values()}  # noqa: E731
        h.wait_until(lambda s: good in s.tickets and {str(b) for b in bad} <= refused_refs(s))
        assert not any(b in h.store.tickets for b in bad)
        if "unknown_grid_layer" in kinds:
            h.wait_until(lambda s: grid in refused_refs(s))
            assert h.store.grids[grid].boundary["type"] == "Polygon"  # the good boundary stays
        assert h.feed.is_alive()


def test_the_first_load_reads_each_workers_latest_fix_through_the_index(
    seeded: Engine, db_url: URL
) -> None:
    """A month of a city's fixes is hundreds of millions of rows: the first load must
    probe the (worker, time) index once per worker, never read and sort the table."""
    with psycopg.connect(conninfo(db_url), autocommit=True) as conn:
        worker = conn.execute("SELECT code FROM workers ORDER BY code LIMIT 1").fetchone()
        assert worker is not None
        conn.execute(
            "INSERT INTO worker_positions (worker_code, lon, lat, recorded_at)"
            " SELECT %s, 113.38, 22.93, now() - make_interval(secs => n)"
            " FROM generate_series(1, 20000) n",
            (worker[0],),
        )
        conn.execute("ANALYZE worker_positions")
        plan = "\n".join(r[0] for r in conn.execute("EXPLAIN " + q.LATEST_POSITIONS))
        newest = {
            row[1]: row[0]
            for row in conn.execute(
                "SELECT DISTINCT ON (worker_code) id, worker_code FROM worker_positions"
                " ORDER BY worker_code, recorded_at DESC, id DESC"
            )
        }
        known = {r[0] for r in conn.execute("SELECT code FROM workers")}
    # Probed by worker (an index condition), not the whole index or table read in order.
    assert "ix_worker_positions_worker_time" in plan and "Index Cond: ((worker_code)" in plan
    assert "Seq Scan on worker_positions" not in plan
    with FeedHarness(db_url) as h:
        h.wait_until(lambda s: s.loaded)
        loaded = {
            code: s.position.id for code, s in h.store.workers.items() if s.position is not None
        }
    assert loaded == {code: pid for code, pid in newest.items() if code in known}


def test_the_outline_cases_and_workers_arrive_before_the_fixes_are_read(
    seeded: Engine, db_url: URL
) -> None:
    """Each worker's latest fix is the first load's longest read on a database that
    keeps weeks of fixes: the grids, the cases and the workers reach the store first.
    A lock on the fixes' table holds that read back for as long as the test needs."""
    with seeded.connect() as conn:
        grids = conn.scalar(text("SELECT count(*) FROM grids"))
        workers = conn.scalar(text("SELECT count(*) FROM workers"))
        placed = conn.scalar(text("SELECT count(DISTINCT worker_code) FROM worker_positions"))
        cases = conn.scalar(
            text(
                "SELECT count(*) FROM tickets WHERE status NOT IN ('closed', 'rejected')"
                " OR closed_at >= now() - interval '24 hours'"
            )
        )
    assert grids and workers and placed and cases
    with psycopg.connect(conninfo(db_url)) as locker:
        locker.execute("LOCK TABLE worker_positions IN ACCESS EXCLUSIVE MODE")
        with FeedHarness(db_url) as h:
            h.wait_until(lambda s: len(s.grids) == grids and len(s.workers) == workers)
            assert h.store.tickets  # the open cases came with them
            assert not h.store.loaded
            assert all(s.position is None for s in h.store.workers.values())
            # The progress counts a fix a worker until the fixes are read, then the fixes.
            assert h.feed.first_load_total == grids + cases + 2 * workers
            locker.rollback()  # the lock goes: the fixes are read
            h.wait_until(lambda s: s.loaded)
            assert sum(1 for s in h.store.workers.values() if s.position) == placed
            assert h.feed.first_load_total == grids + cases + workers + placed
