"""The KPI summaries (migration 0008) stay right when cases move after the fact.

Cases registered days ago move through the loop now, step by step, each step made by
a real login granted its role: a late handling, a send-back, an approved extension,
the closing, an unsatisfied call-back that reopens the case. After every step the
stored summaries equal a recount in Python, and the figures (for a period that ended
before the steps, for the current period, and at a cut-off between two steps) equal
the independent route of ``kpi_oracle``. Then logins write at once on the same
community and day, and the counts still add up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import ProgrammingError

from gridcommand.db.actions import service as actions
from gridcommand.db.actions.operator import current_operator
from gridcommand.db.reports.kpi import Period, compute_kpis
from tests.db.reports import summary_oracle
from tests.db.reports.kpi_oracle import CST
from tests.db.reports.test_kpi import _expected, _same
from tests.db.schema import test_roles as roles
from tests.db.schema.test_roles import COMMUNITY, OTHER_COMMUNITY, STREET, Login

login = roles.login
seeded = roles.seeded


def _db_now(engine: Engine) -> datetime:
    with engine.connect() as conn:
        return conn.execute(text("SELECT now()")).scalar_one()


def _past_case(engine: Engine, community: str, days_ago: int, n: int) -> tuple[int, str]:
    """A case reported, registered and dispatched at 9:00 ``days_ago`` local days ago.

    Its deadline (two hours later) has passed, so its day has settled until it moves.
    """
    with engine.begin() as conn:
        conn.execute(text("SELECT set_config('gridcommand.bulk_load', 'on', true)"))
        worker, grid = conn.execute(
            text(
                "SELECT w.code, w.grid_code FROM workers w JOIN grids g ON g.code = w.grid_code"
                " WHERE g.community_code = :c ORDER BY w.code LIMIT 1"
            ),
            {"c": community},
        ).one()
        tid = conn.execute(
            text(
                "INSERT INTO tickets (code, source, category_code, grid_code, lon, lat,"
                " description, reporter, priority, status, reported_at, registered_at,"
                " dispatched_at, deadline, assignee_worker_code)"
                " SELECT :code, 'hotline', min(code), :g, 113.38, 22.93, '路灯不亮', '市民', 3,"
                " 'dispatched', r, r + interval '5 minutes', r + interval '20 minutes',"
                " r + interval '2 hours', :w"
                " FROM categories, (SELECT (((now() AT TIME ZONE 'Asia/Shanghai')::date - :d) + time '09:00')"
                " AT TIME ZONE 'Asia/Shanghai' AS r) t GROUP BY r"
                " RETURNING id"
            ),
            {"code": f"PAST-{n}", "g": grid, "w": worker, "d": days_ago},
        ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO ticket_actions (ticket_id, action, from_status, to_status, actor,"
                " actor_role, at) SELECT id, a.action, a.f, a.t, 'officer.li', 'dispatcher',"
                " CASE a.action WHEN 'report' THEN reported_at WHEN 'register'"
                " THEN registered_at ELSE dispatched_at END FROM tickets,"
                " (VALUES ('report', NULL, 'reported'), ('register', 'reported', 'registered'),"
                " ('dispatch', 'registered', 'dispatched')) AS a(action, f, t) WHERE id = :t"
            ),
            {"t": tid},
        )
    return int(tid), str(worker)


def _version(engine: Engine, tid: int) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(text("SELECT version FROM tickets WHERE id = :t"), {"t": tid}).scalar_one()
        )


def _field_step(field: Engine, tid: int, worker: str, status: str) -> None:
    with field.begin() as conn:
        conn.execute(text("SELECT set_config('gridcommand.actor', :w, true)"), {"w": worker})
        moved = conn.execute(
            text("UPDATE tickets SET status = :s WHERE id = :t"), {"s": status, "t": tid}
        )
        assert moved.rowcount == 1


def _figures_agree(engine: Engine, first: date, last: date, now: datetime) -> None:
    period = Period.of_days(first, last)
    for region, by in ((None, None), (None, "street"), (STREET, "community"), (None, "grid")):
        got = {
            r.code: r.as_dict() for r in compute_kpis(engine, period, region=region, by=by, now=now)
        }
        want = _expected(engine, first, last, now, region, by)
        if by is None:
            want = {"": want[""]}
        assert set(got) == set(want), (region, by)
        for code, row in want.items():
            _same(got[code], row, f"{first}–{last} at {now:%H:%M:%S} {region} {by} {code}")


def test_cases_moving_after_the_fact_keep_the_summary_and_the_figures_right(
    seeded: Engine, login: Login
) -> None:
    late, worker = _past_case(seeded, COMMUNITY, days_ago=3, n=1)
    idle, _ = _past_case(seeded, COMMUNITY, days_ago=3, n=2)  # stays overdue, never handled
    elsewhere, other_worker = _past_case(seeded, OTHER_COMMUNITY, days_ago=3, n=3)
    today = datetime.now(UTC).astimezone(CST).date()
    day = today - timedelta(days=3)
    ended = (day, day + timedelta(days=1))  # its cut-off fell before every step below
    current = (day, today + timedelta(days=1))
    _, field = login("gc_field", COMMUNITY)
    _, other_field = login("gc_field", OTHER_COMMUNITY)
    _, supervisor = login("gc_supervisor", STREET)
    boss = current_operator(supervisor)
    assert boss is not None
    marks: list[datetime] = []

    def check() -> None:
        summary_oracle.assert_summaries_agree(seeded)
        now = datetime.now(UTC)
        _figures_agree(seeded, *ended, now)
        _figures_agree(seeded, *current, now)
        for mark in marks:  # a cut-off between two steps counts only the steps before it
            _figures_agree(seeded, *current, mark)
        marks.append(_db_now(seeded))

    check()
    # Before anything moves, the day of the three cases has settled: the figures of the
    # period that ended are read from the day's counts.
    settled = _settled_until(seeded, day, COMMUNITY)
    assert settled < Period.of_days(*ended).end
    steps: list[Callable[[], Any]] = [
        # A late handling, by the assignee's tablet.
        lambda: _field_step(field, late, worker, "in_progress"),
        lambda: _field_step(field, late, worker, "handled"),
        lambda: _field_step(other_field, elsewhere, other_worker, "in_progress"),
        # Sent back by a supervisor's login.
        lambda: actions.send_back(supervisor, boss, late, _version(seeded, late), "照片不清楚"),
        # An extension asked for by the tablet and approved by the supervisor.
        lambda: _ask_extension(field, late, worker),
        lambda: actions.perform(
            supervisor, boss, "approve_extension", late, _version(seeded, late)
        ),
        lambda: _field_step(field, late, worker, "handled"),
        lambda: actions.verify(supervisor, boss, late, _version(seeded, late)),
        lambda: actions.close(supervisor, boss, late, _version(seeded, late)),
        # The hotline calls back, unsatisfied: the rule reopens the case.
        lambda: _call_back(field, late, "unsatisfied"),
    ]
    for step in steps:
        step()
        check()
    # The steps moved the day on: it is no longer settled before the ended period's cut-off,
    # so that period's figures came case by case, as they stood at the cut-off.
    assert _settled_until(seeded, day, COMMUNITY) > Period.of_days(*ended).end
    with seeded.connect() as conn:
        status = conn.execute(text("SELECT status FROM tickets WHERE id = :t"), {"t": late})
        assert status.scalar_one() == "dispatched"  # reopened
    assert idle


def _settled_until(engine: Engine, day: date, community: str) -> datetime:
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT settled_until FROM kpi_daily WHERE day = :d AND community_code = :c"),
            {"d": day, "c": community},
        ).scalar_one()


def _ask_extension(field: Engine, tid: int, worker: str) -> None:
    with field.begin() as conn:
        conn.execute(text("SELECT set_config('gridcommand.actor', :w, true)"), {"w": worker})
        conn.execute(
            text(
                "INSERT INTO ticket_extensions (ticket_id, requested_by, reason, new_deadline)"
                " VALUES (:t, :w, '需协调供电局', now() + interval '2 days')"
            ),
            {"t": tid, "w": worker},
        )


def _call_back(field: Engine, tid: int, result: str) -> None:
    with field.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ticket_feedback (ticket_id, result, caller) VALUES (:t, :r, '12345')"
            ),
            {"t": tid, "r": result},
        )


def test_logins_writing_at_once_on_one_community_add_up(seeded: Engine, login: Login) -> None:
    """Tablets report, desks register and dispatch, tablets handle: all at once, one day."""
    with seeded.connect() as conn:
        workers = conn.execute(
            text(
                "SELECT w.code, w.grid_code FROM workers w JOIN grids g ON g.code = w.grid_code"
                " WHERE g.community_code = :c ORDER BY w.code LIMIT 2"
            ),
            {"c": COMMUNITY},
        ).all()
    tablets = [login("gc_field", COMMUNITY)[1] for _ in range(3)]
    desks = [login("gc_dispatcher", STREET)[1] for _ in range(3)]
    per_thread = 6
    reported: list[list[int]] = [[] for _ in tablets]

    def report(i: int) -> None:
        worker, grid = workers[i % len(workers)]
        for _ in range(per_thread):
            with tablets[i].begin() as conn:
                conn.execute(
                    text("SELECT set_config('gridcommand.actor', :w, true)"), {"w": worker}
                )
                reported[i].append(
                    conn.execute(
                        text(
                            "INSERT INTO tickets (source, category_code, grid_code, lon, lat,"
                            " description, reporter) VALUES ('patrol', '0207', :g, 113.38, 22.93,"
                            " '垃圾未清运', :w) RETURNING id"
                        ),
                        {"g": grid, "w": worker},
                    ).scalar_one()
                )

    def register_and_dispatch(i: int) -> None:
        worker, _ = workers[i % len(workers)]
        for tid in reported[i]:
            with desks[i].begin() as conn:
                conn.execute(
                    text("UPDATE tickets SET status = 'registered' WHERE id = :t"), {"t": tid}
                )
            with desks[i].begin() as conn:
                conn.execute(
                    text(
                        "UPDATE tickets SET status = 'dispatched', assignee_worker_code = :w"
                        " WHERE id = :t"
                    ),
                    {"t": tid, "w": worker},
                )

    def handle(i: int) -> None:
        worker, _ = workers[i % len(workers)]
        for tid in reported[i]:
            _field_step(tablets[i], tid, worker, "in_progress")
            _field_step(tablets[i], tid, worker, "handled")

    for work in (report, register_and_dispatch, handle):
        _at_once(work, len(tablets))
        summary_oracle.assert_summaries_agree(seeded)
    today = datetime.now(UTC).astimezone(CST).date()
    with seeded.connect() as conn:
        row = conn.execute(
            text(
                "SELECT registered, handled FROM kpi_daily WHERE day = :d AND community_code = :c"
            ),
            {"d": today, "c": COMMUNITY},
        ).one()
    assert row.registered >= len(tablets) * per_thread
    assert row.handled >= len(tablets) * per_thread
    _figures_agree(seeded, today, today + timedelta(days=1), datetime.now(UTC))


def _at_once(work: Callable[[int], None], threads: int) -> None:
    start = threading.Barrier(threads)
    failures: list[BaseException] = []

    def run(i: int) -> None:
        start.wait()
        try:
            work(i)
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert not failures, failures


def test_only_triggers_write_the_summaries_and_a_scope_reads_its_own(
    seeded: Engine, login: Login
) -> None:
    for n, community in enumerate((COMMUNITY, OTHER_COMMUNITY)):
        tid, _ = _past_case(seeded, community, days_ago=2, n=n)
        with seeded.begin() as conn:
            conn.execute(text("UPDATE tickets SET status = 'closed' WHERE id = :t"), {"t": tid})
            conn.execute(
                text("INSERT INTO ticket_feedback (ticket_id, result) VALUES (:t, 'satisfied')"),
                {"t": tid},
            )
    writes = (
        "INSERT INTO kpi_daily (day, community_code, registered) VALUES (now()::date, 'x', 1)",
        "UPDATE kpi_daily SET registered = registered + 1",
        "DELETE FROM kpi_grid_monthly",
        "UPDATE kpi_satisfaction_daily SET satisfied = answered",
        "UPDATE ticket_kpi_facts SET first_handle_at = now()",
        "SELECT gc_kpi_apply(NULL, NULL)",
    )
    for group in ("gc_field", "gc_viewer", "gc_dispatcher", "gc_supervisor", "gc_manager"):
        _, eng = login(group, COMMUNITY)
        for statement in writes:
            with pytest.raises(ProgrammingError, match="permission denied"), eng.begin() as c:
                c.execute(text(statement))
    _, field = login("gc_field", COMMUNITY)
    with pytest.raises(ProgrammingError, match="permission denied"), field.connect() as conn:
        conn.execute(text("SELECT * FROM kpi_daily")).all()
    _, viewer = login("gc_viewer", COMMUNITY)
    with viewer.connect() as conn:
        seen = set(conn.execute(text("SELECT community_code FROM kpi_daily")).scalars())
        grids = set(conn.execute(text("SELECT grid_code FROM kpi_grid_monthly")).scalars())
        facts = conn.execute(
            text("SELECT count(DISTINCT community_code) FROM ticket_kpi_facts")
        ).scalar_one()
        answers = set(conn.execute(text("SELECT community_code FROM ticket_feedback")).scalars())
    assert answers == {COMMUNITY}
    assert seen == {COMMUNITY}
    assert grids and all(g.startswith(COMMUNITY) for g in grids)
    assert facts == 1


def test_a_grid_or_item_class_filed_elsewhere_takes_its_cases_counts_along(
    seeded: Engine, login: Login
) -> None:
    tid, _ = _past_case(seeded, COMMUNITY, days_ago=4, n=1)
    _, field = login("gc_field", COMMUNITY)
    with seeded.begin() as conn:
        conn.execute(text("UPDATE tickets SET status = 'closed' WHERE id = :t"), {"t": tid})
    _call_back(field, tid, "satisfied")
    with seeded.begin() as conn:
        grid = conn.execute(text("SELECT grid_code FROM tickets WHERE id = :t"), {"t": tid})
        conn.execute(
            text("UPDATE grids SET community_code = :c WHERE code = :g"),
            {"c": OTHER_COMMUNITY, "g": grid.scalar_one()},
        )
        conn.execute(
            text(
                "UPDATE categories SET class_code = (SELECT max(code) FROM category_classes)"
                " WHERE code = (SELECT category_code FROM tickets WHERE id = :t)"
            ),
            {"t": tid},
        )
    summary_oracle.assert_summaries_agree(seeded)
    today = datetime.now(UTC).astimezone(CST).date()
    _figures_agree(seeded, today - timedelta(days=5), today + timedelta(days=1), datetime.now(UTC))
