"""``gridcommand import-grids FILE``: the grid layer a GIS office drew, into the database."""

from __future__ import annotations

import argparse
from pathlib import Path

from gridcommand.db.gis.grid_import import import_grids
from gridcommand.db.schema.engine import open_database
from gridcommand.db.schema.migrate import is_up_to_date, upgrade
from gridcommand.desktop.commands.seed_cmd import ProgressLine


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "import-grids",
        help="load grids from a GeoJSON, Shapefile or GeoPackage file",
        description="Load or update grids (by code) from a GeoJSON, Shapefile or GeoPackage "
        "file. Invalid polygons are repaired where possible and reported where not; "
        "overlaps and gaps between grids are reported.",
    )
    parser.add_argument("file", type=Path, help="a .geojson, .shp or .gpkg file")
    parser.add_argument(
        "--map",
        dest="mapping",
        metavar="code=FIELD,...",
        help="which attribute holds code, name, households, population and community "
        "(default: attributes of those names)",
    )
    parser.add_argument(
        "--crs",
        help="the file's coordinate system: EPSG:4326 (default, or what the file declares), "
        "GCJ-02, BD-09 or any EPSG code",
    )
    parser.add_argument("--layer", help="the GeoPackage layer, if it has several")
    parser.add_argument(
        "--dry-run", action="store_true", help="check and report, but write nothing"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_database(args.db) as db:
        db.check_reachable()
        if not is_up_to_date(db.engine):
            upgrade(db.engine)
        report = import_grids(
            db.engine,
            args.file,
            mapping_text=args.mapping,
            crs=args.crs,
            layer=args.layer,
            progress=ProgressLine(),
            dry_run=args.dry_run,
        )
    for line in report.lines():
        print(line)
    if args.dry_run:
        print("Dry run: nothing was written.")
    return 0
