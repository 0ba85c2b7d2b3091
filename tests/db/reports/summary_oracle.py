"""The KPI summaries of migration 0008 recounted in Python from the stored rows.

Nothing here uses the triggers' functions: the tickets, the trace, the extensions and
the call-backs are read as stored, each case's first steps found in its trace, and the
day, month and call-back counts summed again; the stored summaries must equal them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, text

from tests.db.reports.kpi_oracle import CST, read_rows

COUNTS = (
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


def _first(times: Iterable[datetime]) -> datetime | None:
    return min(times, default=None)


def recount(engine: Engine) -> dict[str, dict[Any, Any]]:
    """The three summaries as the stored rows say they must be (rows of zeros left out)."""
    rows = read_rows(engine)
    with engine.connect() as conn:
        classes: dict[str, str] = {
            c.code: c.class_code
            for c in conn.execute(text("SELECT code, class_code FROM categories"))
        }
    daily: dict[Any, dict[str, Any]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    settled: dict[Any, datetime] = {}
    monthly: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    community = {}
    for t in rows.tickets:
        grid = t.grid_code
        community[t.id] = rows.grids[grid].community_code if grid else ""
        steps = rows.actions[t.id]
        handle = _first(a.at for a in steps if a.action == "handle")
        dispatch = _first(a.at for a in steps if a.action in ("dispatch", "redispatch"))
        send_back = _first(a.at for a in steps if a.action == "send_back")
        extension = _first(rows.approved[t.id])
        closed = t.closed_at if t.status == "closed" else None
        klass = classes[t.category_code]
        if t.source == "patrol" and grid is not None:
            monthly[(_month(t.reported_at), grid, klass)][1] += 1
        if t.registered_at is None:
            continue
        if grid is not None:
            monthly[(_month(t.registered_at), grid, klass)][0] += 1
        key = (t.registered_at.astimezone(CST).date(), community[t.id])
        c = daily[key]
        c["registered"] += 1
        c["handled"] += handle is not None
        c["handled_on_time"] += handle is not None and handle <= t.deadline
        c["closed"] += closed is not None
        c["closed_on_time"] += closed is not None and closed <= t.deadline
        c["reworked"] += handle is not None and send_back is not None
        c["extended"] += extension is not None
        c["overdue"] += handle is None or handle > t.deadline
        if handle is not None and dispatch is not None:
            c["timed"] += 1
            c.setdefault("seconds", 0.0)
            c["seconds"] += (handle - dispatch).total_seconds()
        due = t.deadline if handle is None else None  # handled: judged against the handling
        times = [t.registered_at, due, handle, dispatch, send_back, extension, closed]
        latest = max(x for x in times if x is not None)
        settled[key] = max(settled.get(key, latest), latest)
    answers: dict[Any, list[int]] = defaultdict(lambda: [0, 0])
    for f in rows.feedback:
        if f.ticket_closed_at is None:
            continue
        key = (f.ticket_closed_at.astimezone(CST).date(), community[f.ticket_id])
        answers[key][0] += 1
        answers[key][1] += f.result in ("satisfied", "basically_satisfied")
    grids = {t.id: t.grid_code for t in rows.tickets}
    return {
        "places": {f.id: (community[f.ticket_id], grids[f.ticket_id]) for f in rows.feedback},
        "daily": {k: v for k, v in daily.items() if v["registered"]},
        "settled": settled,
        "monthly": {k: tuple(v) for k, v in monthly.items() if any(v)},
        "answers": {k: tuple(v) for k, v in answers.items() if v[0]},
    }


def _month(at: datetime) -> Any:
    return at.astimezone(CST).date().replace(day=1)


def stored(engine: Engine) -> dict[str, dict[Any, Any]]:
    with engine.connect() as conn:
        daily = conn.execute(text("SELECT * FROM kpi_daily")).all()
        monthly = conn.execute(text("SELECT * FROM kpi_grid_monthly")).all()
        answers = conn.execute(text("SELECT * FROM kpi_satisfaction_daily")).all()
        places = conn.execute(
            text("SELECT id, community_code, grid_code FROM ticket_feedback")
        ).all()
    return {
        "places": {p.id: (p.community_code, p.grid_code) for p in places},
        "daily": {
            (d.day, d.community_code): {c: getattr(d, c) for c in COUNTS}
            | ({"seconds": float(d.handling_seconds)} if d.timed else {})
            for d in daily
            if d.registered
        },
        "settled": {(d.day, d.community_code): d.settled_until for d in daily if d.registered},
        "monthly": {
            (m.month, m.grid_code, m.class_code): (m.registered, m.patrol_reports)
            for m in monthly
            if m.registered or m.patrol_reports
        },
        "answers": {
            (a.day, a.community_code): (a.answered, a.satisfied) for a in answers if a.answered
        },
    }


def assert_summaries_agree(engine: Engine) -> None:
    """The stored summaries equal the recount; ``settled_until`` is never too early."""
    want, got = recount(engine), stored(engine)
    assert set(got["daily"]) == set(want["daily"])
    for key, counts in want["daily"].items():
        mine = got["daily"][key]
        assert {c: mine[c] for c in COUNTS} == {c: counts[c] for c in COUNTS}, key
        assert abs(mine.get("seconds", 0.0) - counts.get("seconds", 0.0)) < 1e-3, key
        assert got["settled"][key] >= want["settled"][key], key
    assert got["monthly"] == want["monthly"]
    assert got["places"] == want["places"]  # each call-back carries its case's place
    assert got["answers"] == want["answers"]
