"""How a ticket reads in a queue: its columns, its traffic light, its countdown.

Kept apart from the queue widget so that the same columns serve every queue, the
snapshot and the tests. Text that depends on the clock ("overdue by 1 h 12 min")
is computed when Qt asks for it; the queue's timer asks every second.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from PySide6.QtCore import QCoreApplication

from gridcommand.widgets.record_table import Column

LIGHT = {"green": "#43a047", "yellow": "#fdd835", "red": "#e53935"}


class TicketLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def code(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def category_name(self) -> str: ...
    @property
    def class_code(self) -> str: ...
    @property
    def grid_code(self) -> str | None: ...
    @property
    def priority(self) -> int: ...
    @property
    def is_emergency(self) -> bool: ...
    @property
    def status(self) -> str: ...
    @property
    def reported_at(self) -> datetime: ...
    @property
    def deadline(self) -> datetime: ...
    @property
    def assignee_worker_code(self) -> str | None: ...
    @property
    def assignee_department(self) -> str | None: ...
    @property
    def description(self) -> str: ...


def _tr(text: str) -> str:
    return QCoreApplication.translate("TicketColumns", text)


SOURCE_NAMES = {
    "patrol": _tr("Patrol"),
    "hotline": _tr("Hotline 12345"),
    "wechat": _tr("WeChat"),
    "sensor": _tr("Sensor"),
    "other": _tr("Other"),
}
PRIORITY_NAMES = {1: _tr("Urgent"), 2: _tr("High"), 3: _tr("Normal"), 4: _tr("Low")}
STATUS_NAMES = {
    "reported": _tr("Reported"),
    "registered": _tr("Registered"),
    "dispatched": _tr("Dispatched"),
    "in_progress": _tr("In progress"),
    "handled": _tr("Handled"),
    "verified": _tr("Verified"),
    "closed": _tr("Closed"),
    "rejected": _tr("Rejected"),
}


def span(delta: timedelta) -> str:
    """A duration as an operator reads it: '2 d 3 h', '1 h 05 min', '4 min'."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rem = divmod(minutes, 1440)
    hours, mins = divmod(rem, 60)
    if days:
        return _tr("%1 d %2 h").replace("%1", str(days)).replace("%2", str(hours))
    if hours:
        return _tr("%1 h %2 min").replace("%1", str(hours)).replace("%2", f"{mins:02d}")
    return _tr("%1 min").replace("%1", str(mins))


def countdown(ticket: TicketLike, now: datetime) -> str:
    left = ticket.deadline - now
    if left.total_seconds() < 0:
        return _tr("overdue by %1").replace("%1", span(left))
    return _tr("%1 left").replace("%1", span(left))


def ticket_columns(
    clock: Callable[[], datetime],
    time_state: Callable[[TicketLike, datetime], str],
    grid_name: Callable[[str | None], str],
    worker_name: Callable[[str | None], str],
) -> list[Column[TicketLike]]:
    def light(t: TicketLike) -> str:
        return LIGHT.get(time_state(t, clock()), "#78909c")

    return [
        Column(
            _tr("Code"),
            lambda t: ("🚨 " if t.is_emergency else "") + t.code,
            sort_key=lambda t: t.id,
            tooltip=lambda t: t.description,
        ),
        Column(
            _tr("Deadline"),
            lambda t: "● " + countdown(t, clock()),
            sort_key=lambda t: t.deadline.timestamp(),
            foreground=light,
        ),
        Column(_tr("Category"), lambda t: t.category_name),
        Column(_tr("Grid"), lambda t: grid_name(t.grid_code)),
        Column(_tr("Source"), lambda t: SOURCE_NAMES.get(t.source, t.source)),
        Column(
            _tr("Priority"),
            lambda t: PRIORITY_NAMES.get(t.priority, str(t.priority)),
            sort_key=lambda t: t.priority,
        ),
        Column(_tr("Status"), lambda t: STATUS_NAMES.get(t.status, t.status)),
        Column(
            _tr("Assignee"),
            lambda t: worker_name(t.assignee_worker_code) or (t.assignee_department or ""),
        ),
        Column(
            _tr("Age"),
            lambda t: span(clock() - t.reported_at),
            sort_key=lambda t: -t.reported_at.timestamp(),
        ),
    ]
