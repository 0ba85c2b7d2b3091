"""Which coordinate system a file is in, and bringing it to WGS-84 longitude/latitude.

The whole product stores WGS-84 lon/lat. A file's own declaration (a ``.prj``, a
GeoPackage's spatial reference, GeoJSON's ``crs``) is used unless ``--crs``
overrides it, because offices do mislabel exports; the report says which applied
and where it came from, so a wrong choice is visible.

Reprojection leaves floating-point noise: a world layer's ring at the antimeridian
comes back at longitude 180.00000000000006. Coordinates that far (under
``SNAP_DEGREES``) outside [−180, 180] × [−90, 90] are lon/lat and are clamped;
anything further out is a wrong coordinate system and stops the import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from gridcommand.db.gis.coords import bd09_to_wgs84, gcj02_to_wgs84
from gridcommand.db.schema.errors import UserFacingError

Project = Callable[[np.ndarray], np.ndarray]
#: About 0.1 mm: reprojection noise, never a real coordinate.
SNAP_DEGREES = 1e-9
_WGS84_NAMES = {"WGS84", "EPSG4326", "CRS84", "OGCCRS84", "CGCS2000", "EPSG4490"}
_LOW = np.array([-180.0, -90.0])
_HIGH = np.array([180.0, 90.0])


@dataclass(frozen=True)
class CrsChoice:
    """The system the coordinates are read in, and why that one."""

    label: str
    #: ``--crs``, the file's own declaration, or an assumption when it declares none.
    source: str
    project: Project | None
    #: What the file declared, when ``--crs`` overrode it (for the report and errors).
    overridden: str | None = None


def _key(crs: str) -> str:
    return "".join(ch for ch in crs.upper() if ch.isalnum())


def _label(crs: pyproj.CRS) -> str:
    epsg = crs.to_epsg(min_confidence=70)
    return f"EPSG:{epsg} ({crs.name})" if epsg else crs.name


def _resolve(crs: str) -> tuple[str, Project | None]:
    """A label and a coordinate function for ``shapely.transform`` (None for WGS-84)."""
    key = _key(crs)
    if key in _WGS84_NAMES:
        return "EPSG:4326 (WGS 84)" if key != "CGCS2000" else "CGCS2000 (≈ WGS 84)", None
    if key in ("GCJ02", "BD09"):
        convert = gcj02_to_wgs84 if key == "GCJ02" else bd09_to_wgs84
        name = "GCJ-02 (AMap, Tencent)" if key == "GCJ02" else "BD-09 (Baidu)"
        return name, lambda xy: np.array([convert(x, y) for x, y in xy], dtype=float).reshape(-1, 2)
    source = pyproj.CRS.from_user_input(crs)  # CRSError is the caller's to explain
    if source.equals(pyproj.CRS.from_epsg(4326), ignore_axis_order=True):
        return _label(source), None
    transformer = pyproj.Transformer.from_crs(source, "EPSG:4326", always_xy=True)

    def project(xy: np.ndarray) -> np.ndarray:
        lon, lat = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return _label(source), project


def choose(option: str | None, declared: str | None, declared_in: str) -> CrsChoice:
    """``--crs`` if given, else the file's declaration, else WGS-84."""
    if option:
        try:
            label, project = _resolve(option)
        except pyproj.exceptions.CRSError:
            raise UserFacingError(
                f"--crs '{option}' is not a coordinate system this import knows; give an EPSG "
                "code (EPSG:4326, EPSG:4547 …), GCJ-02 or BD-09."
            ) from None
        overridden = None
        if declared:
            try:
                overridden = _resolve(declared)[0]
            except pyproj.exceptions.CRSError:
                overridden = "one this import cannot read"
            if overridden == label:
                overridden = None
        return CrsChoice(label, "--crs", project, overridden)
    if declared:
        try:
            label, project = _resolve(declared)
        except pyproj.exceptions.CRSError:
            raise UserFacingError(
                f"The coordinate system declared in {declared_in} is not one this import can "
                "read; give the file's system with --crs (EPSG:4547, GCJ-02 …)."
            ) from None
        return CrsChoice(label, f"declared in {declared_in}", project)
    return CrsChoice("EPSG:4326 (WGS 84)", "assumed: the file declares none", None)


def to_lonlat(geom: BaseGeometry, choice: CrsChoice) -> BaseGeometry:
    """Reprojected into WGS-84 (no check of the range; see ``clamp_lonlat``)."""
    return shapely.transform(geom, choice.project) if choice.project else geom


def clamp_lonlat(geom: BaseGeometry) -> BaseGeometry | None:
    """The geometry with reprojection noise clamped into range; None when it is not lon/lat."""
    minx, miny, maxx, maxy = geom.bounds
    if max(-minx, maxx) <= 180 and max(-miny, maxy) <= 90:
        return geom
    tol = SNAP_DEGREES
    if max(-minx, maxx) <= 180 + tol and max(-miny, maxy) <= 90 + tol:
        return shapely.transform(geom, lambda xy: np.clip(xy, _LOW, _HIGH))
    return None


def not_lonlat(code: str, geom: BaseGeometry, choice: CrsChoice) -> UserFacingError:
    """One sentence saying why the coordinates are wrong, with a hint that fits them."""
    minx, miny, maxx, maxy = geom.bounds
    x, y = (minx, miny) if abs(minx) > 180 or abs(miny) > 90 else (maxx, maxy)
    where = f"Grid {code} comes out at {x:.6g}, {y:.6g}, which is not longitude/latitude"
    metres = max(abs(minx), abs(maxx), abs(miny), abs(maxy)) > 1000
    if choice.source == "--crs":
        also = f" (the file itself declares {choice.overridden})" if choice.overridden else ""
        return UserFacingError(
            f"{where} with --crs {choice.label}; check that --crs names the file's "
            f"coordinate system{also}."
        )
    if choice.source.startswith("declared"):
        return UserFacingError(
            f"{where} in {choice.label}, the system {choice.source}; if that declaration is "
            "wrong, give the right one with --crs."
        )
    hint = (
        " (coordinates in metres suggest a projected system such as EPSG:4547, "
        "CGCS2000 Gauss-Krüger 114°E)"
        if metres
        else ""
    )
    return UserFacingError(
        f"{where}, and the file declares no coordinate system; give it with --crs{hint}."
    )
