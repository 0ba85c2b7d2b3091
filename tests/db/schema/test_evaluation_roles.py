"""Extensions, call-backs and score weights under real logins granted the roles."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import ProgrammingError

from gridcommand.db.actions import service as actions
from gridcommand.db.actions.operator import current_operator
from gridcommand.db.reports.kpi import LOCAL, Period, set_weight
from gridcommand.db.reports.monthly import load_report
from tests.db.schema import test_roles as roles
from tests.db.schema.test_roles import COMMUNITY, OTHER_COMMUNITY, STREET, Login

# The real logins of the roles tests, and their seeded district.
login = roles.login
seeded = roles.seeded


def _assigned(engine: Engine, status: str, community: str = COMMUNITY) -> tuple[int, str]:
    with engine.begin() as conn:
        worker, grid = conn.execute(
            text(
                "SELECT code, grid_code FROM workers WHERE grid_code IN"
                " (SELECT code FROM grids WHERE community_code = :c) ORDER BY code LIMIT 1"
            ),
            {"c": community},
        ).one()
        tid = conn.execute(
            text(
                "INSERT INTO tickets (source, category_code, grid_code, lon, lat, status,"
                " assignee_worker_code) VALUES ('hotline', (SELECT min(code) FROM categories),"
                " :g, 113.38, 22.93, :s, :w) RETURNING id"
            ),
            {"g": grid, "s": status, "w": worker},
        ).scalar_one()
    return tid, worker


def test_the_field_asks_and_a_supervisor_login_approves(seeded: Engine, login: Login) -> None:
    tid, worker = _assigned(seeded, "in_progress")
    # A field login serves the workers of its region (issue 11), and asks only for them.
    _, field = login("gc_field", COMMUNITY)
    theirs, their_worker = _assigned(seeded, "in_progress", OTHER_COMMUNITY)
    with pytest.raises(ProgrammingError, match="does not serve"), field.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ticket_extensions (ticket_id, requested_by, reason, new_deadline)"
                " SELECT id, :w, '等待配件', deadline + interval '1 day' FROM tickets WHERE id = :t"
            ),
            {"w": their_worker, "t": theirs},
        )
    with field.begin() as conn:
        conn.execute(text("SELECT set_config('gridcommand.actor', :w, true)"), {"w": worker})
        conn.execute(
            text(
                "INSERT INTO ticket_extensions (ticket_id, requested_by, reason, new_deadline)"
                " SELECT id, :w, '等待配件', deadline + interval '1 day' FROM tickets WHERE id = :t"
            ),
            {"w": worker, "t": tid},
        )
    with pytest.raises(ProgrammingError, match="permission denied"), field.begin() as conn:
        conn.execute(text("UPDATE ticket_extensions SET status = 'approved'"))
    _, dispatcher = login("gc_dispatcher", STREET)
    desk = current_operator(dispatcher)
    assert desk is not None
    # Deciding is a supervisor's step: a dispatcher's login may not write the decision.
    with pytest.raises(ProgrammingError, match="permission denied"), dispatcher.begin() as conn:
        conn.execute(text("UPDATE ticket_extensions SET status = 'approved'"))
    _, supervisor = login("gc_supervisor", STREET)
    operator = current_operator(supervisor)
    assert operator is not None
    with supervisor.connect() as conn:
        version = conn.execute(
            text("SELECT version FROM tickets WHERE id = :t"), {"t": tid}
        ).scalar_one()
    actions.perform(supervisor, operator, "approve_extension", tid, version)
    with seeded.connect() as conn:
        moved = conn.execute(
            text(
                "SELECT t.deadline = e.new_deadline FROM tickets t JOIN ticket_extensions e"
                " ON e.ticket_id = t.id WHERE t.id = :t AND e.status = 'approved'"
            ),
            {"t": tid},
        ).scalar_one()
    assert moved
    with seeded.connect() as conn:
        trace = conn.execute(
            text(
                "SELECT action, actor_role, db_login = :f OR db_login = :s FROM ticket_actions"
                " WHERE ticket_id = :t AND action LIKE '%extension' ORDER BY id"
            ),
            {"t": tid, "f": field.url.username, "s": supervisor.url.username},
        ).all()
    assert trace == [
        ("request_extension", "field", True),
        ("approve_extension", "supervisor", True),
    ]
    # The KPI facts follow the decision made by a real login (0007's trigger on the requests).
    with seeded.connect() as conn:
        extended = conn.execute(
            text(
                "SELECT first_extension_at IS NOT NULL FROM ticket_kpi_facts WHERE ticket_id = :t"
            ),
            {"t": tid},
        ).scalar_one()
    assert extended
    with pytest.raises(ProgrammingError, match="permission denied"), dispatcher.begin() as conn:
        conn.execute(text("UPDATE tickets SET deadline = now() WHERE id = :t"), {"t": tid})


def test_the_hotline_calls_back_and_the_rule_reopens(seeded: Engine, login: Login) -> None:
    tid, worker = _assigned(seeded, "closed")
    # The hotline's back end is a field login: it calls back on the cases of its region.
    hotline, field = login("gc_field", COMMUNITY)
    theirs, _ = _assigned(seeded, "closed", OTHER_COMMUNITY)
    with pytest.raises(ProgrammingError, match="outside the region"), field.begin() as conn:
        conn.execute(
            text("INSERT INTO ticket_feedback (ticket_id, result) VALUES (:t, 'satisfied')"),
            {"t": theirs},
        )
    with field.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ticket_feedback (ticket_id, result, caller)"
                " VALUES (:t, 'unsatisfied', '12345-seat-03')"
            ),
            {"t": tid},
        )
    with seeded.connect() as conn:
        row = conn.execute(
            text(
                "SELECT status, assignee_worker_code, handled_at, closed_at FROM tickets"
                " WHERE id = :t"
            ),
            {"t": tid},
        ).one()
        trace = conn.execute(
            text(
                "SELECT action, from_status, to_status, actor, db_login FROM ticket_actions"
                " WHERE ticket_id = :t AND action IN ('feedback', 'reopen') ORDER BY id"
            ),
            {"t": tid},
        ).all()
    assert (row.status, row.assignee_worker_code) == ("dispatched", worker)
    assert row.handled_at is None and row.closed_at is None  # the old steps no longer stand
    # Written by the triggers, as the hotline's login (the seat is in the note).
    assert trace == [
        ("feedback", "closed", "closed", hotline, hotline),
        ("reopen", "closed", "dispatched", hotline, hotline),
    ]
    with pytest.raises(ProgrammingError, match="permission denied"), field.begin() as conn:
        conn.execute(text("UPDATE loop_rules SET enabled = false"))


def test_only_a_manager_changes_the_weights(seeded: Engine, login: Login) -> None:
    _, viewer = login("gc_viewer", STREET)
    with pytest.raises(ProgrammingError, match="permission denied"):
        set_weight(viewer, "patrol", 0.5)
    _, manager = login("gc_manager", STREET)
    with manager.begin() as conn:
        conn.execute(text("UPDATE kpi_weights SET weight = 0.5 WHERE component = 'patrol'"))
    with viewer.connect() as conn:
        weight = conn.execute(text("SELECT weight FROM kpi_weights WHERE component = 'patrol'"))
        assert weight.scalar_one() == 0.5


def test_a_viewer_reads_the_board_and_a_field_login_its_region(
    seeded: Engine, login: Login
) -> None:
    # 0004 grants SELECT on tickets and workers column by column (phones masked): the
    # board's questions and the evaluation's tables must need no column it withholds.
    tid, worker = _assigned(seeded, "in_progress")
    with seeded.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ticket_extensions (ticket_id, requested_by, reason, new_deadline)"
                " SELECT id, :w, '等待配件', deadline + interval '1 day' FROM tickets WHERE id = :t"
            ),
            {"w": worker, "t": tid},
        )
    _, viewer = login("gc_viewer", STREET)
    today = datetime.now(LOCAL).date()  # the district's day: the period is in its time
    data = load_report(
        viewer, Period.of_days(today - timedelta(days=30), today + timedelta(days=1))
    )
    assert data.summary.registered >= 1 and data.ranking
    with viewer.connect() as conn:
        for table in ("ticket_extensions", "ticket_feedback", "ticket_kpi_facts", "kpi_weights"):
            conn.execute(text(f"SELECT * FROM {table}")).all()
    _, field = login("gc_field", COMMUNITY)
    _, elsewhere = login("gc_field", OTHER_COMMUNITY)
    with field.connect() as conn:
        mine = conn.execute(text("SELECT ticket_id FROM ticket_extensions")).scalars().all()
        conn.execute(text("SELECT * FROM ticket_feedback")).all()
        conn.execute(text("SELECT * FROM loop_rules")).all()
    with elsewhere.connect() as conn:
        theirs = conn.execute(text("SELECT ticket_id FROM ticket_extensions")).scalars().all()
    assert tid in mine and tid not in theirs
