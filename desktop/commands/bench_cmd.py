"""``gridcommand bench``: the live map's figures on a seeded city with the simulator running.

It builds a city of its own (a temporary embedded server, deleted afterwards), so
the figures never depend on, or change, the user's data; see docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

from gridcommand.desktop.commands.argtypes import positive_int
from gridcommand.desktop.commands.seed_cmd import ProgressLine
from gridcommand.desktop.commands.snapshot_cmd import headless_environment


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "bench",
        help="measure the live map on a seeded city of its own (writes docs/BENCHMARKS.md)",
        description="Seed a fresh temporary database, run the field simulator, open the window "
        "offscreen and measure INSERT-to-point latency, one batch of worker moves, the "
        "longest GUI stall and the naive rebuild-and-reload page. Ignores --db: it never "
        "touches the configured database.",
    )
    parser.add_argument("--grids", type=positive_int, default=10_000, help="grids to seed (10000)")
    parser.add_argument(
        "--workers-moves",
        type=positive_int,
        default=10_000,
        metavar="N",
        help="worker moves in the measured batch (10000; at most the workers on the map)",
    )
    parser.add_argument(
        "--inserts", type=positive_int, default=200, help="tickets inserted, 5 a second (200)"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("docs"), metavar="DIR", help="where to write (docs/)"
    )
    parser.add_argument("--random-seed", type=int, default=7, help="the city's seed (7)")
    parser.add_argument(
        "--no-simulator",
        action="store_true",
        help="a quiet city, for comparison (the issue's figures are with the simulator)",
    )
    parser.add_argument(
        "--profile-seconds",
        type=float,
        default=15.0,
        metavar="S",
        help="seconds of cProfile after the measurements, for the report (15; 0: none)",
    )
    parser.add_argument(
        "--idle-seconds",
        type=float,
        default=15.0,
        metavar="S",
        help="seconds of the live window left idle, for its CPU and memory (15)",
    )
    parser.add_argument(
        "--replica",
        action="store_true",
        help="also start a streaming hot standby of the city and measure INSERT on the "
        "primary → point on a window fed from the standby (replica_insert_to_point_ms)",
    )
    parser.add_argument(
        "--runs",
        type=positive_int,
        default=1,
        metavar="N",
        help="measure N times in a row, each on a fresh city in a process of its own, "
        "waiting up to 5 minutes between them for the machine to be quiet (1); each scale "
        "keeps its last 5 runs and the report shows their spread",
    )
    parser.add_argument("--quiet-wait", type=float, default=None, help=argparse.SUPPRESS)
    parser.add_argument(
        "--kpi",
        action="store_true",
        help="instead: time the KPI board's answer on a year of 1,000,000 cases "
        "(made once in the cache folder, then reused)",
    )
    parser.add_argument(
        "--kpi-tickets", type=positive_int, default=1_000_000, metavar="N", help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--kpi-samples",
        type=positive_int,
        default=40,
        metavar="N",
        help="board questions timed (40)",
    )
    parser.set_defaults(func=run)


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _stop_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so the temporary server and simulator are cleaned up."""

    from gridcommand.desktop.bench.pump import request_stop

    def stop(signum: int, frame: FrameType | None) -> None:
        request_stop()  # inside the event loop: carried out by the pump
        raise KeyboardInterrupt  # outside it (seeding): unwinds at once

    signal.signal(signal.SIGTERM, stop)


def run_kpi(args: argparse.Namespace) -> int:
    from platformdirs import user_cache_dir

    from gridcommand.desktop.bench.kpi_bench import measure, open_bench_database, write_section

    folder = Path(user_cache_dir("gridcommand")) / "kpi-bench"
    server, engine, seed_s = open_bench_database(folder, args.kpi_tickets, _say)
    try:
        _say(f"bench --kpi: asking the board {args.kpi_samples} questions…")
        figures = measure(engine, args.kpi_samples)
    finally:
        engine.dispose()
        server.release()
    figures["seed_s"] = seed_s
    md, js = write_section(args.out, figures)
    q = figures["kpi_query_ms"]
    _say(f"bench --kpi: board answer p50/p95 {q['p50']}/{q['p95']} ms; wrote {md} and {js}")
    return 0


