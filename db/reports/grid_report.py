"""Everything a manager sees when drilling into one grid, read in one go.

It runs on a worker thread (never the GUI thread) and returns an immutable
record. The "system score" follows Liurong street's rules, the part computed from
the platform's own data: patrols done, reports made, cases handled on time.
Residents' personal data never leaves the database here: only counts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import shapely
import shapely.affinity
from pyproj import Geod
from shapely.geometry import LineString, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Engine, text
from sqlalchemy.engine import Row

from gridcommand.db.live.records import mask_phone
from gridcommand.db.reports.kpi import grid_score

#: A patrolling worker sees about this far either side of the path.
PATROL_SIGHT_M = 25.0
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True, slots=True)
class TeamMember:
    code: str
    name: str
    role: str
    phone_masked: str
    last_seen: datetime | None


@dataclass(frozen=True, slots=True)
class GridReport:
    code: str
    name: str
    community: str
    street: str
    households: int
    population: int
    area_km2: float
    team: tuple[TeamMember, ...]
    households_per_worker: float
    cases_per_day: tuple[tuple[date, int], ...]
    open_cases: int
    overdue_cases: int
    closed_on_time_share: float | None
    patrol_coverage_today: float
    patrol_days: int
    days: int
    worker_reports: int
    score: float


def load_grid_report(
    engine: Engine, grid_code: str, now: datetime | None = None, days: int = 30
) -> GridReport:
    clock = now or datetime.now(UTC)
    since = clock - timedelta(days=days)
    with engine.connect() as conn:
        grid = conn.execute(
            text(
                "SELECT g.code, g.name, g.households, g.population, g.boundary,"
                " c.name AS community, s.name AS street"
                " FROM grids g JOIN regions c ON c.code = g.community_code"
                " LEFT JOIN regions s ON s.code = c.parent_code WHERE g.code = :code"
            ),
            {"code": grid_code},
        ).one()
        team = conn.execute(
            text(
                "SELECT w.code, w.name, w.role, w.phone,"
                " (SELECT max(recorded_at) FROM worker_positions p WHERE p.worker_code = w.code)"
                " AS last_seen FROM workers w WHERE w.grid_code = :code AND w.active"
                " ORDER BY CASE w.role WHEN 'full_time' THEN 0 WHEN 'part_time' THEN 1 ELSE 2 END,"
                " w.code"
            ),
            {"code": grid_code},
        ).all()
        per_day = conn.execute(
            text(
                "SELECT (reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day, count(*)"
                " FROM tickets WHERE grid_code = :code AND reported_at >= :since"
                " GROUP BY 1 ORDER BY 1"
            ),
            {"code": grid_code, "since": since},
        ).all()
        case_figures = conn.execute(
            text(
                "SELECT count(*) FILTER (WHERE status NOT IN ('closed','rejected')) AS open,"
                " count(*) FILTER (WHERE status NOT IN ('closed','rejected')"
                "   AND deadline < :now) AS overdue,"
                " count(*) FILTER (WHERE status = 'closed' AND handled_at <= deadline) AS on_time,"
                " count(*) FILTER (WHERE status = 'closed') AS closed,"
                " count(*) FILTER (WHERE source = 'patrol') AS worker_reports"
                " FROM tickets WHERE grid_code = :code AND reported_at >= :since"
            ),
            {"code": grid_code, "since": since, "now": clock},
        ).one()
        patrol_days = conn.execute(
            text(
                "SELECT count(DISTINCT (p.recorded_at AT TIME ZONE 'Asia/Shanghai')::date)"
                " FROM worker_positions p JOIN workers w ON w.code = p.worker_code"
                " WHERE w.grid_code = :code AND p.recorded_at >= :since"
            ),
            {"code": grid_code, "since": since},
        ).scalar_one()
        today_start = _local_midnight(clock)
        track_rows = conn.execute(
            text(
                "SELECT p.worker_code, p.lon, p.lat FROM worker_positions p"
                " JOIN workers w ON w.code = p.worker_code"
                " WHERE w.grid_code = :code AND p.recorded_at >= :start"
                " ORDER BY p.worker_code, p.recorded_at"
            ),
            {"code": grid_code, "start": today_start},
        ).all()
    boundary = shape(grid.boundary)
    coverage = patrol_coverage(boundary, _tracks(track_rows))
    full_timers = sum(1 for m in team if m.role == "full_time") or 1
    closed = case_figures.closed
    on_time_share = case_figures.on_time / closed if closed else None
    # The same score as the rankings and the worker's card (docs/kpi.md).
    score = grid_score(engine, grid_code, clock, days).score or 0.0
    return GridReport(
        code=grid.code,
        name=grid.name,
        community=grid.community,
        street=grid.street or "",
        households=grid.households,
        population=grid.population,
        area_km2=area_km2(boundary),
        team=tuple(
            TeamMember(m.code, m.name, m.role, mask_phone(m.phone), m.last_seen) for m in team
        ),
        households_per_worker=grid.households / full_timers,
        cases_per_day=tuple((day, count) for day, count in per_day),
        open_cases=case_figures.open,
        overdue_cases=case_figures.overdue,
        closed_on_time_share=on_time_share,
        patrol_coverage_today=coverage,
        patrol_days=patrol_days,
        days=days,
        worker_reports=case_figures.worker_reports,
        score=round(score, 1),
    )


def _local_midnight(moment: datetime) -> datetime:
    local = moment.astimezone(UTC) + timedelta(hours=8)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight - timedelta(hours=8)


def _tracks(rows: Iterable[Row[Any]]) -> list[list[tuple[float, float]]]:
    tracks: dict[str, list[tuple[float, float]]] = {}
    for row in rows:
        tracks.setdefault(row.worker_code, []).append((row.lon, row.lat))
    return list(tracks.values())


def patrol_coverage(boundary: BaseGeometry, tracks: list[list[tuple[float, float]]]) -> float:
    """Share of the grid's area within sight of today's patrol paths."""
    if boundary.is_empty or not tracks:
        return 0.0
    lat0 = boundary.centroid.y
    # Degrees of longitude shrink with latitude: buffer in a locally scaled frame.
    sx = math.cos(math.radians(lat0))
    scaled = shapely.affinity.scale(boundary, xfact=sx, yfact=1.0, origin=(0, 0))
    radius_deg = PATROL_SIGHT_M / 111_320.0
    seen = []
    for track in tracks:
        pts = [(x * sx, y) for x, y in track]
        geom = LineString(pts) if len(pts) > 1 else shapely.Point(pts[0])
        seen.append(geom.buffer(radius_deg))
    covered = shapely.union_all(seen).intersection(scaled).area
    return min(1.0, covered / scaled.area) if scaled.area else 0.0


def area_km2(boundary: BaseGeometry) -> float:
    area, _ = _GEOD.geometry_area_perimeter(boundary)
    return abs(area) / 1e6
