"""KPI summary tables kept by triggers, so the board sums days instead of cases.

``gridcommand bench --kpi`` asks the board a period and a region on a year of a million
cases; 0007 answered by reading every case of the period (a month of the district is
about 83,000) joined to ``ticket_kpi_facts``. This migration keeps, by triggers:

- ``ticket_kpi_facts``: now each case's whole evaluation state, one row per ticket:
  beside 0007's first dispatch, handling, send-back and approved extension, its
  registration time, grid, community, item class, deadline, closure (only while
  ``status = 'closed'``), assignee and, for a patrol report, its report time. A
  definer's trigger on ``tickets`` copies them when they change.
- ``kpi_daily``: per local day of registration and community (``''``: not yet in a
  grid), the counts of docs/kpi.md as the cases stand now (registered, handled, handled
  on time, closed, closed on time, reworked, extended, overdue, dispatched-and-handled
  with their handling seconds) and ``settled_until``, the latest time anything of those
  cases happened or falls due (registration, first steps, closure, and the deadline of
  a case not yet handled).
- ``kpi_satisfaction_daily``: per local day of the judged closure and community, the
  call-backs and how many were (basically) satisfied, and the latest ``recorded_at``.
- ``kpi_grid_monthly``: per local month, grid and item class, the cases registered
  (the hot-spot layer) and the patrol reports by report time (the score's reporting).

Why the day counts are exact for any cut-off (``docs/kpi.md``): a figure counts a
case's step only if it happened before the cut-off. When everything of a day's cases
happened before the cut-off (``settled_until < cut``), each case counts now as it did
at the cut-off, so the day's counts are the figure's; any other day, and the partial
days at the ends of a period, are counted case by case from ``ticket_kpi_facts``.
``settled_until`` only grows (a reopening does not lower it), which at worst sends a
day to the case-by-case path. Counts change by deltas (``count = count + d``) in one
statement per change, ordered by key, so concurrent writers add up and queue on the
row instead of overwriting each other.

Only the triggers write these tables (definer's rights, like 0004's and 0007's);
operators read them in their scope, field logins not at all (``docs/security.md``).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 18:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPS = "gc_viewer, gc_dispatcher, gc_supervisor, gc_manager"
TZ = sa.DateTime(timezone=True)
#: The columns 0008 adds to ``ticket_kpi_facts``.
_FACT_COLUMNS = (
    ("registered_at", TZ),
    ("grid_code", sa.String(length=32)),
    ("community_code", sa.String(length=32)),
    ("class_code", sa.String(length=32)),
    ("deadline", TZ),
    ("closed_at", TZ),
    ("assignee_worker_code", sa.String(length=32)),
    ("assignee_department", sa.String(length=100)),
    ("patrol_reported_at", TZ),
)
_STEP_TIMES = (
    "first_dispatch_at",
    "first_handle_at",
    "first_send_back_at",
    "first_extension_at",
    "deadline",
    "closed_at",
)
_COUNTS = (
    "registered",
    "handled",
    "handled_on_time",
    "closed",
    "closed_on_time",
    "reworked",
    "extended",
    "overdue",
    "timed",
)
# A scope's rows: its communities' (through its grids), and the district's unlocated ones.
_IN_SCOPE_COMMUNITY = (
    "community_code IN (SELECT community_code FROM grids)"
    " OR (community_code = '' AND (SELECT gc_scope_is_district()))"
)
_IN_SCOPE_GRID = (
    "grid_code IN (SELECT code FROM grids)"
    " OR (grid_code IS NULL AND (SELECT gc_scope_is_district()))"
)

# What one case adds to its day's counts, as it stands now (the cut-off at infinity).
_PART = """
CREATE FUNCTION gc_kpi_part(f ticket_kpi_facts) RETURNS TABLE (
    day date, community_code text, registered int, handled int, handled_on_time int,
    closed int, closed_on_time int, reworked int, extended int, overdue int, timed int,
    handling_seconds numeric, settled_at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT (f.registered_at AT TIME ZONE 'Asia/Shanghai')::date, f.community_code, 1,
           (f.first_handle_at IS NOT NULL)::int,
           coalesce(f.first_handle_at <= f.deadline, false)::int,
           (f.closed_at IS NOT NULL)::int,
           coalesce(f.closed_at <= f.deadline, false)::int,
           (f.first_handle_at IS NOT NULL AND f.first_send_back_at IS NOT NULL)::int,
           (f.first_extension_at IS NOT NULL)::int,
           (f.first_handle_at IS NULL OR f.first_handle_at > f.deadline)::int,
           (f.first_handle_at IS NOT NULL AND f.first_dispatch_at IS NOT NULL)::int,
           coalesce(extract(epoch FROM f.first_handle_at - f.first_dispatch_at), 0),
           f.settled_at
     WHERE f.registered_at IS NOT NULL
$$
"""

_MONTHLY_PART = """
CREATE FUNCTION gc_kpi_grid_part(f ticket_kpi_facts) RETURNS TABLE (
    month date, grid_code text, class_code text, registered int, patrol_reports int)
LANGUAGE sql STABLE AS $$
    SELECT date_trunc('month', f.registered_at AT TIME ZONE 'Asia/Shanghai')::date,
           f.grid_code, f.class_code, 1, 0
     WHERE f.registered_at IS NOT NULL AND f.grid_code IS NOT NULL
    UNION ALL
    SELECT date_trunc('month', f.patrol_reported_at AT TIME ZONE 'Asia/Shanghai')::date,
           f.grid_code, f.class_code, 0, 1
     WHERE f.patrol_reported_at IS NOT NULL AND f.grid_code IS NOT NULL
$$
"""

_SUMS = ", ".join(f"sum(sign * {c})" for c in _COUNTS)
_ADD = ", ".join(f"{c} = d.{c} + EXCLUDED.{c}" for c in _COUNTS)

# A change takes the case's old part away and adds its new one, one statement per table,
# rows in the order of their keys; a table the change does not concern is not touched
# (no row lock, no write).
_APPLY = f"""
CREATE FUNCTION gc_kpi_apply(o ticket_kpi_facts, n ticket_kpi_facts) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
    IF (SELECT array_agg(p) FROM gc_kpi_part(o) p)
       IS DISTINCT FROM (SELECT array_agg(p) FROM gc_kpi_part(n) p) THEN
        INSERT INTO kpi_daily AS d (day, community_code, {", ".join(_COUNTS)},
                                    handling_seconds, settled_until)
        SELECT day, community_code, {_SUMS}, sum(sign * handling_seconds), max(settled_at)
          FROM (SELECT -1 AS sign, p.* FROM gc_kpi_part(o) p
                UNION ALL SELECT 1, p.* FROM gc_kpi_part(n) p) parts
         GROUP BY day, community_code
         ORDER BY day, community_code
        ON CONFLICT (day, community_code) DO UPDATE SET {_ADD},
            handling_seconds = d.handling_seconds + EXCLUDED.handling_seconds,
            settled_until = greatest(d.settled_until, EXCLUDED.settled_until);
    END IF;
    IF (SELECT array_agg(p) FROM gc_kpi_grid_part(o) p)
       IS DISTINCT FROM (SELECT array_agg(p) FROM gc_kpi_grid_part(n) p) THEN
        INSERT INTO kpi_grid_monthly AS m (month, grid_code, class_code, registered,
                                           patrol_reports)
        SELECT month, grid_code, class_code, sum(sign * registered), sum(sign * patrol_reports)
          FROM (SELECT -1 AS sign, p.* FROM gc_kpi_grid_part(o) p
                UNION ALL SELECT 1, p.* FROM gc_kpi_grid_part(n) p) parts
         GROUP BY month, grid_code, class_code
         ORDER BY month, grid_code, class_code
        ON CONFLICT (month, grid_code, class_code) DO UPDATE SET
            registered = m.registered + EXCLUDED.registered,
            patrol_reports = m.patrol_reports + EXCLUDED.patrol_reports;
    END IF;
    -- A case moved to another grid takes its call-backs with it.
    IF o.ticket_id IS NOT NULL AND (o.grid_code, coalesce(o.community_code, ''))
       IS DISTINCT FROM (n.grid_code, coalesce(n.community_code, '')) THEN
        UPDATE ticket_feedback SET community_code = coalesce(n.community_code, ''),
                                   grid_code = n.grid_code
         WHERE ticket_id = o.ticket_id;
    END IF;
    IF o.ticket_id IS NOT NULL
       AND coalesce(o.community_code, '') <> coalesce(n.community_code, '') THEN
        INSERT INTO kpi_satisfaction_daily AS s (day, community_code, answered, satisfied,
                                                 settled_until)
        SELECT (fb.ticket_closed_at AT TIME ZONE 'Asia/Shanghai')::date, part.community_code,
               sum(part.sign),
               sum(part.sign * (fb.result IN ('satisfied', 'basically_satisfied'))::int),
               max(fb.recorded_at)
          FROM (VALUES (-1, coalesce(o.community_code, '')),
                       (1, coalesce(n.community_code, ''))) AS part(sign, community_code)
          JOIN ticket_feedback fb ON fb.ticket_id = o.ticket_id
         WHERE fb.ticket_closed_at IS NOT NULL
         GROUP BY 1, 2
         ORDER BY 1, 2
        ON CONFLICT (day, community_code) DO UPDATE SET
            answered = s.answered + EXCLUDED.answered,
            satisfied = s.satisfied + EXCLUDED.satisfied,
            settled_until = greatest(s.settled_until, EXCLUDED.settled_until);
    END IF;
END $fn$
"""

_FUNCTIONS = [
    _PART,
    _MONTHLY_PART,
    _APPLY,
    """
    CREATE FUNCTION gc_kpi_summarise() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD IS NOT DISTINCT FROM NEW THEN
            RETURN NULL;  -- 0007's trace trigger rewrites a fact it did not change
        END IF;
        PERFORM gc_kpi_apply(OLD, NEW);
        RETURN NULL;
    END $$
    """,
    # Definer's rights: whoever changes a ticket keeps its facts, without a grant on them.
    """
    CREATE FUNCTION gc_kpi_facts_from_ticket() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
    BEGIN
        INSERT INTO ticket_kpi_facts AS f
               (ticket_id, registered_at, grid_code, community_code, class_code, deadline,
                closed_at, assignee_worker_code, assignee_department, patrol_reported_at)
        SELECT NEW.id, NEW.registered_at, NEW.grid_code, coalesce(g.community_code, ''),
               c.class_code, NEW.deadline,
               CASE WHEN NEW.status = 'closed' THEN NEW.closed_at END,
               NEW.assignee_worker_code, NEW.assignee_department,
               CASE WHEN NEW.source = 'patrol' THEN NEW.reported_at END
          FROM (SELECT 1) one
          LEFT JOIN categories c ON c.code = NEW.category_code
          LEFT JOIN grids g ON g.code = NEW.grid_code
        ON CONFLICT (ticket_id) DO UPDATE SET
            registered_at = EXCLUDED.registered_at, grid_code = EXCLUDED.grid_code,
            community_code = EXCLUDED.community_code, class_code = EXCLUDED.class_code,
            deadline = EXCLUDED.deadline, closed_at = EXCLUDED.closed_at,
            assignee_worker_code = EXCLUDED.assignee_worker_code,
            assignee_department = EXCLUDED.assignee_department,
            patrol_reported_at = EXCLUDED.patrol_reported_at
        WHERE (f.registered_at, f.grid_code, f.community_code, f.class_code, f.deadline,
               f.closed_at, f.assignee_worker_code, f.assignee_department,
               f.patrol_reported_at)
              IS DISTINCT FROM
              (EXCLUDED.registered_at, EXCLUDED.grid_code, EXCLUDED.community_code,
               EXCLUDED.class_code, EXCLUDED.deadline, EXCLUDED.closed_at,
               EXCLUDED.assignee_worker_code, EXCLUDED.assignee_department,
               EXCLUDED.patrol_reported_at);
        RETURN NULL;
    END $$
    """,
    # A call-back carries its case's place (whatever the writer said) ...
    """
    CREATE FUNCTION gc_kpi_feedback_place() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
    BEGIN
        SELECT coalesce(f.community_code, ''), f.grid_code
          INTO NEW.community_code, NEW.grid_code
          FROM ticket_kpi_facts f WHERE f.ticket_id = NEW.ticket_id;
        RETURN NEW;
    END $$
    """,
    # ... and counts on the day of the closure it judged, in the case's community.
    """
    CREATE FUNCTION gc_kpi_feedback() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
    BEGIN
        IF NEW.ticket_closed_at IS NULL THEN
            RETURN NULL;
        END IF;
        INSERT INTO kpi_satisfaction_daily AS s (day, community_code, answered, satisfied,
                                                 settled_until)
        VALUES ((NEW.ticket_closed_at AT TIME ZONE 'Asia/Shanghai')::date,
                coalesce(NEW.community_code, ''), 1,
                (NEW.result IN ('satisfied', 'basically_satisfied'))::int, NEW.recorded_at)
        ON CONFLICT (day, community_code) DO UPDATE SET
            answered = s.answered + 1, satisfied = s.satisfied + EXCLUDED.satisfied,
            settled_until = greatest(s.settled_until, EXCLUDED.settled_until);
        RETURN NULL;
    END $$
    """,
    # Grids and item classes are re-filed rarely; their cases' facts follow.
    """
    CREATE FUNCTION gc_kpi_grid_moved() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
    BEGIN
        UPDATE ticket_kpi_facts SET community_code = NEW.community_code
         WHERE grid_code = NEW.code;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION gc_kpi_category_moved() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
    BEGIN
        UPDATE ticket_kpi_facts f SET class_code = NEW.class_code
          FROM tickets t WHERE t.id = f.ticket_id AND t.category_code = NEW.code;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER gc_kpi_summary AFTER INSERT OR UPDATE OR DELETE ON ticket_kpi_facts"
    " FOR EACH ROW EXECUTE FUNCTION gc_kpi_summarise()",
    "CREATE TRIGGER gc_kpi_facts_from_ticket AFTER INSERT ON tickets"
    " FOR EACH ROW EXECUTE FUNCTION gc_kpi_facts_from_ticket()",
    "CREATE TRIGGER gc_kpi_facts_from_ticket_update AFTER UPDATE ON tickets FOR EACH ROW"
    " WHEN ((OLD.registered_at, OLD.grid_code, OLD.category_code, OLD.deadline, OLD.status,"
    " OLD.closed_at, OLD.assignee_worker_code, OLD.assignee_department, OLD.source,"
    " OLD.reported_at) IS DISTINCT FROM (NEW.registered_at, NEW.grid_code, NEW.category_code,"
    " NEW.deadline, NEW.status, NEW.closed_at, NEW.assignee_worker_code,"
    " NEW.assignee_department, NEW.source, NEW.reported_at))"
    " EXECUTE FUNCTION gc_kpi_facts_from_ticket()",
    "CREATE TRIGGER gc_kpi_feedback_place BEFORE INSERT ON ticket_feedback"
    " FOR EACH ROW EXECUTE FUNCTION gc_kpi_feedback_place()",
    "CREATE TRIGGER gc_kpi_feedback AFTER INSERT ON ticket_feedback"
    " FOR EACH ROW EXECUTE FUNCTION gc_kpi_feedback()",
    "CREATE TRIGGER gc_kpi_grid_moved AFTER UPDATE OF community_code ON grids FOR EACH ROW"
    " WHEN (OLD.community_code IS DISTINCT FROM NEW.community_code)"
    " EXECUTE FUNCTION gc_kpi_grid_moved()",
    "CREATE TRIGGER gc_kpi_category_moved AFTER UPDATE OF class_code ON categories FOR EACH ROW"
    " WHEN (OLD.class_code IS DISTINCT FROM NEW.class_code)"
    " EXECUTE FUNCTION gc_kpi_category_moved()",
]

