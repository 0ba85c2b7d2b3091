"""Reading a GeoJSON grid layer (what QGIS's "Export → GeoJSON" writes).

A GeoJSON file holds one layer, so ``--layer`` does not apply to it. RFC 7946 says
coordinates are WGS-84, but QGIS still writes the old ``crs`` member when the
layer is in another system, and offices do export that way; it is honoured.
"""

from __future__ import annotations

import json
from pathlib import Path

from gridcommand.db.gis.gridimport.source import (
    Feature,
    Progress,
    SourceFile,
    geometry_from_geojson,
)
from gridcommand.db.schema.errors import UserFacingError


def read(path: Path, say: Progress) -> SourceFile:
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
        name = crs["properties"].get("name")
        declared = str(name) if name else None
    raw = data["features"]
    features = []
    fields: dict[str, None] = {}
    for i, f in enumerate(raw):
        say("reading", i + 1, len(raw))
        if not isinstance(f, dict):
            continue
        props = f.get("properties") if isinstance(f.get("properties"), dict) else {}
        attributes = dict(props or {})
        fields.update(dict.fromkeys(attributes))
        features.append(Feature(i, attributes, geometry_from_geojson(f.get("geometry"))))
    return SourceFile(
        name=path.name,
        format="GeoJSON",
        features=features,
        fields=list(fields),
        declared_crs=declared,
        declared_in="its crs member",
    )
