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
        if geom.contains(Point(x, y)):
            return x, y
    centre = geom.representative_point()
    return centre.x, centre.y
