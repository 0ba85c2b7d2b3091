"""How a ticket reads in a queue: its columns, its traffic light, its countdown.

Kept apart from the queue widget so that the same columns serve every queue, the
snapshot and the tests. Text that depends on the clock ("overdue by 1 h 12 min")
is computed when Qt asks for it; the queue's timer asks every second.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache
from typing import Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon

from gridcommand.resources.icons import icon_path
from gridcommand.resources.palette import LIGHT, NO_LIGHT
from gridcommand.resources.vocabulary import priority_name, source_name, ticket_status_name
from gridcommand.widgets.record_table import Column


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
    def category_code(self) -> str: ...
    @property
    def grid_code(self) -> str | None: ...
    @property
    def grid(self) -> str | None:
        """The grid responsible: named by the field, else located from the point."""
        ...

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


def span(delta: timedelta) -> str:
    """A duration as an operator reads it: '2 d 3 h', '1 h 05 min', '4 min'."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rem = divmod(minutes, 1440)
    hours, mins = divmod(rem, 60)
    if days:
        return (
            QCoreApplication.translate("TicketColumns", "%1 d %2 h")
            .replace("%1", str(days))
            .replace("%2", str(hours))
        )
    if hours:
        return (
            QCoreApplication.translate("TicketColumns", "%1 h %2 min")
            .replace("%1", str(hours))
            .replace("%2", f"{mins:02d}")
        )
    return QCoreApplication.translate("TicketColumns", "%1 min").replace("%1", str(mins))


def countdown(ticket: TicketLike, now: datetime) -> str:
    left = ticket.deadline - now
    if left.total_seconds() < 0:
        return QCoreApplication.translate("TicketColumns", "overdue by %1").replace(
            "%1", span(left)
        )
    return QCoreApplication.translate("TicketColumns", "%1 left").replace("%1", span(left))


@cache
def emergency_icon() -> QIcon:
    """The package's own emergency sign (an emoji needs a font the wall PC may lack)."""
    return QIcon(icon_path("emergency"))


def ticket_columns(
    clock: Callable[[], datetime],
    time_state: Callable[[TicketLike, datetime], str],
    grid_name: Callable[[str | None], str],
    worker_name: Callable[[str | None], str],
) -> list[Column[TicketLike]]:
    def light(t: TicketLike) -> str:
        return LIGHT.get(time_state(t, clock()), NO_LIGHT)

    return [
        Column(
            QCoreApplication.translate("TicketColumns", "Code"),
            lambda t: t.code,
            sort_key=lambda t: t.id,
            tooltip=lambda t: t.description,
            decoration=lambda t: emergency_icon() if t.is_emergency else None,
        ),
        Column(
            QCoreApplication.translate("TicketColumns", "Deadline"),
            lambda t: "● " + countdown(t, clock()),
            sort_key=lambda t: t.deadline.timestamp(),
            foreground=light,
        ),
        Column(QCoreApplication.translate("TicketColumns", "Category"), lambda t: t.category_name),
        Column(QCoreApplication.translate("TicketColumns", "Grid"), lambda t: grid_name(t.grid)),
        Column(
            QCoreApplication.translate("TicketColumns", "Source"), lambda t: source_name(t.source)
        ),
        Column(
            QCoreApplication.translate("TicketColumns", "Priority"),
            lambda t: priority_name(t.priority),
            sort_key=lambda t: t.priority,
        ),
        Column(
            QCoreApplication.translate("TicketColumns", "Status"),
            lambda t: ticket_status_name(t.status),
        ),
        Column(
            QCoreApplication.translate("TicketColumns", "Assignee"),
            lambda t: worker_name(t.assignee_worker_code) or (t.assignee_department or ""),
        ),
        Column(
            QCoreApplication.translate("TicketColumns", "Age"),
            lambda t: span(clock() - t.reported_at),
            sort_key=lambda t: -t.reported_at.timestamp(),
        ),
    ]
