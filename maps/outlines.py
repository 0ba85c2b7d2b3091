"""Community and street outlines, derived by dissolving grids, computed off the GUI's process.

The database holds only grid boundaries on the live feed; the heavier lines an
operator uses to find their way are the union of a community's (or street's)
grids. Each outline carries its region's name and where that name fits, so the
page can name a street or a community at zooms where its grids are too small.
A union of 10,000 polygons takes long enough to stall a frame, so it is
computed once per change of grids and sent as one diff; the window runs it in a
process of its own (``outline_texts``), because on a thread of the window it held
the interpreter lock from the GUI thread for a minute at 50,000 grids.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import shapely
from shapely.errors import GEOSException
from shapely.geometry import MultiPolygon, Polygon, shape

from gridcommand.db.live.records import GridRecord
from gridcommand.maps.diff_stream import to_texts
from gridcommand.maps.features import Feature, Project, diff, label_props, projector
from gridcommand.maps.labelspots import MAX_ZOOM, REGION_ZOOMS, LabelSpot, label_spot

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
    props = label_props(label_spot(geom, label, level), project)
    return {
        "id": f"{level[0]}:{code}",
        "level": level,
        "name": label,
        "lines": _rings(geom, project),
        **props,
    }


def _dissolve(children: dict[str, Any], parent_of: dict[str, str]) -> dict[str, Any]:
    """The union of each parent's children (a street of its communities, …)."""
    parts: dict[str, list[Any]] = defaultdict(list)
    for code, geom in children.items():
        if code in parent_of:
            parts[parent_of[code]].append(geom)
    return {
        code: shapely.union_all(pieces, grid_size=SNAP_DEGREES) for code, pieces in parts.items()
    }


