"""``gridcommand kpi``: the evaluation figures of a period and region, ranked by unit.

The figures are those of ``docs/kpi.md``, computed by the database. ``--by`` ranks
the units (best score first); without it one row sums up the region. ``--set-weight``
changes a weight of the composite score (a manager's decision) before computing.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from gridcommand.db.reports.export import KPI_COLUMNS, csv_text
from gridcommand.db.reports.kpi import (
    COMPONENTS,
    LOCAL,
    UNITS,
    KpiRow,
    Period,
    compute_kpis,
    set_weight,
)
from gridcommand.db.schema.engine import open_database
from gridcommand.db.schema.errors import UserFacingError
from gridcommand.db.schema.migrate import is_up_to_date


def local_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date like 2026-11-01") from None


def weight(value: str) -> tuple[str, float]:
    name, _, number = value.partition("=")
    try:
        return name.strip(), float(number)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{value}' is not a weight like patrol=0.4 (parts: {', '.join(COMPONENTS)})"
        ) from None


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "kpi",
        help="the evaluation figures (综合评价) of a period and region, ranked",
        description="The evaluation figures of docs/kpi.md over the period [FROM, TO) in local "
        "days (default: this month so far), for a region (a district, street, community or "
        "grid code; default: everything), per unit with --by (ranked by score, best first).",
    )
    parser.add_argument("--from", dest="start", type=local_date, metavar="DATE")
    parser.add_argument("--to", dest="end", type=local_date, metavar="DATE", help="exclusive")
    parser.add_argument("--region", metavar="CODE")
    parser.add_argument("--by", choices=UNITS)
    parser.add_argument("--format", choices=("table", "csv", "json"), default="table")
    parser.add_argument(
        "--set-weight",
        type=weight,
        action="append",
        default=[],
        metavar="PART=W",
        help=f"change a weight of the score first ({', '.join(COMPONENTS)})",
    )
    parser.set_defaults(func=run)


def period_of(start: date | None, end: date | None, now: datetime) -> Period:
    today = now.astimezone(LOCAL).date()
    first = start or today.replace(day=1)
    last = end or max(today + timedelta(days=1), first + timedelta(days=1))
    return Period.of_days(first, last)


def ranked(rows: list[KpiRow]) -> list[KpiRow]:
    return sorted(rows, key=lambda r: (r.score is None, -(r.score or 0.0), r.code))


def run(args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    period = period_of(args.start, args.end, now)
    with open_database(args.db) as db:
        db.check_reachable()
        if not is_up_to_date(db.engine):
            raise UserFacingError(
                "The database schema is not the newest; run 'gridcommand db upgrade' first."
            )
        for name, value in args.set_weight:
            set_weight(db.engine, name, value)
        rows = compute_kpis(db.engine, period, region=args.region, by=args.by, now=now)
    if args.by:
        rows = ranked(rows)
    print(render(rows, args.format), end="")
    return 0


def render(rows: list[KpiRow], fmt: str) -> str:
    dicts = [r.as_dict() for r in rows]
    if fmt == "json":
        return json.dumps(dicts, ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        return csv_text(KPI_COLUMNS, dicts)
    return table_text(dicts)


def _shown(value: Any, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "rate":
        return f"{100 * value:.1f}%"
    if kind in ("hours", "score"):
        return f"{value:.1f}"
    return str(value)


def table_text(rows: list[dict[str, Any]]) -> str:
    headers = [c.key for c in KPI_COLUMNS]
    cells = [[_shown(row[c.key], c.kind) for c in KPI_COLUMNS] for row in rows]
    widths = [max([_width(h)] + [_width(line[i]) for line in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True))]
    lines += ["  ".join(_pad(v, w) for v, w in zip(line, widths, strict=True)) for line in cells]
    return "\n".join(lines) + "\n"


def _width(text: str) -> int:
    """Columns a terminal gives ``text``: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
