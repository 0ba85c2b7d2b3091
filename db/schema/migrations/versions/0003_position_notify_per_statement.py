"""Worker positions are announced once per statement, without an id.

A city's tablets write thousands of fixes a second. With a notification per row,
each carrying its own id, PostgreSQL could not fold them together and every
listener parsed thousands of payloads a second only to learn "there are new
positions", which its catch-up query reads by watermark anyway. Now each INSERT,
UPDATE or DELETE statement on ``worker_positions`` sends ``{"t":
"worker_positions", "op": "I"}``; identical payloads within one transaction are
delivered once, so a batch of fixes wakes a listener once. Reports, trace rows
and the other tables keep their per-row payloads: they are few, and a listener
may want the id.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 02:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATEMENT_NOTIFY = """
CREATE FUNCTION gc_notify_table_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF gc_bulk_load(TG_RELID) THEN
        RETURN NULL;
    END IF;
    PERFORM pg_notify(
        'gridcommand_changes',
        json_build_object('t', TG_TABLE_NAME, 'op', left(TG_OP, 1))::text
    );
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.execute(_STATEMENT_NOTIFY)
    op.execute("DROP TRIGGER gc_notify_change ON worker_positions")
    op.execute(
        "CREATE TRIGGER gc_notify_change AFTER INSERT OR UPDATE OR DELETE ON worker_positions"
        " FOR EACH STATEMENT EXECUTE FUNCTION gc_notify_table_change()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER gc_notify_change ON worker_positions")
    op.execute(
        "CREATE TRIGGER gc_notify_change AFTER INSERT OR UPDATE OR DELETE ON worker_positions"
        " FOR EACH ROW EXECUTE FUNCTION gc_notify_change('id')"
    )
    op.execute("DROP FUNCTION gc_notify_table_change()")
