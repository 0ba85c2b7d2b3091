"""The evaluation side of the demo's history: patrol days, call-backs, extensions.

Written after the case history, in the seed's transaction and with its bulk-load
switch on, so the triggers neither trace nor reopen anything: these are facts of
the past, with the times they happened. Plain SQL over what the history wrote, so
a city-sized seed stays a few statements.
"""

from __future__ import annotations

import random

from sqlalchemy import Connection, text

from gridcommand.db.demo.history import HistoryPlan

#: Share of working days a full-time worker patrolled (sent at least one fix).
PATROL_DAYS = 0.85
#: Share of closed citizens' cases the hotline called back, and how residents answered.
CALLED_BACK = 0.8
SATISFIED, BASICALLY = 0.72, 0.92  # cumulative: 72 % satisfied, 20 % basically, 8 % not
EXTENDED = 0.04


def write_evaluation_history(conn: Connection, plan: HistoryPlan, rng: random.Random) -> None:
    conn.execute(text("SELECT setseed(:s)"), {"s": rng.uniform(-1, 1)})
    # One fix a patrolled day, at the worker's usual place, during the day shift.
    conn.execute(
        text(
            "INSERT INTO worker_positions (worker_code, lon, lat, recorded_at, accuracy_m, source)"
            " SELECT w.code, p.lon, p.lat,"
            "        :now - make_interval(days => d) + random() * interval '-6 hours', 10, 'pad'"
            "   FROM workers w"
            "   JOIN LATERAL (SELECT lon, lat FROM worker_positions q WHERE q.worker_code = w.code"
            "                  ORDER BY recorded_at DESC LIMIT 1) p ON true"
            "   CROSS JOIN generate_series(1, :days) AS d"
            "  WHERE w.role = 'full_time' AND random() < :share"
        ),
        {"now": plan.now, "days": plan.days, "share": PATROL_DAYS},
    )
    conn.execute(
        text(
            "INSERT INTO ticket_feedback (ticket_id, ticket_closed_at, result, caller, recorded_at)"
            " SELECT id, closed_at,"
            "        CASE WHEN r < :sat THEN 'satisfied' WHEN r < :basic"
            "             THEN 'basically_satisfied' ELSE 'unsatisfied' END,"
            "        '12345', closed_at + interval '1 day'"
            "   FROM (SELECT id, closed_at, random() AS r FROM tickets"
            "          WHERE status = 'closed' AND source IN ('hotline', 'wechat')"
            "            AND closed_at + interval '1 day' < :now) closed"
            "  WHERE random() < :called"
        ),
        {"sat": SATISFIED, "basic": BASICALLY, "now": plan.now, "called": CALLED_BACK},
    )
    # Extensions approved about an hour after dispatch; the deadline follows.
    conn.execute(
        text(
            "WITH chosen AS ("
            "  SELECT id, assignee_worker_code AS worker, deadline, dispatched_at FROM tickets"
            "   WHERE assignee_worker_code IS NOT NULL AND dispatched_at IS NOT NULL"
            "     AND dispatched_at + interval '1 hour' < :now AND random() < :share"
            "), asked AS ("
            "  INSERT INTO ticket_extensions (ticket_id, requested_by, requested_at, reason,"
            "         old_deadline, new_deadline, status, decided_by, decided_at)"
            "  SELECT id, worker, dispatched_at + interval '30 minutes', '需协调相关部门配合处置',"
            "         deadline, deadline + interval '1 day', 'approved', 'supervisor.zhao',"
            "         dispatched_at + interval '1 hour' FROM chosen"
            "  RETURNING ticket_id, new_deadline"
            ")"
            " UPDATE tickets t SET deadline = a.new_deadline FROM asked a WHERE t.id = a.ticket_id"
        ),
        {"now": plan.now, "share": EXTENDED},
    )
