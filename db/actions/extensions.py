"""延期: a supervisor's decision on the extension an assignee asked for.

The request arrives through the field contract (a ``ticket_extensions`` row, traced
``request_extension`` by the database). The decision is an UPDATE of that row; no
operator may write ``tickets.deadline``, so the database's trigger (migration 0007)
moves the deadline on an approval, in the same transaction, and touches the ticket
under the decision's name: 0004's guard checks it for the login's role, stamps the
version and writes the trace. The role, the scope, the case loop and the optimistic
lock are checked here first, as for every action.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, select, update

from gridcommand.db.actions import refusals
from gridcommand.db.actions.caseloop import CaseAction
from gridcommand.db.actions.core import (
    Seen,
    check_role,
    database_refusals,
    name_the_writer,
    read_for,
    stale,
    trace_of_this_transaction,
)
from gridcommand.db.actions.types import ActionRefused, ActionResult, Operator
from gridcommand.db.schema.models import ExtensionStatus, Ticket, TicketExtension


def _pending(conn: Connection, seen: Seen) -> Any:
    row = conn.execute(
        select(TicketExtension.id, TicketExtension.new_deadline, TicketExtension.reason).where(
            TicketExtension.ticket_id == seen.id,
            TicketExtension.status == ExtensionStatus.PENDING.value,
        )
    ).one_or_none()
    if row is None:
        raise ActionRefused(refusals.NO_EXTENSION_WAITING, code=seen.code)
    return row


def _decide(
    engine: Engine,
    operator: Operator,
    action: CaseAction,
    ticket_id: int,
    seen_version: int,
    status: ExtensionStatus,
    note: str,
) -> ActionResult:
    check_role(operator, action)
    with database_refusals(), engine.begin() as conn:
        seen = read_for(conn, operator, action, ticket_id, seen_version)
        pending = _pending(conn, seen)
        name_the_writer(conn, operator, action, note)
        decided = conn.execute(
            update(TicketExtension)
            .where(
                TicketExtension.id == pending.id,
                TicketExtension.status == ExtensionStatus.PENDING.value,
            )
            .values(status=status.value, decision_note=note)
            .returning(TicketExtension.id)
        ).one_or_none()
        row = conn.execute(
            select(
                Ticket.version,
                Ticket.assignee_worker_code,
                Ticket.assignee_department,
                Ticket.priority,
            ).where(Ticket.id == ticket_id)
        ).one()
        # The trigger's touch is the only change this transaction may make to the ticket.
        if decided is None or row.version != seen_version + 1:
            raise stale(conn, ticket_id)
        trace_id, at = trace_of_this_transaction(conn, ticket_id)
    return ActionResult(
        ticket_id=ticket_id,
        ticket_code=seen.code,
        action=action,
        from_status=seen.status,
        to_status=seen.status,
        version=row.version,
        at=at,
        trace_id=trace_id,
        assignee_worker_code=row.assignee_worker_code,
        assignee_department=row.assignee_department,
        priority=row.priority,
    )


def approve_extension(
    engine: Engine, operator: Operator, ticket_id: int, seen_version: int, note: str = ""
) -> ActionResult:
    """Grant the pending extension: the database moves the deadline to the one asked for."""
    return _decide(
        engine,
        operator,
        CaseAction.APPROVE_EXTENSION,
        ticket_id,
        seen_version,
        ExtensionStatus.APPROVED,
        note.strip(),
    )


def refuse_extension(
    engine: Engine, operator: Operator, ticket_id: int, seen_version: int, reason: str
) -> ActionResult:
    """Refuse the pending extension, saying why; the deadline stays."""
    text = reason.strip()
    if not text:
        raise ActionRefused(refusals.EXTENSION_REASON_REQUIRED)
    return _decide(
        engine,
        operator,
        CaseAction.REFUSE_EXTENSION,
        ticket_id,
        seen_version,
        ExtensionStatus.REFUSED,
        text,
    )
