"""Loading a grid layer that a GIS office drew (in QGIS, ArcGIS …) into the grids table.

The file may be GeoJSON, a Shapefile or a GeoPackage, in WGS-84, GCJ-02 (drawn over
an AMap basemap) or any EPSG system pyproj knows; it is brought to WGS-84 lon/lat
because that is what the whole product stores. Drawings have faults: rings that
cross themselves are repaired with ``shapely.make_valid`` where a polygon survives,
and refused with a reason where none does; neighbouring grids that overlap or leave
holes between them are reported, since a point there belongs to two grids or to
none. Importing again updates grids in place by their code, so a corrected drawing
can simply be loaded once more. GeoPackages are read with sqlite3 (a GeoPackage is
a SQLite file whose geometries are WKB behind a small header), so no GDAL is needed.
"""

from __future__ import annotations

import json
import math
import sqlite3
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyproj
import shapefile
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Engine, select
from sqlalchemy.dialects.postgresql import insert

from gridcommand.db.gis.coords import bd09_to_wgs84, gcj02_to_wgs84
from gridcommand.db.schema.errors import UserFacingError
from gridcommand.db.schema.models import Grid, Region

Progress = Callable[[str, int, int], None]

TARGETS = ("code", "name", "households", "population", "community")
#: Overlaps and holes smaller than this are drawing noise (snapping), not findings.
MIN_AREA_M2 = 1.0
M_PER_DEG = 111_320.0
_WGS84_NAMES = {"WGS84", "EPSG4326", "CRS84", "OGCCRS84", "CGCS2000", "EPSG4490"}
_GPKG_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


@dataclass(frozen=True)
class Feature:
    """One drawn grid: its attributes and geometry as read, before any checking."""

    index: int
    attributes: dict[str, Any]
    geometry: BaseGeometry | None


@dataclass
class ImportReport:
    """What happened, for the operator: nothing is dropped without a line here."""

    inserted: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    repaired: list[tuple[str, str]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    overlaps: list[tuple[str, str, float]] = field(default_factory=list)
    gaps: list[tuple[float, tuple[float, float]]] = field(default_factory=list)
    created_communities: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"{len(self.inserted)} grids added, {len(self.updated)} updated, "
            f"{len(self.refused)} refused, {len(self.repaired)} repaired."
        ]
        out += [f"repaired {code}: {why}" for code, why in self.repaired]
        out += [f"refused {ref}: {why}" for ref, why in self.refused]
        out += [f"overlap: {a} and {b} share {area:.0f} m²" for a, b, area in self.overlaps]
        out += [
            f"gap: {area:.0f} m² belongs to no grid near {lon:.6f}, {lat:.6f}"
            for area, (lon, lat) in self.gaps
        ]
        out += [
            f"created community {code} (no such region yet)" for code in self.created_communities
        ]
        return out


# -- options ---------------------------------------------------------------------------
def parse_mapping(text: str | None) -> dict[str, str]:
    """``code=GRID_ID,name=NAME`` → which file attribute feeds which grid column."""
    result = {t: t for t in TARGETS}
    if not text:
        return result
    for part in text.split(","):
        target, sep, source = part.partition("=")
        target, source = target.strip(), source.strip()
        if not sep or not source or target not in TARGETS:
            raise UserFacingError(
                f"'{part.strip()}' is not a mapping; write TARGET=FIELD with TARGET one of "
                f"{', '.join(TARGETS)} (e.g. --map code=GRID_ID,name=NAME)."
            )
        result[target] = source
    return result


def _crs_key(crs: str) -> str:
    return "".join(ch for ch in crs.upper() if ch.isalnum())


def to_wgs84_function(crs: str) -> Callable[[np.ndarray], np.ndarray] | None:
    """A coordinate function for ``shapely.transform``, or None when already WGS-84."""
    key = _crs_key(crs)
    if key in _WGS84_NAMES:
        return None
    if key in ("GCJ02", "BD09"):
        convert = gcj02_to_wgs84 if key == "GCJ02" else bd09_to_wgs84
        return lambda xy: np.array([convert(x, y) for x, y in xy], dtype=float).reshape(-1, 2)
    try:
        source = pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError:
        raise UserFacingError(
            f"'{crs}' is not a coordinate system this import knows; give an EPSG code "
            "(EPSG:4326, EPSG:4547 …), GCJ-02 or BD-09."
        ) from None
    if source.equals(pyproj.CRS.from_epsg(4326), ignore_axis_order=True):
        return None
    transformer = pyproj.Transformer.from_crs(source, "EPSG:4326", always_xy=True)

    def project(xy: np.ndarray) -> np.ndarray:
        lon, lat = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return project


