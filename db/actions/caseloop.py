"""The case loop's rules: which action may follow which status, and who may take it.

One table serves the ticket panel (which buttons are enabled) and the service
layer (which writes it refuses), so a button can never offer what the database
side would then reject, nor the other way round. Plain data, no Qt.
"""

from __future__ import annotations

from gridcommand.db.actions.evaluation_steps import DECIDERS, DECISIONS, EXTENSIBLE
from gridcommand.db.schema.models import TicketStatus

#: Which actions may follow a status. ``acknowledge`` (silencing an emergency's
#: alarm) follows any status and is therefore not listed here.
NEXT_ACTIONS: dict[str, tuple[str, ...]] = {
    "reported": ("register", "reject", "dispatch", "escalate"),
    "registered": ("dispatch", "escalate"),
    "dispatched": ("redispatch", "escalate"),
    "in_progress": ("redispatch", "escalate"),
    "handled": ("verify", "send_back"),
    "verified": ("close", "send_back"),
}

#: Which roles may take which actions. Viewers (wall screens) and managers (figures)
#: never act; supervisors can do everything a dispatcher can, and verify and close.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset(),
    "manager": frozenset(),
    "dispatcher": frozenset(
        {"acknowledge", "register", "reject", "dispatch", "redispatch", "escalate"}
    ),
    "supervisor": frozenset(
        {
            "acknowledge",
            "register",
            "reject",
            "dispatch",
            "redispatch",
            "escalate",
            "verify",
            "close",
            "send_back",
        }
    ),
}

ROLES: tuple[str, ...] = ("viewer", "dispatcher", "supervisor", "manager")

#: The status an action leaves the ticket in; ``None``: the status does not change.
TARGET_STATUS: dict[str, str | None] = {
    "acknowledge": None,
    "register": TicketStatus.REGISTERED.value,
    "reject": TicketStatus.REJECTED.value,
    "dispatch": TicketStatus.DISPATCHED.value,
    "redispatch": TicketStatus.DISPATCHED.value,
    "escalate": None,
    "verify": TicketStatus.VERIFIED.value,
    "close": TicketStatus.CLOSED.value,
    # 返工: the same worker does it again, so the case goes back to being handled.
    "send_back": TicketStatus.IN_PROGRESS.value,
}

# 延期: a supervisor's decision on an extension keeps the status (evaluation_steps).
for _status in EXTENSIBLE:
    NEXT_ACTIONS[_status] += tuple(DECISIONS)
for _role in DECIDERS:
    ROLE_ACTIONS[_role] |= frozenset(DECISIONS)
TARGET_STATUS.update(dict.fromkeys(DECISIONS))

ACTIONS: tuple[str, ...] = tuple(TARGET_STATUS)


def allowed_actions(status: str, role: str) -> set[str]:
    """What ``role`` may do to a ticket in ``status`` right now."""
    permitted = ROLE_ACTIONS.get(role, frozenset())
    return {"acknowledge"} & permitted | set(NEXT_ACTIONS.get(status, ())) & permitted


def statuses_allowing(action: str) -> frozenset[str]:
    """The statuses from which ``action`` may be taken (every status for acknowledge)."""
    if action == "acknowledge":
        return frozenset(s.value for s in TicketStatus)
    return frozenset(s for s, actions in NEXT_ACTIONS.items() if action in actions)
