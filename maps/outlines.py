"""Community and street outlines, derived by dissolving grids, computed off the GUI thread.

The database holds only grid boundaries on the live feed; the heavier lines an
operator uses to find their way are the union of a community's (or street's)
grids. A union of 10,000 polygons takes long enough to stall a frame, so it is
computed once per change of grids, in a thread, and sent as one diff.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, shape

from gridcommand.db.live.records import GridRecord
from gridcommand.maps.features import Feature, Project, diff

#: Slivers between grids (floating-point gaps) would draw as lines inside a community.
SNAP_DEGREES = 1e-7


def _rings(geometry: Any, project: Project) -> list[list[list[float]]]:
    geometry = shapely.simplify(geometry, 0.0)  # drops the collinear points of dissolved edges
    polys = (
        [geometry]
        if isinstance(geometry, Polygon)
        else (list(geometry.geoms) if isinstance(geometry, MultiPolygon) else [])
    )
    return [
        [list(project(x, y)) for x, y in poly.exterior.coords]
        for poly in polys
        if not poly.is_empty
    ]


def outline_features(grids: Iterable[GridRecord], project: Project) -> list[Feature]:
    """One polyline feature per community (``level: community``) and per street."""
    by_community: dict[str, list[Any]] = defaultdict(list)
    street_of: dict[str, str] = {}
    for g in grids:
        geom = shape(g.boundary)
        if geom.is_empty:
            continue
        by_community[g.community_code].append(shapely.make_valid(geom))
        if g.street_code:
            street_of[g.community_code] = g.street_code
    communities = {
        code: shapely.union_all(parts, grid_size=SNAP_DEGREES)
        for code, parts in by_community.items()
    }
    by_street: dict[str, list[Any]] = defaultdict(list)
    for code, geom in communities.items():
        if code in street_of:
            by_street[street_of[code]].append(geom)
    features = [
        {"id": f"c:{code}", "level": "community", "lines": _rings(geom, project)}
        for code, geom in communities.items()
    ]
    features += [
        {
            "id": f"s:{code}",
            "level": "street",
            "lines": _rings(shapely.union_all(parts, grid_size=SNAP_DEGREES), project),
        }
        for code, parts in by_street.items()
    ]
    return features


def outlines_diff(grids: Iterable[GridRecord], project: Project, previous: set[str]) -> Any:
    """The outlines as one diff that also removes those no longer present."""
    features = outline_features(grids, project)
    ids = {feat["id"] for feat in features}
    return diff("outlines", features, sorted(previous - ids)), ids
