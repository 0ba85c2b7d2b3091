"""Console events: what an operator did to the console itself, traced like a ticket action.

A supervisor who mutes the siren takes a decision that matters as much as a
dispatch: during the mute an emergency is only seen, not heard. So the mute is a
row here (who, their role, when, until when), append-only like the ticket trace.
Kept apart from ``ticket_actions``: it belongs to no ticket.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 15:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPERATORS = "gc_viewer, gc_dispatcher, gc_supervisor, gc_manager"


def upgrade() -> None:
    op.create_table(
        "console_events",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("actor_role", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint(
            "kind IN ('mute_siren', 'unmute_siren')", name=op.f("ck_console_events_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_events")),
    )
    op.create_index("ix_console_events_at", "console_events", ["at"])
    op.execute(
        "CREATE TRIGGER gc_append_only BEFORE UPDATE OR DELETE ON console_events"
        " FOR EACH ROW EXECUTE FUNCTION gc_append_only()"
    )
    op.execute(f"GRANT SELECT ON console_events TO {OPERATORS}")
    op.execute("GRANT INSERT ON console_events TO gc_supervisor")
    op.execute(
        """
        DO $$
        BEGIN
            EXECUTE format('GRANT USAGE ON SEQUENCE %s TO gc_supervisor',
                           pg_catalog.pg_get_serial_sequence('console_events', 'id'));
        END $$
        """
    )


def downgrade() -> None:
    op.drop_table("console_events")
