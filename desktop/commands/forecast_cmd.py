"""``gridcommand forecast``: the open cases most likely to go red within the horizon."""

from __future__ import annotations

import argparse
import json
from datetime import timedelta

from gridcommand.db.insight.case_history import forecast_now
from gridcommand.db.schema.engine import open_database
from gridcommand.desktop.commands.argtypes import positive_int


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "forecast",
        help="the open cases most likely to go overdue (超期预警)",
        description="For each open case whose deadline falls within the horizon, the chance "
        "it is still open when the deadline passes, from this district's own trace: the time "
        "similar cases (same step, item and street, else item, class, all) took to close, "
        "and the assignee's load. Riskiest first.",
    )
    parser.add_argument(
        "--horizon", type=positive_int, default=60, metavar="MIN", help="minutes ahead (60)"
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_database(args.db) as db:
        db.check_reachable()
        risks = forecast_now(db.engine, timedelta(minutes=args.horizon))
    if args.format == "json":
        rows = [
            {
                "code": r.code,
                "risk": round(r.risk, 3),
                "deadline": r.deadline.isoformat(),
                "reason": r.reason,
            }
            for r in risks
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not risks:
        print(f"No open case has its deadline within the next {args.horizon} min.")
        return 0
    width = max(len(r.code) for r in risks)
    print(f"{'code':<{width}}  risk  deadline          reason")
    for r in risks:
        deadline = r.deadline.astimezone().strftime("%m-%d %H:%M")
        print(f"{r.code:<{width}}  {r.risk:4.0%}  {deadline:<16}  {r.reason}")
    return 0
