"""The operator behind a database login, as the database itself knows them.

On a shared server each person logs in as their own role, a member of one
``gc_*`` group, with a row in ``operator_scopes``; reading the identity from there
means the window shows exactly the powers the database will grant, and cannot
be talked into more by a settings file.
"""

from __future__ import annotations

from sqlalchemy import Engine, case, func, select

from gridcommand.db.actions.types import Operator
from gridcommand.db.schema.models import OperatorScope, Region

#: The most powerful group wins when a login is in several.
_GROUP_ORDER = (
    ("gc_supervisor", "supervisor"),
    ("gc_dispatcher", "dispatcher"),
    ("gc_manager", "manager"),
    ("gc_viewer", "viewer"),
)


def current_operator(engine: Engine) -> Operator | None:
    """The operator for this engine's login, or None for a login with no scope row.

    None is what the embedded demo's superuser gets: the tables' owner is not an
    operator, and the caller decides how to present it.
    """
    role = case(
        *((func.pg_has_role(group, "MEMBER"), name) for group, name in _GROUP_ORDER),
        else_="viewer",
    )
    with engine.connect() as conn:
        row = conn.execute(
            select(
                OperatorScope.login,
                OperatorScope.display_name,
                role,
                Region.level,
                Region.code,
            )
            .join(Region, Region.code == OperatorScope.region_code)
            .where(OperatorScope.login == func.current_user())
        ).one_or_none()
    if row is None:
        return None
    login, display_name, role_name, level, code = row
    return Operator(login, display_name or login, role_name, level, code)
