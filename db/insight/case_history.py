"""Cases as their trace tells them, for the overdue forecast and its backtest.

The steps come from ``ticket_actions`` (every status a case entered and when);
the street from the grid's community; the assignee from the ticket (the trace
names who acted, not to whom a case went), held from its last dispatch to its end.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from gridcommand.db.insight.forecast import (
    CaseHistory,
    OpenCase,
    OverdueModel,
    Risk,
    assignment_spans,
    worker_load,
)
from gridcommand.db.schema.engine import make_engine

_CASES = text(
    "SELECT t.id, t.code, t.category_code, c.class_code, r.parent_code AS street,"
    " t.reported_at, t.deadline, t.assignee_worker_code"
    " FROM tickets t JOIN categories c ON c.code = t.category_code"
    " LEFT JOIN grids g ON g.code = t.grid_code"
    " LEFT JOIN regions r ON r.code = g.community_code"
    " WHERE t.reported_at >= :since ORDER BY t.id"
)
_TRACE = text(
    "SELECT a.ticket_id, a.to_status, a.at FROM ticket_actions a"
    " JOIN tickets t ON t.id = a.ticket_id"
    " WHERE t.reported_at >= :since AND a.to_status IS NOT NULL"
    " AND a.to_status IS DISTINCT FROM a.from_status ORDER BY a.ticket_id, a.at, a.id"
)


def load_cases(engine: Engine, since: datetime) -> list[CaseHistory]:
    """Every case reported since ``since``, with its steps and its assignment."""
    steps: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    with engine.connect() as conn:
        rows = conn.execute(_CASES, {"since": since}).all()
        for ticket_id, status, at in conn.execute(_TRACE, {"since": since}):
            steps[ticket_id].append((status, at))
    cases: list[CaseHistory] = []
    for row in rows:
        trail = tuple(steps.get(row.id, ())) or (("reported", row.reported_at),)
        assignments: tuple[tuple[str, datetime, datetime | None], ...] = ()
        dispatched = [at for status, at in trail if status == "dispatched"]
        if row.assignee_worker_code and dispatched:
            status, at = trail[-1]
            until = at if status in ("closed", "rejected") else None
            assignments = ((row.assignee_worker_code, dispatched[-1], until),)
        cases.append(
            CaseHistory(
                row.id,
                row.code,
                row.category_code,
                row.class_code,
                row.street,
                row.reported_at,
                row.deadline,
                trail,
                assignments,
            )
        )
    return cases


def open_cases(cases: list[CaseHistory], moment: datetime) -> list[OpenCase]:
    """The cases open at ``moment``, each in the status it had then, with its worker's load."""
    spans = assignment_spans(cases)
    found: list[OpenCase] = []
    for case in cases:
        state = case.state_at(moment)
        ended = case.ended_at
        if state is None or (ended is not None and ended <= moment):
            continue
        worker = case.assignee_at(moment)
        load = worker_load(spans[worker], moment) if worker else 0
        found.append(
            OpenCase(
                case.id,
                case.code,
                case.category_code,
                case.class_code,
                case.street,
                state[0],
                state[1],
                case.deadline,
                worker,
                load,
            )
        )
    return found


#: How far back the forecast learns from: enough cases per item, recent practice.
LEARN_DAYS = 60


def forecast_now(engine: Engine, horizon: timedelta, now: datetime | None = None) -> list[Risk]:
    """The open cases that may go red within ``horizon``, riskiest first (for the CLI)."""
    moment = now or datetime.now(UTC)
    cases = load_cases(engine, moment - timedelta(days=LEARN_DAYS))
    model = OverdueModel.fit(cases, until=moment)
    return model.forecast(open_cases(cases, moment), moment, horizon)


def learn_recent(engine: Engine, now: datetime | None = None) -> OverdueModel:
    """A model of the cases that ended in the last ``LEARN_DAYS`` (for the console)."""
    moment = now or datetime.now(UTC)
    return OverdueModel.fit(load_cases(engine, moment - timedelta(days=LEARN_DAYS)), until=moment)


def learn_recent_at(url: URL) -> OverdueModel:
    """``learn_recent`` with an engine of its own (for a process of its own)."""
    engine = make_engine(url)
    try:
        return learn_recent(engine)
    finally:
        engine.dispose()
