"""Replay: an index on ``worker_positions.recorded_at``.

Moving the replay's slider read every worker's last fix again, one index probe per
worker (40,000 in a city of 10,000 grids), although in an hour most of them had not
sent a single fix. Now it reads only the workers with a fix between the two moments,
and finding those needs the fixes by time; the only index was by worker.

Fixes arrive in time order, so the new entries go to the index's right edge, as the
primary key's do.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_worker_positions_recorded_at", "worker_positions", ["recorded_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_worker_positions_recorded_at", table_name="worker_positions")
