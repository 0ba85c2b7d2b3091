"""``gridcommand demo``: the embedded database, a seeded district, the simulator, the window.

Everything a newcomer needs to see the product work, from one command. The
simulator runs as a separate process (as real field systems would) and is
stopped with the window.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from sqlalchemy import func, select

from gridcommand.db.demo.seed import seed_demo
from gridcommand.db.schema.models import Grid
from gridcommand.db.schema.urls import child_environment
from gridcommand.desktop.commands.app_cmd import (
    add_window_options,
    open_window_database,
    prepare_schema,
)
from gridcommand.desktop.commands.seed_cmd import ProgressLine


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "demo",
        help="start the embedded database, seed it on first run, run the field simulator "
        "and open the window",
    )
    parser.add_argument("--grids", type=int, default=100, help="grids to seed on first run (100)")
    parser.add_argument("--random-seed", type=int, default=7)
    parser.add_argument(
        "--bad-rows",
        type=float,
        default=0.002,
        metavar="SHARE",
        help="share of the simulator's writes that are malformed on purpose, so the "
        "data-quality panel has something to show (0.002)",
    )
    parser.add_argument(
        "--sim-seed",
        type=int,
        help="the simulator's random seed (default: a new one each start)",
    )
    parser.add_argument(
        "--no-simulator", action="store_true", help="do not start the field simulator"
    )
    parser.add_argument(
        "--tickets-per-minute", type=float, default=6.0, help="simulator's report rate (6)"
    )
    add_window_options(parser)
    parser.set_defaults(func=run)


def simulator_command(args: argparse.Namespace) -> list[str]:
    """The simulator's command line; its database comes in the environment (see below)."""
    return [
        sys.executable,
        "-m",
        "gridcommand.desktop",
        "simulate",
        "--parent-pid",
        str(os.getpid()),
        "--random-seed",
        # A new day in the field each start: the same seed would replay the same reports,
        # which the command centre rightly refuses as duplicates.
        str(args.sim_seed if args.sim_seed is not None else int(time.time())),
        "--tickets-per-minute",
        str(args.tickets_per_minute),
        "--bad-rows",
        str(args.bad_rows),
    ]


def run(args: argparse.Namespace) -> int:
    from gridcommand.desktop.app import run_window

    with open_window_database(args) as db:
        prepare_schema(db)
        with db.engine.connect() as conn:
            seeded = conn.execute(select(func.count()).select_from(Grid)).scalar_one()
        if not seeded:
            print(f"First run: seeding a demo district of {args.grids} grids…", file=sys.stderr)
            summary = seed_demo(
                db.engine, grids=args.grids, random_seed=args.random_seed, progress=ProgressLine()
            )
            print(f"Seeded {summary.grids} grids and {summary.tickets} tickets.", file=sys.stderr)
        simulator = None
        if not args.no_simulator:
            simulator = subprocess.Popen(simulator_command(args), env=child_environment(db.url))
        try:
            return run_window(db, args)
        finally:
            if simulator is not None:
                simulator.terminate()
                try:
                    simulator.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    simulator.kill()
