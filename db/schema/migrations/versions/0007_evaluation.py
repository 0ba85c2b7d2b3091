"""Evaluation (综合评价): extensions, residents' call-backs, score weights, loop rules.

- ``ticket_extensions`` (延期): the assignee asks through the field contract for a new
  deadline with a reason; a supervisor approves or refuses it (an UPDATE of the
  request), and an approval moves ``tickets.deadline`` by trigger, so the deadline
  lights follow it. Each step is traced by the database (``request_extension``,
  ``approve_extension``, ``refuse_extension``).
- ``ticket_feedback`` (回访): the hotline's back end records the result of its call-back
  on a closed ticket. The closure it judged is recorded with it, so a reopened case's
  result still belongs to that closure. When the rule ``reopen_on_unsatisfied`` of
  ``loop_rules`` is on, an "unsatisfied" result sends the case back to its assignee
  (trace ``reopen``).
- ``kpi_weights``: the composite score's weights, which a manager may change.
- ``ticket_kpi_facts``: each case's first dispatch, first handling, first send-back and
  first approved extension, kept by triggers on the (append-only) trace and on the
  extensions, so the KPIs aggregate one row per case instead of searching its trace.

Under 0004's rules: each step is a ``case_actions`` row (``caseloop.CASE_LOOP``), and
every trace row is written by 0004's trace trigger when a step touches the ticket
(``gc_case_step``), so the guard checks the login's role, stamps the version and
records the login. Operators have no UPDATE on ``deadline``: a supervisor's decision
on ``ticket_extensions`` moves it through a definer's trigger, which the guard checks
as the supervisor's login. A field login asks only for workers it serves and calls
back only on cases of its region; the reopening acts as that login.

See ``docs/kpi.md`` and ``docs/field-contract.md``.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 15:10:00
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

_V4 = importlib.import_module("gridcommand.db.schema.migrations.versions.0004_unforgeable_trace")

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPS = "gc_viewer, gc_dispatcher, gc_supervisor, gc_manager"
TZ = sa.DateTime(timezone=True)

_WORKED_ON = "{dispatched,in_progress}"
#: The evaluation's steps in ``case_actions`` (``caseloop.CASE_LOOP``, row for row):
#: action, from statuses, target status, roles, reason needed, past tense.
_STEPS = (
    ("request_extension", _WORKED_ON, None, "{field}", True, "asked for an extension"),
    ("approve_extension", _WORKED_ON, None, "{supervisor}", False, "given an extension"),
    ("refuse_extension", _WORKED_ON, None, "{supervisor}", True, "refused an extension"),
    ("feedback", "{closed}", None, "{field}", False, "called back"),
    ("reopen", "{closed}", "dispatched", "{field}", False, "reopened"),
)


def _guard(original: str) -> str:
    """0004's guard, with the call-back's steps judged by region and a reopening's times."""
    guard = original.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
    served = (
        "            IF acting = 'field' AND login_role = 'field' THEN\n"
        "                IF OLD.assignee_worker_code IS NULL\n"
    )
    assert served in guard
    guard = guard.replace(
        served,
        "            IF acting = 'field' AND login_role = 'field'"
        " AND verb IN ('feedback', 'reopen') THEN\n"
        "                IF NOT gc_ticket_in_region(OLD.id, session_user) THEN\n"
        "                    RAISE EXCEPTION 'gridcommand: ticket % is outside the region of"
        " login %', OLD.code, session_user USING ERRCODE = 'insufficient_privilege';\n"
        "                END IF;\n"
        "            ELSIF acting = 'field' AND login_role = 'field' THEN\n"
        "                IF OLD.assignee_worker_code IS NULL\n",
    )
    dispatched = (
        "                WHEN 'dispatched' THEN\n"
        "                    IF NEW.dispatched_at IS NOT DISTINCT FROM OLD.dispatched_at\n"
        "                        THEN NEW.dispatched_at := now(); END IF;\n"
    )
    assert dispatched in guard
    return guard.replace(
        dispatched,
        dispatched
        + "                    IF OLD.status = 'closed' THEN  -- reopened: the old steps no longer stand\n"
        "                        NEW.accepted_at := NULL; NEW.handled_at := NULL;\n"
        "                        NEW.verified_at := NULL; NEW.closed_at := NULL;\n"
        "                    END IF;\n",
    )


