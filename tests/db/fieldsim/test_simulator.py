"""The simulator against a real seeded database: where it writes, what, and how it stops."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

import psycopg
import shapely
from shapely.geometry import Point, shape

from gridcommand.db.fieldsim.options import SimOptions
from gridcommand.db.fieldsim.png import SIGNATURE
from gridcommand.db.fieldsim.runner import run
from gridcommand.db.gis.coords import to_wgs84

FAST = SimOptions(
    position_interval=0.5,
    tickets_per_minute=600,
    random_seed=3,
    speed=3000,
    handler_poll=0.5,
)


def _rows(info: str, query: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(info) as conn:
        return conn.execute(query, params).fetchall()


def _high_water(info: str) -> tuple[int, int]:
    (row,) = _rows(
        info,
        "SELECT (SELECT coalesce(max(id), 0) FROM tickets),"
        " (SELECT coalesce(max(id), 0) FROM worker_positions)",
    )
    return int(row[0]), int(row[1])


def _grids(info: str) -> dict[str, Any]:
    return {code: shape(b) for code, b in _rows(info, "SELECT code, boundary FROM grids")}


def test_positions_and_reports_lie_in_their_grids(seeded: str) -> None:
    tickets_before, positions_before = _high_water(seeded)
    stats = run(seeded, FAST, duration=3.0)
    grids = _grids(seeded)
    district = shapely.union_all(list(grids.values()))

    positions = _rows(
        seeded,
        "SELECT w.grid_code, p.lon, p.lat FROM worker_positions p"
        " JOIN workers w ON w.code = p.worker_code WHERE p.id > %s",
        positions_before,
    )
    assert len(positions) == stats.written["positions"] > 50
    for grid_code, lon, lat in positions:
        assert grids[grid_code].contains(Point(lon, lat)), (grid_code, lon, lat)

    tickets = _rows(
        seeded,
        "SELECT source, grid_code, lon, lat, crs, description FROM tickets WHERE id > %s",
        tickets_before,
    )
    assert len(tickets) == stats.written["tickets"] > 10
    for source, grid_code, lon, lat, crs, description in tickets:
        point = Point(*to_wgs84(lon, lat, crs))
        assert description.strip()
        if source == "patrol":
            assert grids[grid_code].contains(point), (grid_code, lon, lat)
        else:  # citizens and sensors give a point, the command centre finds the grid
            assert grid_code is None
            assert district.buffer(1e-6).contains(point)
    assert {t[0] for t in tickets} >= {"patrol", "hotline", "wechat"}


def _dispatch_patrol_reports(info: str) -> int:
    """Play the command centre: dispatch every new patrol report to its grid's full-timer."""
    with psycopg.connect(info) as conn:
        cur = conn.execute(
            "UPDATE tickets t SET status = 'dispatched', assignee_worker_code = w.code"
            " FROM workers w WHERE w.grid_code = t.grid_code AND w.role = 'full_time'"
            " AND t.status = 'reported' AND t.source = 'patrol'"
        )
        return cur.rowcount


def test_handlers_accept_and_report_handled_with_a_photo(seeded: str) -> None:
    run(seeded, SimOptions(**{**FAST.__dict__, "tickets_per_minute": 1200}), duration=1.0)
    assert _dispatch_patrol_reports(seeded) > 3
    stats = run(seeded, SimOptions(**{**FAST.__dict__, "speed": 10_000}), duration=3.0)
    assert stats.written["accepted"] > 0
    assert stats.written["handled"] > 0
    accepted = _rows(
        seeded,
        "SELECT t.accepted_at IS NOT NULL, a.actor_role FROM ticket_actions a"
        " JOIN tickets t ON t.id = a.ticket_id"
        " WHERE a.action = 'accept' AND a.actor = t.assignee_worker_code",
    )
    assert len(accepted) >= stats.written["accepted"]
    assert all(has_time and role == "field" for has_time, role in accepted)
    photos = _rows(
        seeded,
        "SELECT p.data FROM ticket_photos p JOIN tickets t ON t.id = p.ticket_id"
        " WHERE p.stage = 'handled' AND t.status = 'handled'",
    )
    assert len(photos) >= stats.written["handled"]
    assert all(bytes(p[0]).startswith(SIGNATURE) for p in photos)


