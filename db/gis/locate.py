"""Which grid a point lies in, asked of the database's grid layer (for one-off reads).

The live feed keeps its own :class:`~gridcommand.db.gis.geometry.GridLocator` over the
whole layer; a report or a suggestion that needs one point located reads only the
grids whose first vertex is near it (the layer's boundaries are GeoJSON, with no
spatial index in the database), and the whole layer when none of those holds it
(a grid larger than the search window).
"""

from __future__ import annotations

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, text

from gridcommand.db.gis.coords import to_wgs84
from gridcommand.db.gis.geometry import GridLocator

#: How far (degrees) a grid's first vertex may lie from the point to be considered
#: first: a little over 10 km, far more than any real grid measures.
NEAR_DEG = 0.1


def _number(path: str) -> str:
    return (
        f"CASE WHEN jsonb_typeof(boundary #> '{{{path}}}') = 'number'"
        f" THEN (boundary #>> '{{{path}}}')::float8 END"
    )


def _first(i: int) -> str:
    """A Polygon's first vertex, or a MultiPolygon's (one level deeper); NULL otherwise."""
    return f"COALESCE({_number(f'coordinates,0,0,0,{i}')}, {_number(f'coordinates,0,0,{i}')})"


_NEAR = text(
    "SELECT code, boundary FROM grids WHERE"
    f" {_first(0)} BETWEEN :lon - :d AND :lon + :d"
    f" AND {_first(1)} BETWEEN :lat - :d AND :lat + :d"
)
_ALL = text("SELECT code, boundary FROM grids")


def _locator(rows: object) -> GridLocator:
    grids: dict[str, BaseGeometry] = {}
    for code, boundary in rows:  # type: ignore[attr-defined]
        try:
            geom = shape(boundary)
        except Exception:  # a broken boundary is the feed's to report, not ours
            continue
        if not geom.is_empty:
            grids[code] = geom
    return GridLocator(grids)


def locate_grid(conn: Connection, lon: float, lat: float, crs: str = "WGS84") -> str | None:
    """The grid (code) a point in ``crs`` lies in, by the rule the feed uses."""
    lon, lat = to_wgs84(lon, lat, crs)
    near = conn.execute(_NEAR, {"lon": lon, "lat": lat, "d": NEAR_DEG}).all()
    found = _locator(near).locate(lon, lat)
    if found is None:
        found = _locator(conn.execute(_ALL).all()).locate(lon, lat)
    return found
