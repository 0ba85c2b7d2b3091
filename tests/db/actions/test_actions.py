"""The service layer against a real PostgreSQL: the case loop, the trace, the lock."""

from __future__ import annotations

import threading
from dataclasses import FrozenInstanceError
from typing import Any

import pytest
from sqlalchemy import Engine, text

from gridcommand.db.actions import service as actions
from gridcommand.db.actions.caseloop import ACTIONS, ROLE_ACTIONS, TARGET_STATUS, statuses_allowing
from gridcommand.db.actions.evaluation_steps import DECISIONS
from gridcommand.db.actions.service import (
    ActionRefused,
    Operator,
    StaleTicket,
    TicketNotFound,
    perform,
)
from gridcommand.db.demo.seed import DISTRICT_CODE, seed_demo
from gridcommand.db.schema.models import TicketStatus

STREET = "440113001"
COMMUNITY = "440113001001"
OTHER_COMMUNITY = "440113002001"

LI = Operator("li.na", "李娜", "dispatcher", "district", DISTRICT_CODE)
WANG = Operator("wang.wu", "王五", "dispatcher", "district", DISTRICT_CODE)
CHEN = Operator("chen.jie", "陈洁", "supervisor", "district", DISTRICT_CODE)


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_demo(engine, grids=12, random_seed=2, days=1)
    return engine


def _grid_in(engine: Engine, community: str) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                text("SELECT min(code) FROM grids WHERE community_code = :c"), {"c": community}
            ).scalar_one()
        )


def _worker_of(engine: Engine, grid: str) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                text("SELECT min(code) FROM workers WHERE grid_code = :g AND active"), {"g": grid}
            ).scalar_one()
        )


def _ticket(engine: Engine, status: str = "reported", grid: str | None = None) -> tuple[int, int]:
    """A ticket put straight into ``status`` the way a field system would write it."""
    with engine.begin() as conn:
        grid = grid or _grid_in(engine, COMMUNITY)
        row = conn.execute(
            text(
                "INSERT INTO tickets (source, category_code, grid_code, lon, lat, status)"
                " VALUES ('hotline', (SELECT min(code) FROM categories), :g, 113.38, 22.93, :s)"
                " RETURNING id, version"
            ),
            {"g": grid, "s": status},
        ).one()
    return row.id, row.version


def _ticket_row(engine: Engine, ticket_id: int) -> Any:
    with engine.connect() as conn:
        return conn.execute(text("SELECT * FROM tickets WHERE id = :id"), {"id": ticket_id}).one()


def _trace(engine: Engine, ticket_id: int) -> list[Any]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                text("SELECT * FROM ticket_actions WHERE ticket_id = :id ORDER BY id"),
                {"id": ticket_id},
            )
        )


def _details(action: str, worker: str, category: str = "") -> dict[str, Any]:
    if action == "recategorize":  # _ticket files every ticket under the first item
        return {"category_code": category}
    if action in ("dispatch", "redispatch"):
        return {"worker_code": worker}
    if action in ("reject", "send_back", "refuse_extension"):
        return {"reason": "照片与现场不符"}
    return {}


def _ask_extension(engine: Engine, ticket_id: int) -> None:
    """A pending extension, written as history is (the field's own checks are tested apart)."""
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL gridcommand.bulk_load = 'on'"))
        conn.execute(
            text(
                "INSERT INTO ticket_extensions (ticket_id, requested_by, reason, new_deadline)"
                " SELECT id, 'W', '需要更换配件', deadline + interval '2 days' FROM tickets"
                " WHERE id = :id"
            ),
            {"id": ticket_id},
        )


def test_dispatch_writes_the_trace_and_the_new_status(seeded: Engine) -> None:
    tid, version = _ticket(seeded)
    worker = _worker_of(seeded, _grid_in(seeded, COMMUNITY))
    registered = actions.register(seeded, LI, tid, version, note="属实")
    result = actions.dispatch(seeded, LI, tid, registered.version, worker_code=worker, note="速去")

    assert (result.from_status, result.to_status) == ("registered", "dispatched")
    assert result.version == registered.version + 1 == version + 2
    assert result.assignee_worker_code == worker
    row = _ticket_row(seeded, tid)
    assert row.status == "dispatched" and row.version == result.version
    assert row.assignee_worker_code == worker and row.assignee_department is None
    assert row.dispatched_at is not None and row.registered_at is not None
    steps = _trace(seeded, tid)
    assert [s.action for s in steps] == ["report", "register", "dispatch"]
    last = steps[-1]
    assert (last.id, last.at) == (result.trace_id, result.at)
    assert (last.actor, last.actor_role, last.note) == ("李娜 (li.na)", "dispatcher", "速去")
    assert (last.from_status, last.to_status) == ("registered", "dispatched")
    with pytest.raises(FrozenInstanceError):
        result.version = 99  # type: ignore[misc]  # deliberate: proves the result is frozen


