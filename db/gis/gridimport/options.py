"""The options checked against the file before anything is written.

A typing slip must not turn into a silent change: ``--map name=NAME`` where the
file has no NAME used to fall back to the code and rename every grid. So every
field the mapping names must exist in the file, and an option that does not
apply to the file (``--layer`` on a GeoJSON) is refused; both are one sentence
and exit 2, before the database is touched.

What the mapping does not name (explicitly, or by a field of the same name) is
not carried by the file, and a re-import keeps it as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gridcommand.db.gis.gridimport import geojson, geopackage, shp
from gridcommand.db.gis.gridimport.source import Progress, SourceFile
from gridcommand.db.schema.errors import UserFacingError

TARGETS = ("code", "name", "households", "population", "community")
_FORMATS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".shp": "Shapefile", ".gpkg": "GeoPackage"}


def read_file(path: Path, layer: str | None, say: Progress) -> SourceFile:
    """The grid file, read by the reader its suffix names; ``--layer`` only for GeoPackage."""
    if not path.is_file():
        raise UserFacingError(f"There is no file {path}.")
    kind = _FORMATS.get(path.suffix.lower())
    if kind is None:
        raise UserFacingError(
            f"{path.name} is not a grid file this import reads; give a GeoJSON (.geojson), "
            "Shapefile (.shp) or GeoPackage (.gpkg)."
        )
    if layer is not None and kind != "GeoPackage":
        raise UserFacingError(
            f"--layer applies only to GeoPackage files, and {path.name} is a {kind} file "
            "with a single layer; leave --layer out."
        )
    if kind == "GeoJSON":
        return geojson.read(path, say)
    if kind == "Shapefile":
        return shp.read(path, say)
    return geopackage.read(path, layer, say)


@dataclass(frozen=True)
class Mapping:
    """Which file field feeds which grid column; targets the file does not carry are absent."""

    columns: dict[str, str]
    #: The targets named with ``--map`` (the rest were found by their own name).
    explicit: frozenset[str]

    @property
    def carried(self) -> list[str]:
        return [t for t in TARGETS if t in self.columns and t != "code"]

    @property
    def not_carried(self) -> list[str]:
        return [t for t in TARGETS if t not in self.columns]


def parse_mapping(text: str | None) -> dict[str, str]:
    """``code=GRID_ID,name=NAME`` → {target: field}, with only the syntax checked."""
    result: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        target, sep, source = part.partition("=")
        target, source = target.strip(), source.strip()
        if not sep or not source or target not in TARGETS:
            raise UserFacingError(
                f"'{part.strip()}' is not a mapping; write TARGET=FIELD with TARGET one of "
                f"{', '.join(TARGETS)} (e.g. --map code=GRID_ID,name=NAME)."
            )
        if target in result:
            raise UserFacingError(f"--map names {target} twice; give each target once.")
        result[target] = source
    return result


def _listed(fields: list[str]) -> str:
    return ", ".join(fields) or "none"


def resolve_mapping(text: str | None, source: SourceFile) -> Mapping:
    """The mapping checked against the file's fields: an unknown field is an error."""
    explicit = parse_mapping(text)
    fields = source.fields
    by_lower: dict[str, list[str]] = {}
    for f in fields:
        by_lower.setdefault(f.lower(), []).append(f)
    columns: dict[str, str] = {}
    for target, field in explicit.items():
        if field not in fields:
            near = by_lower.get(field.lower(), [])
            hint = f" (did you mean {near[0]}?)" if len(near) == 1 else ""
            raise UserFacingError(
                f"{source.name} has no field '{field}' for --map {target}={field}{hint}; "
                f"its fields are {_listed(fields)}."
            )
        columns[target] = field
    for target in TARGETS:
        if target in columns:
            continue
        # A Shapefile's CODE or NAME is the same column as code or name.
        same = by_lower.get(target, [])
        if target in fields:
            columns[target] = target
        elif len(same) == 1:
            columns[target] = same[0]
    if "code" not in columns:
        raise UserFacingError(
            f"{source.name} has no attribute 'code' for the grid code; its attributes are "
            f"{_listed(fields)} (choose one with --map code=FIELD)."
        )
    return Mapping(columns, frozenset(explicit))