# -- reading the three formats ------------------------------------------------------------
def read_file(path: Path, layer: str | None = None) -> tuple[list[Feature], str | None]:
    """The features of a grid file and the coordinate system it declares, if any."""
    if not path.is_file():
        raise UserFacingError(f"There is no file {path}.")
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        return _read_geojson(path)
    if suffix == ".shp":
        return _read_shapefile(path)
    if suffix == ".gpkg":
        return _read_geopackage(path, layer)
    raise UserFacingError(
        f"{path.name} is not a grid file this import reads; give a GeoJSON (.geojson), "
        "Shapefile (.shp) or GeoPackage (.gpkg)."
    )


def _geometry(raw: object) -> BaseGeometry | None:
    if raw is None:
        return None
    try:
        return shape(raw)
    except Exception:  # malformed geometry raises many kinds of error; refused later
        return None


def _read_geojson(path: Path) -> tuple[list[Feature], str | None]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserFacingError(f"{path.name} is not valid GeoJSON ({exc}).") from None
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise UserFacingError(f"{path.name} is JSON but not a GeoJSON FeatureCollection.")
    declared = None
    crs = data.get("crs")
    if isinstance(crs, dict) and isinstance(crs.get("properties"), dict):
        declared = crs["properties"].get("name")
    features = []
    for i, f in enumerate(data["features"]):
        if not isinstance(f, dict):
            continue
        props = f.get("properties") if isinstance(f.get("properties"), dict) else {}
        features.append(Feature(i, dict(props or {}), _geometry(f.get("geometry"))))
    return features, declared


def _shapefile_encodings(path: Path) -> list[str]:
    """The .cpg's encoding if there is one, then UTF-8, then GBK (common in Chinese GIS offices)."""
    cpg = path.with_suffix(".cpg")
    declared = cpg.read_text(errors="replace").strip() if cpg.is_file() else ""
    return [e for e in dict.fromkeys([declared, "utf-8", "gbk"]) if e]


def _read_shapefile(path: Path) -> tuple[list[Feature], str | None]:
    prj = path.with_suffix(".prj")
    declared = prj.read_text(errors="replace") if prj.is_file() else None
    problem = ""
    for encoding in _shapefile_encodings(path):
        try:
            with shapefile.Reader(str(path), encoding=encoding) as reader:
                features = [
                    Feature(
                        i,
                        sr.record.as_dict(),
                        None if sr.shape.shapeType == 0 else _geometry(sr.shape.__geo_interface__),
                    )
                    for i, sr in enumerate(reader.iterShapeRecords())
                ]
            return features, declared
        except (UnicodeDecodeError, LookupError) as exc:
            problem = str(exc)
        except (shapefile.ShapefileException, OSError, struct.error) as exc:
            if "decode" not in str(exc):
                raise UserFacingError(f"{path.name} is not a readable Shapefile ({exc}).") from None
            problem = str(exc).split(" using ")[0]
    raise UserFacingError(
        f"{path.name} has attributes in an unknown text encoding ({problem}); "
        "add a .cpg file naming it."
    )


def gpkg_wkb(blob: bytes) -> bytes:
    """The WKB inside a GeoPackage geometry blob (strip the 'GP' header and envelope)."""
    if len(blob) < 8 or blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry")
    envelope = (blob[3] >> 1) & 0b111
    if envelope not in _GPKG_ENVELOPE_BYTES:
        raise ValueError(f"unknown envelope code {envelope}")
    return blob[8 + _GPKG_ENVELOPE_BYTES[envelope] :]


def _read_geopackage(path: Path, layer: str | None) -> tuple[list[Feature], str | None]:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise UserFacingError(f"{path.name} cannot be opened as a GeoPackage ({exc}).") from None
    try:
        return _geopackage_features(con, path, layer)
    except sqlite3.DatabaseError as exc:
        raise UserFacingError(f"{path.name} is not a readable GeoPackage ({exc}).") from None
    finally:
        con.close()


