"""延期 and 回访 against a real PostgreSQL: the field asks, the supervisor decides, the trace."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from gridcommand.db.actions.service import ActionRefused, Operator, perform
from gridcommand.db.demo.seed import DISTRICT_CODE, seed_demo

CHEN = Operator("chen.jie", "陈洁", "supervisor", "district", DISTRICT_CODE)
LI = Operator("li.na", "李娜", "dispatcher", "district", DISTRICT_CODE)


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_demo(engine, grids=12, random_seed=2, days=1)
    return engine


def _dispatched(engine: Engine) -> tuple[int, str]:
    """A ticket dispatched to a worker, as the command centre would leave it."""
    with engine.begin() as conn:
        worker = conn.execute(text("SELECT min(code) FROM workers WHERE active")).scalar_one()
        tid = conn.execute(
            text(
                "INSERT INTO tickets (source, category_code, grid_code, description)"
                " SELECT 'hotline', (SELECT min(code) FROM categories), grid_code, '路灯不亮'"
                " FROM workers WHERE code = :w RETURNING id"
            ),
            {"w": worker},
        ).scalar_one()
        conn.execute(
            text(
                "UPDATE tickets SET status = 'dispatched', assignee_worker_code = :w WHERE id = :id"
            ),
            {"w": worker, "id": tid},
        )
    return tid, worker


def _ask(engine: Engine, tid: int, who: str, days: int = 2) -> Any:
    with engine.begin() as conn:
        conn.execute(text("SELECT set_config('gridcommand.actor', :w, true)"), {"w": who})
        return conn.execute(
            text(
                "INSERT INTO ticket_extensions (ticket_id, requested_by, reason, new_deadline)"
                " SELECT id, :w, '等待配件', deadline + make_interval(days => :d)"
                " FROM tickets WHERE id = :id RETURNING old_deadline, new_deadline"
            ),
            {"w": who, "id": tid, "d": days},
        ).one()


def _one(engine: Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).one()


def _trace(engine: Engine, tid: int) -> list[tuple[str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT action, actor, note FROM ticket_actions WHERE ticket_id = :id ORDER BY id"
            ),
            {"id": tid},
        )
        return [tuple(r) for r in rows]


def test_an_approved_extension_moves_the_deadline_and_both_steps_are_traced(seeded: Engine) -> None:
    tid, worker = _dispatched(seeded)
    asked = _ask(seeded, tid, worker)
    assert asked.new_deadline - asked.old_deadline == timedelta(days=2)
    version = _one(seeded, "SELECT version FROM tickets WHERE id = :id", id=tid).version

    result = perform(seeded, CHEN, "approve_extension", tid, version, note="同意")

    ticket = _one(seeded, "SELECT deadline, status FROM tickets WHERE id = :id", id=tid)
    assert ticket.deadline == asked.new_deadline and ticket.status == "dispatched"
    assert result.to_status == "dispatched" and result.version == version + 1
    ext = _one(
        seeded, "SELECT status, decided_by FROM ticket_extensions WHERE ticket_id = :id", id=tid
    )
    assert ext.status == "approved" and ext.decided_by == "陈洁 (chen.jie)"
    steps = _trace(seeded, tid)
    assert [s[0] for s in steps[-2:]] == ["request_extension", "approve_extension"]
    assert steps[-2][1] == worker and "等待配件" in steps[-2][2]
    assert steps[-1][2].startswith("→ ") and steps[-1][2].endswith(": 同意")


def test_a_refusal_keeps_the_deadline_and_needs_a_reason(seeded: Engine) -> None:
    tid, worker = _dispatched(seeded)
    asked = _ask(seeded, tid, worker)
    version = _one(seeded, "SELECT version FROM tickets WHERE id = :id", id=tid).version
    with pytest.raises(ActionRefused, match="reason is required"):
        perform(seeded, CHEN, "refuse_extension", tid, version, reason="  ")
    with pytest.raises(ActionRefused, match="dispatcher may not"):
        perform(seeded, LI, "refuse_extension", tid, version, reason="不予延期")

    perform(seeded, CHEN, "refuse_extension", tid, version, reason="小事不过夜")

    assert _one(seeded, "SELECT deadline FROM tickets WHERE id = :id", id=tid).deadline == (
        asked.old_deadline
    )
    assert _trace(seeded, tid)[-1] == ("refuse_extension", "陈洁 (chen.jie)", "小事不过夜")
    with pytest.raises(ActionRefused, match="no extension waiting"):
        perform(seeded, CHEN, "approve_extension", tid, version + 1)


def test_only_the_assignee_asks_and_only_for_a_later_deadline(seeded: Engine) -> None:
    tid, worker = _dispatched(seeded)
    with pytest.raises(DBAPIError, match="only the assignee"):
        _ask(seeded, tid, "W999999")
    with pytest.raises(DBAPIError, match="must be later"):
        _ask(seeded, tid, worker, days=-1)
    _ask(seeded, tid, worker)
    with pytest.raises(DBAPIError, match="uq_ticket_extensions_one_pending"):
        _ask(seeded, tid, worker)


def _closed(engine: Engine) -> tuple[int, str]:
    tid, worker = _dispatched(engine)
    with engine.begin() as conn:
        for status in ("in_progress", "handled", "verified", "closed"):
            conn.execute(
                text("UPDATE tickets SET status = :s WHERE id = :id"), {"s": status, "id": tid}
            )
    return tid, worker


def _call_back(engine: Engine, tid: int, result: str) -> None:
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL gridcommand.actor = '12345-seat-01'"))
        conn.execute(
            text(
                "INSERT INTO ticket_feedback (ticket_id, result, note) VALUES (:id, :r, '路灯仍不亮')"
                " ON CONFLICT ON CONSTRAINT uq_ticket_feedback_ticket_closure DO NOTHING"
            ),
            {"id": tid, "r": result},
        )


def test_an_unsatisfied_call_back_reopens_the_case_to_its_assignee(seeded: Engine) -> None:
    tid, worker = _closed(seeded)
    closed_at = _one(seeded, "SELECT closed_at FROM tickets WHERE id = :id", id=tid).closed_at
    _call_back(seeded, tid, "unsatisfied")

    ticket = _one(
        seeded, "SELECT status, assignee_worker_code, closed_at FROM tickets WHERE id = :id", id=tid
    )
    assert (ticket.status, ticket.assignee_worker_code, ticket.closed_at) == (
        "dispatched",
        worker,
        None,
    )
    feedback = _one(
        seeded, "SELECT ticket_closed_at FROM ticket_feedback WHERE ticket_id = :id", id=tid
    )
    assert feedback.ticket_closed_at == closed_at  # the result judges that closure
    steps = _trace(seeded, tid)
    assert [s[:2] for s in steps[-2:]] == [
        ("feedback", "12345-seat-01"),
        ("reopen", "12345-seat-01"),
    ]
    assert steps[-2][2] == "unsatisfied: 路灯仍不亮"
    with pytest.raises(DBAPIError, match="only a closed case"):
        _call_back(seeded, tid, "satisfied")


def test_the_reopen_rule_can_be_switched_off_and_retries_are_safe(seeded: Engine) -> None:
    with seeded.begin() as conn:
        conn.execute(
            text("UPDATE loop_rules SET enabled = false WHERE name = 'reopen_on_unsatisfied'")
        )
    tid, _ = _closed(seeded)
    _call_back(seeded, tid, "unsatisfied")
    _call_back(seeded, tid, "unsatisfied")
    assert _one(seeded, "SELECT status FROM tickets WHERE id = :id", id=tid).status == "closed"
    assert (
        _one(seeded, "SELECT count(*) AS n FROM ticket_feedback WHERE ticket_id = :id", id=tid).n
        == 1
    )
