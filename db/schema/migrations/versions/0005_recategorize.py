"""Dispatchers and supervisors may correct a report's category.

``category_code`` joins the columns the routing roles may update (0004 grants them
column by column). The trace row comes from the service layer
(``gridcommand.db.actions.recategorize``), in the same transaction; the row policies
of 0002 already keep each login to its own scope and to open cases.

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


def upgrade() -> None:
    op.execute("GRANT UPDATE (category_code) ON tickets TO gc_dispatcher, gc_supervisor")


def downgrade() -> None:
    op.execute("REVOKE UPDATE (category_code) ON tickets FROM gc_dispatcher, gc_supervisor")