# The backfill: every ticket's facts, then the summaries from them, set-based.
_BACKFILL = [
    """
    INSERT INTO ticket_kpi_facts AS f (ticket_id)
    SELECT id FROM tickets ON CONFLICT (ticket_id) DO NOTHING
    """,
    """
    UPDATE ticket_kpi_facts f
       SET registered_at = t.registered_at, grid_code = t.grid_code,
           community_code = coalesce(g.community_code, ''), class_code = c.class_code,
           deadline = t.deadline,
           closed_at = CASE WHEN t.status = 'closed' THEN t.closed_at END,
           assignee_worker_code = t.assignee_worker_code,
           assignee_department = t.assignee_department,
           patrol_reported_at = CASE WHEN t.source = 'patrol' THEN t.reported_at END
      FROM tickets t
      LEFT JOIN categories c ON c.code = t.category_code
      LEFT JOIN grids g ON g.code = t.grid_code
     WHERE t.id = f.ticket_id
    """,
    f"""
    INSERT INTO kpi_daily (day, community_code, {", ".join(_COUNTS)}, handling_seconds,
                           settled_until)
    SELECT p.day, p.community_code, {", ".join(f"sum(p.{c})" for c in _COUNTS)},
           sum(p.handling_seconds), max(p.settled_at)
      FROM ticket_kpi_facts f CROSS JOIN LATERAL gc_kpi_part(f) p
     GROUP BY 1, 2
    """,
    """
    INSERT INTO kpi_grid_monthly (month, grid_code, class_code, registered, patrol_reports)
    SELECT p.month, p.grid_code, p.class_code, sum(p.registered), sum(p.patrol_reports)
      FROM ticket_kpi_facts f CROSS JOIN LATERAL gc_kpi_grid_part(f) p
     GROUP BY 1, 2, 3
    """,
    """
    UPDATE ticket_feedback fb SET community_code = f.community_code, grid_code = f.grid_code
      FROM ticket_kpi_facts f WHERE f.ticket_id = fb.ticket_id
    """,
    """
    INSERT INTO kpi_satisfaction_daily (day, community_code, answered, satisfied, settled_until)
    SELECT (fb.ticket_closed_at AT TIME ZONE 'Asia/Shanghai')::date, f.community_code,
           count(*), count(*) FILTER (WHERE fb.result IN ('satisfied', 'basically_satisfied')),
           max(fb.recorded_at)
      FROM ticket_feedback fb JOIN ticket_kpi_facts f ON f.ticket_id = fb.ticket_id
     WHERE fb.ticket_closed_at IS NOT NULL
     GROUP BY 1, 2
    """,
]

