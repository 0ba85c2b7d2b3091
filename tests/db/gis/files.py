"""Grid files made here, in each format a GIS office exports: GeoJSON, Shapefile, GeoPackage."""

from __future__ import annotations

import json
import sqlite3
import struct
from pathlib import Path
from typing import Any

import shapefile
import shapely
from shapely.geometry import MultiPolygon, Polygon, box, mapping
from sqlalchemy import Engine, text

X0, Y0, STEP = 113.38, 22.93, 0.004
Row = tuple[dict[str, Any], Any]
WGS84_WKT = (
    'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
)


def cell(i: int, j: int = 0) -> Polygon:
    return box(X0 + i * STEP, Y0 + j * STEP, X0 + (i + 1) * STEP, Y0 + (j + 1) * STEP)


def write_geojson(path: Path, rows: list[Row]) -> Path:
    features = [{"type": "Feature", "properties": p, "geometry": mapping(g)} for p, g in rows]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def write_shapefile(path: Path, rows: list[Row], prj: str | None = WGS84_WKT) -> Path:
    """A .shp with one text field per attribute name seen (pyshp needs the columns up front)."""
    base = path.with_suffix("")
    names = list(dict.fromkeys(k for p, _ in rows for k in p))
    with shapefile.Writer(str(base), shapeType=shapefile.POLYGON, encoding="utf-8") as w:
        for name in names:
            w.field(name, "C", 60)
        for props, geom in rows:
            polys = geom.geoms if isinstance(geom, MultiPolygon) else [geom]
            # Shapefile outer rings run clockwise.
            w.poly([list(shapely.geometry.polygon.orient(p, -1).exterior.coords) for p in polys])
            w.record(*[str(props.get(n, "")) for n in names])
    if prj is not None:
        base.with_suffix(".prj").write_text(prj, encoding="ascii")
    return base.with_suffix(".shp")


def _gpkg_blob(geom: Any) -> bytes:
    # Header: magic, version 0, flags (little-endian, no envelope), srs id; then WKB.
    return b"GP" + struct.pack("<BBi", 0, 0b0000_0001, 4326) + shapely.to_wkb(geom)


def write_geopackage(path: Path, layers: dict[str, list[Row]]) -> Path:
    """A minimal GeoPackage (the tables a reader needs), one text column per attribute."""
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    con.executescript(
        """
        CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY,
            organization TEXT, organization_coordsys_id INTEGER, definition TEXT);
        CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT);
        CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT,
            geometry_type_name TEXT, srs_id INTEGER, z INTEGER, m INTEGER);
        INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84', 4326, 'EPSG', 4326, '');
        """
    )
    for layer, rows in layers.items():
        names = list(dict.fromkeys(k for p, _ in rows for k in p))
        cols = "".join(f', "{n}" TEXT' for n in names)
        con.execute(f'CREATE TABLE "{layer}" (fid INTEGER PRIMARY KEY, geom BLOB{cols})')
        con.execute("INSERT INTO gpkg_contents VALUES (?, 'features')", (layer,))
        con.execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'POLYGON', 4326, 0, 0)",
            (layer,),
        )
        if not rows:
            continue
        marks = "".join(", ?" for _ in names)
        quoted = "".join(f', "{n}"' for n in names)
        con.executemany(
            f'INSERT INTO "{layer}" (geom{quoted}) VALUES (?{marks})',
            [(_gpkg_blob(g), *[p.get(n) for n in names]) for p, g in rows],
        )
    con.commit()
    con.close()
    return path


def write_any(kind: str, folder: Path, stem: str, rows: list[Row]) -> Path:
    if kind == "geojson":
        return write_geojson(folder / f"{stem}.geojson", rows)
    if kind == "shp":
        return write_shapefile(folder / f"{stem}.shp", rows)
    return write_geopackage(folder / f"{stem}.gpkg", {"wangge": rows})


FORMATS = ("geojson", "shp", "gpkg")


def stored(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT code, name, community_code, households, population, boundary FROM grids")
        ).mappings()
        return {r["code"]: dict(r) for r in rows}
