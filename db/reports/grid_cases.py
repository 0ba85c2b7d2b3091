"""One grid's cases: those that name it and the citizens' reports whose point lies in it.

A hotline, WeChat or sensor report carries a point and no grid; it belongs to the grid
its point lies in, by the rule the live feed uses (``GridLocator`` in
:mod:`gridcommand.db.gis.geometry`, with its GPS tolerance at the edges). Without them
a grid with an open hotline case counted 0 open cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, text

from gridcommand.db.gis.coords import to_wgs84
from gridcommand.db.gis.geometry import GRID_TOLERANCE_M, M_PER_DEG
from gridcommand.db.gis.locate import locate_grid

#: Reports in a shifted system (GCJ-02, BD-09) lie up to ~700 m off: look this far around.
SHIFT_DEG = 0.01
OPEN = "status NOT IN ('closed', 'rejected')"
#: The list shows the open cases and the most recent others, at most this many.
MAX_LISTED = 300


@dataclass(frozen=True, slots=True)
class GridCase:
    id: int
    code: str
    source: str
    category: str
    class_name: str
    status: str
    is_emergency: bool
    reported_at: datetime
    deadline: datetime
    handled_at: datetime | None
    #: True when the grid was found from the report's point (it named none).
    located: bool

    @property
    def is_open(self) -> bool:
        return self.status not in ("closed", "rejected")


def located_ids(conn: Connection, code: str, boundary: BaseGeometry, since: datetime) -> list[int]:
    """Open or recent reports that name no grid and whose point lies in this one."""
    x0, y0, x1, y1 = boundary.bounds
    rows = conn.execute(
        text(
            "SELECT id, lon, lat, crs FROM tickets WHERE grid_code IS NULL"
            " AND lon BETWEEN :x0 AND :x1 AND lat BETWEEN :y0 AND :y1"
            f" AND ({OPEN} OR reported_at >= :since)"
        ),
        {
            "x0": x0 - SHIFT_DEG,
            "x1": x1 + SHIFT_DEG,
            "y0": y0 - SHIFT_DEG,
            "y1": y1 + SHIFT_DEG,
            "since": since,
        },
    ).all()
    shapely.prepare(boundary)
    tolerance = GRID_TOLERANCE_M / M_PER_DEG
    found = []
    for row in rows:
        try:
            lon, lat = to_wgs84(row.lon, row.lat, row.crs)
        except ValueError:
            continue  # an unknown system: the feed reports the row
        point = Point(lon, lat)
        if boundary.contains(point):
            found.append(row.id)
        elif boundary.distance(point) <= tolerance and locate_grid(conn, lon, lat) == code:
            found.append(row.id)  # at the edge: ours only if no other grid holds it
    return found


def load_cases(
    conn: Connection, code: str, boundary: BaseGeometry, since: datetime
) -> list[GridCase]:
    """The grid's open cases (of any age) and every case reported since ``since``."""
    ids = located_ids(conn, code, boundary, since)
    rows = conn.execute(
        text(
            "SELECT t.id, t.code, t.source, c.name AS category, k.name AS class_name, t.status,"
            " t.is_emergency, t.reported_at, t.deadline, t.handled_at,"
            " t.grid_code IS NULL AS located"
            " FROM tickets t JOIN categories c ON c.code = t.category_code"
            " JOIN category_classes k ON k.code = c.class_code"
            " WHERE (t.grid_code = :code OR t.id = ANY(:ids))"
            f" AND (t.{OPEN} OR t.reported_at >= :since)"
            " ORDER BY t.reported_at DESC, t.id DESC"
        ),
        {"code": code, "ids": ids, "since": since},
    ).all()
    return [GridCase(**row._mapping) for row in rows]


def listed(cases: list[GridCase]) -> tuple[GridCase, ...]:
    """What the drill-down lists: open cases first (most urgent deadline first), then recent."""
    open_cases = sorted((c for c in cases if c.is_open), key=lambda c: c.deadline)
    done = [c for c in cases if not c.is_open]
    return tuple((open_cases + done)[:MAX_LISTED])