_SUMMARIES = ("kpi_daily", "kpi_satisfaction_daily", "kpi_grid_monthly")
_TRIGGERS = (
    ("gc_kpi_summary", "ticket_kpi_facts"),
    ("gc_kpi_facts_from_ticket", "tickets"),
    ("gc_kpi_facts_from_ticket_update", "tickets"),
    ("gc_kpi_feedback", "ticket_feedback"),
    ("gc_kpi_feedback_place", "ticket_feedback"),
    ("gc_kpi_grid_moved", "grids"),
    ("gc_kpi_category_moved", "categories"),
)


# When everything of a case that the figures compare with a cut-off has happened: its
# registration, first steps and closure, and its deadline while it is unhandled (once
# handled, the figures compare the deadline with the handling and closing times only).
# A cut-off after it judges the case as it stands now.
_SETTLED_AT = (
    "greatest(registered_at, first_dispatch_at, first_handle_at, first_send_back_at,"
    " first_extension_at, closed_at, CASE WHEN first_handle_at IS NULL THEN deadline END)"
)


def _count_columns() -> list[sa.Column[int]]:
    return [sa.Column(c, sa.Integer(), server_default="0", nullable=False) for c in _COUNTS]


def upgrade() -> None:
    for name, kind in _FACT_COLUMNS:
        op.add_column("ticket_kpi_facts", sa.Column(name, kind, nullable=True))
    op.add_column(
        "ticket_kpi_facts",
        sa.Column("settled_at", TZ, sa.Computed(_SETTLED_AT, persisted=True), nullable=True),
    )
    # The call-backs carry their case's place, so a community's are found by an index.
    op.add_column("ticket_feedback", sa.Column("community_code", sa.String(32), nullable=True))
    op.add_column("ticket_feedback", sa.Column("grid_code", sa.String(32), nullable=True))
    op.create_table(
        "kpi_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("community_code", sa.String(length=32), nullable=False),
        *_count_columns(),
        sa.Column("handling_seconds", sa.Numeric(), server_default="0", nullable=False),
        sa.Column("settled_until", TZ, nullable=True),
        sa.PrimaryKeyConstraint("day", "community_code", name=op.f("pk_kpi_daily")),
    )
    op.create_table(
        "kpi_satisfaction_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("community_code", sa.String(length=32), nullable=False),
        sa.Column("answered", sa.Integer(), server_default="0", nullable=False),
        sa.Column("satisfied", sa.Integer(), server_default="0", nullable=False),
        sa.Column("settled_until", TZ, nullable=True),
        sa.PrimaryKeyConstraint("day", "community_code", name=op.f("pk_kpi_satisfaction_daily")),
    )
    op.create_table(
        "kpi_grid_monthly",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("grid_code", sa.String(length=32), nullable=False),
        sa.Column("class_code", sa.String(length=32), nullable=False),
        sa.Column("registered", sa.Integer(), server_default="0", nullable=False),
        sa.Column("patrol_reports", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint(
            "month", "grid_code", "class_code", name=op.f("pk_kpi_grid_monthly")
        ),
    )
    functions = [s for s in _FUNCTIONS if not s.startswith("CREATE TRIGGER")]
    for statement in functions:
        op.execute(statement)
    for statement in _BACKFILL:
        op.execute(statement)
    # The case-by-case path: a community's or grid's days, a period's partial days.
    # settled_at as the last key: a day's cases not yet settled at a cut-off are found
    # in the index without reading the others, and counted from it alone (the steps'
    # times are included), without visiting the table.
    op.create_index(
        "ix_ticket_kpi_facts_community_registered",
        "ticket_kpi_facts",
        ["community_code", "registered_at", "settled_at"],
        # the grid too: a login's row-level security reads it
        postgresql_include=[*_STEP_TIMES, "grid_code"],
    )
    op.create_index(
        "ix_ticket_feedback_community_closed",
        "ticket_feedback",
        ["community_code", "ticket_closed_at", "recorded_at"],
    )
    op.create_index(
        "ix_ticket_kpi_facts_grid_registered", "ticket_kpi_facts", ["grid_code", "registered_at"]
    )
    op.create_index("ix_ticket_kpi_facts_registered", "ticket_kpi_facts", ["registered_at"])
    op.create_index(
        "ix_ticket_kpi_facts_patrol_reported",
        "ticket_kpi_facts",
        ["patrol_reported_at"],
        postgresql_include=["grid_code"],
        postgresql_where=sa.text("patrol_reported_at IS NOT NULL"),
    )
    # A worker's patrol reports are found by the trace row that names them (the score's
    # reporting part); without it a grid's board read the whole trace.
    op.create_index(
        "ix_ticket_actions_report_actor",
        "ticket_actions",
        ["actor"],
        postgresql_where=sa.text("action = 'report'"),
    )
    # The planner's statistics for the backfilled rows, before anyone asks the board.
    op.execute(f"ANALYZE ticket_kpi_facts, {', '.join(_SUMMARIES)}")
    for statement in _FUNCTIONS:
        if statement not in functions:  # the triggers, once the backfill is done
            op.execute(statement)
    # Called with the caller's rights it could write nothing; still, only triggers call it.
    op.execute(
        "REVOKE EXECUTE ON FUNCTION gc_kpi_apply(ticket_kpi_facts, ticket_kpi_facts) FROM PUBLIC"
    )
    # 0007's reading policy searched every visible ticket for each fact; the facts now
    # carry the grid, so they are scoped as the tickets are.
    op.execute("DROP POLICY gc_scope_read ON ticket_kpi_facts")
    op.execute(
        f"CREATE POLICY gc_scope_read ON ticket_kpi_facts FOR SELECT TO {OPS}"
        f" USING ({_IN_SCOPE_GRID})"
    )
    # Likewise the call-backs, which now carry their case's grid.
    op.execute("DROP POLICY gc_scope_read ON ticket_feedback")
    op.execute(
        f"CREATE POLICY gc_scope_read ON ticket_feedback FOR SELECT TO {OPS}"
        f" USING ({_IN_SCOPE_GRID})"
    )
    op.execute(f"GRANT SELECT ON {', '.join(_SUMMARIES)} TO {OPS}")
    for table in _SUMMARIES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    for table in ("kpi_daily", "kpi_satisfaction_daily"):
        op.execute(
            f"CREATE POLICY gc_scope_read ON {table} FOR SELECT TO {OPS}"
            f" USING ({_IN_SCOPE_COMMUNITY})"
        )
    op.execute(
        f"CREATE POLICY gc_scope_read ON kpi_grid_monthly FOR SELECT TO {OPS}"
        " USING (grid_code IN (SELECT code FROM grids))"
    )


def downgrade() -> None:
    for trigger, table in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
    for name in (
        "gc_kpi_summarise()",
        "gc_kpi_facts_from_ticket()",
        "gc_kpi_feedback()",
        "gc_kpi_feedback_place()",
        "gc_kpi_grid_moved()",
        "gc_kpi_category_moved()",
        "gc_kpi_apply(ticket_kpi_facts, ticket_kpi_facts)",
        "gc_kpi_part(ticket_kpi_facts)",
        "gc_kpi_grid_part(ticket_kpi_facts)",
    ):
        op.execute(f"DROP FUNCTION IF EXISTS {name}")
    for table in _SUMMARIES:
        op.drop_table(table)
    for table in ("ticket_kpi_facts", "ticket_feedback"):
        op.execute(f"DROP POLICY gc_scope_read ON {table}")
        op.execute(
            f"CREATE POLICY gc_scope_read ON {table} FOR SELECT TO {OPS}"
            " USING (ticket_id IN (SELECT id FROM tickets))"
        )
    op.drop_index("ix_ticket_actions_report_actor", table_name="ticket_actions")
    op.drop_index("ix_ticket_feedback_community_closed", table_name="ticket_feedback")
    op.drop_column("ticket_feedback", "grid_code")
    op.drop_column("ticket_feedback", "community_code")
    for name in (
        "ix_ticket_kpi_facts_community_registered",
        "ix_ticket_kpi_facts_grid_registered",
        "ix_ticket_kpi_facts_registered",
        "ix_ticket_kpi_facts_patrol_reported",
    ):
        op.drop_index(name, table_name="ticket_kpi_facts")
    op.drop_column("ticket_kpi_facts", "settled_at")
    for name, _ in _FACT_COLUMNS:
        op.drop_column("ticket_kpi_facts", name)
