"""Believable administrative boundaries that tile a district exactly.

The demo district is cut top-down: the district into streets, each street into
communities, each community into grids, every cut a Voronoi diagram of random
seeds relaxed once (Lloyd) and clipped to its parent. Children of one parent
therefore share edges exactly, and nested levels never cross, which is what a
real grid layer drawn in a GIS office looks like and what the tiling tests check.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

import shapely
from shapely.geometry import MultiPoint, Point, Polygon
from shapely.geometry.base import BaseGeometry

#: The district outline is snapped to 1e-6 degrees (about 0.1 m); cells are not, so that
#: neighbours cut from different parents meet exactly along the parents' shared edge.
PRECISION = 1e-6
#: A typical urban grid covers about 0.15 km².
KM2_PER_GRID = 0.15
_M_PER_DEG_LAT = 111_320.0


@dataclass(frozen=True)
class Cell:
    """One piece of a tiling and the index of its parent piece."""

    parent: int
    geometry: BaseGeometry


def district_outline(
    center: tuple[float, float], grids: int, rng: random.Random, vertices: int = 28
) -> Polygon:
    """An irregular, roughly round district sized for ``grids`` grids."""
    area_km2 = max(grids, 1) * KM2_PER_GRID
    radius_m = math.sqrt(area_km2 * 1e6 / math.pi)
    lon0, lat0 = center
    m_per_deg_lon = _M_PER_DEG_LAT * math.cos(math.radians(lat0))
    points = []
    for i in range(vertices):
        angle = 2 * math.pi * i / vertices
        r = radius_m * rng.uniform(0.82, 1.12)
        points.append(
            (
                lon0 + r * math.cos(angle) / m_per_deg_lon,
                lat0 + r * math.sin(angle) / _M_PER_DEG_LAT,
            )
        )
    return _snap(Polygon(points))


def split(parent: BaseGeometry, pieces: int, rng: random.Random) -> list[BaseGeometry]:
    """Cut ``parent`` into ``pieces`` Voronoi cells that cover it exactly."""
    if pieces <= 1:
        return [parent]
    seeds = _random_points(parent, pieces, rng)
    cells = _voronoi(seeds, parent)
    # One Lloyd step: cells of similar size look like drawn boundaries, not shards.
    relaxed = [c.centroid for c in cells if not c.is_empty]
    if len(relaxed) == pieces:
        cells = _voronoi(relaxed, parent)
    return [c for c in cells if not c.is_empty]


def split_all(parents: Sequence[BaseGeometry], total: int, rng: random.Random) -> list[Cell]:
    """Cut every parent so that ``total`` cells result, shared out by area."""
    counts = allocate(total, [p.area for p in parents])
    cells: list[Cell] = []
    for index, (parent, count) in enumerate(zip(parents, counts, strict=True)):
        cells.extend(Cell(index, geom) for geom in split(parent, count, rng))
    return cells


def allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Largest-remainder shares of ``total``, at least one each."""
    n = len(weights)
    if total < n:
        raise ValueError(f"cannot share {total} cells among {n} parents")
    spare = total - n
    whole = sum(weights) or 1.0
    raw = [spare * w / whole for w in weights]
    counts = [1 + math.floor(r) for r in raw]
    remainder = total - sum(counts)
    order = sorted(range(n), key=lambda i: raw[i] - math.floor(raw[i]), reverse=True)
    for i in order[:remainder]:
        counts[i] += 1
    return counts


def _random_points(area: BaseGeometry, count: int, rng: random.Random) -> list[Point]:
    minx, miny, maxx, maxy = area.bounds
    shapely.prepare(area)
    points: list[Point] = []
    attempts = 0
    while len(points) < count:
        attempts += 1
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if area.contains(p):
            points.append(p)
        elif attempts > count * 1000:
            raise ValueError("could not place seeds inside the area")
    return points


def _voronoi(seeds: Sequence[Point], clip: BaseGeometry) -> list[BaseGeometry]:
    diagram = shapely.voronoi_polygons(MultiPoint(list(seeds)), extend_to=clip, ordered=True)
    cells = []
    for cell in diagram.geoms:
        piece = cell.intersection(clip)
        piece = _polygonal(piece)
        if not piece.is_empty:
            cells.append(piece)
    return cells


def _snap(geom: BaseGeometry) -> BaseGeometry:
    return shapely.set_precision(geom, PRECISION)


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Drop the stray lines and points an intersection can leave behind."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else Polygon()
