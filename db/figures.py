"""The figures the wall-screen charts show, as one immutable snapshot.

Computed from the state store on the GUI side at a slow cadence (every few
seconds), never per change: charts are for trends, the map is for the moment.
"""

from __future__ import annotations

from dataclasses import dataclass


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