def test_bad_rows_leave_the_good_rows_intact(seeded: str) -> None:
    tickets_before, positions_before = _high_water(seeded)
    options = SimOptions(**{**FAST.__dict__, "bad_rows": 0.3, "broken_grid_seconds": 1.0})
    stats = run(seeded, options, duration=3.0)
    assert sum(stats.refused.values()) > 0  # the database's own CHECKs said no
    assert sum(stats.bad_written.values()) > 0  # and some got through, for validation
    grids = _grids(seeded)
    assert all(g.is_valid and g.geom_type == "Polygon" for g in grids.values())

    positions = _rows(
        seeded,
        "SELECT w.grid_code, p.lon, p.lat FROM worker_positions p"
        " JOIN workers w ON w.code = p.worker_code WHERE p.id > %s",
        positions_before,
    )
    inside = sum(grids[g].contains(Point(lon, lat)) for g, lon, lat in positions)
    assert inside == stats.written["positions"]
    assert len(positions) - inside == stats.bad_written["positions outside_district"]

    tickets = _rows(seeded, "SELECT count(*) FROM tickets WHERE id > %s", tickets_before)
    bad_tickets = sum(v for k, v in stats.bad_written.items() if k.startswith("tickets"))
    assert tickets[0][0] == stats.written["tickets"] + bad_tickets


def test_same_seed_same_writes(seeded: str, pg_server: Any) -> None:
    from sqlalchemy import create_engine

    from gridcommand.db.demo.seed import seed_demo
    from tests.conftest import TEMPLATE, _drop_database, _fresh_database, conninfo

    twin_url = _fresh_database(pg_server, TEMPLATE)
    try:
        twin_engine = create_engine(twin_url)
        seed_demo(twin_engine, grids=12, random_seed=2, days=1)
        twin_engine.dispose()
        options = SimOptions(**{**FAST.__dict__, "journal": True, "bad_rows": 0.05})
        first = run(seeded, options, duration=2.0).journal
        second = run(conninfo(twin_url), options, duration=2.0).journal
    finally:
        _drop_database(pg_server, twin_url)
    assert first and second

    def comparable(journal: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        # Handling waits for real deadlines, which differ by the seconds between seeds.
        return [e for e in journal if not (e[0] == "step" and e[3] == "handled")]

    assert comparable(first) == comparable(second)


def test_command_stops_cleanly_on_sigterm(seeded: str) -> None:
    cmd = [
        sys.executable,
        "-m",
        "gridcommand.desktop",
        "--db",
        seeded,
        "simulate",
        "--random-seed",
        "5",
        "--tickets-per-minute",
        "300",
        "--position-interval",
        "0.5",
    ]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if _rows(
                seeded,
                "SELECT count(*) FROM tickets WHERE source <> 'patrol'"
                " AND reported_at > now() - interval '1 minute'",
            )[0][0]:
                break
            time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopped after" in err


def test_a_grid_left_broken_by_a_killed_run_is_restored(seeded: str) -> None:
    from gridcommand.db.fieldsim.contract import FieldWriter, WriteStats
    from gridcommand.db.fieldsim.world import ORIGINAL_KEY

    before = _grids(seeded)
    code = sorted(before)[0]
    with psycopg.connect(seeded, autocommit=True) as conn:
        assert FieldWriter(conn, WriteStats()).break_grid(code, {"type": "Polygn"})
    (broken,) = _rows(seeded, "SELECT boundary FROM grids WHERE code = %s", code)
    assert ORIGINAL_KEY in broken[0]
    run(seeded, SimOptions(**{**FAST.__dict__, "tickets_per_minute": 0}), duration=0.5)
    assert _grids(seeded)[code].equals(before[code])
