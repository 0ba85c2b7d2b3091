"""The command centre's own writes: the one service layer the window calls.

Each action takes the engine, the operator, the ticket id and the ``version`` the
operator saw, and either returns a frozen :class:`ActionResult` or raises a
:class:`~gridcommand.db.schema.errors.UserFacingError` (``ActionRefused``,
``TicketNotFound``, ``StaleTicket``) whose message can be shown as it is. Every
call opens and closes its own connection, so any thread may call it; nothing
is shared and no ORM object leaves it. The action names are the ones the ticket
panel emits, so :func:`perform` can route a button press directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update

from gridcommand.db.actions import refusals
from gridcommand.db.actions.caseloop import PAST, CaseAction
from gridcommand.db.actions.core import (
    Seen,
    check_role,
    database_refusals,
    name_the_writer,
    read,
    run,
    trace_of_this_transaction,
)
from gridcommand.db.actions.extensions import approve_extension, refuse_extension
from gridcommand.db.actions.recategorize import recategorize
from gridcommand.db.actions.types import (
    ActionRefused,
    ActionResult,
    Operator,
    StaleTicket,
    TicketNotFound,
)
from gridcommand.db.schema.models import Ticket, TicketAction, Worker

__all__ = [
    "ActionRefused",
    "ActionResult",
    "Operator",
    "StaleTicket",
    "TicketNotFound",
    "acknowledge",
    "approve_extension",
    "close",
    "dispatch",
    "escalate",
    "perform",
    "recategorize",
    "redispatch",
    "refuse_extension",
    "register",
    "reject",
    "send_back",
    "verify",
]

DEPARTMENT_MAX = 100  # tickets.assignee_department is String(100)


def _nothing(conn: Connection, seen: Seen) -> dict[str, Any]:
    return {}


def _reason(reason: str, action: str) -> str:
    """Refusals and rework must say why: the reporter and the worker are owed a reason."""
    text = reason.strip()
    if not text:
        raise ActionRefused(refusals.REASON_REQUIRED, action=action, past=PAST[action])
    return text


def register(
    engine: Engine, operator: Operator, ticket_id: int, seen_version: int, note: str = ""
) -> ActionResult:
    return run(engine, operator, "register", ticket_id, seen_version, note, _nothing)


def reject(
    engine: Engine, operator: Operator, ticket_id: int, seen_version: int, reason: str
) -> ActionResult:
    note = _reason(reason, "reject")
    return run(engine, operator, "reject", ticket_id, seen_version, note, _nothing)


def verify(
    engine: Engine, operator: Operator, ticket_id: int, seen_version: int, note: str = ""
) -> ActionResult:
    return run(engine, operator, "verify", ticket_id, seen_version, note, _nothing)


def close(
    engine: Engine, operator: Operator, ticket_id: int, seen_version: int, note: str = ""
) -> ActionResult:
    return run(engine, operator, "close", ticket_id, seen_version, note, _nothing)


def send_back(
    engine: Engine, operator: Operator, ticket_id: int, seen_version: int, reason: str
) -> ActionResult:
    """返工: the handling was not good enough; the same assignee must do it again."""
    note = _reason(reason, "send_back")
    # The database clears the handling and verification times: they no longer stand.
    return run(engine, operator, "send_back", ticket_id, seen_version, note, _nothing)


def _assignee(worker_code: str | None, department: str | None) -> Callable[..., dict[str, Any]]:
    if (worker_code is None) == (department is None or not department.strip()):
        raise ActionRefused(refusals.WORKER_OR_DEPARTMENT)
    if department is not None and len(department.strip()) > DEPARTMENT_MAX:
        raise ActionRefused(refusals.DEPARTMENT_TOO_LONG, limit=DEPARTMENT_MAX)

    def plan(conn: Connection, seen: Seen) -> dict[str, Any]:
        if worker_code is not None:
            active = conn.execute(
                select(Worker.active).where(Worker.code == worker_code)
            ).scalar_one_or_none()
            if not active:
                raise ActionRefused(refusals.WORKER_INACTIVE, worker=worker_code)
        # The database stamps dispatched_at and clears accepted_at for the new assignee.
        return {
            "assignee_worker_code": worker_code,
            "assignee_department": department.strip() if department else None,
        }

    return plan


def dispatch(
    engine: Engine,
    operator: Operator,
    ticket_id: int,
    seen_version: int,
    *,
    worker_code: str | None = None,
    department: str | None = None,
    note: str = "",
) -> ActionResult:
    """Send to one worker or one department (exactly one of the two)."""
    plan = _assignee(worker_code, department)
    return run(engine, operator, "dispatch", ticket_id, seen_version, note, plan)


def redispatch(
    engine: Engine,
    operator: Operator,
    ticket_id: int,
    seen_version: int,
    *,
    worker_code: str | None = None,
    department: str | None = None,
    note: str = "",
) -> ActionResult:
    """Take the case from its assignee and give it to another; they must accept anew."""
    plan = _assignee(worker_code, department)
    return run(engine, operator, "redispatch", ticket_id, seen_version, note, plan)


def escalate(
    engine: Engine, operator: Operator, ticket_id: int, seen_version: int, note: str = ""
) -> ActionResult:
    """Hand the case up to its street (emergencies go straight up): top priority.

    The status and the assignee stay; the street's command takes it over with the
    trace row naming the street, and the priority puts it first in every queue.
    """

    def plan(conn: Connection, seen: Seen) -> dict[str, Any]:
        return {"priority": 1}

    def noted(seen: Seen) -> str:
        target = f"{seen.street_name} ({seen.street})" if seen.street else "the street level"
        return f"→ {target}" + (f": {note.strip()}" if note.strip() else "")

    return run(engine, operator, "escalate", ticket_id, seen_version, noted, plan)


def acknowledge(
    engine: Engine, operator: Operator, ticket_id: int, seen_version: int, note: str = ""
) -> ActionResult:
    """Silence an emergency's alarm: who heard it, and when.

    Unlike the other actions this one does not change the case (nor its version)
    and so takes no optimistic lock: an alarm must be silenceable whatever the field
    changed since it rang. ``seen_version`` is accepted for a uniform call. It sets
    ``acknowledged_at``; the database's trigger checks the role and writes the trace.
    A lock per ticket makes a second acknowledgement return the first one
    (``changed=False``) instead of writing another.
    """
    check_role(operator, CaseAction.ACKNOWLEDGE)
    with database_refusals(), engine.begin() as conn:
        seen = read(conn, ticket_id, operator, lock=True)
        earlier = conn.execute(
            select(TicketAction.id, TicketAction.at)
            .where(
                TicketAction.ticket_id == ticket_id,
                TicketAction.action == CaseAction.ACKNOWLEDGE,
            )
            .order_by(TicketAction.id)
            .limit(1)
        ).one_or_none()
        if earlier is None:
            name_the_writer(conn, operator, CaseAction.ACKNOWLEDGE, note)
            done = conn.execute(
                update(Ticket).where(Ticket.id == ticket_id).values(acknowledged_at=func.now())
            )
            if done.rowcount != 1:
                raise ActionRefused(
                    refusals.MAY_NOT_ACKNOWLEDGE, code=seen.code, status=seen.status
                )
            trace_id, at = trace_of_this_transaction(conn, ticket_id)
        else:
            trace_id, at = earlier.id, earlier.at
    return ActionResult(
        ticket_id=ticket_id,
        ticket_code=seen.code,
        action="acknowledge",
        from_status=seen.status,
        to_status=seen.status,
        version=seen.version,
        at=at,
        trace_id=trace_id,
        assignee_worker_code=seen.assignee_worker_code,
        assignee_department=seen.assignee_department,
        priority=seen.priority,
        changed=earlier is None,
    )


_BY_NAME: dict[CaseAction, Callable[..., ActionResult]] = {
    CaseAction.ACKNOWLEDGE: acknowledge,
    CaseAction.REGISTER: register,
    CaseAction.REJECT: reject,
    CaseAction.DISPATCH: dispatch,
    CaseAction.REDISPATCH: redispatch,
    CaseAction.ESCALATE: escalate,
    CaseAction.VERIFY: verify,
    CaseAction.CLOSE: close,
    CaseAction.SEND_BACK: send_back,
    CaseAction.RECATEGORIZE: recategorize,
    CaseAction.APPROVE_EXTENSION: approve_extension,
    CaseAction.REFUSE_EXTENSION: refuse_extension,
}


def perform(
    engine: Engine,
    operator: Operator,
    action: str,
    ticket_id: int,
    seen_version: int,
    **details: Any,
) -> ActionResult:
    """Route an action by the name the ticket panel emits (``reason=``, ``worker_code=`` …)."""
    try:
        function = _BY_NAME[CaseAction(action)]
    except (KeyError, ValueError):
        raise ActionRefused(refusals.NO_SUCH_ACTION, action=repr(action)) from None
    return function(engine, operator, ticket_id, seen_version, **details)