_GUARD_V4 = next(f for f in _V4.FUNCTIONS if "gc_ticket_guard()" in f)

_FUNCTIONS = [
    """
    CREATE FUNCTION gc_ticket_in_region(ticket bigint, login name) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$
        SELECT EXISTS (SELECT 1 FROM tickets t WHERE t.id = ticket
                         AND (t.grid_code = ANY (gc_grids_of(login))
                              OR t.assignee_worker_code = ANY (gc_served(login))))
    $$
    """,
    # A step that changes nothing but is traced: the ticket is touched under the step's
    # name, so 0004's guard checks it for the login and its trace trigger writes the row.
    """
    CREATE FUNCTION gc_case_step(ticket bigint, verb text, actor text, note text,
                                 new_status text DEFAULT NULL, new_deadline timestamptz DEFAULT NULL)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    DECLARE
        saved_action text := current_setting('gridcommand.action', true);
        saved_actor text := current_setting('gridcommand.actor', true);
        saved_note text := current_setting('gridcommand.note', true);
    BEGIN
        PERFORM set_config('gridcommand.action', verb, true);
        IF actor IS NOT NULL THEN  -- else the writer's own declared actor, if any
            PERFORM set_config('gridcommand.actor', actor, true);
        END IF;
        PERFORM set_config('gridcommand.note', left(note, 2000), true);
        UPDATE tickets SET status = coalesce(new_status, status),
                           deadline = coalesce(new_deadline, deadline)
         WHERE id = ticket;
        PERFORM set_config('gridcommand.action', coalesce(saved_action, ''), true);
        PERFORM set_config('gridcommand.actor', coalesce(saved_actor, ''), true);
        PERFORM set_config('gridcommand.note', coalesce(saved_note, ''), true);
    END $$
    """,
    _guard(_GUARD_V4),
    # The field asks; the database checks that the asker is the assignee, that the case
    # is being worked on and that the new deadline is later, and remembers the old one.
    """
    CREATE FUNCTION gc_extension_request() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
    DECLARE
        t record;
    BEGIN
        IF gc_login_role(session_user) = 'field'
           AND NOT NEW.requested_by = ANY (gc_served(session_user)) THEN
            RAISE EXCEPTION 'gridcommand: login % does not serve %', session_user,
                NEW.requested_by USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF gc_bulk_load(TG_RELID) THEN
            RETURN NEW;
        END IF;
        SELECT code, status, deadline, assignee_worker_code, assignee_department INTO t
          FROM tickets WHERE id = NEW.ticket_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'ticket % does not exist', NEW.ticket_id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        IF t.status NOT IN ('dispatched', 'in_progress') THEN
            RAISE EXCEPTION 'ticket % is %: only a case being worked on can be extended',
                t.code, t.status USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.requested_by IS DISTINCT FROM t.assignee_worker_code
           AND NEW.requested_by IS DISTINCT FROM t.assignee_department THEN
            RAISE EXCEPTION 'only the assignee of ticket % may ask for an extension', t.code
                USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.new_deadline <= t.deadline THEN
            RAISE EXCEPTION 'the new deadline of ticket % must be later than %', t.code,
                t.deadline USING ERRCODE = 'check_violation';
        END IF;
        NEW.status := 'pending';
        NEW.old_deadline := t.deadline;
        NEW.requested_at := now();
        NEW.decided_by := NULL;
        NEW.decided_at := NULL;
        RETURN NEW;
    END $$
    """,
    """
    CREATE FUNCTION gc_extension_trace() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
    BEGIN
        IF gc_bulk_load(TG_RELID) THEN
            RETURN NULL;
        END IF;
        PERFORM gc_case_step(NEW.ticket_id, 'request_extension', NEW.requested_by,
            '→ ' || to_char(NEW.new_deadline AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')
            || ': ' || NEW.reason);
        RETURN NULL;
    END $$
    """,
    # A decision is taken once, on a pending request, and stamped by the database.
    """
    CREATE FUNCTION gc_extension_decide() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF gc_bulk_load(TG_RELID) THEN
            RETURN NEW;
        END IF;
        IF OLD.status <> 'pending' OR NEW.status NOT IN ('approved', 'refused')
           OR NEW.ticket_id <> OLD.ticket_id OR NEW.new_deadline <> OLD.new_deadline
           OR NEW.requested_by <> OLD.requested_by THEN
            RAISE EXCEPTION 'gridcommand: an extension is decided once, approved or refused'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        NEW.decided_at := now();
        NEW.decided_by := left(coalesce(nullif(current_setting('gridcommand.actor', true), ''),
                                        session_user), 100);
        RETURN NEW;
    END $$
    """,
    # Definer's rights: the deadline moves although no operator may write it; 0004's
    # guard checks the step for the deciding login (a supervisor) and traces it.
    """
    CREATE FUNCTION gc_extension_decided() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
    DECLARE
        approved boolean := NEW.status = 'approved';
    BEGIN
        IF gc_bulk_load(TG_RELID) THEN
            RETURN NULL;
        END IF;
        PERFORM gc_case_step(
            NEW.ticket_id,
            CASE WHEN approved THEN 'approve_extension' ELSE 'refuse_extension' END,
            nullif(current_setting('gridcommand.actor', true), ''),
            CASE WHEN approved THEN '→ ' || to_char(NEW.new_deadline AT TIME ZONE
                 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')
                 || CASE WHEN NEW.decision_note <> '' THEN ': ' || NEW.decision_note ELSE '' END
                 ELSE NEW.decision_note END,
            NULL,
            CASE WHEN approved THEN NEW.new_deadline END);
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION gc_feedback_check() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
    DECLARE
        t record;
    BEGIN
        IF gc_login_role(session_user) = 'field'
           AND NOT gc_ticket_in_region(NEW.ticket_id, session_user) THEN
            RAISE EXCEPTION 'gridcommand: ticket % is outside the region of login %',
                NEW.ticket_id, session_user USING ERRCODE = 'insufficient_privilege';
        END IF;
        SELECT code, status, closed_at INTO t FROM tickets WHERE id = NEW.ticket_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'ticket % does not exist', NEW.ticket_id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        IF gc_bulk_load(TG_RELID) AND NEW.ticket_closed_at IS NOT NULL THEN
            RETURN NEW;
        END IF;
        IF t.status <> 'closed' THEN
            RAISE EXCEPTION 'ticket % is %: only a closed case is called back', t.code,
                t.status USING ERRCODE = 'check_violation';
        END IF;
        NEW.ticket_closed_at := t.closed_at;
        RETURN NEW;
    END $$
    """,
    # Definer's rights: the hotline may not reopen a case itself, but the rule may.
    """
    CREATE FUNCTION gc_feedback_apply() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path FROM CURRENT AS $$
    DECLARE
        said text := CASE WHEN NEW.note <> '' THEN ': ' || NEW.note ELSE '' END;
        caller text := CASE WHEN coalesce(NEW.caller, '') <> ''
                            THEN ' (' || NEW.caller || ')' ELSE '' END;
    BEGIN
        IF gc_bulk_load(TG_RELID) THEN
            RETURN NULL;
        END IF;
        -- The hotline's seat is no worker a field login may name: the seat goes in the note.
        PERFORM gc_case_step(NEW.ticket_id, 'feedback', NULL, NEW.result || caller || said);
        IF NEW.result = 'unsatisfied' AND coalesce(
            (SELECT enabled FROM loop_rules WHERE name = 'reopen_on_unsatisfied'), false) THEN
            PERFORM gc_case_step(NEW.ticket_id, 'reopen', NULL, 'unsatisfied call-back' || said,
                                 'dispatched')
              FROM tickets WHERE id = NEW.ticket_id AND status = 'closed';
        END IF;
        RETURN NULL;
    END $$
    """,
    # Definer's rights: whoever writes the trace keeps the facts, without a grant on them.
    # LEAST ignores NULLs, so each column keeps the earliest time it has seen.
    """
    CREATE FUNCTION gc_kpi_facts_from_trace() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
    BEGIN
        IF NEW.action NOT IN ('dispatch', 'redispatch', 'handle', 'send_back') THEN
            RETURN NULL;
        END IF;
        INSERT INTO ticket_kpi_facts AS f
               (ticket_id, first_dispatch_at, first_handle_at, first_send_back_at)
        VALUES (NEW.ticket_id,
                CASE WHEN NEW.action IN ('dispatch', 'redispatch') THEN NEW.at END,
                CASE WHEN NEW.action = 'handle' THEN NEW.at END,
                CASE WHEN NEW.action = 'send_back' THEN NEW.at END)
        ON CONFLICT (ticket_id) DO UPDATE SET
            first_dispatch_at = least(f.first_dispatch_at, EXCLUDED.first_dispatch_at),
            first_handle_at = least(f.first_handle_at, EXCLUDED.first_handle_at),
            first_send_back_at = least(f.first_send_back_at, EXCLUDED.first_send_back_at);
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION gc_kpi_facts_from_extension() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
    BEGIN
        IF NEW.status <> 'approved' OR NEW.decided_at IS NULL THEN
            RETURN NULL;
        END IF;
        INSERT INTO ticket_kpi_facts AS f (ticket_id, first_extension_at)
        VALUES (NEW.ticket_id, NEW.decided_at)
        ON CONFLICT (ticket_id) DO UPDATE SET
            first_extension_at = least(f.first_extension_at, EXCLUDED.first_extension_at);
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER gc_kpi_facts AFTER INSERT ON ticket_actions"
    " FOR EACH ROW EXECUTE FUNCTION gc_kpi_facts_from_trace()",
    "CREATE TRIGGER gc_kpi_facts AFTER INSERT OR UPDATE OF status ON ticket_extensions"
    " FOR EACH ROW EXECUTE FUNCTION gc_kpi_facts_from_extension()",
    "CREATE TRIGGER gc_extension_request BEFORE INSERT ON ticket_extensions"
    " FOR EACH ROW EXECUTE FUNCTION gc_extension_request()",
    "CREATE TRIGGER gc_extension_decide BEFORE UPDATE ON ticket_extensions"
    " FOR EACH ROW EXECUTE FUNCTION gc_extension_decide()",
    "CREATE TRIGGER gc_extension_decided AFTER UPDATE OF status ON ticket_extensions"
    " FOR EACH ROW EXECUTE FUNCTION gc_extension_decided()",
    "CREATE TRIGGER gc_extension_trace AFTER INSERT ON ticket_extensions"
    " FOR EACH ROW EXECUTE FUNCTION gc_extension_trace()",
    "CREATE TRIGGER gc_feedback_check BEFORE INSERT ON ticket_feedback"
    " FOR EACH ROW EXECUTE FUNCTION gc_feedback_check()",
    "CREATE TRIGGER gc_feedback_apply AFTER INSERT ON ticket_feedback"
    " FOR EACH ROW EXECUTE FUNCTION gc_feedback_apply()",
]

_BACKFILL_FACTS = """
INSERT INTO ticket_kpi_facts (ticket_id, first_dispatch_at, first_handle_at, first_send_back_at)
SELECT ticket_id,
       min(at) FILTER (WHERE action IN ('dispatch', 'redispatch')),
       min(at) FILTER (WHERE action = 'handle'),
       min(at) FILTER (WHERE action = 'send_back')
  FROM ticket_actions
 WHERE action IN ('dispatch', 'redispatch', 'handle', 'send_back')
 GROUP BY ticket_id
"""

_GRANTS = [
    f"GRANT SELECT ON ticket_extensions, ticket_feedback, kpi_weights, loop_rules,"
    f" ticket_kpi_facts TO {OPS}",
    # The decision's time and name are stamped by the database; the deadline moves by trigger.
    "GRANT UPDATE (status, decision_note) ON ticket_extensions TO gc_supervisor",
    "GRANT UPDATE (weight, updated_at) ON kpi_weights TO gc_manager",
    "GRANT UPDATE (enabled) ON loop_rules TO gc_manager",
    "GRANT SELECT, INSERT ON ticket_extensions, ticket_feedback TO gc_field",
    "GRANT SELECT ON loop_rules TO gc_field",
    *(
        f"""
        DO $$
        BEGIN
            EXECUTE format('GRANT USAGE ON SEQUENCE %s TO gc_field',
                           pg_catalog.pg_get_serial_sequence('{table}', 'id'));
        END $$
        """
        for table in ("ticket_extensions", "ticket_feedback")
    ),
]

_POLICIES = [
    *(
        f"CREATE POLICY gc_scope_read ON {table} FOR SELECT TO {OPS}"
        " USING (ticket_id IN (SELECT id FROM tickets))"
        for table in ("ticket_extensions", "ticket_feedback", "ticket_kpi_facts")
    ),
    "CREATE POLICY gc_supervise ON ticket_extensions FOR UPDATE TO gc_supervisor"
    " USING (ticket_id IN (SELECT id FROM tickets))",
    # The triggers check what a field login writes; it reads what concerns its region.
    *(
        f"CREATE POLICY gc_field_write ON {table} FOR INSERT TO gc_field WITH CHECK (true)"
        for table in ("ticket_extensions", "ticket_feedback")
    ),
    *(
        f"CREATE POLICY gc_field_read ON {table} FOR SELECT TO gc_field"
        " USING (gc_ticket_in_region(ticket_id, session_user))"
        for table in ("ticket_extensions", "ticket_feedback")
    ),
]


def upgrade() -> None:
    op.create_table(
        "ticket_extensions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.BigInteger(), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("requested_at", TZ, server_default=sa.text("now()"), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("old_deadline", TZ, nullable=True),
        sa.Column("new_deadline", TZ, nullable=False),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", TZ, nullable=True),
        sa.Column("decision_note", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'refused')",
            name=op.f("ck_ticket_extensions_status"),
        ),
        sa.CheckConstraint(
            "length(btrim(reason)) BETWEEN 1 AND 1000", name=op.f("ck_ticket_extensions_reason")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_extensions_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_extensions")),
    )
    op.create_index(
        op.f("ix_ticket_extensions_ticket_id"), "ticket_extensions", ["ticket_id"], unique=False
    )
    op.create_index(
        "uq_ticket_extensions_one_pending",
        "ticket_extensions",
        ["ticket_id"],
        unique=True,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_table(
        "ticket_feedback",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.BigInteger(), nullable=False),
        sa.Column("ticket_closed_at", TZ, nullable=True),
        sa.Column("result", sa.String(length=24), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("caller", sa.String(length=100), nullable=True),
        sa.Column("recorded_at", TZ, server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "result IN ('satisfied', 'basically_satisfied', 'unsatisfied')",
            name=op.f("ck_ticket_feedback_result"),
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_feedback_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_feedback")),
        sa.UniqueConstraint(
            "ticket_id", "ticket_closed_at", name="uq_ticket_feedback_ticket_closure"
        ),
    )
    op.create_index(
        "ix_ticket_feedback_closed_at", "ticket_feedback", ["ticket_closed_at"], unique=False
    )
    op.create_table(
        "kpi_weights",
        sa.Column("component", sa.String(length=16), nullable=False),
        sa.Column("weight", sa.Double(), nullable=False),
        sa.Column("updated_at", TZ, server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "component IN ('patrol', 'on_time', 'reporting', 'satisfaction')",
            name=op.f("ck_kpi_weights_component"),
        ),
        sa.CheckConstraint("weight >= 0 AND weight <= 100", name=op.f("ck_kpi_weights_weight")),
        sa.PrimaryKeyConstraint("component", name=op.f("pk_kpi_weights")),
    )
    op.execute(
        "INSERT INTO kpi_weights (component, weight) VALUES"
        " ('patrol', 0.4), ('on_time', 0.4), ('reporting', 0.2), ('satisfaction', 0.2)"
    )
    op.create_table(
        "loop_rules",
        sa.Column("name", sa.String(length=48), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_loop_rules")),
    )
    op.execute(
        "INSERT INTO loop_rules (name, enabled, description) VALUES ('reopen_on_unsatisfied',"
        " true, 'An unsatisfied call-back sends the closed case back to its assignee.')"
    )
    # The KPIs select by registration time and read each case's first handling.
    op.create_index("ix_tickets_registered_at", "tickets", ["registered_at"], unique=False)
    op.create_index(
        "ix_tickets_grid_registered", "tickets", ["grid_code", "registered_at"], unique=False
    )
    op.create_table(
        "ticket_kpi_facts",
        sa.Column("ticket_id", sa.BigInteger(), nullable=False),
        sa.Column("first_dispatch_at", TZ, nullable=True),
        sa.Column("first_handle_at", TZ, nullable=True),
        sa.Column("first_send_back_at", TZ, nullable=True),
        sa.Column("first_extension_at", TZ, nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_kpi_facts_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_ticket_kpi_facts")),
    )
    op.execute(_BACKFILL_FACTS)
    for action, starts, target, roles, reason, past in _STEPS:
        target_sql = f"'{target}'" if target else "NULL"
        op.execute(
            "INSERT INTO case_actions VALUES"
            f" ('{action}', '{starts}', {target_sql}, '{roles}', {reason}, '', '{past}')"
        )
    for statement in _FUNCTIONS:
        op.execute(statement)
    for statement in _GRANTS:
        op.execute(statement)
    for table in ("ticket_extensions", "ticket_feedback", "ticket_kpi_facts"):
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    for statement in _POLICIES:
        op.execute(statement)


def downgrade() -> None:
    op.drop_index("ix_tickets_grid_registered", table_name="tickets")
    op.drop_index("ix_tickets_registered_at", table_name="tickets")
    op.execute("DROP TRIGGER IF EXISTS gc_kpi_facts ON ticket_actions")
    op.execute(_GUARD_V4.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
    steps = ", ".join(f"'{s[0]}'" for s in _STEPS)
    op.execute(f"DELETE FROM case_actions WHERE action IN ({steps})")
    for table in (
        "ticket_kpi_facts",
        "loop_rules",
        "kpi_weights",
        "ticket_feedback",
        "ticket_extensions",
    ):
        op.drop_table(table)
    for name in (
        "gc_extension_request",
        "gc_extension_trace",
        "gc_feedback_check",
        "gc_feedback_apply",
        "gc_kpi_facts_from_trace",
        "gc_kpi_facts_from_extension",
        "gc_extension_decide",
        "gc_extension_decided",
    ):
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.execute("DROP FUNCTION IF EXISTS gc_case_step(bigint, text, text, text, text, timestamptz)")
    op.execute("DROP FUNCTION IF EXISTS gc_ticket_in_region(bigint, name)")