def test_dispatch_to_a_department_straight_from_reported(seeded: Engine) -> None:
    tid, version = _ticket(seeded)
    result = actions.dispatch(seeded, LI, tid, version, department="供水抢修")
    row = _ticket_row(seeded, tid)
    assert row.status == "dispatched" and row.assignee_department == "供水抢修"
    assert row.registered_at is not None  # skipped registration keeps its time
    assert result.assignee_worker_code is None
    with pytest.raises(ActionRefused, match="either a worker or a department"):
        actions.dispatch(seeded, LI, tid, result.version)


def _last_category(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT max(code) FROM categories")).scalar_one())


def test_every_action_follows_the_case_loop(seeded: Engine) -> None:
    worker = _worker_of(seeded, _grid_in(seeded, COMMUNITY))
    category = _last_category(seeded)
    for status in TicketStatus:
        for action in ACTIONS:
            tid, version = _ticket(seeded, status.value)
            details = _details(action, worker, category)
            if action in DECISIONS:
                _ask_extension(seeded, tid)
            if status.value not in statuses_allowing(action):
                with pytest.raises(ActionRefused, match=f"is {status.value}"):
                    perform(seeded, CHEN, action, tid, version, **details)
                assert _ticket_row(seeded, tid).version == version  # nothing written
                continue
            result = perform(seeded, CHEN, action, tid, version, **details)
            assert result.from_status == status.value, (action, status)
            assert result.to_status == (TARGET_STATUS[action] or status.value)
            row = _ticket_row(seeded, tid)
            assert row.status == result.to_status
            steps = [s.action for s in _trace(seeded, tid)]
            assert steps[-1] == action
            if action == "acknowledge":  # silencing an alarm does not change the case
                assert row.version == version
            elif action == "dispatch" and status is TicketStatus.REPORTED:
                # Straight from reported: the skipped registration is a step of its own.
                assert steps[-2:] == ["register", "dispatch"]
                assert row.version == version + 2
            else:
                assert row.version == version + 1


def test_roles_decide_who_may_act(seeded: Engine) -> None:
    worker = _worker_of(seeded, _grid_in(seeded, COMMUNITY))
    statuses = {a: sorted(statuses_allowing(a))[0] for a in ACTIONS}
    category = _last_category(seeded)
    for role in ("viewer", "manager", "dispatcher"):
        operator = Operator("x", "X", role, "district", DISTRICT_CODE)
        for action in ACTIONS:
            if action in ROLE_ACTIONS[role]:
                continue
            tid, version = _ticket(seeded, statuses[action])
            with pytest.raises(ActionRefused, match=f"A {role} may not"):
                perform(
                    seeded, operator, action, tid, version, **_details(action, worker, category)
                )
            assert len(_trace(seeded, tid)) == 1


def test_a_stale_version_is_refused_and_names_who_changed_it(seeded: Engine) -> None:
    tid, version = _ticket(seeded)
    actions.register(seeded, WANG, tid, version)
    with pytest.raises(StaleTicket) as caught:
        actions.reject(seeded, LI, tid, version, reason="重复上报")
    err = caught.value
    assert err.changed_by == "王五 (wang.wu)" and err.status == "registered"
    assert "王五 (wang.wu)" in str(err) and "registered" in str(err)
    assert _ticket_row(seeded, tid).status == "registered"


def _race(
    engine: Engine,
    officers: tuple[Operator, Operator],
    tid: int,
    version: int,
    worker: str,
    department: str,
) -> dict[str, object]:
    """Both officers dispatch the version they saw, released at the same instant."""
    barrier = threading.Barrier(len(officers))
    outcomes: dict[str, object] = {}

    def act(officer: Operator) -> None:
        kwargs: dict[str, Any] = (
            {"worker_code": worker} if officer is officers[0] else {"department": department}
        )
        barrier.wait()
        try:
            outcomes[officer.login] = actions.dispatch(engine, officer, tid, version, **kwargs)
        except StaleTicket as exc:
            outcomes[officer.login] = exc

    threads = [threading.Thread(target=act, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    return outcomes


def test_the_concurrent_dispatch_race_has_exactly_one_winner(seeded: Engine) -> None:
    grid = _grid_in(seeded, COMMUNITY)
    worker = _worker_of(seeded, grid)
    department = "市政维修"
    officers = (LI, WANG)
    for _round in range(30):
        tid, version = _ticket(seeded, "registered", grid)
        outcomes = _race(seeded, officers, tid, version, worker, department)
        winners = [o for o in officers if isinstance(outcomes[o.login], actions.ActionResult)]
        losers = [o for o in officers if isinstance(outcomes[o.login], StaleTicket)]
        assert len(winners) == 1 and len(losers) == 1, outcomes
        stale = outcomes[losers[0].login]
        assert isinstance(stale, StaleTicket)
        assert stale.changed_by == winners[0].actor and stale.status == "dispatched"
        row = _ticket_row(seeded, tid)
        assert row.version == version + 1
        assert (row.assignee_worker_code is not None) == (winners[0] is LI)
        assert [s.action for s in _trace(seeded, tid)].count("dispatch") == 1


def test_scope_limits_what_an_operator_may_change(seeded: Engine) -> None:
    mine = Operator("zhao", "赵", "dispatcher", "community", COMMUNITY)
    street = Operator("qian", "钱", "dispatcher", "street", STREET)
    tid, version = _ticket(seeded, grid=_grid_in(seeded, OTHER_COMMUNITY))
    for operator in (mine, street):
        with pytest.raises(ActionRefused, match="outside your jurisdiction"):
            actions.register(seeded, operator, tid, version)
    nowhere, v2 = _ticket(seeded)
    with seeded.begin() as conn:
        conn.execute(text("UPDATE tickets SET grid_code = NULL WHERE id = :id"), {"id": nowhere})
    with pytest.raises(ActionRefused, match="outside your jurisdiction"):
        actions.register(seeded, street, nowhere, v2 + 1)
    own, v3 = _ticket(seeded)
    assert actions.register(seeded, mine, own, v3).to_status == "registered"
    with pytest.raises(TicketNotFound):
        actions.register(seeded, LI, 10**9, 1)


def test_reject_and_send_back_need_a_reason(seeded: Engine) -> None:
    tid, version = _ticket(seeded)
    with pytest.raises(ActionRefused, match="reason"):
        actions.reject(seeded, LI, tid, version, reason="  ")
    handled, hv = _ticket(seeded, "handled")
    result = actions.send_back(seeded, CHEN, handled, hv, reason="垃圾未清运完")
    row = _ticket_row(seeded, handled)
    assert result.to_status == "in_progress" and row.handled_at is None
    assert _trace(seeded, handled)[-1].note == "垃圾未清运完"


def test_escalate_goes_to_the_street_at_top_priority(seeded: Engine) -> None:
    tid, version = _ticket(seeded, "dispatched")
    result = actions.escalate(seeded, LI, tid, version, note="涉及多个社区")
    assert result.priority == 1 and result.to_status == "dispatched"
    note = _trace(seeded, tid)[-1].note
    assert note.startswith("→ ") and f"({STREET})" in note and note.endswith("涉及多个社区")


def test_a_second_acknowledgement_returns_the_first(seeded: Engine) -> None:
    tid, version = _ticket(seeded)
    first = actions.acknowledge(seeded, LI, tid, version)
    second = actions.acknowledge(seeded, WANG, tid, version)
    assert first.changed and not second.changed
    assert second.trace_id == first.trace_id
    acks = [s for s in _trace(seeded, tid) if s.action == "acknowledge"]
    assert [a.actor for a in acks] == ["李娜 (li.na)"]
    assert _ticket_row(seeded, tid).version == version


def test_operator_is_validated() -> None:
    with pytest.raises(ValueError, match="role"):
        Operator("a", "A", "admin", "district", "X")
    with pytest.raises(ValueError, match="scope level"):
        Operator("a", "A", "viewer", "grid", "X")
    assert Operator("a", "a", "viewer", "district", "X").actor == "a"
