"""``gridcommand simulate``: the field simulator, a separate process writing the field contract.

It stands in for workers' tablets, the 12345 hotline, WeChat and sensors so that
the command centre can be shown, tested and measured without a city behind it.
It runs until SIGTERM or Ctrl-C (or ``--duration``) and stops cleanly, putting
back any grid boundary it broke on purpose.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from types import FrameType

from gridcommand.db.fieldsim.options import SimOptions
from gridcommand.db.fieldsim.runner import run as run_simulation
from gridcommand.db.schema.engine import open_database
from gridcommand.desktop.commands.argtypes import non_negative, positive, share


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "simulate",
        help="run the field simulator (tablets, hotline, WeChat, sensors) against the database",
        description="Write into the database what the field systems would, through the field "
        "contract only (docs/field-contract.md): patrol positions, reports with photos, and "
        "handlers who accept dispatched tickets and report them handled. Runs until SIGTERM "
        "or Ctrl-C.",
    )
    defaults = SimOptions()
    parser.add_argument(
        "--tickets-per-minute",
        type=non_negative,
        default=defaults.tickets_per_minute,
        help=f"new reports per minute ({defaults.tickets_per_minute:g})",
    )
    parser.add_argument(
        "--position-interval",
        type=positive,
        default=defaults.position_interval,
        metavar="SECONDS",
        help=f"seconds between a worker's GPS fixes ({defaults.position_interval:g})",
    )
    parser.add_argument(
        "--random-seed", type=int, default=defaults.random_seed, help="makes a run repeatable"
    )
    parser.add_argument(
        "--speed",
        type=positive,
        default=defaults.speed,
        help="how many times faster workers walk, accept and handle cases (1)",
    )
    parser.add_argument(
        "--bad-rows",
        type=share,
        default=defaults.bad_rows,
        metavar="SHARE",
        help="share of writes that are malformed on purpose, e.g. 0.01 (0)",
    )
    parser.add_argument(
        "--parent-pid",
        type=int,
        metavar="PID",
        help="stop when this process (the demo that started the simulator) is gone",
    )
    parser.add_argument(
        "--duration",
        type=positive,
        default=None,
        metavar="SECONDS",
        help="stop after this many seconds (default: run until stopped)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    options = SimOptions(
        position_interval=args.position_interval,
        tickets_per_minute=args.tickets_per_minute,
        random_seed=args.random_seed,
        speed=args.speed,
        bad_rows=args.bad_rows,
    )
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    if args.parent_pid is not None:
        _watch_parent(args.parent_pid, stop)
    try:
        with open_database(args.db) as db:
            db.check_reachable()
            conninfo = db.url.set(drivername="postgresql").render_as_string(hide_password=False)
            run_simulation(conninfo, options, stop=stop, duration=args.duration, status=_say)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def _watch_parent(parent: int, stop: threading.Event) -> None:
    """Stop when the process that started us is gone (a demo window that crashed).

    Without this a simulator outlives its demo and keeps writing into a database
    nobody watches. The parent's id is given, not read at start: a parent that died
    while we were still importing would otherwise never be noticed.
    """

    def watch() -> None:
        while not stop.wait(1.0):
            if os.getppid() != parent:
                _say("the demo that started this simulator is gone; stopping")
                stop.set()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _say(line: str) -> None:
    print(f"simulate: {line}", file=sys.stderr, flush=True)
