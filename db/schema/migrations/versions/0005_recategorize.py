"""Dispatchers and supervisors may correct a report's category (改类).

``category_code`` joins the columns the routing roles may update (0004 grants them
column by column, never ``version`` or step times). ``recategorize`` joins the case
loop (``case_actions``, mirrored by ``caseloop.CASE_LOOP``): an open case, before it
is handled, by a dispatcher or a supervisor; the status stays. The guard of 0004
checks it like every step, stamps the version, and its trace trigger writes the row.
A category changed under any other name is refused, so no change of category goes
untraced.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 15:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CATEGORY_GUARD = """
CREATE FUNCTION gc_category_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF gc_bulk_load(TG_RELID) OR NEW.category_code IS NOT DISTINCT FROM OLD.category_code THEN
        RETURN NEW;
    END IF;
    IF coalesce(current_setting('gridcommand.action', true), '') <> 'recategorize' THEN
        RAISE EXCEPTION 'gridcommand: the category of ticket % changes only by recategorize',
            OLD.code USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$
"""


def upgrade() -> None:
    op.execute(
        "INSERT INTO case_actions VALUES ('recategorize',"
        " '{reported,registered,dispatched,in_progress}', NULL, '{dispatcher,supervisor}',"
        " false, '', 're-categorised')"
    )
    op.execute(CATEGORY_GUARD)
    op.execute(
        "CREATE TRIGGER gc_category_guard BEFORE UPDATE OF category_code ON tickets"
        " FOR EACH ROW EXECUTE FUNCTION gc_category_guard()"
    )
    op.execute("GRANT UPDATE (category_code) ON tickets TO gc_dispatcher, gc_supervisor")


def downgrade() -> None:
    op.execute("REVOKE UPDATE (category_code) ON tickets FROM gc_dispatcher, gc_supervisor")
    op.execute("DROP TRIGGER gc_category_guard ON tickets")
    op.execute("DROP FUNCTION gc_category_guard()")
    op.execute("DELETE FROM case_actions WHERE action = 'recategorize'")