def _one_run_args(args: argparse.Namespace) -> list[str]:
    """The same bench, once: the command line of one of ``--runs N``."""
    line = ["--debug"] if args.debug else []
    line += ["bench", "--grids", str(args.grids), "--workers-moves", str(args.workers_moves)]
    line += ["--inserts", str(args.inserts), "--out", str(args.out)]
    line += ["--random-seed", str(args.random_seed)]
    line += ["--profile-seconds", str(args.profile_seconds)]
    line += ["--idle-seconds", str(args.idle_seconds)]
    line += ["--no-simulator"] if args.no_simulator else []
    return line + (["--replica"] if args.replica else [])


def run_several(args: argparse.Namespace) -> int:
    """``--runs N``: each run a process of its own, so no run inherits another's memory."""
    from gridcommand.desktop.bench.machine import QUIET_WAIT_S, wait_until_quiet

    _stop_on_sigterm()
    command = [sys.executable, "-m", "gridcommand.desktop", *_one_run_args(args)]
    for n in range(1, args.runs + 1):
        if n > 1:
            wait = QUIET_WAIT_S if args.quiet_wait is None else args.quiet_wait
            wait_until_quiet(wait, _say)
        _say(f"bench: run {n} of {args.runs}")
        child = subprocess.Popen(command)
        try:
            code = child.wait()
        except BaseException:
            child.terminate()  # it unwinds as on SIGTERM: its city is cleaned up
            child.wait()
            raise
        if code != 0:
            _say(f"bench: run {n} of {args.runs} failed (exit {code}); the rest not run")
            return code
    return 0


def run(args: argparse.Namespace) -> int:
    if args.kpi:
        return run_kpi(args)
    if args.runs > 1:
        return run_several(args)
    headless_environment()
    _stop_on_sigterm()
    from gridcommand.desktop.app import create_application
    from gridcommand.desktop.bench.city import build_city
    from gridcommand.desktop.bench.machine import code_version, describe_machine, load_average
    from gridcommand.desktop.bench.report import results, write
    from gridcommand.desktop.bench.run import Bench, Options

    if args.db:
        _say("bench: --db is ignored; the benchmark seeds a temporary database of its own")
    load_before = load_average()
    _say(f"bench: seeding a city of {args.grids} grids in a temporary database…")
    city = build_city(args.grids, args.random_seed, ProgressLine())
    try:
        _say(f"bench: seeded {city.summary.workers} workers in {city.seed_s:.1f} s")
        if not args.no_simulator:
            city.start_simulator(int(time.time()))
        app = create_application("en")
        options = Options(
            grids=args.grids,
            workers_moves=args.workers_moves,
            inserts=args.inserts,
            profile_s=args.profile_seconds,
            idle_s=args.idle_seconds,
        )
        _say(f"bench: opening the window{'' if args.no_simulator else ' with the simulator'}…")
        figures = Bench(city, options, _say).run()
        if args.replica:
            from gridcommand.desktop.bench.replica import measure_replica

            _say("bench: starting a hot standby and a window fed from it…")
            started = time.monotonic()
            replica = measure_replica(city, args.inserts, options.size)
            figures.phase_s["replica"] = time.monotonic() - started
            figures.replica = replica.summary()
            if replica.error:
                figures.notes.append(f"replica: {replica.error}")
            p = figures.replica["insert_to_point_ms"]
            _say(f"  replica: INSERT→point p50/p95/p99 {p['p50']}/{p['p95']}/{p['p99']} ms")
        if city.simulator is not None and city.simulator.poll() is not None:
            figures.notes.append(f"the simulator stopped early: {city.simulator_tail(2)}")
        data = results(
            figures,
            city.summary.grids,
            city.summary.workers,
            city.seed_s,
            describe_machine(city.postgres, load_before),
            simulator=not args.no_simulator,
            settings={
                "inserts": args.inserts,
                "workers_moves": args.workers_moves,
                "random_seed": args.random_seed,
                "simulator": not args.no_simulator,
                "replica": args.replica,
                "idle_seconds": args.idle_seconds,
                "profile_seconds": args.profile_seconds,
            },
            code=code_version(),
        )
        app.processEvents()
    finally:
        city.close()
    md, js = write(args.out, data)
    p = data["insert_to_point_ms"]
    _say(
        f"bench: INSERT→point p50/p95/p99 {p['p50']}/{p['p95']}/{p['p99']} ms, "
        f"{data['batch_moves']} moves {data['batch_10k_moves_ms']} ms, "
        f"max GUI stall {data['gui_max_stall_ms']} ms, naive {data['naive_rebuild_ms']} ms; "
        f"wrote {md} and {js}"
    )
    return 0
