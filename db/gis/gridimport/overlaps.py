"""Overlaps and gaps: within the file, and against the grids already in the database.

A point inside two grids belongs to two workers; a point in a gap belongs to
none. Checking only within the file let a district polygon drawn over a hundred
existing grids pass, so the file's grids are also checked against the stored
grids they do not replace. A gap is reported when an imported grid borders it;
a hole among stored grids alone is not this import's finding.
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry

from gridcommand.db.gis.gridimport.checker import CheckedGrid
from gridcommand.db.gis.gridimport.compare import area_m2
from gridcommand.db.gis.gridimport.source import Progress

#: Overlaps and holes smaller than this are drawing noise (snapping), not findings.
MIN_AREA_M2 = 1.0
#: How far around the file stored grids are gathered to find gaps (about 1 km).
NEIGHBOURHOOD_DEGREES = 0.01
_TOUCH = 1e-9


@dataclass(frozen=True)
class Overlap:
    """``a`` is from the file; ``b`` from the file too, or a stored grid when ``existing``."""

    a: str
    b: str
    area_m2: float
    existing: bool


@dataclass(frozen=True)
class Gap:
    area_m2: float
    near: tuple[float, float]
    #: A stored grid borders it too (else only the file's grids do).
    existing: bool


def _overlaps(
    grids: list[CheckedGrid], others: list[tuple[str, BaseGeometry]], say: Progress
) -> list[Overlap]:
    geoms = [g.geometry for g in grids]
    found: list[Overlap] = []
    own = shapely.STRtree(geoms)
    stored = shapely.STRtree([geom for _, geom in others]) if others else None
    for i, geom in enumerate(geoms):
        say("overlaps", i + 1, len(geoms))
        for j in own.query(geom, predicate="intersects").tolist():
            if j > i:
                shared = geom.intersection(geoms[j])
                area = area_m2(shared) if not shared.is_empty else 0.0
                if area > MIN_AREA_M2:
                    found.append(Overlap(grids[i].code, grids[j].code, area, existing=False))
        if stored is None:
            continue
        for j in stored.query(geom, predicate="intersects").tolist():
            shared = geom.intersection(others[j][1])
            area = area_m2(shared) if not shared.is_empty else 0.0
            if area > MIN_AREA_M2:
                found.append(Overlap(grids[i].code, others[j][0], area, existing=True))
    return found


def _gaps(grids: list[CheckedGrid], others: list[tuple[str, BaseGeometry]]) -> list[Gap]:
    geoms = [g.geometry for g in grids]
    area = shapely.box(*shapely.union_all(geoms).bounds).buffer(NEIGHBOURHOOD_DEGREES)
    near = [geom for _, geom in others if geom.intersects(area)]
    union = shapely.union_all(geoms + near)
    mine = shapely.union_all(geoms)
    theirs = shapely.union_all(near) if near else None
    gaps = []
    for poly in getattr(union, "geoms", [union]):
        for ring in getattr(poly, "interiors", []):
            hole = shapely.Polygon(ring)
            if hole.distance(mine) > _TOUCH:
                continue
            m2 = area_m2(hole)
            if m2 > MIN_AREA_M2:
                p = hole.representative_point()
                existing = theirs is not None and hole.distance(theirs) <= _TOUCH
                gaps.append(Gap(m2, (p.x, p.y), existing))
    return gaps


def find(
    grids: list[CheckedGrid], stored: dict[str, BaseGeometry], say: Progress
) -> tuple[list[Overlap], list[Gap]]:
    """Overlaps and gaps of the file's grids, among themselves and with the stored grids."""
    if not grids:
        return [], []
    codes = {g.code for g in grids}
    # A stored grid the file redraws is replaced, so it is not an "other" grid.
    others = [(code, geom) for code, geom in stored.items() if code not in codes]
    return _overlaps(grids, others, say), _gaps(grids, others)
