"""``gridcommand app``: open the window against a database."""

from __future__ import annotations

import argparse

from gridcommand.db.schema.engine import Database, open_database
from gridcommand.db.schema.errors import UserFacingError
from gridcommand.db.schema.migrate import check_not_newer, head_revision, upgrade


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("app", help="open the command-centre window against a database")
    add_window_options(parser)
    parser.set_defaults(func=run)


def add_window_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=("zh_CN", "en"), help="UI language (default: zh_CN)")
    parser.add_argument(
        "--operator",
        metavar="LOGIN",
        help="the name the trace records for this console (default: the OS login); a "
        "database login with a scope row in operator_scopes overrides it",
    )
    parser.add_argument(
        "--role",
        choices=("viewer", "dispatcher", "supervisor", "manager"),
        help="what this console may do when the database login has no role of its own "
        "(default: supervisor)",
    )
    parser.add_argument(
        "--basemap",
        metavar="SOURCE",
        help="'none' (default: no tiles, no network), an intranet XYZ template such as "
        "http://tiles.intranet/{z}/{x}/{y}.png, or an offline .mbtiles file; remembered",
    )
    parser.add_argument(
        "--wall",
        action="store_true",
        help="wall mode: full screen, no window frame, text sized for reading from 3 m (F11)",
    )
    parser.add_argument(
        "--screens",
        metavar="map=N,queues=M",
        type=screens_spec,
        help="the map on screen N, the queues and charts on screen M (counted from 1)",
    )
    parser.add_argument(
        "--read-replica",
        metavar="URL",
        help="a hot-standby replica to read from and follow live (actions still go to the "
        "primary given by --db); default: $GRIDCOMMAND_READ_REPLICA_URL",
    )
    parser.add_argument(
        "--no-listen",
        action="store_true",
        help="follow the database by polling alone, never LISTEN (behind PgBouncer in "
        "transaction mode); chosen by itself on a replica. Default: $GRIDCOMMAND_NO_LISTEN",
    )
    parser.add_argument(
        "--basemap-crs",
        choices=("WGS84", "GCJ02", "BD09"),
        help="the basemap's coordinate system (AMap/Tencent tiles: GCJ02, Baidu: BD09)",
    )


def screens_spec(text: str) -> tuple[int, int]:
    from gridcommand.desktop.screens import parse_screens

    try:
        return parse_screens(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def open_window_database(args: argparse.Namespace) -> Database:
    """The database of a window command: ``--db``, ``--read-replica``, ``--no-listen``."""
    return open_database(
        args.db,
        replica_url=getattr(args, "read_replica", None),
        no_listen=True if getattr(args, "no_listen", False) else None,
    )


def prepare_schema(db: Database) -> None:
    """The embedded database is ours to upgrade; a shared one must be upgraded on purpose."""
    db.check_reachable()
    current = check_not_newer(db.engine)
    if current == head_revision():
        return
    if db.server is not None:
        upgrade(db.engine)
        return
    raise UserFacingError(
        f"The database schema is at {current or 'nothing'}, older than this gridcommand "
        f"({head_revision()}); run 'gridcommand db upgrade' against it first."
    )


def run(args: argparse.Namespace) -> int:
    from gridcommand.desktop.app import run_window

    with open_window_database(args) as db:
        prepare_schema(db)
        return run_window(db, args)
