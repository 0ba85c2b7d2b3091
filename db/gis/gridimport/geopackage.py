"""Reading a GeoPackage grid layer with sqlite3 (no GDAL on command-centre PCs).

A GeoPackage is a SQLite file: ``gpkg_contents`` lists its layers,
``gpkg_geometry_columns`` names each layer's geometry column and coordinate
system, and every geometry is WKB behind a small 'GP' header. A file may hold
several layers (grids, roads, buildings), so ``--layer`` picks one; with a single
feature layer it is not needed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import shapely
from shapely.geometry.base import BaseGeometry

from gridcommand.db.gis.gridimport.source import Feature, Progress, SourceFile
from gridcommand.db.schema.errors import UserFacingError

_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def gpkg_wkb(blob: bytes) -> bytes:
    """The WKB inside a GeoPackage geometry blob (strip the 'GP' header and envelope)."""
    if len(blob) < 8 or blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry")
    envelope = (blob[3] >> 1) & 0b111
    if envelope not in _ENVELOPE_BYTES:
        raise ValueError(f"unknown envelope code {envelope}")
    return blob[8 + _ENVELOPE_BYTES[envelope] :]


def _geometry(blob: bytes | None) -> BaseGeometry | None:
    if blob is None:
        return None
    try:
        return shapely.from_wkb(gpkg_wkb(bytes(blob)))
    except (TypeError, ValueError, shapely.errors.GEOSException):
        return None


def read(path: Path, layer: str | None, say: Progress) -> SourceFile:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise UserFacingError(f"{path.name} cannot be opened as a GeoPackage ({exc}).") from None
    try:
        return _read(con, path, layer, say)
    except sqlite3.DatabaseError as exc:
        raise UserFacingError(f"{path.name} is not a readable GeoPackage ({exc}).") from None
    finally:
        con.close()


def _pick_layer(
    con: sqlite3.Connection, path: Path, layer: str | None
) -> tuple[str, str, int | None]:
    layers = con.execute(
        "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c"
        " JOIN gpkg_geometry_columns g ON g.table_name = c.table_name"
        " WHERE c.data_type = 'features' ORDER BY c.table_name"
    ).fetchall()
    names = ", ".join(r[0] for r in layers) or "none"
    if layer is not None:
        chosen = [row for row in layers if row[0] == layer]
        if not chosen:
            raise UserFacingError(
                f"{path.name} has no feature layer '{layer}' (--layer); its layers are {names}."
            )
        return chosen[0]
    if len(layers) != 1:
        raise UserFacingError(
            f"{path.name} has {len(layers)} feature layers ({names}); "
            "name the grid layer with --layer."
        )
    return layers[0]


def _read(con: sqlite3.Connection, path: Path, layer: str | None, say: Progress) -> SourceFile:
    table, column, srs_id = _pick_layer(con, path, layer)
    srs = con.execute(
        "SELECT organization, organization_coordsys_id, definition"
        " FROM gpkg_spatial_ref_sys WHERE srs_id = ?",
        (srs_id,),
    ).fetchone()
    declared = None
    if srs and srs[0] and srs[1] is not None and int(srs[1]) > 0:
        declared = f"{srs[0]}:{srs[1]}"
    elif srs and srs[2] and str(srs[2]).strip() not in ("", "undefined"):
        declared = str(srs[2])
    # The table name comes from the file's own catalogue, quoted as an identifier.
    quoted = '"' + table.replace('"', '""') + '"'
    total = con.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0]
    cur = con.execute(f"SELECT * FROM {quoted}")
    columns = [d[0] for d in cur.description]
    features = []
    for i, row in enumerate(cur):
        say("reading", i + 1, total)
        attrs = dict(zip(columns, row, strict=True))
        features.append(Feature(i, attrs, _geometry(attrs.pop(column))))
    return SourceFile(
        name=path.name,
        format="GeoPackage",
        features=features,
        fields=[c for c in columns if c != column],
        declared_crs=declared,
        declared_in=f"layer {table}'s spatial reference",
    )
