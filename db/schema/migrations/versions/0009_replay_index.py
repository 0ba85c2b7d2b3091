"""Replay: indexes on ``tickets.closed_at`` and ``ticket_actions.at``.

A moment of the past needs the cases open now and those closed since a day
before that moment; the open ones have their partial index, the closed ones had
none (a scan of every case ever closed per seek of the slider). Moving the slider
reads only the cases with a trace row between the two moments: the trace's own
index is by ticket, so the rows between two times needed one by time.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 18:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_tickets_closed_at", "tickets", ["closed_at"], unique=False)
    op.create_index("ix_ticket_actions_at", "ticket_actions", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_ticket_actions_at", table_name="ticket_actions")
    op.drop_index("ix_tickets_closed_at", table_name="tickets")
