"""Small geometry helpers shared by the seed and the field simulator (shapely only)."""

from __future__ import annotations

import random

import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry


def random_point_in(geom: BaseGeometry, rng: random.Random) -> tuple[float, float]:
    """A uniformly drawn point inside a polygon (rejection sampling).

    Falls back to a point guaranteed inside (not the centroid, which a crescent-shaped
    grid may not contain) when sampling keeps missing a very thin shape.
    """
    minx, miny, maxx, maxy = geom.bounds
    shapely.prepare(geom)
    for _ in range(10_000):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if shapely.contains_xy(geom, x, y):  # as contains(Point(x, y)), without the Point
            return x, y
    centre = geom.representative_point()
    return centre.x, centre.y


#: A point this close to a grid's edge counts as inside it (GPS error).
GRID_TOLERANCE_M = 60.0
M_PER_DEG = 111_320.0


class GridLocator:
    """Which grid a point lies in: an STRtree over the grid layer, with GPS tolerance.

    The one rule for "the grid a report belongs to", used by the feed's validation,
    the drill-down's case list and the dispatch suggestions alike.
    """

    def __init__(self, grids: dict[str, BaseGeometry]) -> None:
        self.codes = list(grids)
        self.geometries = [grids[c] for c in self.codes]
        self.tree = shapely.STRtree(self.geometries)

    def locate(self, lon: float, lat: float) -> str | None:
        """The grid containing (lon, lat), else the nearest within the tolerance."""
        if not self.codes:
            return None
        point = Point(lon, lat)
        hits = self.tree.query(point, predicate="intersects")
        if len(hits):
            return self.codes[int(hits[0])]
        nearest = self.tree.query_nearest(point, max_distance=GRID_TOLERANCE_M / M_PER_DEG)
        return self.codes[int(nearest[0])] if len(nearest) else None
