"""A record no one can forge: the database enforces the case loop, the trace and the field.

* ``case_actions`` holds the case loop (``gridcommand.db.actions.caseloop.CASE_LOOP``,
  row for row): where each action may start, where it leaves the ticket, which roles
  may take it. A trigger refuses every ticket change that is not one of its rows for
  the acting login's role. The role comes from the login's group
  (``gc_login_role(session_user)``), never from a setting; only the tables' owner (the
  embedded demo, the administration) may *declare* a role, and is then checked as it.
* The trace is written by triggers alone. ``ticket_actions`` gets ``db_login``
  (``session_user``, stamped by a trigger: no session can change it) and
  ``actor_verified``. A declared actor (``gridcommand.actor``) is checked against the
  login: a field login may name only workers it serves, an operator login only
  itself; a shared console login (``operator_scopes.shared``) or the owner is recorded
  as declared, not verified. Reassignment, priority changes, escalation and
  acknowledgement (the new ``tickets.acknowledged_at``) are traced like status changes.
  Direct INSERT on the trace is revoked from the operators; a field login may insert
  only a ``progress`` note on a ticket in progress assigned to a worker it serves.
* Triggers stamp ``version`` and the step times; no login but the owner writes them.
* A field login serves the workers of its region (its ``operator_scopes`` row): it may
  send positions and take the field's three steps only for them, report only in its
  region, never set status, code, version, deadline or step times on insert, and never
  write grids.
* An empty or blank ``external_id`` is refused.
* ``rejected_input.resolved_at``: a refusal a later verdict overturned (kept, not listed).
* Phones are masked by the database: ``workers.phone_masked`` and
  ``tickets.reporter_contact_masked`` are generated columns every role may read; the
  full ``phone`` and ``reporter_contact`` only ``gc_dispatcher`` and ``gc_supervisor``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GROUPS = "gc_viewer, gc_dispatcher, gc_supervisor, gc_manager, gc_field"
DESK = "gc_dispatcher, gc_supervisor"
STEP_TIMES = (
    "registered_at",
    "dispatched_at",
    "accepted_at",
    "handled_at",
    "verified_at",
    "closed_at",
)
#: What a field system may name in a new report; the rest the database fills.
FIELD_INSERT = (
    "source, external_id, category_code, grid_code, lon, lat, crs, description,"
    " reporter, reporter_contact, is_emergency, priority, reported_at"
)
DESK_UPDATE = "status, priority, assignee_worker_code, assignee_department, acknowledged_at"

_ANY = "{reported,registered,dispatched,in_progress,handled,verified,closed,rejected}"
_OPEN = "{reported,registered,dispatched,in_progress}"
_DESK = "{dispatcher,supervisor}"
#: action, from statuses, target status, roles, reason needed, key, past tense.
CASE_LOOP = (
    ("report", "{}", "reported", "{field}", False, "", "reported"),
    ("acknowledge", _ANY, None, _DESK, False, "A", "acknowledged"),
    ("register", "{reported}", "registered", _DESK, False, "R", "registered"),
    ("reject", "{reported}", "rejected", _DESK, True, "", "rejected"),
    ("dispatch", "{reported,registered}", "dispatched", _DESK, False, "D", "dispatched"),
    ("redispatch", "{dispatched,in_progress}", "dispatched", _DESK, False, "", "re-dispatched"),
    ("escalate", _OPEN, None, _DESK, False, "", "escalated"),
    ("prioritise", _OPEN, None, _DESK, False, "", "re-prioritised"),
    ("accept", "{dispatched}", "in_progress", "{field}", False, "", "accepted"),
    ("return", "{dispatched}", "registered", "{field}", True, "", "handed back"),
    ("progress", "{in_progress}", None, "{field}", False, "", "noted"),
    ("handle", "{in_progress}", "handled", "{field}", False, "", "handled"),
    ("verify", "{handled}", "verified", "{supervisor}", False, "V", "verified"),
    ("close", "{verified}", "closed", "{supervisor}", False, "C", "closed"),
    ("send_back", "{handled,verified}", "in_progress", "{supervisor}", True, "B", "sent back"),
)

_OWNER = "(SELECT relowner FROM pg_class WHERE oid = 'tickets'::regclass)"

FUNCTIONS = [
    # Who a login is, from its groups; 'owner' for the tables' owner (and superusers).
    f"""
    CREATE FUNCTION gc_login_role(login name) RETURNS text LANGUAGE sql STABLE
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
        SELECT CASE
            WHEN pg_has_role(login, {_OWNER}, 'MEMBER') THEN 'owner'
            WHEN pg_has_role(login, 'gc_supervisor', 'MEMBER') THEN 'supervisor'
            WHEN pg_has_role(login, 'gc_dispatcher', 'MEMBER') THEN 'dispatcher'
            WHEN pg_has_role(login, 'gc_manager', 'MEMBER') THEN 'manager'
            WHEN pg_has_role(login, 'gc_field', 'MEMBER') THEN 'field'
            WHEN pg_has_role(login, 'gc_viewer', 'MEMBER') THEN 'viewer'
        END
    $$
    """,
    # The regions under a login's scope row (its own region and everything below).
    """
    CREATE FUNCTION gc_regions_of(login name) RETURNS text[] LANGUAGE sql STABLE
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
        WITH RECURSIVE sub(code) AS (
            SELECT region_code::text FROM operator_scopes s WHERE s.login = $1
            UNION
            SELECT r.code::text FROM regions r JOIN sub ON r.parent_code = sub.code
        )
        SELECT coalesce(array_agg(code), '{}') FROM sub
    $$
    """,
    # The workers a field login serves: those of the grids in its region.
    """
    CREATE FUNCTION gc_served(login name) RETURNS text[] LANGUAGE sql STABLE
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
        SELECT coalesce(array_agg(w.code::text), '{}')
          FROM workers w JOIN grids g ON g.code = w.grid_code
         WHERE g.community_code = ANY (gc_regions_of(login))
    $$
    """,
    """
    CREATE FUNCTION gc_grids_of(login name) RETURNS text[] LANGUAGE sql STABLE
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
        SELECT coalesce(array_agg(code::text), '{}') FROM grids
         WHERE community_code = ANY (gc_regions_of(login))
    $$
    """,
    """
    CREATE FUNCTION gc_is_shared(login name) RETURNS boolean LANGUAGE sql STABLE
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
        SELECT coalesce((SELECT shared FROM operator_scopes s WHERE s.login = $1), false)
    $$
    """,
    # 138****8000: what a role without the need to call sees.
    """
    CREATE FUNCTION gc_mask_phone(phone text) RETURNS text LANGUAGE sql IMMUTABLE
    PARALLEL SAFE AS $$
        SELECT CASE WHEN phone IS NULL OR phone = '' THEN phone
                    WHEN length(phone) >= 8 THEN left(phone, 3) || '****' || right(phone, 4)
                    ELSE '****' END
    $$
    """,
    # The action a change is, when the writer did not name it.
    """
    CREATE FUNCTION gc_case_verb(old_status text, new_status text, moved boolean,
                                 reprioritised boolean, acked boolean)
    RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE
            WHEN new_status IS DISTINCT FROM old_status THEN CASE new_status
                WHEN 'registered' THEN
                    CASE WHEN old_status = 'dispatched' THEN 'return' ELSE 'register' END
                WHEN 'dispatched' THEN
                    CASE WHEN old_status IN ('dispatched', 'in_progress')
                         THEN 'redispatch' ELSE 'dispatch' END
                WHEN 'in_progress' THEN
                    CASE WHEN old_status IN ('handled', 'verified')
                         THEN 'send_back' ELSE 'accept' END
                WHEN 'handled' THEN 'handle'
                WHEN 'verified' THEN 'verify'
                WHEN 'closed' THEN 'close'
                WHEN 'rejected' THEN 'reject'
                ELSE 'reopen' END
            WHEN moved THEN 'redispatch'
            WHEN reprioritised THEN 'prioritise'
            WHEN acked THEN 'acknowledge'
        END
    $$
    """,
    # Every change of a ticket: checked against the case loop, then stamped.
    f"""
    CREATE FUNCTION gc_ticket_guard() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
    DECLARE
        login_role text := gc_login_role(session_user);
        acting text;
        verb text := nullif(current_setting('gridcommand.action', true), '');
        step case_actions;
        moved boolean := NEW.assignee_worker_code IS DISTINCT FROM OLD.assignee_worker_code
                      OR NEW.assignee_department IS DISTINCT FROM OLD.assignee_department;
        reprioritised boolean := NEW.priority IS DISTINCT FROM OLD.priority;
        acked boolean := NEW.acknowledged_at IS DISTINCT FROM OLD.acknowledged_at;
    BEGIN
        IF gc_bulk_load(TG_RELID) THEN
            RETURN NEW;
        END IF;
        IF login_role IS DISTINCT FROM 'owner' THEN
            -- Triggers stamp these; no login writes them.
            NEW.version := OLD.version;
            {" ".join(f"NEW.{c} := OLD.{c};" for c in STEP_TIMES)}
            IF acked THEN
                NEW.acknowledged_at := coalesce(OLD.acknowledged_at, now());
            END IF;
            acting := login_role;
        ELSE
            acting := nullif(current_setting('gridcommand.actor_role', true), '');
        END IF;
        verb := coalesce(verb, gc_case_verb(OLD.status, NEW.status, moved, reprioritised, acked));
        IF verb IS NOT NULL AND acting IS NOT NULL THEN
            SELECT * INTO step FROM case_actions WHERE action = verb;
            IF NOT FOUND OR NOT acting = ANY (step.roles) THEN
                RAISE EXCEPTION 'gridcommand: a % login may not % ticket %', acting, verb, OLD.code
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF NOT OLD.status = ANY (step.from_statuses)
               OR NEW.status IS DISTINCT FROM coalesce(step.target_status, OLD.status) THEN
                RAISE EXCEPTION 'gridcommand: ticket % is %: % cannot take it to %',
                    OLD.code, OLD.status, verb, NEW.status
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF moved AND verb NOT IN ('dispatch', 'redispatch', 'return') THEN
                RAISE EXCEPTION 'gridcommand: % does not reassign ticket %', verb, OLD.code
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF reprioritised AND verb NOT IN ('escalate', 'prioritise') THEN
                RAISE EXCEPTION 'gridcommand: % does not change the priority of ticket %',
                    verb, OLD.code USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF acting = 'field' AND login_role = 'field' THEN
                IF OLD.assignee_worker_code IS NULL
                   OR NOT OLD.assignee_worker_code = ANY (gc_served(session_user)) THEN
                    RAISE EXCEPTION 'gridcommand: ticket % is not assigned to a worker of login %',
                        OLD.code, session_user USING ERRCODE = 'insufficient_privilege';
                END IF;
                IF verb = 'return' AND NEW.assignee_worker_code IS NOT NULL THEN
                    RAISE EXCEPTION 'gridcommand: a case handed back has no assignee'
                        USING ERRCODE = 'insufficient_privilege';
                END IF;
            END IF;
        END IF;
        -- Acknowledging silences an alarm; it does not change the case.
        IF NOT (verb = 'acknowledge' AND NOT moved AND NOT reprioritised
                AND NEW.status IS NOT DISTINCT FROM OLD.status)
           AND NEW.version = OLD.version THEN
            NEW.version := OLD.version + 1;
        END IF;
        IF NEW.status IS DISTINCT FROM OLD.status THEN
            CASE NEW.status
                WHEN 'registered' THEN
                    IF NEW.registered_at IS NOT DISTINCT FROM OLD.registered_at
                        THEN NEW.registered_at := coalesce(OLD.registered_at, now()); END IF;
                WHEN 'dispatched' THEN
                    IF NEW.dispatched_at IS NOT DISTINCT FROM OLD.dispatched_at
                        THEN NEW.dispatched_at := now(); END IF;
                WHEN 'in_progress' THEN
                    IF OLD.status IN ('handled', 'verified') THEN
                        -- 返工: the old handling and verification no longer stand.
                        IF NEW.handled_at IS NOT DISTINCT FROM OLD.handled_at
                            THEN NEW.handled_at := NULL; END IF;
                        IF NEW.verified_at IS NOT DISTINCT FROM OLD.verified_at
                            THEN NEW.verified_at := NULL; END IF;
                    ELSIF NEW.accepted_at IS NOT DISTINCT FROM OLD.accepted_at THEN
                        NEW.accepted_at := now();
                    END IF;
                WHEN 'handled' THEN
                    IF NEW.handled_at IS NOT DISTINCT FROM OLD.handled_at
                        THEN NEW.handled_at := now(); END IF;
                WHEN 'verified' THEN
                    IF NEW.verified_at IS NOT DISTINCT FROM OLD.verified_at
                        THEN NEW.verified_at := now(); END IF;
                WHEN 'closed', 'rejected' THEN
                    IF NEW.closed_at IS NOT DISTINCT FROM OLD.closed_at
                        THEN NEW.closed_at := now(); END IF;
                ELSE NULL;
            END CASE;
        END IF;
        IF moved AND NEW.status = 'dispatched' THEN
            -- A new assignee: dispatched now, and they must accept anew.
            IF NEW.dispatched_at IS NOT DISTINCT FROM OLD.dispatched_at
                THEN NEW.dispatched_at := now(); END IF;
            IF NEW.accepted_at IS NOT DISTINCT FROM OLD.accepted_at
                THEN NEW.accepted_at := NULL; END IF;
        END IF;
        RETURN NEW;
    END $$
    """,
    # The trace, written by the database: who (checked), what, from the login that did it.
    """
    CREATE FUNCTION gc_ticket_trace_v4() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
    DECLARE
        login_role text := gc_login_role(session_user);
        declared text := nullif(current_setting('gridcommand.actor', true), '');
        verb text := nullif(current_setting('gridcommand.action', true), '');
        who text;
        role text;
        verified boolean := true;
    BEGIN
        IF gc_bulk_load(TG_RELID) THEN
            RETURN NULL;
        END IF;
        IF TG_OP = 'INSERT' THEN
            verb := CASE WHEN NEW.status = 'reported' THEN 'report'
                         ELSE coalesce(verb, gc_case_verb(NULL, NEW.status, false, false, false))
                    END;
        ELSE
            verb := coalesce(verb, gc_case_verb(
                OLD.status, NEW.status,
                NEW.assignee_worker_code IS DISTINCT FROM OLD.assignee_worker_code
                    OR NEW.assignee_department IS DISTINCT FROM OLD.assignee_department,
                NEW.priority IS DISTINCT FROM OLD.priority,
                NEW.acknowledged_at IS DISTINCT FROM OLD.acknowledged_at));
            IF verb IS NULL THEN
                RETURN NULL;  -- nothing the case loop traces changed
            END IF;
        END IF;
        IF login_role = 'owner' THEN
            role := coalesce(nullif(current_setting('gridcommand.actor_role', true), ''), 'admin');
            -- The owner (the embedded demo, a seed) names whom it likes: declared.
            who := coalesce(declared, CASE WHEN TG_OP = 'INSERT' THEN NEW.reporter END,
                            session_user);
            verified := who = session_user;
        ELSIF login_role = 'field' THEN
            role := 'field';
            IF declared IS NOT NULL AND NOT declared = ANY (gc_served(session_user)) THEN
                RAISE EXCEPTION 'gridcommand: login % does not serve worker %', session_user, declared
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            who := coalesce(declared, session_user);
        ELSE
            role := coalesce(login_role, 'unknown');
            IF declared IS NULL OR declared = session_user
               OR right(declared, length(session_user) + 3) = ' (' || session_user || ')' THEN
                who := coalesce(declared, session_user);
            ELSIF gc_is_shared(session_user) THEN
                who := declared;
                verified := false;
            ELSE
                RAISE EXCEPTION 'gridcommand: login % may act only in its own name, not as %',
                    session_user, declared USING ERRCODE = 'insufficient_privilege';
            END IF;
        END IF;
        INSERT INTO ticket_actions (ticket_id, action, from_status, to_status, actor, actor_role,
                                    note, actor_verified)
        VALUES (
            NEW.id,
            verb,
            CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END,
            NEW.status,
            left(who, 100),
            role,
            coalesce(current_setting('gridcommand.note', true), ''),
            verified
        );
        RETURN NULL;
    END $$
    """,
    # Only triggers write the trace; a field login adds nothing but a progress note.
    """
    CREATE FUNCTION gc_trace_guard() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
    DECLARE
        t record;
    BEGIN
        NEW.db_login := session_user;
        IF pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID),
                       'MEMBER') THEN
            -- A trigger of this schema (it runs as the owner), or the administration.
            IF NOT gc_bulk_load(TG_RELID) THEN
                NEW.at := now();
            END IF;
            RETURN NEW;
        END IF;
        IF NEW.action IS DISTINCT FROM 'progress'
           OR gc_login_role(session_user) IS DISTINCT FROM 'field' THEN
            RAISE EXCEPTION 'gridcommand: only the database writes the trace; a % login may add'
                ' only a field progress note', coalesce(gc_login_role(session_user), 'plain')
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        SELECT status, assignee_worker_code INTO t FROM tickets WHERE id = NEW.ticket_id;
        IF t.status IS DISTINCT FROM 'in_progress'
           OR t.assignee_worker_code IS DISTINCT FROM NEW.actor
           OR NOT NEW.actor = ANY (gc_served(session_user)) THEN
            RAISE EXCEPTION 'gridcommand: a progress note names the worker in charge of ticket %,'
                ' in progress, whom login % serves', NEW.ticket_id, session_user
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        NEW.at := now();
        NEW.from_status := 'in_progress';
        NEW.to_status := 'in_progress';
        NEW.actor_role := 'field';
        NEW.actor_verified := true;
        RETURN NEW;
    END $$
    """,
]

POLICIES = [
    # A field login: its region's workers, its region's reports, its workers' steps.
    "CREATE POLICY gc_field_fix ON worker_positions FOR INSERT TO gc_field"
    " WITH CHECK (worker_code IN (SELECT unnest(gc_served(session_user))))",
    "CREATE POLICY gc_field_track ON worker_positions FOR SELECT TO gc_field"
    " USING (worker_code IN (SELECT unnest(gc_served(session_user))))",
    "CREATE POLICY gc_field_read ON grids FOR SELECT TO gc_field USING (true)",
    "CREATE POLICY gc_field_read ON workers FOR SELECT TO gc_field USING (true)",
    "CREATE POLICY gc_field_report_v4 ON tickets FOR INSERT TO gc_field WITH CHECK ("
    " status = 'reported' AND (grid_code IS NULL"
    " OR grid_code IN (SELECT unnest(gc_grids_of(session_user)))))",
    "CREATE POLICY gc_field_step_v4 ON tickets FOR UPDATE TO gc_field"
    " USING (status IN ('dispatched', 'in_progress')"
    " AND assignee_worker_code IN (SELECT unnest(gc_served(session_user))))"
    " WITH CHECK (status IN ('registered', 'in_progress', 'handled'))",
    "CREATE POLICY gc_field_own_row ON operator_scopes FOR SELECT TO gc_field"
    " USING (login = current_user)",
]
#: 0002's field policies these replace (restored by the downgrade).
REPLACED_POLICIES = [
    ("gc_field", "grids"),
    ("gc_field", "workers"),
    ("gc_field", "worker_positions"),
    ("gc_field_report", "tickets"),
    ("gc_field_step", "tickets"),
]
RESTORED_POLICIES = [
    *(
        f"CREATE POLICY gc_field ON {table} FOR ALL TO gc_field USING (true) WITH CHECK (true)"
        for table in ("grids", "workers", "worker_positions")
    ),
    "CREATE POLICY gc_field_report ON tickets FOR INSERT TO gc_field WITH CHECK (true)",
    "CREATE POLICY gc_field_step ON tickets FOR UPDATE TO gc_field"
    " USING (status IN ('dispatched', 'in_progress'))"
    " WITH CHECK (status IN ('registered', 'in_progress', 'handled'))",
]


def _select_all_but(table: str, secret: str, readers: str) -> str:
    """Column-level SELECT on every column but one (those added later included)."""
    return f"""
    DO $$
    DECLARE
        cols text;
    BEGIN
        SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) INTO cols
          FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = '{table}'
           AND column_name <> '{secret}';
        EXECUTE format('GRANT SELECT (%s) ON {table} TO {readers}', cols);
    END $$
    """


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE case_actions (
            action varchar(32) PRIMARY KEY,
            from_statuses text[] NOT NULL,
            target_status varchar(16),
            roles text[] NOT NULL,
            reason_needed boolean NOT NULL,
            hotkey varchar(1) NOT NULL DEFAULT '',
            past text NOT NULL
        )
        """
    )
    for action, starts, target, roles, reason, key, past in CASE_LOOP:
        target_sql = f"'{target}'" if target else "NULL"
        op.execute(
            "INSERT INTO case_actions VALUES"
            f" ('{action}', '{starts}', {target_sql}, '{roles}', {reason}, '{key}', '{past}')"
        )
    op.execute(f"GRANT SELECT ON case_actions TO {GROUPS}")
    op.execute("ALTER TABLE operator_scopes ADD COLUMN shared boolean NOT NULL DEFAULT false")
    # A refusal is kept with its reason; when a later verdict accepts the row (a grid
    # was repaired), it is marked resolved instead of listed beside the accepted row.
    op.execute("ALTER TABLE rejected_input ADD COLUMN resolved_at timestamptz")
    op.execute("ALTER TABLE tickets ADD COLUMN acknowledged_at timestamptz")
    # Rows made before this revision: which login wrote them is not known ('').
    op.execute("ALTER TABLE ticket_actions ADD COLUMN db_login varchar(63) NOT NULL DEFAULT ''")
    op.execute("ALTER TABLE ticket_actions ALTER COLUMN db_login SET DEFAULT session_user")
    op.execute(
        "ALTER TABLE ticket_actions ADD COLUMN actor_verified boolean NOT NULL DEFAULT false"
    )
    # A blank id is no id: the next blank report would vanish in ON CONFLICT DO NOTHING.
    # NOT VALID: rows already on a shared server stay; every new row is checked.
    op.execute(
        "ALTER TABLE tickets ADD CONSTRAINT ck_tickets_external_id_not_blank"
        " CHECK (external_id IS NULL OR btrim(external_id) <> '') NOT VALID"
    )
    for statement in FUNCTIONS:
        op.execute(statement)
    op.execute(
        "ALTER TABLE workers ADD COLUMN phone_masked varchar(32)"
        " GENERATED ALWAYS AS (gc_mask_phone(phone)) STORED"
    )
    op.execute(
        "ALTER TABLE tickets ADD COLUMN reporter_contact_masked varchar(64)"
        " GENERATED ALWAYS AS (gc_mask_phone(reporter_contact)) STORED"
    )
    # Acknowledgements made before: from the trace (quietly, no new trace row).
    op.execute("SELECT set_config('gridcommand.bulk_load', 'on', true)")
    op.execute(
        "UPDATE tickets t SET acknowledged_at = a.at FROM (SELECT ticket_id, min(at) AS at"
        " FROM ticket_actions WHERE action = 'acknowledge' GROUP BY ticket_id) a"
        " WHERE a.ticket_id = t.id"
    )
    op.execute("SELECT set_config('gridcommand.bulk_load', '', true)")
    # The triggers: the guard before every change, the trace after it.
    op.execute("DROP TRIGGER gc_ticket_on_update ON tickets")
    op.execute("DROP TRIGGER gc_ticket_trace ON tickets")
    op.execute(
        "CREATE TRIGGER gc_ticket_guard BEFORE UPDATE ON tickets"
        " FOR EACH ROW EXECUTE FUNCTION gc_ticket_guard()"
    )
    op.execute(
        "CREATE TRIGGER gc_ticket_trace AFTER INSERT OR UPDATE ON tickets"
        " FOR EACH ROW EXECUTE FUNCTION gc_ticket_trace_v4()"
    )
    op.execute(
        "CREATE TRIGGER gc_trace_guard BEFORE INSERT ON ticket_actions"
        " FOR EACH ROW EXECUTE FUNCTION gc_trace_guard()"
    )
    # Grants: operators set the case, never its version or times; nobody forges the trace.
    op.execute(f"REVOKE UPDATE ON tickets FROM {DESK}")
    op.execute(f"GRANT UPDATE ({DESK_UPDATE}) ON tickets TO {DESK}")
    op.execute(f"REVOKE INSERT ON ticket_actions FROM {DESK}")
    op.execute("REVOKE UPDATE ON grids FROM gc_field")
    op.execute("REVOKE INSERT ON tickets FROM gc_field")
    op.execute(f"GRANT INSERT ({FIELD_INSERT}) ON tickets TO gc_field")
    op.execute("GRANT SELECT ON worker_positions, operator_scopes TO gc_field")
    # Personal data: the full number only for those who call the citizen or the worker.
    op.execute(f"REVOKE SELECT ON tickets, workers FROM {GROUPS}")
    op.execute(_select_all_but("tickets", "reporter_contact", GROUPS))
    op.execute(_select_all_but("workers", "phone", GROUPS))
    op.execute(f"GRANT SELECT (reporter_contact) ON tickets TO {DESK}")
    op.execute(f"GRANT SELECT (phone) ON workers TO {DESK}")
    for name, table in REPLACED_POLICIES:
        op.execute(f"DROP POLICY {name} ON {table}")
    for statement in POLICIES:
        op.execute(statement)


