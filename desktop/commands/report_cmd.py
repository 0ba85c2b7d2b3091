"""``gridcommand report``: a month's evaluation report of a region or one grid, PDF or XLSX."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from gridcommand.db.reports.export import write_xlsx
from gridcommand.db.reports.kpi import Period
from gridcommand.db.reports.monthly import load_report, report_sheets
from gridcommand.db.schema.engine import open_database
from gridcommand.db.schema.errors import UserFacingError
from gridcommand.db.schema.migrate import is_up_to_date

FORMATS = (".pdf", ".xlsx")


def month(value: str) -> Period:
    found = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise argparse.ArgumentTypeError(f"'{value}' is not a month like 2026-11")
    return Period.month(int(found.group(1)), int(found.group(2)))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "report",
        help="a month's evaluation report (PDF or XLSX) of the district, a region or a grid",
        description="Write the evaluation report of one month: the figures of docs/kpi.md "
        "beside the month before, a 30-day trend, the ranking of the level below and a map "
        "of the grids' scores (PDF), or the same as sheets (XLSX).",
    )
    parser.add_argument("--period", type=month, required=True, metavar="YYYY-MM")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--region", metavar="CODE", help="a district, street or community")
    where.add_argument("--grid", metavar="CODE", help="one grid (ranks its workers)")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE.pdf|FILE.xlsx")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out: Path = args.out
    if out.suffix.lower() not in FORMATS:
        raise UserFacingError(
            f"The report is written as .pdf or .xlsx, not {out.suffix or out.name!r}."
        )
    if not out.parent.is_dir():
        raise UserFacingError(f"The folder {out.parent} does not exist.")
    with open_database(args.db) as db:
        db.check_reachable()
        if not is_up_to_date(db.engine):
            raise UserFacingError(
                "The database schema is not the newest; run 'gridcommand db upgrade' first."
            )
        data = load_report(db.engine, args.period, args.region or args.grid, datetime.now(UTC))
    if out.suffix.lower() == ".xlsx":
        write_xlsx(out, report_sheets(data))
        print(f"Wrote {out}.")
        return 0
    from gridcommand.desktop.commands.snapshot_cmd import headless_environment

    headless_environment()
    from PySide6.QtWidgets import QApplication

    from gridcommand.desktop.app import load_bundled_fonts
    from gridcommand.desktop.report import write_pdf

    # Qt paints the PDF; the report's labels are in both languages, so no translator.
    if QApplication.instance() is None:
        app = QApplication(sys.argv[:1])  # noqa: F841 (kept alive while painting)
    load_bundled_fonts()
    write_pdf(data, out)
    print(f"Wrote {out}.")
    return 0