def _geopackage_features(
    con: sqlite3.Connection, path: Path, layer: str | None
) -> tuple[list[Feature], str | None]:
    layers = con.execute(
        "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c"
        " JOIN gpkg_geometry_columns g ON g.table_name = c.table_name"
        " WHERE c.data_type = 'features' ORDER BY c.table_name"
    ).fetchall()
    if layer is not None:
        layers = [row for row in layers if row[0] == layer]
    if len(layers) != 1:
        names = ", ".join(r[0] for r in layers) or "none"
        raise UserFacingError(
            f"{path.name} has {len(layers)} matching feature layers ({names}); "
            "name the grid layer with --layer."
        )
    table, column, srs_id = layers[0]
    srs = con.execute(
        "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = ?",
        (srs_id,),
    ).fetchone()
    declared = f"{srs[0]}:{srs[1]}" if srs and srs[0] and int(srs[1]) > 0 else None
    quoted = '"' + table.replace('"', '""') + '"'
    # The table name comes from the file's own catalogue, quoted as an identifier.
    cur = con.execute(f"SELECT * FROM {quoted}")
    columns = [d[0] for d in cur.description]
    features = []
    for i, row in enumerate(cur):
        attrs = dict(zip(columns, row, strict=True))
        blob = attrs.pop(column)
        geom = None
        if blob is not None:
            try:
                geom = shapely.from_wkb(gpkg_wkb(bytes(blob)))
            except (ValueError, shapely.errors.GEOSException):
                geom = None
        features.append(Feature(i, attrs, geom))
    return features, declared


# -- checking ---------------------------------------------------------------------------------
@dataclass
class CheckedGrid:
    code: str
    name: str
    community: str | None
    households: int | None
    population: int | None
    geometry: BaseGeometry


def _count(value: object) -> int | None:
    if value is None or value == "":
        return None
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"{value!r} is not a count")
    return round(number)


def polygonal(geom: BaseGeometry) -> tuple[BaseGeometry | None, str]:
    """A valid (Multi)Polygon, repaired if need be, with what was wrong; None if none survives."""
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
    return fixed, reason


def check(
    features: list[Feature],
    columns: dict[str, str],
    project: Callable[[np.ndarray], np.ndarray] | None,
    report: ImportReport,
) -> list[CheckedGrid]:
    """Features that make grids, in WGS-84; every other one is in ``report.refused``."""
    present = set().union(*(f.attributes for f in features)) if features else set()
    if columns["code"] not in present:
        raise UserFacingError(
            f"The file has no attribute '{columns['code']}' for the grid code; its attributes "
            f"are {', '.join(sorted(present)) or 'none'} (choose one with --map code=FIELD)."
        )
    grids: dict[str, CheckedGrid] = {}
    for f in features:
        raw_code = f.attributes.get(columns["code"])
        code = "" if raw_code is None else str(raw_code).strip()
        ref = code or f"feature {f.index + 1}"
        if not code:
            report.refused.append((ref, "it has no grid code"))
            continue
        if code in grids:
            report.refused.append((ref, "the code appears twice in the file; the first is kept"))
            continue
        if f.geometry is None:
            report.refused.append((ref, "it has no readable geometry"))
            continue
        geom = shapely.transform(f.geometry, project) if project else f.geometry
        geom, problem = polygonal(geom)
        if geom is None:
            report.refused.append((ref, problem))
            continue
        if problem:
            report.repaired.append((code, problem))
        minx, miny, maxx, maxy = geom.bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise UserFacingError(
                f"Grid {code} has coordinates like {minx:.0f}, {miny:.0f}, which are not "
                "longitude/latitude; give the file's coordinate system with --crs "
                "(e.g. --crs EPSG:4547)."
            )
        try:
            households = _count(f.attributes.get(columns["households"]))
            population = _count(f.attributes.get(columns["population"]))
        except (TypeError, ValueError) as exc:
            report.refused.append((ref, f"households or population is not a count ({exc})"))
            continue
        name = str(f.attributes.get(columns["name"]) or "").strip() or code
        community = str(f.attributes.get(columns["community"]) or "").strip() or None
        grids[code] = CheckedGrid(code, name, community, households, population, geom)
    return list(grids.values())


def _m2(area_deg2: float, lat: float) -> float:
    return area_deg2 * M_PER_DEG * M_PER_DEG * math.cos(math.radians(lat))


