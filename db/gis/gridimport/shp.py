"""Reading a Shapefile grid layer with pyshp (no GDAL on command-centre PCs).

A Shapefile is one layer in several files: the ``.prj`` beside it declares the
coordinate system (as WKT) and a ``.cpg`` the text encoding of the attributes.
Chinese GIS offices often leave the ``.cpg`` out and write GBK, so when UTF-8
fails GBK is tried before giving up.
"""

from __future__ import annotations

import struct
from pathlib import Path

import shapefile

from gridcommand.db.gis.gridimport.source import (
    Feature,
    Progress,
    SourceFile,
    geometry_from_geojson,
)
from gridcommand.db.schema.errors import UserFacingError


def _encodings(path: Path) -> list[str]:
    """The .cpg's encoding if there is one, then UTF-8, then GBK."""
    cpg = path.with_suffix(".cpg")
    declared = cpg.read_text(errors="replace").strip() if cpg.is_file() else ""
    return [e for e in dict.fromkeys([declared, "utf-8", "gbk"]) if e]


def _read(path: Path, encoding: str, say: Progress) -> tuple[list[Feature], list[str]]:
    with shapefile.Reader(str(path), encoding=encoding) as reader:
        fields = [f[0] for f in reader.fields if f[0] != "DeletionFlag"]
        total = len(reader)
        features = []
        for i, sr in enumerate(reader.iterShapeRecords()):
            say("reading", i + 1, total)
            empty = sr.shape.shapeType == shapefile.NULL
            geom = None if empty else geometry_from_geojson(sr.shape.__geo_interface__)
            features.append(Feature(i, sr.record.as_dict(), geom))
    return features, fields


def read(path: Path, say: Progress) -> SourceFile:
    prj = path.with_suffix(".prj")
    declared = prj.read_text(errors="replace").strip() if prj.is_file() else None
    problem = ""
    for encoding in _encodings(path):
        try:
            features, fields = _read(path, encoding, say)
        except (UnicodeDecodeError, LookupError) as exc:
            problem = str(exc)
            continue
        except (shapefile.ShapefileException, OSError, struct.error) as exc:
            if "decode" not in str(exc):
                raise UserFacingError(f"{path.name} is not a readable Shapefile ({exc}).") from None
            problem = str(exc).split(" using ")[0]
            continue
        return SourceFile(
            name=path.name,
            format="Shapefile",
            features=features,
            fields=fields,
            declared_crs=declared or None,
            declared_in=f"{prj.name}",
        )
    raise UserFacingError(
        f"{path.name} has attributes in an unknown text encoding ({problem}); "
        "add a .cpg file naming it."
    )
