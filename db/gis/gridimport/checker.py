"""Features → grids that can be stored, each refusal and repair with its reason.

Drawings have faults: rings that cross themselves are repaired with
``shapely.make_valid`` where a polygon survives, and refused with a reason where
none does. A feature is refused alone; the rest of the file still imports (the
exit code says some were refused). A file whose coordinates are not lon/lat at all
stops the import instead, since every grid would land in the wrong place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from gridcommand.db.gis.gridimport.crs import CrsChoice, clamp_lonlat, not_lonlat, to_lonlat
from gridcommand.db.gis.gridimport.options import Mapping
from gridcommand.db.gis.gridimport.source import Feature, Progress


@dataclass
class CheckedGrid:
    """A grid as the file gives it. ``values`` holds only what the file carries for it."""

    code: str
    geometry: BaseGeometry
    values: dict[str, Any] = field(default_factory=dict)
    repaired: str = ""


@dataclass(frozen=True)
class Refusal:
    """A feature that makes no grid, and why; ``code`` is "" when it has none."""

    code: str
    index: int
    reason: str

    @property
    def ref(self) -> str:
        """How the operator finds it in the file: its code, else its place ("feature 7")."""
        return self.code or f"feature {self.index + 1}"


def _count(value: object) -> int | None:
    if value is None or value == "":
        return None
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"{value!r} is not a count")
    return round(number)


def polygonal(geom: BaseGeometry) -> tuple[BaseGeometry | None, str]:
    """A valid (Multi)Polygon and how it was repaired ("" if it needed nothing).

    None, with the reason, when no polygon survives the repair.
    """
    if geom.is_empty:
        return None, "the geometry is empty"
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        return None, f"the geometry is a {geom.geom_type}, not a polygon"
    if geom.is_valid:
        return geom, ""
    reason = shapely.is_valid_reason(geom)
    repaired = shapely.make_valid(geom)
    parts = [g for g in getattr(repaired, "geoms", [repaired]) if g.area > 0]
    if not parts:
        return None, f"{reason}, and no polygon is left after repair"
    fixed = shapely.union_all(parts)
    pieces = len(getattr(fixed, "geoms", [fixed]))
    how = "made valid" if pieces == 1 else f"made valid as {pieces} polygons"
    return fixed, f"{reason}; {how}"


def _values(f: Feature, mapping: Mapping) -> dict[str, Any]:
    """The mapped attributes this feature has; an empty one is not carried."""
    out: dict[str, Any] = {}
    cols = mapping.columns
    for target in ("households", "population"):
        if target in cols:
            count = _count(f.attributes.get(cols[target]))
            if count is not None:
                out[target] = count
    for target in ("name", "community"):
        if target in cols:
            text = str(f.attributes.get(cols[target]) or "").strip()
            if text:
                out[target] = text
    return out


def check(
    features: list[Feature],
    mapping: Mapping,
    choice: CrsChoice,
    say: Progress,
) -> tuple[list[CheckedGrid], list[Refusal]]:
    """Features that make grids, in WGS-84, and the ones refused with why."""
    grids: dict[str, CheckedGrid] = {}
    refused: list[Refusal] = []
    code_field = mapping.columns["code"]
    for n, f in enumerate(features, start=1):
        say("checking", n, len(features))
        raw_code = f.attributes.get(code_field)
        code = "" if raw_code is None else str(raw_code).strip()
        if not code:
            refused.append(Refusal(code, f.index, "it has no grid code"))
            continue
        if code in grids:
            reason = "the code appears twice in the file; the first is kept"
            refused.append(Refusal(code, f.index, reason))
            continue
        if f.geometry is None:
            refused.append(Refusal(code, f.index, "it has no readable geometry"))
            continue
        projected = to_lonlat(f.geometry, choice)
        lonlat = clamp_lonlat(projected) if not projected.is_empty else projected
        if lonlat is None:
            raise not_lonlat(code, projected, choice)
        geom, problem = polygonal(lonlat)
        if geom is None:
            refused.append(Refusal(code, f.index, problem))
            continue
        try:
            values = _values(f, mapping)
        except (TypeError, ValueError) as exc:
            reason = f"households or population is not a count ({exc})"
            refused.append(Refusal(code, f.index, reason))
            continue
        grids[code] = CheckedGrid(code, geom, values, problem)
    return list(grids.values()), refused
