"""A second route to the figures of docs/kpi.md: plain SQL reads the rows, Python counts.

Nothing here is shared with ``gridcommand.db.reports.kpi``: the rows are read as they
are stored and every figure is computed by following the document's words, so a
disagreement with the database's aggregation points at one or the other.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Engine, text

CST = timezone(timedelta(hours=8))


@dataclass
class Rows:
    tickets: Sequence[Any]
    actions: dict[int, list[Any]]
    approved: dict[int, list[datetime]]
    feedback: Sequence[Any]
    fixes: Sequence[Any]
    grids: dict[str, Any]
    regions: dict[str, Any]
    workers: dict[str, Any]
    weights: dict[str, float]


def read_rows(engine: Engine) -> Rows:
    with engine.connect() as conn:
        tickets = conn.execute(text("SELECT * FROM tickets")).all()
        actions: dict[int, list[Any]] = defaultdict(list)
        for a in conn.execute(text("SELECT ticket_id, action, actor, at FROM ticket_actions")):
            actions[a.ticket_id].append(a)
        approved: dict[int, list[datetime]] = defaultdict(list)
        for e in conn.execute(
            text("SELECT ticket_id, decided_at FROM ticket_extensions WHERE status = 'approved'")
        ):
            approved[e.ticket_id].append(e.decided_at)
        feedback = conn.execute(text("SELECT * FROM ticket_feedback")).all()
        fixes = conn.execute(text("SELECT worker_code, recorded_at FROM worker_positions")).all()
        grids = {
            g.code: g for g in conn.execute(text("SELECT code, name, community_code FROM grids"))
        }
        regions = {
            r.code: r
            for r in conn.execute(text("SELECT code, name, level, parent_code FROM regions"))
        }
        workers = {
            w.code: w
            for w in conn.execute(text("SELECT code, name, grid_code, active FROM workers"))
        }
        weights = {w.component: w.weight for w in conn.execute(text("SELECT * FROM kpi_weights"))}
    return Rows(tickets, actions, approved, feedback, fixes, grids, regions, workers, weights)


def _chain(rows: Rows, grid: str | None) -> dict[str, str | None]:
    """The grid, community, street and district of a grid code (all None for no grid)."""
    if grid is None:
        return {"grid": None, "community": None, "street": None, "district": None}
    community = rows.grids[grid].community_code
    street = rows.regions[community].parent_code
    district = rows.regions[street].parent_code if street else None
    return {"grid": grid, "community": community, "street": street, "district": district}


def _in_region(rows: Rows, grid: str | None, region: str | None) -> bool:
    if region is None:
        return True
    chain = _chain(rows, grid)
    if region in rows.regions and rows.regions[region].level == "district":
        return grid is None or chain["district"] == region
    return region in chain.values()


def _unit_of(rows: Rows, ticket: Any, by: str | None) -> str | None:
    if by is None:
        return ""
    if by == "worker":
        return ticket.assignee_worker_code
    if by == "department":
        return ticket.assignee_department
    return _chain(rows, ticket.grid_code)[by]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def figures(
    rows: Rows, start: datetime, end: datetime, now: datetime, region: str | None, by: str | None
) -> dict[str, dict[str, Any]]:
    cut = min(end, now)
    groups: dict[str, list[Any]] = defaultdict(list)
    for t in rows.tickets:
        if t.registered_at is None or not start <= t.registered_at < end:
            continue
        if not _in_region(rows, t.grid_code, region):
            continue
        unit = _unit_of(rows, t, by)
        if unit is not None:
            groups[unit].append(t)
    out: dict[str, dict[str, Any]] = {}
    for unit, tickets in groups.items():
        handled = on_time = closed = closed_on_time = reworked = extended = overdue = 0
        hours: list[float] = []
        for t in tickets:
            steps = [a for a in rows.actions[t.id] if a.at < cut]
            handles = sorted(a.at for a in steps if a.action == "handle")
            dispatches = sorted(a.at for a in steps if a.action in ("dispatch", "redispatch"))
            first = handles[0] if handles else None
            if first is not None:
                handled += 1
                on_time += first <= t.deadline
                reworked += any(a.action == "send_back" for a in steps)
                if dispatches:
                    hours.append((first - dispatches[0]).total_seconds() / 3600)
            if (first is not None and first > t.deadline) or (first is None and t.deadline < cut):
                overdue += 1
            if t.status == "closed" and t.closed_at < cut:
                closed += 1
                closed_on_time += t.closed_at <= t.deadline
            extended += any(at < cut for at in rows.approved[t.id])
        n = len(tickets)
        out[unit] = {
            "registered": n,
            "handled_on_time_rate": _share(on_time, handled),
            "closed_rate": _share(closed, n),
            "closed_on_time_rate": _share(closed_on_time, closed),
            "rework_rate": _share(reworked, handled),
            "extension_rate": _share(extended, n),
            "overdue_rate": _share(overdue, n),
            "mean_handling_hours": sum(hours) / len(hours) if hours else None,
        }
    by_id = {t.id: t for t in rows.tickets}
    answers: dict[str, list[str]] = defaultdict(list)
    for f in rows.feedback:
        t = by_id[f.ticket_id]
        if not (start <= f.ticket_closed_at < end and f.recorded_at < cut):
            continue
        unit = _unit_of(rows, t, by) if _in_region(rows, t.grid_code, region) else None
        if unit is not None:
            answers[unit].append(f.result)
    for unit, results in answers.items():
        good = sum(r in ("satisfied", "basically_satisfied") for r in results)
        out.setdefault(unit, {"registered": 0})["satisfaction_rate"] = good / len(results)
    return out


def field_parts(
    rows: Rows, start: datetime, end: datetime, now: datetime, grids: list[str]
) -> tuple[dict[str, float], dict[str, float], dict[str, float], dict[str, float]]:
    """Patrol and reporting per grid and per worker, as docs/kpi.md counts them."""
    cut = min(end, now)
    days = max(1, math.ceil((cut - start).total_seconds() / 86400))
    expected = max(days * 0.2, 1.0)
    worker_days: dict[str, set[Any]] = defaultdict(set)
    for fix in rows.fixes:
        if start <= fix.recorded_at < cut:
            worker_days[fix.worker_code].add(fix.recorded_at.astimezone(CST).date())
    grid_days: dict[str, set[Any]] = defaultdict(set)
    for worker, seen in worker_days.items():
        grid_days[rows.workers[worker].grid_code] |= seen
    grid_reports: dict[str, int] = defaultdict(int)
    worker_reports: dict[str, int] = defaultdict(int)
    for t in rows.tickets:
        if t.source == "patrol" and start <= t.reported_at < cut:
            if t.grid_code is not None:
                grid_reports[t.grid_code] += 1
            for a in rows.actions[t.id]:
                if a.action == "report":
                    worker_reports[a.actor] += 1
    return (
        {g: min(1.0, len(grid_days[g]) / days) for g in grids},
        {g: min(1.0, grid_reports[g] / expected) for g in grids},
        {w: min(1.0, len(worker_days[w]) / days) for w in rows.workers},
        {w: min(1.0, worker_reports[w] / expected) for w in rows.workers},
    )


def score(parts: dict[str, float | None], weights: dict[str, float]) -> float | None:
    have = {k: v for k, v in parts.items() if v is not None}
    total = sum(weights[k] for k in have)
    if not have or total <= 0:
        return None
    return round(100 * sum(weights[k] * v for k, v in have.items()) / total, 1)