def find_overlaps_and_gaps(grids: list[CheckedGrid], report: ImportReport) -> None:
    """Pairs of grids that share area, and holes inside the layer that no grid covers."""
    geoms = [g.geometry for g in grids]
    if not geoms:
        return
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i >= j:
            continue
        shared = geoms[i].intersection(geoms[j])
        area = _m2(shared.area, shared.centroid.y) if not shared.is_empty else 0.0
        if area > MIN_AREA_M2:
            report.overlaps.append((grids[i].code, grids[j].code, area))
    union = shapely.union_all(geoms)
    for poly in getattr(union, "geoms", [union]):
        for ring in getattr(poly, "interiors", []):
            hole = shapely.Polygon(ring)
            area = _m2(hole.area, hole.centroid.y)
            if area > MIN_AREA_M2:
                p = hole.representative_point()
                report.gaps.append((area, (p.x, p.y)))


# -- writing ----------------------------------------------------------------------------------
def _community_lookup(engine: Engine) -> tuple[set[str], list[tuple[str, BaseGeometry]]]:
    with engine.connect() as conn:
        regions = conn.execute(select(Region.code, Region.level, Region.boundary)).all()
    codes = {r.code for r in regions}
    areas = []
    for r in regions:
        if r.level == "community" and r.boundary:
            geom = _geometry(r.boundary)
            if geom is not None and geom.is_valid:
                areas.append((r.code, geom))
    return codes, areas


def _assign_communities(
    grids: list[CheckedGrid], existing: dict[str, str], engine: Engine, fallback: str
) -> dict[str, BaseGeometry]:
    """Give each grid a community: the file's, its current one, or the one it lies in."""
    codes, areas = _community_lookup(engine)
    missing: dict[str, list[BaseGeometry]] = {}
    for g in grids:
        if g.community is None:
            g.community = existing.get(g.code)
        if g.community is None:
            inside = g.geometry.representative_point()
            g.community = next((c for c, a in areas if a.contains(inside)), fallback)
        if g.community not in codes:
            missing.setdefault(g.community, []).append(g.geometry)
    return {code: shapely.union_all(parts) for code, parts in missing.items()}


def import_grids(
    engine: Engine,
    path: Path,
    mapping_text: str | None = None,
    crs: str | None = None,
    layer: str | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Read, check and write a grid file; raise UserFacingError for a file that cannot be used."""
    say = progress or (lambda stage, done, total: None)
    columns = parse_mapping(mapping_text)
    features, declared = read_file(path, layer)
    if not features:
        raise UserFacingError(f"{path.name} holds no features.")
    project = to_wgs84_function(crs or declared or "EPSG:4326")
    report = ImportReport()
    say("checking", 0, len(features))
    grids = check(features, columns, project, report)
    say("checking", len(features), len(features))
    if not grids:
        raise UserFacingError(
            f"None of the {len(features)} features of {path.name} is a usable grid "
            f"(first problem: {report.refused[0][1]})."
        )
    find_overlaps_and_gaps(grids, report)
    with engine.connect() as conn:
        rows = conn.execute(select(Grid.code, Grid.community_code)).all()
    existing: dict[str, str] = {code: community for code, community in rows}
    fallback = ("IMP-" + path.stem)[:32]
    new_communities = _assign_communities(grids, existing, engine, fallback)
    report.created_communities = sorted(new_communities)
    for g in grids:
        (report.updated if g.code in existing else report.inserted).append(g.code)
    if not dry_run:
        _write(engine, grids, new_communities, say)
    return report


def _write(
    engine: Engine,
    grids: Iterable[CheckedGrid],
    new_communities: dict[str, BaseGeometry],
    say: Progress,
) -> None:
    rows = list(grids)
    with engine.begin() as conn:
        for code, area in new_communities.items():
            conn.execute(
                insert(Region).values(
                    code=code, name=code, level="community", boundary=mapping(area)
                )
            )
        for done, g in enumerate(rows, start=1):
            values: dict[str, Any] = {
                "code": g.code,
                "name": g.name,
                "community_code": g.community,
                "boundary": mapping(g.geometry),
            }
            counts = {"households": g.households, "population": g.population}
            values.update({k: v for k, v in counts.items() if v is not None})
            update = {k: v for k, v in values.items() if k != "code"}
            conn.execute(
                insert(Grid)
                .values(**values)
                .on_conflict_do_update(index_elements=["code"], set_=update)
            )
            if done % 100 == 0 or done == len(rows):
                say("grids", done, len(rows))
