"""The figures the wall-screen charts show, as one immutable snapshot.

Computed from a snapshot of the state store at a slow cadence (every few seconds),
never per change: charts are for trends, the map is for the moment.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from gridcommand.db.live.records import TicketRecord
from gridcommand.db.live.store import StateStore, time_state


@dataclass(frozen=True, slots=True)
class DashboardFigures:
    #: Start of each of the last 24 hours (epoch seconds) and reports received in it.
    hour_starts: tuple[float, ...]
    reports_per_hour: tuple[int, ...]
    emergencies_per_hour: tuple[int, ...]
    #: Open cases by time state against their deadline.
    on_time: int
    due_soon: int
    overdue: int
    #: Open cases per item class, largest first: (class name, count).
    open_by_class: tuple[tuple[str, int], ...]
    #: Workers by status.
    workers_online: int
    workers_stale: int
    workers_offline: int


def compute_figures(store: StateStore, hours: int = 24) -> DashboardFigures:
    """The charts' figures from what the store holds.

    The store keeps every open case and every case closed in the last day, so the
    last 24 hours of reports can be counted from it without asking the database.
    """
    return figures_from(list(store.tickets.values()), store.worker_counts(), store.clock(), hours)


def figures_from(
    tickets: Iterable[TicketRecord], workers: Mapping[str, int], now: datetime, hours: int = 24
) -> DashboardFigures:
    """The same from a snapshot of immutable records, so any thread may count them.

    A city's store holds tens of thousands of cases: the window copies the list (a
    millisecond) and counts on a worker thread, not on the GUI thread.
    """
    start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=hours - 1)
    reports = [0] * hours
    emergencies = [0] * hours
    by_state = {"green": 0, "yellow": 0, "red": 0}
    by_class: Counter[str] = Counter()
    for t in tickets:
        slot = int((t.reported_at - start) // timedelta(hours=1))
        if 0 <= slot < hours:
            reports[slot] += 1
            emergencies[slot] += t.is_emergency
        if t.is_open:
            by_state[time_state(t, now)] += 1
            by_class[t.class_name] += 1
    return DashboardFigures(
        hour_starts=tuple((start + timedelta(hours=h)).timestamp() for h in range(hours)),
        reports_per_hour=tuple(reports),
        emergencies_per_hour=tuple(emergencies),
        on_time=by_state["green"],
        due_soon=by_state["yellow"],
        overdue=by_state["red"],
        open_by_class=tuple(by_class.most_common()),
        workers_online=workers["online"],
        workers_stale=workers["stale"],
        workers_offline=workers["offline"],
    )
