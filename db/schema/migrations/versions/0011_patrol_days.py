"""Patrol days kept by a trigger, so the board counts days instead of a month of fixes.

The score's patrol part (``docs/kpi.md``) is the share of a period's days on which a
grid's workers sent at least one fix. It was counted from ``worker_positions`` itself:
``count(DISTINCT day)`` over every fix of the period. A city's tablets send a fix every
few seconds, so a month is tens of millions of rows; on a database of 18.8 million
fixes one board question ranked by grid kept a core of PostgreSQL busy for over 30 s,
and the window asks one at start-up.

``worker_patrol_days`` has one row per worker and local day (Asia/Shanghai) with a fix,
and the earliest fix of that day (``first_at``). A statement trigger on
``worker_positions`` keeps it from the statement's new rows (a COPY of thousands of fixes
is one statement): new days are inserted, ``ON CONFLICT DO NOTHING``, so the usual fix,
on a day already known, writes and locks nothing; ``first_at`` is lowered only when a
tablet uploads a buffered fix older than the day's first.

Why that is exact for any period (``db/reports/kpi.py``): a day wholly inside the period
counts when it has a row. The period's last day, cut at ``cut``, counts when its first
fix is before ``cut``. The first day, when the period starts after its midnight, is
asked of ``worker_positions`` (one index probe per worker who patrolled that day).
A fix deleted later (retention of raw GPS) leaves its day counted: the patrol happened.

Only the trigger writes the table (definer's rights); operators read it in their scope,
as they read the fixes.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 04:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPS = "gc_viewer, gc_dispatcher, gc_supervisor, gc_manager"
LOCAL_DAY = "(recorded_at AT TIME ZONE 'Asia/Shanghai')::date"

#: A fix dated ahead of the server's clock (a tablet's broken clock) makes no patrol day,
#: as the live map and the drill-down do not show it (``db/reports/grid_report.ACCEPTED_FIX``).
_ON_TIME = "recorded_at <= now() + interval '5 minutes'"

_FUNCTION = f"""
CREATE FUNCTION gc_patrol_days() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    -- Rows in key order, as 0008's summaries: two writers queue instead of deadlocking.
    INSERT INTO worker_patrol_days (worker_code, day, first_at)
    SELECT worker_code, {LOCAL_DAY}, min(recorded_at) FROM new_fixes WHERE {_ON_TIME}
     GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (worker_code, day) DO NOTHING;
    -- A late upload: an earlier fix than the day's first known one.
    UPDATE worker_patrol_days d SET first_at = n.first_at
      FROM (SELECT worker_code, {LOCAL_DAY} AS day, min(recorded_at) AS first_at
              FROM new_fixes WHERE {_ON_TIME} GROUP BY 1, 2) n
     WHERE d.worker_code = n.worker_code AND d.day = n.day AND n.first_at < d.first_at;
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.create_table(
        "worker_patrol_days",
        sa.Column("worker_code", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["worker_code"],
            ["workers.code"],
            name=op.f("fk_worker_patrol_days_worker_code_workers"),
            onupdate="CASCADE",
        ),
        sa.PrimaryKeyConstraint("worker_code", "day", name=op.f("pk_worker_patrol_days")),
    )
    # The board asks a period's days for a region's workers: by day first.
    op.create_index("ix_worker_patrol_days_day", "worker_patrol_days", ["day", "worker_code"])
    op.execute(
        "INSERT INTO worker_patrol_days (worker_code, day, first_at)"
        f" SELECT worker_code, {LOCAL_DAY}, min(recorded_at) FROM worker_positions"
        f" WHERE {_ON_TIME} GROUP BY 1, 2"
    )
    op.execute("ANALYZE worker_patrol_days")
    op.execute(_FUNCTION)
    op.execute(
        "CREATE TRIGGER gc_patrol_days AFTER INSERT ON worker_positions"
        " REFERENCING NEW TABLE AS new_fixes FOR EACH STATEMENT EXECUTE FUNCTION gc_patrol_days()"
    )
    op.execute(f"GRANT SELECT ON worker_patrol_days TO {OPS}")
    op.execute("ALTER TABLE worker_patrol_days ENABLE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY gc_scope_read ON worker_patrol_days FOR SELECT TO {OPS}"
        " USING (worker_code IN (SELECT code FROM workers))"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER gc_patrol_days ON worker_positions")
    op.execute("DROP FUNCTION gc_patrol_days()")
    op.drop_table("worker_patrol_days")
