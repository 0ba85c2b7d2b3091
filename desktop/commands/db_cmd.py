"""``gridcommand db upgrade|current``: the schema, by Alembic."""

from __future__ import annotations

import argparse

from gridcommand.db.schema.engine import open_database
from gridcommand.db.schema.migrate import check_not_newer, current_revision, head_revision, upgrade


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("db", help="manage the database schema")
    db_sub = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = db_sub.add_parser("upgrade", help="bring the schema to the newest revision")
    up.set_defaults(func=run_upgrade)
    cur = db_sub.add_parser("current", help="show the schema revision of the database")
    cur.set_defaults(func=run_current)


def run_upgrade(args: argparse.Namespace) -> int:
    with open_database(args.db) as db:
        db.check_reachable()
        before = current_revision(db.engine)
        reached = upgrade(db.engine)
    if before == reached:
        print(f"Schema already at {reached} (newest).")
    else:
        print(f"Schema upgraded from {before or 'empty'} to {reached}.")
    return 0


def run_current(args: argparse.Namespace) -> int:
    with open_database(args.db) as db:
        db.check_reachable()
        current = check_not_newer(db.engine)
    head = head_revision()
    if current is None:
        print(f"No schema yet (newest is {head}); run 'gridcommand db upgrade'.")
    elif current == head:
        print(f"{current} (head)")
    else:
        print(f"{current} (behind; newest is {head}); run 'gridcommand db upgrade'.")
    return 0
