"""``gridcommand seed``: a demo district on an empty database."""

from __future__ import annotations

import argparse
import sys
import time

from gridcommand.db.demo.seed import seed_demo
from gridcommand.db.schema.engine import open_database
from gridcommand.db.schema.migrate import is_up_to_date, upgrade
from gridcommand.desktop.commands.argtypes import positive_int


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "seed",
        help="fill an empty database with a demo district",
        description="Fill an empty database with a demo district modelled on Panyu's figures: "
        "streets, communities, grids that tile the district, workers, the 176 item types and "
        "30 days of ticket history. Upgrades the schema first.",
    )
    parser.add_argument("--grids", type=positive_int, default=100, help="number of grids (100)")
    parser.add_argument("--random-seed", type=int, default=7, help="makes the district repeatable")
    parser.add_argument("--days", type=positive_int, default=30, help="days of ticket history (30)")
    parser.set_defaults(func=run)


class ProgressLine:
    """One line on stderr that rewrites itself, so long seeds show they are alive."""

    def __init__(self) -> None:
        self._last = 0.0
        self._tty = sys.stderr.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < 0.5:
            return
        self._last = now
        end = "\n" if done >= total or not self._tty else "\r"
        print(f"  {stage}: {done}/{total}", end=end, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    with open_database(args.db) as db:
        db.check_reachable()
        if not is_up_to_date(db.engine):
            upgrade(db.engine)
        started = time.monotonic()
        summary = seed_demo(
            db.engine,
            grids=args.grids,
            random_seed=args.random_seed,
            days=args.days,
            progress=ProgressLine(),
        )
    print(
        f"Seeded {summary.streets} streets, {summary.communities} communities, "
        f"{summary.grids} grids, {summary.workers} workers, {summary.categories} item types "
        f"and {summary.tickets} tickets in {time.monotonic() - started:.1f} s."
    )
    return 0
