"""The command centre's words for its codes, in the user's language, in one place.

Statuses, roles, sources, priorities and actions are stored as codes (the enums of
``gridcommand.db.schema.models`` and the case loop's action names); every view that shows
one asks here for its name. Each word is marked once for translation (context
"Vocabulary"), so it reads the same in the queues, the ticket panel, the workers
table, the charts and on the map. The map's own words (legend, tooltip keys) are here
too: the page is built once and gets them as data (:func:`map_labels`).

Functions translate when called, so they follow the translator installed at the time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from gridcommand.db.schema.models import RegionLevel, TicketSource, TicketStatus, WorkerRole

CONTEXT = "Vocabulary"

# Values are QT_TRANSLATE_NOOP sources (typed ``object`` in PySide6's stubs); lupdate
# reads the literal context, so it is spelled out on every line.
TICKET_STATUSES: dict[str, object] = {
    TicketStatus.REPORTED: QT_TRANSLATE_NOOP("Vocabulary", "Reported"),
    TicketStatus.REGISTERED: QT_TRANSLATE_NOOP("Vocabulary", "Registered"),
    TicketStatus.DISPATCHED: QT_TRANSLATE_NOOP("Vocabulary", "Dispatched"),
    TicketStatus.IN_PROGRESS: QT_TRANSLATE_NOOP("Vocabulary", "In progress"),
    TicketStatus.HANDLED: QT_TRANSLATE_NOOP("Vocabulary", "Handled"),
    TicketStatus.VERIFIED: QT_TRANSLATE_NOOP("Vocabulary", "Verified"),
    TicketStatus.CLOSED: QT_TRANSLATE_NOOP("Vocabulary", "Closed"),
    TicketStatus.REJECTED: QT_TRANSLATE_NOOP("Vocabulary", "Rejected"),
}

TICKET_SOURCES: dict[str, object] = {
    TicketSource.PATROL: QT_TRANSLATE_NOOP("Vocabulary", "Patrol"),
    TicketSource.HOTLINE: QT_TRANSLATE_NOOP("Vocabulary", "Hotline 12345"),
    TicketSource.WECHAT: QT_TRANSLATE_NOOP("Vocabulary", "WeChat"),
    TicketSource.SENSOR: QT_TRANSLATE_NOOP("Vocabulary", "Sensor"),
    TicketSource.OTHER: QT_TRANSLATE_NOOP("Vocabulary", "Other"),
}

PRIORITIES: dict[int, object] = {
    1: QT_TRANSLATE_NOOP("Vocabulary", "Urgent"),
    2: QT_TRANSLATE_NOOP("Vocabulary", "High"),
    3: QT_TRANSLATE_NOOP("Vocabulary", "Normal"),
    4: QT_TRANSLATE_NOOP("Vocabulary", "Low"),
}

#: A worker's role in the grid team ("1 + X + Y").
WORKER_ROLES: dict[str, object] = {
    WorkerRole.FULL_TIME: QT_TRANSLATE_NOOP("Vocabulary", "Full-time"),
    WorkerRole.PART_TIME: QT_TRANSLATE_NOOP("Vocabulary", "Part-time"),
    WorkerRole.VOLUNTEER: QT_TRANSLATE_NOOP("Vocabulary", "Volunteer"),
}

#: A worker's position feed, as the state store judges it (``WorkerState.status``).
WORKER_STATUSES: dict[str, object] = {
    "online": QT_TRANSLATE_NOOP("Vocabulary", "online"),
    "stale": QT_TRANSLATE_NOOP("Vocabulary", "stale"),
    "offline": QT_TRANSLATE_NOOP("Vocabulary", "offline"),
}

#: The console operator's role (``gridcommand.db.actions.caseloop.ROLES``).
OPERATOR_ROLES: dict[str, object] = {
    "viewer": QT_TRANSLATE_NOOP("Vocabulary", "viewer (wall screen)"),
    "dispatcher": QT_TRANSLATE_NOOP("Vocabulary", "dispatcher"),
    "supervisor": QT_TRANSLATE_NOOP("Vocabulary", "supervisor"),
    "manager": QT_TRANSLATE_NOOP("Vocabulary", "manager"),
}

#: A level of the administrative hierarchy (an operator's jurisdiction).
REGION_LEVELS: dict[str, object] = {
    RegionLevel.DISTRICT: QT_TRANSLATE_NOOP("Vocabulary", "district"),
    RegionLevel.STREET: QT_TRANSLATE_NOOP("Vocabulary", "street"),
    RegionLevel.COMMUNITY: QT_TRANSLATE_NOOP("Vocabulary", "community"),
}

#: A step of a ticket's trace, named by what was done (``ticket_actions.action``).
ACTIONS: dict[str, object] = {
    "report": QT_TRANSLATE_NOOP("Vocabulary", "Reported"),
    "register": QT_TRANSLATE_NOOP("Vocabulary", "Registered"),
    "reject": QT_TRANSLATE_NOOP("Vocabulary", "Rejected"),
    "dispatch": QT_TRANSLATE_NOOP("Vocabulary", "Dispatched"),
    "redispatch": QT_TRANSLATE_NOOP("Vocabulary", "Re-dispatched"),
    "accept": QT_TRANSLATE_NOOP("Vocabulary", "Accepted"),
    "progress": QT_TRANSLATE_NOOP("Vocabulary", "Progress"),
    "handle": QT_TRANSLATE_NOOP("Vocabulary", "Handled"),
    "verify": QT_TRANSLATE_NOOP("Vocabulary", "Verified"),
    "close": QT_TRANSLATE_NOOP("Vocabulary", "Closed"),
    "send_back": QT_TRANSLATE_NOOP("Vocabulary", "Sent back"),
    "escalate": QT_TRANSLATE_NOOP("Vocabulary", "Escalated"),
    "acknowledge": QT_TRANSLATE_NOOP("Vocabulary", "Acknowledged"),
    "reopen": QT_TRANSLATE_NOOP("Vocabulary", "Reopened"),
    "return": QT_TRANSLATE_NOOP("Vocabulary", "Handed back by the field"),
    "recategorize": QT_TRANSLATE_NOOP("Vocabulary", "Category changed"),
    "prioritise": QT_TRANSLATE_NOOP("Vocabulary", "Re-prioritised"),
    "request_extension": QT_TRANSLATE_NOOP("Vocabulary", "Extension asked"),
    "approve_extension": QT_TRANSLATE_NOOP("Vocabulary", "Extension approved"),
    "refuse_extension": QT_TRANSLATE_NOOP("Vocabulary", "Extension refused"),
    "feedback": QT_TRANSLATE_NOOP("Vocabulary", "Call-back"),
}

#: The map's own words (legend headings and entries, tooltip keys), by page key.
MAP_WORDS: dict[str, object] = {
    "legend_alerts": QT_TRANSLATE_NOOP("Vocabulary", "Alerts"),
    "on_time": QT_TRANSLATE_NOOP("Vocabulary", "on time"),
    "last_quarter": QT_TRANSLATE_NOOP("Vocabulary", "last quarter of time"),
    "overdue": QT_TRANSLATE_NOOP("Vocabulary", "overdue"),
    "emergency": QT_TRANSLATE_NOOP("Vocabulary", "emergency"),
    "legend_grids": QT_TRANSLATE_NOOP("Vocabulary", "Grids"),
    "grid_overdue": QT_TRANSLATE_NOOP("Vocabulary", "overdue cases"),
    "grid_alerts": QT_TRANSLATE_NOOP("Vocabulary", "open alerts"),
    "grid_overloaded": QT_TRANSLATE_NOOP("Vocabulary", "> 500 households / full-timer"),
    "legend_workers": QT_TRANSLATE_NOOP("Vocabulary", "Workers"),
    "worker_cells": QT_TRANSLATE_NOOP("Vocabulary", "workers in the area (zoomed out)"),
    "cell_workers": QT_TRANSLATE_NOOP("Vocabulary", "%1 workers"),
    "cell_zoom_hint": QT_TRANSLATE_NOOP("Vocabulary", "click to zoom in"),
    "open": QT_TRANSLATE_NOOP("Vocabulary", "open"),
    "households": QT_TRANSLATE_NOOP("Vocabulary", "households"),
    "hpw": QT_TRANSLATE_NOOP("Vocabulary", "households / full-timer"),
    "code": QT_TRANSLATE_NOOP("Vocabulary", "code"),
    "status": QT_TRANSLATE_NOOP("Vocabulary", "status"),
    "deadline": QT_TRANSLATE_NOOP("Vocabulary", "deadline"),
    "grid": QT_TRANSLATE_NOOP("Vocabulary", "grid"),
    "role": QT_TRANSLATE_NOOP("Vocabulary", "role"),
    "last_fix": QT_TRANSLATE_NOOP("Vocabulary", "last fix"),
}


def translate(source: object) -> str:
    """One source string of this module in the installed language."""
    return QCoreApplication.translate(CONTEXT, str(source))


def _name(table: Mapping[Any, object], code: object) -> str:
    source = table.get(code)
    return translate(source) if source is not None else str(code)


def ticket_status_name(status: str) -> str:
    return _name(TICKET_STATUSES, status)


def source_name(source: str) -> str:
    return _name(TICKET_SOURCES, source)


def priority_name(priority: int) -> str:
    return _name(PRIORITIES, priority)


def worker_role_name(role: str) -> str:
    return _name(WORKER_ROLES, role)


def worker_status_name(status: str) -> str:
    return _name(WORKER_STATUSES, status)


def operator_role_name(role: str) -> str:
    return _name(OPERATOR_ROLES, role)


def action_name(action: str) -> str:
    return _name(ACTIONS, action)


def region_level_name(level: str) -> str:
    return _name(REGION_LEVELS, level)


def map_labels() -> dict[str, str]:
    """Every word the map page shows, by page key: its own words, the worker roles
    and statuses and the ticket statuses (the page looks codes up by the code)."""
    out: dict[str, str] = {}
    for table in (MAP_WORDS, WORKER_ROLES, WORKER_STATUSES, TICKET_STATUSES):
        for key, source in table.items():
            out[str(key)] = translate(source)
    return out
