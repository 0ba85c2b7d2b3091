"""``gridcommand import-grids FILE``: the grid layer a GIS office drew, into the database."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from gridcommand.db.gis.gridimport import ImportReport, NothingImported, import_grids
from gridcommand.db.schema.engine import open_database
from gridcommand.db.schema.errors import UserFacingError
from gridcommand.db.schema.migrate import is_up_to_date, upgrade
from gridcommand.desktop.commands.seed_cmd import ProgressLine

DESCRIPTION = """\
Load or update grids (by code) from a GeoJSON, Shapefile or GeoPackage file. Invalid
polygons are repaired where possible and refused where not. The report (stdout, and
--report as JSON) says per grid what was added, unchanged, changed (which attributes,
how far the boundary moved or how its area changed), repaired or refused, and lists
overlaps and gaps within the file and against the grids already stored; progress goes
to stderr.
"""

EPILOG = """\
re-import: grids are matched by code; only the attributes the mapping names (with --map,
or by a field of the same name) are updated, everything else is kept. --replace clears
what the file does not carry (name back to the code, counts to 0).

exit codes: 0 all imported; 3 imported, some features refused; 2 nothing written (a file
or option that cannot be used, or no usable feature). A dry run exits as the import would.
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "import-grids",
        help="load or re-import grids from a GeoJSON, Shapefile or GeoPackage file",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", type=Path, help="a .geojson, .shp or .gpkg file")
    parser.add_argument(
        "--map",
        dest="mapping",
        metavar="code=FIELD,...",
        help="which file field holds code, name, households, population and community "
        "(default: fields of those names, in any case); a field the file lacks is an error",
    )
    parser.add_argument(
        "--crs",
        help="override the file's coordinate system: EPSG:4326, GCJ-02, BD-09 or any EPSG "
        "code (default: what the file declares, else WGS-84)",
    )
    parser.add_argument("--layer", help="the GeoPackage layer, if it has several")
    parser.add_argument(
        "--parent",
        metavar="STREET",
        help="the street that new communities created by the import hang below "
        "(default: the street whose boundary holds them)",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="clear what the file does not carry instead of keeping it",
    )
    parser.add_argument(
        "--report", type=Path, metavar="FILE.json", help="also write the report as JSON"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="check and report, but write nothing"
    )
    parser.set_defaults(func=run)


def _check_report_path(path: Path | None) -> None:
    """Before anything is written: a report that cannot be saved is found out first."""
    if path is None:
        return
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir() or not os.access(folder, os.W_OK) or path.is_dir():
        raise UserFacingError(f"--report {path}: cannot write a file there.")


def _write_report(path: Path | None, report: ImportReport) -> None:
    if path is None:
        return
    try:
        path.write_text(
            json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    except OSError as exc:
        # The import is done by now; its exit code must still say what was written.
        print(f"gridcommand: the report was not saved to {path} ({exc.strerror}).", file=sys.stderr)


def _check_grid_file(path: Path) -> None:
    """Before any server starts: a missing file or a folder is said at once."""
    if path.is_dir():
        raise UserFacingError(
            f"{path} is a folder, not a grid file; give the .geojson, .shp or .gpkg file in it."
        )
    if not path.exists():
        raise UserFacingError(f"There is no file {path}.")


def run(args: argparse.Namespace) -> int:
    _check_grid_file(args.file)
    _check_report_path(args.report)
    with open_database(args.db) as db:
        db.check_reachable()
        if not is_up_to_date(db.engine):
            upgrade(db.engine)
        try:
            report = import_grids(
                db.engine,
                args.file,
                mapping_text=args.mapping,
                crs=args.crs,
                layer=args.layer,
                progress=ProgressLine(),
                dry_run=args.dry_run,
                replace=args.replace,
                parent=args.parent,
            )
        except NothingImported as exc:
            _write_report(args.report, exc.report)
            for line in exc.report.lines():
                print(line)
            raise
    _write_report(args.report, report)
    for line in report.lines():
        print(line)
    if args.dry_run:
        print("Dry run: nothing was written.")
    return report.exit_code
