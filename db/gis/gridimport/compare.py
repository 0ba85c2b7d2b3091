"""What a re-import would change, per grid: the rule of what is kept, and how far things moved.

A GIS office re-exports its whole layer every month. Most grids are unchanged;
an operator needs to see the few that are not, and how: a grid moved 620 m is a
different finding from one whose name was corrected. So each grid is compared with
its row: attributes by value, geometry by centroid shift (moved) or by area
(reshaped), both measured on the ellipsoid in metres.

The rule of what is written: a re-import sets only the attributes the file carries
(the mapping names them and the feature has a value); the rest keep their stored
values. ``--replace`` clears what the file does not carry instead: the name back to
the code, the counts to 0, the community to the one the grid lies in (kept when no
community's boundary holds it, since a grid must hang below one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyproj
import shapely
from shapely.affinity import translate
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from gridcommand.db.gis.gridimport.checker import CheckedGrid

GEOD = pyproj.Geod(ellps="WGS84")
#: Under ~1 cm everywhere: the same boundary, re-exported (another start vertex, rounding).
SAME_DEGREES = 1e-7
#: Under ~10 cm: a translated copy of the old shape is a move, not a reshape.
MOVE_DEGREES = 1e-6
#: Report name → column, in the order the report lists changes.
ATTRIBUTE_COLUMNS = (
    ("name", "name"),
    ("community", "community_code"),
    ("households", "households"),
    ("population", "population"),
)


def area_m2(geom: BaseGeometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0])


def distance_m(a: BaseGeometry, b: BaseGeometry) -> float:
    return float(GEOD.inv(a.x, a.y, b.x, b.y)[2])


@dataclass(frozen=True)
class GeometryChange:
    """``moved`` (same shape elsewhere) or ``reshaped``; the centroid shift either way."""

    kind: str
    moved_m: float
    area_before_m2: float
    area_after_m2: float

    @property
    def area_change_m2(self) -> float:
        return self.area_after_m2 - self.area_before_m2

    @property
    def area_change_pct(self) -> float:
        return 100.0 * self.area_change_m2 / self.area_before_m2 if self.area_before_m2 else 0.0


def geometry_change(old: BaseGeometry, new: BaseGeometry) -> GeometryChange | None:
    """None when the boundary is the same (to ~1 cm), else how it changed."""
    if shapely.hausdorff_distance(old, new) < SAME_DEGREES:
        return None
    c_old, c_new = old.centroid, new.centroid
    shifted = translate(new, c_old.x - c_new.x, c_old.y - c_new.y)
    kind = "moved" if shapely.hausdorff_distance(old, shifted) < MOVE_DEGREES else "reshaped"
    return GeometryChange(kind, distance_m(c_old, c_new), area_m2(old), area_m2(new))


@dataclass
class Planned:
    """One grid's row as it will be written, and what that changes."""

    grid: CheckedGrid
    row: dict[str, Any]
    added: bool
    attributes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    geometry: GeometryChange | None = None

    @property
    def outcome(self) -> str:
        if self.added:
            return "added"
        return "changed" if self.attributes or self.geometry else "unchanged"


def plan(
    grids: list[CheckedGrid],
    existing: dict[str, dict[str, Any]],
    replace: bool,
    locate: Callable[[BaseGeometry], str | None],
    fallback: str,
) -> list[Planned]:
    """Each grid's row after the import, by the re-import rule, compared with its stored row."""
    out = []
    for g in grids:
        old = existing.get(g.code)
        v = g.values
        if old is None or replace:
            community = v.get("community") or locate(g.geometry)
            if community is None:
                community = old["community_code"] if old else fallback
            row = {
                "name": v.get("name", g.code),
                "community_code": community,
                "households": v.get("households", 0),
                "population": v.get("population", 0),
            }
        else:
            row = {
                "name": v.get("name", old["name"]),
                "community_code": v.get("community", old["community_code"]),
                "households": v.get("households", old["households"]),
                "population": v.get("population", old["population"]),
            }
        row["boundary"] = mapping(g.geometry)
        p = Planned(g, row, added=old is None)
        if old is not None:
            p.attributes = {
                attr: (old[column], row[column])
                for attr, column in ATTRIBUTE_COLUMNS
                if old[column] != row[column]
            }
            p.geometry = geometry_change(shape(old["boundary"]), g.geometry)
        out.append(p)
    return out