def downgrade() -> None:
    for statement in POLICIES:
        name, table = statement.split()[2], statement.split()[4]
        op.execute(f"DROP POLICY IF EXISTS {name} ON {table}")
    for statement in RESTORED_POLICIES:
        op.execute(statement)
    op.execute(f"REVOKE SELECT ON tickets, workers FROM {GROUPS}")
    op.execute(f"GRANT SELECT ON tickets, workers TO {GROUPS}")
    op.execute("REVOKE SELECT ON worker_positions, operator_scopes FROM gc_field")
    op.execute("REVOKE INSERT ON tickets FROM gc_field")
    op.execute("GRANT INSERT ON tickets TO gc_field")
    op.execute("GRANT UPDATE (boundary) ON grids TO gc_field")
    op.execute(f"GRANT INSERT ON ticket_actions TO {DESK}")
    op.execute(f"REVOKE UPDATE ON tickets FROM {DESK}")
    op.execute(
        "GRANT UPDATE (status, version, priority, assignee_worker_code, assignee_department,"
        " registered_at, dispatched_at, accepted_at) ON tickets TO gc_dispatcher"
    )
    op.execute(
        "GRANT UPDATE (status, version, priority, assignee_worker_code, assignee_department,"
        " registered_at, dispatched_at, accepted_at, handled_at, verified_at, closed_at)"
        " ON tickets TO gc_supervisor"
    )
    op.execute("DROP TRIGGER gc_trace_guard ON ticket_actions")
    op.execute("DROP TRIGGER gc_ticket_trace ON tickets")
    op.execute("DROP TRIGGER gc_ticket_guard ON tickets")
    op.execute(
        "CREATE TRIGGER gc_ticket_on_update BEFORE UPDATE ON tickets"
        " FOR EACH ROW EXECUTE FUNCTION gc_ticket_on_update()"
    )
    op.execute(
        "CREATE TRIGGER gc_ticket_trace AFTER INSERT OR UPDATE OF status ON tickets"
        " FOR EACH ROW EXECUTE FUNCTION gc_ticket_trace()"
    )
    op.execute("ALTER TABLE tickets DROP COLUMN reporter_contact_masked")
    op.execute("ALTER TABLE workers DROP COLUMN phone_masked")
    for name in (
        "gc_trace_guard()",
        "gc_ticket_trace_v4()",
        "gc_ticket_guard()",
        "gc_case_verb(text, text, boolean, boolean, boolean)",
        "gc_mask_phone(text)",
        "gc_is_shared(name)",
        "gc_grids_of(name)",
        "gc_served(name)",
        "gc_regions_of(name)",
        "gc_login_role(name)",
    ):
        op.execute(f"DROP FUNCTION {name}")
    op.execute("ALTER TABLE tickets DROP CONSTRAINT ck_tickets_external_id_not_blank")
    op.execute("ALTER TABLE ticket_actions DROP COLUMN actor_verified")
    op.execute("ALTER TABLE ticket_actions DROP COLUMN db_login")
    op.execute("ALTER TABLE tickets DROP COLUMN acknowledged_at")
    op.execute("ALTER TABLE operator_scopes DROP COLUMN shared")
    op.execute("ALTER TABLE rejected_input DROP COLUMN resolved_at")
    op.execute("DROP TABLE case_actions")