def _hand_over(parents: list[Feature], children: dict[str, list[int | None]]) -> None:
    """A region's name shows from where it fits (``lz``) until most of its children's
    names fit (``xz``): zooming in, the names move down one level at a time, and a
    parent's name does not sit on top of its children's."""
    for feat in parents:
        zooms = children.get(feat["id"][2:])
        if feat["lz"] is None:
            continue
        if not zooms:
            feat["xz"] = feat["lz"] + REGION_ZOOMS
            continue
        ordered = sorted(MAX_ZOOM + 1 if z is None else z for z in zooms)
        feat["xz"] = max(feat["lz"], ordered[len(ordered) // 2] - 1)


def outline_features(
    grids: Iterable[GridRecord],
    project: Project,
    grid_zooms: Mapping[str, int | None] | None = None,
) -> list[Feature]:
    """One polyline feature per community, street and district (``level``), with its name.

    ``grid_zooms`` (each grid's label zoom) tells when a community hands its name over
    to its grids; without it a community's name shows for ``REGION_ZOOMS`` zooms.
    """
    by_community: dict[str, list[Any]] = defaultdict(list)
    parent_of: dict[str, dict[str, str]] = {"community": {}, "street": {}, "district": {}}
    names: dict[tuple[str, str], str] = {}
    grid_zooms_of: dict[str, list[int | None]] = defaultdict(list)
    for g in grids:
        geom = shape(g.boundary)
        if geom.is_empty:
            continue
        by_community[g.community_code].append(shapely.make_valid(geom))
        names[("community", g.community_code)] = g.community_name
        if grid_zooms is not None:
            grid_zooms_of[g.community_code].append(grid_zooms.get(g.code))
        if g.street_code:
            parent_of["street"][g.community_code] = g.street_code
            names[("street", g.street_code)] = g.street_name
            if g.district_code:
                parent_of["district"][g.street_code] = g.district_code
                names[("district", g.district_code)] = g.district_name
    communities = {
        code: shapely.union_all(parts, grid_size=SNAP_DEGREES)
        for code, parts in by_community.items()
    }
    streets = _dissolve(communities, parent_of["street"])
    regions = {
        "community": communities,
        "street": streets,
        "district": _dissolve(streets, parent_of["district"]),
    }
    features: dict[str, list[Feature]] = {
        level: [
            _feature(level, code, names[(level, code)], geom, project) for code, geom in r.items()
        ]
        for level, r in regions.items()
    }
    _hand_over(features["community"], grid_zooms_of)
    for level, child in (("street", "community"), ("district", "street")):
        zooms: dict[str, list[int | None]] = defaultdict(list)
        for feat in features[child]:
            parent = parent_of[level].get(feat["id"][2:])
            if parent is not None:
                zooms[parent].append(feat["lz"])
        _hand_over(features[level], zooms)
    return [feat for level in ("community", "street", "district") for feat in features[level]]


#: Label spots by grid code, with the boundary and name they were placed for.
SpotCache = dict[str, tuple[object, str, LabelSpot | None]]


def known_spots(grids: Iterable[GridRecord], cache: SpotCache) -> dict[str, LabelSpot | None]:
    """The cached spots still right for ``grids``: same boundary object, same name."""
    known: dict[str, LabelSpot | None] = {}
    for g in grids:
        hit = cache.get(g.code)
        if hit is not None and hit[0] is g.boundary and hit[1] == g.name:
            known[g.code] = hit[2]
    return known


def remember_spots(
    grids: Iterable[GridRecord], placed: Mapping[str, LabelSpot | None], cache: SpotCache
) -> None:
    for g in grids:
        if g.code in placed:
            cache[g.code] = (g.boundary, g.name, placed[g.code])


def grid_label_features(
    grids: Iterable[GridRecord],
    project: Project,
    known: Mapping[str, LabelSpot | None] | None = None,
    placed: dict[str, LabelSpot | None] | None = None,
) -> list[Feature]:
    """Each grid's label spot as an upsert that the page merges into the grid it has.

    Placed off the GUI thread, because a city's 10,000 grids take a second or more;
    the spots in ``known`` are used as they are, and those placed now go in ``placed``.
    """
    known = {} if known is None else known
    out = []
    for g in grids:
        if g.code in known:
            spot = known[g.code]
        else:
            try:
                spot = label_spot(shape(g.boundary), g.name or g.code, "grid")
            except (ValueError, TypeError, AttributeError, KeyError, GEOSException):
                spot = None  # the boundary is drawn as well as it can be; it has no label
            if placed is not None:
                placed[g.code] = spot
        out.append({"id": g.code, **label_props(spot, project)})
    return out


def outlines_diff(
    grids: Iterable[GridRecord],
    project: Project,
    previous: set[str],
    known: Mapping[str, LabelSpot | None] | None = None,
    placed: dict[str, LabelSpot | None] | None = None,
) -> tuple[list[Feature], set[str]]:
    """The outlines as one diff that also removes those no longer present, then the grids'
    label spots as a second; and the outline ids now shown."""
    grids = list(grids)
    labels = grid_label_features(grids, project, known, placed)
    zooms = {feat["id"]: feat["lz"] for feat in labels}
    features = outline_features(grids, project, zooms)
    ids = {feat["id"] for feat in features}
    outlines = diff("outlines", features, sorted(previous - ids))
    return [outlines, diff("grids", labels)], ids


def outline_texts(
    grids: list[GridRecord],
    crs: str,
    previous: set[str],
    known: list[tuple[str, LabelSpot | None]],
) -> tuple[list[str], set[str], list[tuple[str, LabelSpot | None]], int]:
    """A whole outline run, as the page's texts: what a process of its own returns.

    Only plain values cross (the map's system by name, the known spots as pairs), and
    the spots placed now come back as pairs for the caller's cache; last, the process
    that did the work (the tests check it is not the window's).
    """
    placed: dict[str, LabelSpot | None] = {}
    diffs, ids = outlines_diff(grids, projector(crs), previous, dict(known), placed)
    return to_texts(diffs), ids, list(placed.items()), os.getpid()
