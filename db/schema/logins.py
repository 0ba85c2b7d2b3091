"""Database logins for people and field systems: one LOGIN role each, in one group.

``add`` creates the login (with a password, if one is given), grants it its group
role (``gc_viewer`` … ``gc_field``) and records its scope in ``operator_scopes``: an
operator sees and acts in that region; a field login serves the workers of that
region and no others (migration 0004). The caller must be allowed to create roles
(the tables' owner on the embedded server, a DBA's login on a shared one). Roles are
cluster-wide: ``remove`` takes the scope row away here and drops the login.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from psycopg import sql
from sqlalchemy import Connection, Engine, text

from gridcommand.db.schema.errors import UserFacingError

#: The role a person or system is given, and the group role that carries it.
GROUPS: dict[str, str] = {
    "viewer": "gc_viewer",
    "dispatcher": "gc_dispatcher",
    "supervisor": "gc_supervisor",
    "manager": "gc_manager",
    "field": "gc_field",
}
#: A login name PostgreSQL takes without quoting surprises, and a log can show.
_NAME = re.compile(r"^[a-z_][a-z0-9_.\-]{0,62}$")


class LoginError(UserFacingError):
    """A login could not be added or removed; nothing was changed."""


@dataclass(frozen=True, slots=True)
class Login:
    login: str
    role: str
    region_code: str
    display_name: str
    shared: bool
    can_login: bool


def _check_name(login: str) -> None:
    if not _NAME.match(login):
        raise LoginError(
            f"{login!r} is not a login name to use: lower-case letters, digits, '_', '.' or"
            " '-', at most 63 characters, starting with a letter or '_'."
        )


def _quote(conn: Connection, login: str) -> str:
    raw = conn.connection.driver_connection
    assert raw is not None  # an open psycopg connection
    return sql.Identifier(login).as_string(raw)


def add_login(
    engine: Engine,
    login: str,
    role: str,
    region_code: str,
    *,
    password: str | None = None,
    display_name: str = "",
    shared: bool = False,
) -> Login:
    """Create ``login`` in ``role``'s group, scoped to ``region_code``; all or nothing."""
    _check_name(login)
    if role not in GROUPS:
        raise LoginError(f"Unknown role {role!r}; expected one of {', '.join(GROUPS)}.")
    if shared and role == "field":
        raise LoginError("A field login is never shared: it serves the workers of its region.")
    with engine.begin() as conn:
        region = conn.execute(text("SELECT 1 FROM regions WHERE code = :c"), {"c": region_code})
        if region.first() is None:
            raise LoginError(f"There is no region {region_code!r} in this database.")
        exists = conn.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": login}
        ).first()
        if exists:
            raise LoginError(f"The database already has a role called {login!r}.")
        name = _quote(conn, login)
        # The password goes as a literal in the statement (CREATE ROLE takes no
        # parameters); psycopg quotes it, and it never reaches a log or argv.
        statement = f"CREATE ROLE {name} LOGIN IN ROLE {GROUPS[role]}"
        raw = conn.connection.driver_connection
        assert raw is not None
        if password is not None:
            statement += " PASSWORD " + sql.Literal(password).as_string(raw)
        conn.exec_driver_sql(statement.replace("%", "%%"))
        conn.execute(
            text(
                "INSERT INTO operator_scopes (login, region_code, display_name, shared)"
                " VALUES (:l, :r, :d, :s)"
            ),
            {"l": login, "r": region_code, "d": display_name, "s": shared},
        )
    return Login(login, role, region_code, display_name, shared, True)


def list_logins(engine: Engine) -> list[Login]:
    """Every login with a scope in this database, with the group it is in."""
    cases = " ".join(
        f"WHEN pg_has_role(r.oid, '{group}', 'MEMBER') THEN '{name}'"
        for name, group in (
            ("supervisor", "gc_supervisor"),
            ("dispatcher", "gc_dispatcher"),
            ("manager", "gc_manager"),
            ("field", "gc_field"),
            ("viewer", "gc_viewer"),
        )
    )
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                f"SELECT s.login, coalesce(CASE {cases} END, '—') AS role, s.region_code,"
                " s.display_name, s.shared, coalesce(r.rolcanlogin, false) AS can_login"
                " FROM operator_scopes s LEFT JOIN pg_roles r ON r.rolname = s.login"
                " ORDER BY s.login"
            )
        ).all()
    return [Login(*row) for row in rows]


def remove_login(engine: Engine, login: str) -> None:
    """Take the login's scope away and drop it (its trace rows keep its name)."""
    _check_name(login)
    with engine.begin() as conn:
        scoped = conn.execute(
            text("DELETE FROM operator_scopes WHERE login = :l RETURNING login"), {"l": login}
        ).first()
        exists = conn.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": login}
        ).first()
        if not scoped and not exists:
            raise LoginError(f"There is no login {login!r}.")
        if exists:
            conn.exec_driver_sql(f"DROP ROLE {_quote(conn, login)}")
