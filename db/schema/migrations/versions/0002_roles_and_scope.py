"""Roles and jurisdiction in the database: group roles, grants, row-level security.

The window hides what a role may not do; this revision makes the database refuse
it, so a viewer's connection cannot update a ticket even by hand-written SQL.

* Group roles (NOLOGIN): ``gc_viewer`` (wall screens: reads), ``gc_dispatcher``
  (registers, dispatches), ``gc_supervisor`` (also verifies, closes, sends back),
  ``gc_manager`` (reads figures) and ``gc_field`` (the tablets, hotline and WeChat
  backends: report, fix positions, accept and hand back). A DBA creates one LOGIN
  role per person and grants it one group.
* Scope: ``operator_scopes`` maps a login (``current_user``, the role whose
  privileges are in force) to one region. A community sees its grids, a street
  its communities, the district everything; a ticket not yet located in a grid
  belongs to the district. A session setting would not do: anyone can change
  their own settings. A login without a row sees nothing.
* Roles are cluster-wide, so they are created only if missing (a shared server may
  hold them already, for another database) and never dropped by the downgrade,
  which only takes back what this database granted.
* Row-level security is enabled, not forced: the tables' owner (the embedded
  server's superuser, the seed, the migrations, the app's own connection) is not
  affected. Triggers run as the writer, so the trace rows they write are covered
  by the writer's grants and policies below.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 22:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPERATORS = ("gc_viewer", "gc_dispatcher", "gc_supervisor", "gc_manager")
GROUPS = (*OPERATORS, "gc_field")
OPS = ", ".join(OPERATORS)
#: Everything an operator may read; personal data is masked by the views, not here.
READABLE = (
    "regions",
    "grids",
    "workers",
    "worker_positions",
    "category_classes",
    "categories",
    "tickets",
    "ticket_photos",
    "ticket_actions",
    "rejected_input",
    "operator_scopes",
)
#: Tables whose rows belong to a place, and so to a scope.
SCOPED = (
    "grids",
    "workers",
    "worker_positions",
    "tickets",
    "ticket_photos",
    "ticket_actions",
    "rejected_input",
    "operator_scopes",
)
#: Columns the command centre's actions set (triggers stamp the rest).
DISPATCH_COLUMNS = (
    "status, version, priority, assignee_worker_code, assignee_department,"
    " registered_at, dispatched_at, accepted_at"
)
SUPERVISE_COLUMNS = DISPATCH_COLUMNS + ", handled_at, verified_at, closed_at"

IN_SCOPE_TICKET = (
    "grid_code IN (SELECT code FROM grids)"
    " OR (grid_code IS NULL AND (SELECT gc_scope_is_district()))"
)
OPEN_TO_DISPATCH = "'reported', 'registered', 'dispatched', 'in_progress'"


def _create_role_if_missing(name: str) -> str:
    return f"""
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{name}') THEN
            CREATE ROLE {name} NOLOGIN;
        END IF;
    EXCEPTION WHEN duplicate_object THEN
        NULL;  -- another database's migration created it a moment ago
    END $$
    """


def _grant_membership_if_missing(group: str, member: str) -> str:
    return f"""
    DO $$
    BEGIN
        IF NOT pg_catalog.pg_has_role('{member}', '{group}', 'MEMBER') THEN
            GRANT {group} TO {member};
        END IF;
    END $$
    """


def _grant_sequence(table: str, role: str) -> str:
    return f"""
    DO $$
    BEGIN
        EXECUTE format('GRANT USAGE ON SEQUENCE %s TO {role}',
                       pg_catalog.pg_get_serial_sequence('{table}', 'id'));
    END $$
    """


SCOPE_FUNCTIONS = [
    # Invoker's rights on purpose: current_user is the operator, and each sees only
    # their own row of operator_scopes. Regions carry no row security, so the walk
    # down the hierarchy cannot recurse into a policy.
    """
    CREATE FUNCTION gc_scope_regions() RETURNS text[] LANGUAGE sql STABLE
    SET search_path FROM CURRENT AS $$
        WITH RECURSIVE sub(code) AS (
            SELECT region_code::text FROM operator_scopes WHERE login = current_user
            UNION
            SELECT r.code::text FROM regions r JOIN sub ON r.parent_code = sub.code
        )
        SELECT coalesce(array_agg(code), '{}') FROM sub
    $$
    """,
    """
    CREATE FUNCTION gc_scope_is_district() RETURNS boolean LANGUAGE sql STABLE
    SET search_path FROM CURRENT AS $$
        SELECT EXISTS (
            SELECT FROM operator_scopes s JOIN regions r ON r.code = s.region_code
             WHERE s.login = current_user AND r.level = 'district'
        )
    $$
    """,
]

POLICIES = [
    # What an operator sees: everything hangs off the grids of their scope.
    f"CREATE POLICY gc_scope_read ON grids FOR SELECT TO {OPS}"
    " USING (community_code IN (SELECT unnest(gc_scope_regions())))",
    f"CREATE POLICY gc_scope_read ON workers FOR SELECT TO {OPS}"
    " USING (grid_code IN (SELECT code FROM grids))",
    f"CREATE POLICY gc_scope_read ON worker_positions FOR SELECT TO {OPS}"
    " USING (worker_code IN (SELECT code FROM workers))",
    f"CREATE POLICY gc_scope_read ON tickets FOR SELECT TO {OPS} USING ({IN_SCOPE_TICKET})",
    f"CREATE POLICY gc_scope_read ON ticket_photos FOR SELECT TO {OPS}"
    " USING (ticket_id IN (SELECT id FROM tickets))",
    f"CREATE POLICY gc_scope_read ON ticket_actions FOR SELECT TO {OPS}"
    " USING (ticket_id IN (SELECT id FROM tickets))",
    # Rejected rows may hold anyone's data and belong to no grid yet: the district's.
    f"CREATE POLICY gc_scope_read ON rejected_input FOR SELECT TO {OPS}"
    " USING ((SELECT gc_scope_is_district()))",
    f"CREATE POLICY gc_own_row ON operator_scopes FOR SELECT TO {OPS} USING (login = current_user)",
    # What an operator may change: tickets of their scope, within their part of the loop.
    "CREATE POLICY gc_dispatch ON tickets FOR UPDATE TO gc_dispatcher"
    f" USING (({IN_SCOPE_TICKET}) AND status IN ({OPEN_TO_DISPATCH}))"
    f" WITH CHECK (({IN_SCOPE_TICKET}) AND status IN ({OPEN_TO_DISPATCH}, 'rejected'))",
    "CREATE POLICY gc_supervise ON tickets FOR UPDATE TO gc_supervisor"
    f" USING ({IN_SCOPE_TICKET}) WITH CHECK ({IN_SCOPE_TICKET})",
    "CREATE POLICY gc_trace ON ticket_actions FOR INSERT TO gc_dispatcher, gc_supervisor"
    " WITH CHECK (ticket_id IN (SELECT id FROM tickets))",
    # The field systems are city-wide; their grants keep them to their own steps.
    *(
        f"CREATE POLICY gc_field ON {table} FOR ALL TO gc_field USING (true) WITH CHECK (true)"
        for table in ("grids", "workers", "worker_positions", "ticket_photos", "ticket_actions")
    ),
    "CREATE POLICY gc_field_read ON tickets FOR SELECT TO gc_field USING (true)",
    "CREATE POLICY gc_field_report ON tickets FOR INSERT TO gc_field WITH CHECK (true)",
    # Accept (dispatched → in_progress), give back (→ registered), handled.
    "CREATE POLICY gc_field_step ON tickets FOR UPDATE TO gc_field"
    " USING (status IN ('dispatched', 'in_progress'))"
    " WITH CHECK (status IN ('registered', 'in_progress', 'handled'))",
]

GRANTS = [
    """
    DO $$
    BEGIN
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO gc_viewer, gc_dispatcher, gc_supervisor,'
                       ' gc_manager, gc_field', current_schema());
    END $$
    """,
    *(f"GRANT SELECT ON {table} TO {OPS}" for table in READABLE),
    f"GRANT UPDATE ({DISPATCH_COLUMNS}) ON tickets TO gc_dispatcher",
    f"GRANT UPDATE ({SUPERVISE_COLUMNS}) ON tickets TO gc_supervisor",
    "GRANT INSERT ON ticket_actions TO gc_dispatcher, gc_supervisor",
    _grant_sequence("ticket_actions", "gc_dispatcher"),
    _grant_sequence("ticket_actions", "gc_supervisor"),
    "GRANT SELECT ON regions, grids, workers, category_classes, categories, tickets TO gc_field",
    "GRANT INSERT ON tickets, worker_positions, ticket_photos, ticket_actions TO gc_field",
    "GRANT UPDATE (status, assignee_worker_code) ON tickets TO gc_field",
    # The grid layer is maintained from the field side (the simulator breaks and
    # restores boundaries to exercise validation).
    "GRANT UPDATE (boundary) ON grids TO gc_field",
    *(
        _grant_sequence(table, "gc_field")
        for table in ("tickets", "worker_positions", "ticket_photos", "ticket_actions")
    ),
]


def upgrade() -> None:
    op.create_table(
        "operator_scopes",
        sa.Column("login", sa.String(length=63), nullable=False),
        sa.Column("region_code", sa.String(length=32), nullable=False),
        sa.Column("display_name", sa.String(length=100), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"],
            ["regions.code"],
            name=op.f("fk_operator_scopes_region_code_regions"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("login", name=op.f("pk_operator_scopes")),
    )
    op.create_index(
        op.f("ix_operator_scopes_region_code"), "operator_scopes", ["region_code"], unique=False
    )
    for group in GROUPS:
        op.execute(_create_role_if_missing(group))
    for member in ("gc_dispatcher", "gc_supervisor", "gc_manager"):
        op.execute(_grant_membership_if_missing("gc_viewer", member))
    for statement in (*SCOPE_FUNCTIONS, *GRANTS):
        op.execute(statement)
    for table in SCOPED:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    for statement in POLICIES:
        op.execute(statement)


def downgrade() -> None:
    # Policies go with their tables' security switched off; the roles stay (they are
    # the cluster's, and other databases may use them): only this database's grants go.
    for statement in POLICIES:
        name, table = statement.split()[2], statement.split()[4]
        op.execute(f"DROP POLICY IF EXISTS {name} ON {table}")
    for table in SCOPED:
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    groups = ", ".join(GROUPS)
    op.execute(
        f"""
        DO $$
        BEGIN
            EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM {groups}',
                           current_schema());
            EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM {groups}',
                           current_schema());
            EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM {groups}', current_schema());
        END $$
        """
    )
    op.execute("DROP FUNCTION IF EXISTS gc_scope_is_district()")
    op.execute("DROP FUNCTION IF EXISTS gc_scope_regions()")
    op.drop_index(op.f("ix_operator_scopes_region_code"), table_name="operator_scopes")
    op.drop_table("operator_scopes")
