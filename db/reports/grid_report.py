"""Everything a manager sees when drilling into one grid, read in one go.

It runs on a worker thread (never the GUI thread) and returns an immutable
record. The "system score" follows Liurong street's rules, the part computed from
the platform's own data: patrols done, reports made, cases handled on time.
Residents' personal data never leaves the database here: only counts.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import shapely
import shapely.affinity
from pyproj import Geod
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Engine, text
from sqlalchemy.engine import Row

from gridcommand.db.live.records import mask_phone
from gridcommand.db.live.text import neutralise
from gridcommand.db.reports.grid_cases import GridCase, listed, load_cases
from gridcommand.db.reports.kpi import grid_score

#: A patrolling worker sees about this far either side of the path.
PATROL_SIGHT_M = 25.0
_GEOD = Geod(ellps="WGS84")


#: A fix the command centre accepted: not set aside in ``rejected_input`` (NaN, swapped,
#: far outside, a broken clock …) and not dated in the future. The drill-down counts
#: patrols from these only, as the live map shows only these.
ACCEPTED_FIX = (
    "p.recorded_at <= now() + interval '5 minutes'"
    " AND p.lon <> 'NaN'::float8 AND p.lat <> 'NaN'::float8"
    " AND NOT EXISTS (SELECT FROM rejected_input r WHERE r.source_table = 'worker_positions'"
    " AND r.row_ref = p.id::text)"
)


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
    #: Open cases (most urgent first), then recent ones; citizens' reports located by point.
    cases: tuple[GridCase, ...] = ()
    #: Cases per day by class over ``days``, the busiest class first.
    cases_by_class: tuple[tuple[str, tuple[tuple[date, int], ...]], ...] = ()
    #: The district's day the report was made on: the last of its ``days`` (``None``:
    #: the last day with cases).
    last_day: date | None = None


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
                "SELECT w.code, w.name, w.role, w.phone_masked AS phone,"
                " (SELECT max(recorded_at) FROM worker_positions p WHERE p.worker_code = w.code"
                f" AND {ACCEPTED_FIX})"
                " AS last_seen FROM workers w WHERE w.grid_code = :code AND w.active"
                " ORDER BY CASE w.role WHEN 'full_time' THEN 0 WHEN 'part_time' THEN 1 ELSE 2 END,"
                " w.code"
            ),
            {"code": grid_code},
        ).all()
        cases = load_cases(conn, grid_code, shape(grid.boundary), since)
        patrol_days = conn.execute(
            text(
                "SELECT count(DISTINCT (p.recorded_at AT TIME ZONE 'Asia/Shanghai')::date)"
                " FROM worker_positions p JOIN workers w ON w.code = p.worker_code"
                f" WHERE w.grid_code = :code AND p.recorded_at >= :since AND {ACCEPTED_FIX}"
            ),
            {"code": grid_code, "since": since},
        ).scalar_one()
        today_start = _local_midnight(clock)
        track_rows = conn.execute(
            text(
                "SELECT p.worker_code, p.lon, p.lat FROM worker_positions p"
                " JOIN workers w ON w.code = p.worker_code"
                f" WHERE w.grid_code = :code AND p.recorded_at >= :start AND {ACCEPTED_FIX}"
                " ORDER BY p.worker_code, p.recorded_at"
            ),
            {"code": grid_code, "start": today_start},
        ).all()
    boundary = shape(grid.boundary)
    coverage = patrol_coverage(boundary, _tracks(track_rows))
    full_timers = sum(1 for m in team if m.role == "full_time") or 1
    recent = [c for c in cases if c.reported_at >= since]
    closed = [c for c in recent if c.status == "closed"]
    on_time = sum(1 for c in closed if c.handled_at is not None and c.handled_at <= c.deadline)
    on_time_share = on_time / len(closed) if closed else None
    worker_reports = sum(1 for c in recent if c.source == "patrol")
    # The same score as the rankings and the worker's card (docs/kpi.md).
    score = grid_score(engine, grid_code, clock, days).score or 0.0
    return GridReport(
        code=grid.code,
        name=neutralise(grid.name),
        community=neutralise(grid.community),
        street=neutralise(grid.street or ""),
        households=grid.households,
        population=grid.population,
        area_km2=area_km2(boundary),
        team=tuple(
            TeamMember(m.code, neutralise(m.name), m.role, mask_phone(m.phone), m.last_seen)
            for m in team
        ),
        households_per_worker=grid.households / full_timers,
        cases_per_day=_per_day(recent),
        open_cases=sum(1 for c in cases if c.is_open),
        overdue_cases=sum(1 for c in cases if c.is_open and c.deadline < clock),
        closed_on_time_share=on_time_share,
        patrol_coverage_today=coverage,
        patrol_days=patrol_days,
        days=days,
        worker_reports=worker_reports,
        score=round(score, 1),
        cases=listed(cases),
        cases_by_class=_by_class(recent),
        last_day=_local_day(clock),
    )


def _local_day(moment: datetime) -> date:
    return (moment.astimezone(UTC) + timedelta(hours=8)).date()  # Asia/Shanghai, no DST


def _per_day(cases: Iterable[GridCase]) -> tuple[tuple[date, int], ...]:
    counts = Counter(_local_day(c.reported_at) for c in cases)
    return tuple(sorted(counts.items()))


def _by_class(cases: Iterable[GridCase]) -> tuple[tuple[str, tuple[tuple[date, int], ...]], ...]:
    """Cases per day for each class, the busiest class first."""
    by_class: dict[str, list[GridCase]] = {}
    for case in cases:
        by_class.setdefault(case.class_name, []).append(case)
    ordered = sorted(by_class.items(), key=lambda item: (-len(item[1]), item[0]))
    return tuple((name, _per_day(group)) for name, group in ordered)


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
    seen = shapely.union_all(shapely.buffer(_path_pieces(tracks, sx), radius_deg))
    covered = seen.intersection(scaled).area
    return min(1.0, covered / scaled.area) if scaled.area else 0.0


def _path_pieces(tracks: list[list[tuple[float, float]]], sx: float) -> np.ndarray:
    """Each track's segments (a lone fix: its point), longitude scaled by ``sx``.

    Buffered piece by piece and then unioned: GEOS buffers a day's path that crosses
    itself (about 900 fixes a worker) in about two seconds, its segments in a twentieth
    of that; a grid's drill-down waited 5-10 s for four workers' paths.
    """
    pieces = []
    for track in tracks:
        pts = np.array(track, dtype=float) * (sx, 1.0)
        if len(pts) == 1:
            pieces.append(shapely.points(pts))
        else:
            pieces.append(shapely.linestrings(np.stack([pts[:-1], pts[1:]], axis=1)))
    return np.concatenate(pieces) if pieces else np.array([], dtype=object)


def area_km2(boundary: BaseGeometry) -> float:
    area, _ = _GEOD.geometry_area_perimeter(boundary)
    return abs(area) / 1e6
