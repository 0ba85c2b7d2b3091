"""``gridcommand logins add|list|remove``: database logins bound to a role and a region."""

from __future__ import annotations

import argparse
import os

from gridcommand.db.schema.engine import open_database
from gridcommand.db.schema.errors import UserFacingError
from gridcommand.db.schema.logins import GROUPS, add_login, list_logins, remove_login


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "logins", help="database logins for operators and field systems (needs an admin login)"
    )
    logins_sub = parser.add_subparsers(dest="logins_command", metavar="ACTION", required=True)
    add = logins_sub.add_parser("add", help="create a login in a role's group, scoped to a region")
    add.add_argument("login", metavar="LOGIN")
    add.add_argument("--role", required=True, choices=tuple(GROUPS))
    add.add_argument(
        "--region",
        required=True,
        metavar="CODE",
        help="the region it sees and acts in; a field login serves this region's workers",
    )
    add.add_argument(
        "--password-from-env",
        metavar="VAR",
        help="read the login's password from this environment variable (never from argv)",
    )
    add.add_argument("--name", default="", help="the person's name, shown in the trace")
    add.add_argument(
        "--shared",
        action="store_true",
        help="a console shared by several people: the operator it names is recorded as "
        "declared, not verified",
    )
    add.set_defaults(func=run_add)
    listing = logins_sub.add_parser("list", help="the logins scoped in this database")
    listing.set_defaults(func=run_list)
    remove = logins_sub.add_parser("remove", help="drop a login and its scope")
    remove.add_argument("login", metavar="LOGIN")
    remove.set_defaults(func=run_remove)


def run_add(args: argparse.Namespace) -> int:
    password = None
    if args.password_from_env:
        password = os.environ.get(args.password_from_env)
        if not password:
            raise UserFacingError(
                f"The environment variable {args.password_from_env} is not set or empty."
            )
    with open_database(args.db) as db:
        db.check_reachable()
        made = add_login(
            db.engine,
            args.login,
            args.role,
            args.region,
            password=password,
            display_name=args.name,
            shared=args.shared,
        )
    kind = "shared " if made.shared else ""
    secret = "with a password" if password else "without a password"
    print(f"Login {made.login} added: {kind}{made.role} in {made.region_code}, {secret}.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with open_database(args.db) as db:
        db.check_reachable()
        logins = list_logins(db.engine)
    if not logins:
        print("No logins are scoped in this database.")
    for item in logins:
        flags = ("shared " if item.shared else "") + ("" if item.can_login else "(no such role) ")
        name = f" {item.display_name}" if item.display_name else ""
        print(f"{item.login}\t{item.role}\t{item.region_code}\t{flags}{name}".rstrip())
    return 0


def run_remove(args: argparse.Namespace) -> int:
    with open_database(args.db) as db:
        db.check_reachable()
        remove_login(db.engine, args.login)
    print(f"Login {args.login} removed.")
    return 0
