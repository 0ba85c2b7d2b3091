"""Replay: an index on ``tickets.closed_at``.

A moment of the past needs the cases open now and those closed since a day
before that moment; the open ones have their partial index, the closed ones had
none (a scan of every case ever closed per seek of the slider).

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-01 18:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_tickets_closed_at", "tickets", ["closed_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_tickets_closed_at", table_name="tickets")
