"""Thirty days of ticket history for the demo, each step with a historic trace.

The automatic trace trigger would stamp every step with the seeding time, so the
history is written with ``gridcommand.bulk_load`` on and its trace rows are
inserted here with the times the steps "happened". Most old cases are closed, a
few ran late; recent ones sit at every step of the case loop.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from gridcommand.db.demo.bulk import copy_rows, next_ids
from gridcommand.db.demo.wording import describe

if TYPE_CHECKING:
    from gridcommand.db.demo.catalogue import CatalogueItem
    from gridcommand.db.demo.seed import SeededGrid

Progress = Callable[[str, int, int], None]

TICKETS_PER_GRID_PER_DAY = 0.3
MAX_HISTORY = 60_000
#: Weight of each item class in the report mix (city management dominates, as in Panyu).
CLASS_WEIGHTS = {
    "01": 10,
    "02": 45,
    "03": 8,
    "04": 6,
    "05": 8,
    "06": 3,
    "07": 6,
    "08": 2,
    "09": 4,
    "10": 2,
    "11": 6,
}
SOURCES = (("patrol", 55), ("hotline", 20), ("wechat", 20), ("sensor", 5))
OPERATORS = (
    ("officer.chen", "dispatcher"),
    ("officer.li", "dispatcher"),
    ("officer.wang", "dispatcher"),
    ("supervisor.zhao", "supervisor"),
)
STEPS = ("registered", "dispatched", "in_progress", "handled", "verified", "closed")
VERBS = {
    "registered": "register",
    "dispatched": "dispatch",
    "in_progress": "accept",
    "handled": "handle",
    "verified": "verify",
    "closed": "close",
}
#: A trace row as the history writes it (its note is the column's default, empty).
ACTION_COLUMNS = ("ticket_id", "action", "from_status", "to_status", "actor", "actor_role", "at")
TIME_COLUMN = {
    "registered": "registered_at",
    "dispatched": "dispatched_at",
    "in_progress": "accepted_at",
    "handled": "handled_at",
    "verified": "verified_at",
    "closed": "closed_at",
}


@dataclass(frozen=True)
class HistoryPlan:
    days: int
    now: datetime


def write_history(
    conn: Connection,
    plan: HistoryPlan,
    grids: Sequence[SeededGrid],
    teams: dict[str, list[str]],
    items: Sequence[CatalogueItem],
    rng: random.Random,
    report: Progress,
) -> int:
    from gridcommand.db.gis.geometry import random_point_in

    total = min(MAX_HISTORY, round(len(grids) * plan.days * TICKETS_PER_GRID_PER_DAY))
    by_class: dict[str, list[CatalogueItem]] = {}
    for item in items:
        by_class.setdefault(item.class_code, []).append(item)
    classes = [c for c in CLASS_WEIGHTS if c in by_class]
    weights = [CLASS_WEIGHTS[c] for c in classes]
    sources = [s for s, _ in SOURCES]
    source_weights = [w for _, w in SOURCES]
    batch: list[tuple[dict[str, Any], list[tuple[str, datetime, str, str]]]] = []
    written = 0
    for n in range(total):
        grid = grids[rng.randrange(len(grids))]
        item = rng.choice(by_class[rng.choices(classes, weights)[0]])
        reported = plan.now - timedelta(seconds=rng.uniform(0, plan.days * 86400))
        lon, lat = random_point_in(grid.geometry, rng)
        source = rng.choices(sources, source_weights)[0]
        emergency = item.emergency_possible and rng.random() < 0.05
        team = teams[grid.code]
        worker = team[0] if rng.random() < 0.8 else rng.choice(team)
        row, steps = _lifecycle(plan, item, reported, emergency, worker, rng)
        row.update(
            code=f"H{reported:%Y%m%d}-{n + 1:06d}",
            source=source,
            category_code=item.code,
            grid_code=None if source in ("hotline", "wechat") and not steps else grid.code,
            lon=lon,
            lat=lat,
            description=describe(item.name, item.class_code, grid.name, source, rng),
            reporter=worker
            if source == "patrol"
            else ("12345热线" if source == "hotline" else "市民"),
            priority=1 if emergency else item.priority,
            is_emergency=emergency,
            reported_at=reported,
        )
        batch.append((row, steps))
        if len(batch) >= 2000 or n == total - 1:
            written += _flush(conn, batch)
            batch = []
            report("tickets", written, total)
    return written


def _lifecycle(
    plan: HistoryPlan,
    item: CatalogueItem,
    reported: datetime,
    emergency: bool,
    worker: str,
    rng: random.Random,
) -> tuple[dict[str, Any], list[tuple[str, datetime, str, str]]]:
    """How far a case got by now, and when each step happened (with who did it)."""
    limit = timedelta(minutes=item.time_limit_minutes)
    late = rng.random() < 0.08
    handling = limit * (rng.uniform(1.05, 1.6) if late else rng.uniform(0.1, 0.85))
    offsets = {
        "registered": timedelta(minutes=rng.uniform(1, 4) if emergency else rng.uniform(3, 40)),
    }
    offsets["dispatched"] = offsets["registered"] + timedelta(minutes=rng.uniform(2, 45))
    offsets["in_progress"] = offsets["dispatched"] + timedelta(minutes=rng.uniform(3, 40))
    offsets["handled"] = max(handling, offsets["in_progress"] + timedelta(minutes=10))
    offsets["verified"] = offsets["handled"] + timedelta(hours=rng.uniform(0.3, 6))
    offsets["closed"] = offsets["verified"] + timedelta(minutes=rng.uniform(5, 120))
    row: dict[str, Any] = {"status": "reported", "assignee_worker_code": None}
    steps: list[tuple[str, datetime, str, str]] = []
    operator, op_role = rng.choice(OPERATORS[:3])
    for step in STEPS:
        at = reported + offsets[step]
        if at > plan.now:
            break
        actor, role = {
            "in_progress": (worker, "field"),
            "handled": (worker, "field"),
            "verified": (OPERATORS[3][0], OPERATORS[3][1]),
            "closed": (OPERATORS[3][0], OPERATORS[3][1]),
        }.get(step, (operator, op_role))
        steps.append((step, at, actor, role))
        row["status"] = step
        row[TIME_COLUMN[step]] = at
        if step == "dispatched":
            row["assignee_worker_code"] = worker
    return row, steps


def _flush(
    conn: Connection,
    batch: list[tuple[dict[str, Any], list[tuple[str, datetime, str, str]]]],
) -> int:
    # The ids first, so that the cases and their traces go by COPY, without RETURNING.
    ids = next_ids(conn, "tickets", len(batch))
    columns = sorted(set().union(*(row.keys() for row, _ in batch)))
    rows = ([i, *(row.get(c) for c in columns)] for i, (row, _) in zip(ids, batch, strict=True))
    copy_rows(conn, "tickets", ["id", *columns], rows)
    actions: list[tuple[object, ...]] = []
    for ticket_id, (row, steps) in zip(ids, batch, strict=True):
        actions.append(
            (ticket_id, "report", None, "reported", row["reporter"], "field", row["reported_at"])
        )
        previous = "reported"
        for step, at, actor, role in steps:
            actions.append((ticket_id, VERBS[step], previous, step, actor, role, at))
            previous = step
    copy_rows(conn, "ticket_actions", ACTION_COLUMNS, actions)
    return len(batch)
