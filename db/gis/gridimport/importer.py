"""The import from start to end: read, check the options, check the grids, compare, write.

The order is the point: every option and mapping field is checked against the
file, and every feature checked, before the database is written; the write is one
transaction. So an import either fails with one sentence and leaves the database
as it was, or writes what its report says.
"""

from __future__ import annotations

from pathlib import Path

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Engine, select

from gridcommand.db.gis.gridimport import crs as crs_
from gridcommand.db.gis.gridimport import overlaps, writer
from gridcommand.db.gis.gridimport.checker import check
from gridcommand.db.gis.gridimport.compare import plan
from gridcommand.db.gis.gridimport.options import parse_mapping, read_file, resolve_mapping
from gridcommand.db.gis.gridimport.regions import Places
from gridcommand.db.gis.gridimport.report import ImportReport
from gridcommand.db.gis.gridimport.source import Progress, no_progress
from gridcommand.db.schema.errors import UserFacingError
from gridcommand.db.schema.models import Grid


class NothingImported(UserFacingError):
    """No feature made a grid; the report says why for each (``--report`` still gets it)."""

    def __init__(self, message: str, report: ImportReport) -> None:
        super().__init__(message)
        self.report = report


def _stored(engine: Engine) -> dict[str, dict[str, object]]:
    columns = (Grid.code, Grid.name, Grid.community_code, Grid.households, Grid.population)
    with engine.connect() as conn:
        rows = conn.execute(select(*columns, Grid.boundary)).mappings().all()
    return {r["code"]: dict(r) for r in rows}


def import_grids(
    engine: Engine,
    path: Path,
    mapping_text: str | None = None,
    crs: str | None = None,
    layer: str | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
    replace: bool = False,
    parent: str | None = None,
) -> ImportReport:
    """Read, check and write a grid file; UserFacingError (exit 2) when nothing can be written."""
    say = progress or no_progress
    parse_mapping(mapping_text)  # a syntax slip is told before a large file is read
    source = read_file(path, layer, say)
    if not source.features:
        raise UserFacingError(f"{path.name} holds no features.")
    mapping = resolve_mapping(mapping_text, source)
    choice = crs_.choose(crs, source.declared_crs, source.declared_in)
    places = Places(engine)
    places.check_parent(parent)
    grids, refused = check(source.features, mapping, choice, say)

    stored = _stored(engine)
    fallback = ("IMP-" + path.stem)[:32]
    planned = plan(grids, stored, replace, places.locate, fallback)
    new_areas: dict[str, list[BaseGeometry]] = {}
    for p in planned:
        community = p.row["community_code"]
        if community not in places.levels:
            new_areas.setdefault(community, []).append(p.grid.geometry)
    areas = {code: shapely.union_all(parts) for code, parts in new_areas.items()}
    geoms = {code: shape(row["boundary"]) for code, row in stored.items()}
    found_overlaps, found_gaps = overlaps.find(grids, geoms, say)

    report = ImportReport(
        file=source.name,
        format=source.format,
        features=len(source.features),
        crs=choice.label,
        crs_source=choice.source,
        columns=dict(mapping.columns),
        not_carried=mapping.not_carried,
        replace=replace,
        dry_run=dry_run,
        planned=planned,
        refused=refused,
        overlaps=found_overlaps,
        gaps=found_gaps,
        regions=places.place(areas, parent),
    )
    if choice.overridden:
        report.notes.append(f"--crs overrode the file's own {choice.overridden}.")
    if parent and not areas:
        report.notes.append(f"--parent {parent} was not needed: no new community was created.")
    if not grids:
        raise NothingImported(
            f"None of the {len(source.features)} features of {path.name} is a usable grid "
            f"(first problem: {refused[0].reason}); nothing was written.",
            report,
        )
    if not dry_run:
        writer.write(engine, planned, report.regions, areas, say)
    return report
