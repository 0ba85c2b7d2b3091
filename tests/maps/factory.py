"""Small records for map tests: a 4×3 block of square grids in Guangzhou."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gridcommand.db.live.records import (
    ChangeBatch,
    GridRecord,
    PositionRecord,
    TicketRecord,
    WorkerRecord,
)

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
LON0, LAT0, STEP = 113.30, 23.10, 0.01


def grid(i: int, households: int = 400, community: str = "C1") -> GridRecord:
    x, y = LON0 + (i % 4) * STEP, LAT0 + (i // 4) * STEP
    ring = [[x, y], [x + STEP, y], [x + STEP, y + STEP], [x, y + STEP], [x, y]]
    return GridRecord(
        code=f"G{i:02d}",
        name=f"网格{i}",
        community_code=community,
        street_code="S1",
        boundary={"type": "Polygon", "coordinates": [ring]},
        households=households,
        population=households * 3,
    )


def ticket(
    id: int,
    *,
    grid_no: int = 0,
    status: str = "reported",
    emergency: bool = False,
    description: str = "blocked drain",
    age: timedelta = timedelta(minutes=2),  # new: a plain report rings for NEW_FOR
    allowed: timedelta = timedelta(hours=4),
    version: int = 1,
) -> TicketRecord:
    reported = NOW - age
    return TicketRecord(
        id=id,
        code=f"T{id:05d}",
        source="hotline",
        category_code="c1",
        category_name="排水",
        class_code="k1",
        class_name="城市管理",
        grid_code=f"G{grid_no:02d}",
        lon=LON0 + (grid_no % 4) * STEP + STEP / 2 + id * 1e-5,
        lat=LAT0 + (grid_no // 4) * STEP + STEP / 2,
        description=description,
        reporter=None,
        priority=1,
        is_emergency=emergency,
        status=status,
        reported_at=reported,
        deadline=reported + allowed,
        assignee_worker_code=None,
        assignee_department=None,
        version=version,
        updated_at=NOW,
    )


def worker(code: str, role: str = "full_time", grid_no: int = 0) -> WorkerRecord:
    return WorkerRecord(
        code=code,
        name=f"员工{code}",
        role=role,
        grid_code=f"G{grid_no:02d}",
        phone_masked="138****0000",
        active=True,
    )


def fix(
    pid: int, code: str, age: timedelta, lon: float = LON0 + 0.005, lat: float = LAT0 + 0.005
) -> PositionRecord:
    return PositionRecord(
        id=pid,
        worker_code=code,
        recorded_at=NOW - age,
        lon=lon,
        lat=lat,
        accuracy_m=5.0,
        source="gps",
    )


def city(grids: int = 12, tickets: int = 0) -> ChangeBatch:
    return ChangeBatch(
        grids=tuple(grid(i) for i in range(grids)),
        tickets=tuple(ticket(i + 1, grid_no=i % grids) for i in range(tickets)),
        initial=True,
    )
