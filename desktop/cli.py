"""The ``gridcommand`` command line: one entry point, one subcommand per task.

Every failure a user can cause (a wrong URL, an unreachable server, a database of
a newer schema, a bad file) reaches them as one sentence and a non-zero exit;
a traceback appears only with ``--debug``.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import traceback
from collections.abc import Sequence
from types import FrameType

from gridcommand.db.schema.errors import UserFacingError

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


class Terminated(KeyboardInterrupt):
    """SIGTERM: stop as Ctrl+C would, quietly (a parent or a service manager asked)."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def build_parser() -> argparse.ArgumentParser:
    from gridcommand.desktop.commands import COMMAND_MODULES

    parser = argparse.ArgumentParser(
        prog="gridcommand",
        description="A GIS command centre for city grid management (网格化服务管理).",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="a shared PostgreSQL server (postgresql://user@host/db; 'postgresql://' alone "
        "uses libpq's PG* variables, service files and .pgpass). Default: "
        "$GRIDCOMMAND_DATABASE_URL, else the embedded server in the user's data directory.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logging")
    # Checked in main(), after unknown flags: "COMMAND required" must not hide "--bogus".
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    # Unknown flags first: argparse would otherwise say "COMMAND required" for a lone
    # "--bogus" instead of naming it.
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.command is None:
        parser.error("a COMMAND is required (see gridcommand --help)")
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Our own progress and decisions at INFO; libraries only when something is wrong.
    logging.getLogger("gridcommand").setLevel(logging.DEBUG if args.debug else logging.INFO)
    # SIGTERM unwinds like Ctrl+C (the window replaces this with its own handler while
    # it runs), so the embedded server is released instead of left running.
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return int(args.func(args) or 0)
    except UserFacingError as exc:
        if args.debug:
            traceback.print_exc()  # and the same exit code as without --debug
        print(f"gridcommand: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except Terminated:
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        print("gridcommand: interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # the last line of defence: one sentence, not a traceback
        if args.debug:
            traceback.print_exc()
            return 1
        print(
            f"gridcommand: unexpected error ({type(exc).__name__}: {exc}); "
            "run again with --debug for details.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
