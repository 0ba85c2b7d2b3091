"""Where a grid's or region's name goes, and from which zoom it fits inside its polygon.

Labels used to sit at the centre of the bounding box, which falls outside a
concave (L- or crescent-shaped) grid, and appeared for every grid from zoom 15
only: at the zoom that fits a district, nothing had a name. Now each polygon's
label goes at its pole of inaccessibility (``polylabel``: the inside point
farthest from the edge, where the most text fits) and carries the lowest zoom at
which its text box lies wholly inside the polygon. The page only compares that
zoom with its own and keeps labels from overlapping; the geometry is done here,
once per boundary, in plain Python that tests can check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

MIN_ZOOM, MAX_ZOOM = 8, 19
#: The font size (px) of each level's label, as gridmap.css draws it.
FONT_PX = {"district": 24, "street": 20, "community": 17, "grid": 15}
#: A region's name helps until its children's names take over, about this many zooms on.
REGION_ZOOMS = 3
#: A polygon filling this much of its convex hull has its centroid well inside.
CONVEX_ENOUGH = 0.97
_LINE_HEIGHT = 1.3
_PAD_PX = 4


@dataclass(frozen=True)
class LabelSpot:
    """A label's anchor (WGS-84), its box in pixels and the zoom from which it fits."""

    lon: float
    lat: float
    min_zoom: int | None
    width_px: float
    height_px: float


def text_px(text: str, font_px: int) -> float:
    """An estimate of the drawn width: CJK glyphs are square, Latin ones about 0.6 wide."""
    return _PAD_PX + sum(font_px if ord(ch) >= 0x2E80 else 0.62 * font_px for ch in text)


def _largest_part(geom: BaseGeometry) -> Polygon | None:
    if isinstance(geom, Polygon):
        return None if geom.is_empty else geom
    if isinstance(geom, MultiPolygon) and not geom.is_empty:
        return max(geom.geoms, key=lambda g: g.area)
    return None


def inside_point(poly: Polygon) -> tuple[float, float]:
    """The pole of inaccessibility, or a point guaranteed inside when that fails.

    Most grids are nearly convex, and their centroid is as good a place and a tenth
    of the cost (a city has 10,000 grids); polylabel is for the concave ones.
    """
    if poly.area >= CONVEX_ENOUGH * poly.convex_hull.area:
        c = poly.centroid
        if poly.contains(c):
            return c.x, c.y
    minx, miny, maxx, maxy = poly.bounds
    try:
        p = polylabel(poly, tolerance=max(maxx - minx, maxy - miny) / 50 or 1e-9)
        if poly.contains(p):
            return p.x, p.y
    except Exception:  # polylabel rejects some invalid shapes; fall through
        pass
    q = poly.representative_point()
    return q.x, q.y


def label_spot(geom: BaseGeometry, text: str, level: str = "grid") -> LabelSpot | None:
    """Where ``text`` goes inside ``geom`` (lon/lat) and from which zoom it fits; None if empty."""
    poly = _largest_part(geom)
    if poly is None or not text:
        return None
    x, y = inside_point(poly)
    font = FONT_PX.get(level, FONT_PX["grid"])
    width, height = text_px(text, font), font * _LINE_HEIGHT
    zooms = np.arange(MIN_ZOOM, MAX_ZOOM + 1)
    # Web Mercator: a pixel spans 360 / (256·2^z) degrees of longitude, and cos(lat)
    # times that in latitude.
    dx = 360.0 / (256.0 * 2.0**zooms) * width / 2
    dy = 360.0 / (256.0 * 2.0**zooms) * math.cos(math.radians(y)) * height / 2
    boxes = shapely.box(x - dx, y - dy, x + dx, y + dy)
    shapely.prepare(poly)
    fits = shapely.contains(poly, boxes)
    first = int(np.argmax(fits)) if fits.any() else None
    return LabelSpot(x, y, None if first is None else int(zooms[first]), width, height)
