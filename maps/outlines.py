"""Community and street outlines, derived by dissolving grids, computed off the GUI thread.

The database holds only grid boundaries on the live feed; the heavier lines an
operator uses to find their way are the union of a community's (or street's)
grids. Each outline carries its region's name and where that name fits, so the
page can name a street or a community at zooms where its grids are too small.
A union of 10,000 polygons takes long enough to stall a frame, so it is
computed once per change of grids, in a thread, and sent as one diff.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import shapely
from shapely.errors import GEOSException
from shapely.geometry import MultiPolygon, Polygon, shape

from gridcommand.db.records import GridRecord
from gridcommand.maps.features import Feature, Project, diff, label_props
from gridcommand.maps.labelspots import REGION_ZOOMS, LabelSpot, label_spot

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


def _feature(level: str, code: str, name: str, geom: Any, project: Project) -> Feature:
    """An outline, with its region's name placed inside it (see ``maps.labelspots``)."""
    label = name or code
    spot = label_spot(geom, label, level)
    props = label_props(spot, project)
    if spot is not None and spot.min_zoom is not None:
        props["xz"] = spot.min_zoom + REGION_ZOOMS
    return {
        "id": f"{level[0]}:{code}",
        "level": level,
        "name": label,
        "lines": _rings(geom, project),
        **props,
    }


def outline_features(grids: Iterable[GridRecord], project: Project) -> list[Feature]:
    """One polyline feature per community (``level: community``) and per street."""
    by_community: dict[str, list[Any]] = defaultdict(list)
    street_of: dict[str, str] = {}
    names: dict[tuple[str, str], str] = {}
    for g in grids:
        geom = shape(g.boundary)
        if geom.is_empty:
            continue
        by_community[g.community_code].append(shapely.make_valid(geom))
        names[("community", g.community_code)] = g.community_name
        if g.street_code:
            street_of[g.community_code] = g.street_code
            names[("street", g.street_code)] = g.street_name
    communities = {
        code: shapely.union_all(parts, grid_size=SNAP_DEGREES)
        for code, parts in by_community.items()
    }
    by_street: dict[str, list[Any]] = defaultdict(list)
    for code, geom in communities.items():
        if code in street_of:
            by_street[street_of[code]].append(geom)
    features = [
        _feature("community", code, names[("community", code)], geom, project)
        for code, geom in communities.items()
    ]
    features += [
        _feature(
            "street",
            code,
            names[("street", code)],
            shapely.union_all(parts, grid_size=SNAP_DEGREES),
            project,
        )
        for code, parts in by_street.items()
    ]
    return features


#: Label spots by grid code, with the boundary and name they were placed for.
SpotCache = dict[str, tuple[object, str, LabelSpot | None]]


def grid_label_features(
    grids: Iterable[GridRecord], project: Project, cache: SpotCache | None = None
) -> list[Feature]:
    """Each grid's label spot as an upsert that the page merges into the grid it has.

    Placed here, off the GUI thread, because a city's 10,000 grids take a second or
    more; ``cache`` keeps the spots of grids whose boundary and name did not change.
    """
    cache = {} if cache is None else cache
    out = []
    for g in grids:
        hit = cache.get(g.code)
        if hit is not None and hit[0] is g.boundary and hit[1] == g.name:
            spot = hit[2]
        else:
            try:
                spot = label_spot(shape(g.boundary), g.name or g.code, "grid")
            except (ValueError, TypeError, AttributeError, KeyError, GEOSException):
                spot = None  # the boundary is drawn as well as it can be; it has no label
            cache[g.code] = (g.boundary, g.name, spot)
        out.append({"id": g.code, **label_props(spot, project)})
    return out


def outlines_diff(
    grids: Iterable[GridRecord],
    project: Project,
    previous: set[str],
    cache: SpotCache | None = None,
) -> tuple[list[Feature], set[str]]:
    """The outlines as one diff that also removes those no longer present, then the grids'
    label spots as a second; and the outline ids now shown."""
    grids = list(grids)
    features = outline_features(grids, project)
    ids = {feat["id"] for feat in features}
    outlines = diff("outlines", features, sorted(previous - ids))
    return [outlines, diff("grids", grid_label_features(grids, project, cache))], ids
