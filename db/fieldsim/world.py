"""What the field knows of the city: grids, workers and item types, read from the database.

The simulator learns the district the way a field system would, from the shared
tables, and from nothing on the command-centre side.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

import psycopg
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

log = logging.getLogger(__name__)

#: Key under which a deliberately broken grid boundary carries the boundary it replaced,
#: so that a simulator killed before it could restore the grid restores it next start.
ORIGINAL_KEY = "gridcommand_simulator_original"


@dataclass
class GridArea:
    code: str
    name: str
    households: int
    boundary: dict[str, Any]
    geometry: BaseGeometry = field(repr=False)


@dataclass(frozen=True)
class FieldWorker:
    code: str
    name: str
    role: str
    grid_code: str


@dataclass(frozen=True)
class ItemType:
    code: str
    class_code: str
    name: str
    severity: str
    emergency_possible: bool


@dataclass
class World:
    grids: dict[str, GridArea]
    workers: list[FieldWorker]
    categories: list[ItemType]

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """The district's bounding box (min lon, min lat, max lon, max lat)."""
        boxes = [g.geometry.bounds for g in self.grids.values()]
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )


def usable_polygon(boundary: object) -> BaseGeometry | None:
    """A polygon to walk in, repaired if need be; None if the boundary is no polygon."""
    try:
        geom = shape(boundary)
    except Exception:  # malformed GeoJSON raises many kinds of error
        return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
        parts = [g for g in getattr(geom, "geoms", [geom]) if g.area > 0]
        geom = shapely.union_all(parts) if parts else geom
    if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon") or geom.area <= 0:
        return None
    if geom.geom_type == "MultiPolygon":
        geom = max(geom.geoms, key=lambda g: g.area)  # patrol the main part
    shapely.prepare(geom)
    return geom


def restore_broken_grids(conn: psycopg.Connection[Any]) -> list[str]:
    """Put back boundaries a previous run broke on purpose and could not restore.

    Only a run with the administration's login can have broken any: a field login may
    not write grids (migration 0004), so it has nothing to restore.
    """
    try:
        with conn.transaction():
            rows = conn.execute(
                "UPDATE grids SET boundary = boundary -> %s::text"
                " WHERE boundary ? %s::text RETURNING code",
                (ORIGINAL_KEY, ORIGINAL_KEY),
            ).fetchall()
    except psycopg.errors.InsufficientPrivilege:
        return []
    codes = [r[0] for r in rows]
    if codes:
        log.warning("restored %d grid boundaries left broken by an earlier run", len(codes))
    return codes


def load_world(conn: psycopg.Connection[Any]) -> World:
    grids: dict[str, GridArea] = {}
    for code, name, households, boundary in conn.execute(
        "SELECT code, name, households, boundary FROM grids ORDER BY code"
    ):
        if isinstance(boundary, str):
            boundary = json.loads(boundary)
        geom = usable_polygon(boundary)
        if geom is None:
            log.warning("grid %s has no usable boundary; nobody patrols it", code)
            continue
        grids[code] = GridArea(code, name, int(households or 0), boundary, geom)
    workers = [
        FieldWorker(*row)
        for row in conn.execute(
            "SELECT code, name, role, grid_code FROM workers WHERE active ORDER BY code"
        )
        if row[3] in grids
    ]
    categories = [
        ItemType(*row)
        for row in conn.execute(
            "SELECT code, class_code, name, severity, emergency_possible"
            " FROM categories ORDER BY code"
        )
    ]
    return World(grids, workers, categories)
