"""延期: a supervisor's decision on the extension an assignee asked for.

The request arrives through the field contract (a ``ticket_extensions`` row, traced
``request_extension`` by the database). Approving it moves ``tickets.deadline`` to
the new deadline in the same transaction as the decision and its trace, so the
deadline lights and the KPIs follow the approved deadline; refusing it keeps the
deadline. Both go through :func:`~gridcommand.db.actions.core.run`, so the role, the
scope, the case loop and the optimistic lock are checked as for every action.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update

from gridcommand.db.actions.core import Seen, run
from gridcommand.db.actions.types import ActionRefused, ActionResult, Operator
from gridcommand.db.schema.models import ExtensionStatus, TicketExtension


def _pending(conn: Connection, seen: Seen) -> Any:
    row = conn.execute(
        select(TicketExtension.id, TicketExtension.new_deadline, TicketExtension.reason).where(
            TicketExtension.ticket_id == seen.id,
            TicketExtension.status == ExtensionStatus.PENDING.value,
        )
    ).one_or_none()
    if row is None:
        raise ActionRefused(f"Ticket {seen.code} has no extension waiting for a decision.")
    return row


def _decide(
    conn: Connection, extension_id: int, status: str, operator: Operator, note: str
) -> None:
    conn.execute(
        update(TicketExtension)
        .where(TicketExtension.id == extension_id)
        .values(status=status, decided_by=operator.actor, decided_at=func.now(), decision_note=note)
    )


def _when(moment: datetime) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M}"


def approve_extension(
    engine: Engine, operator: Operator, ticket_id: int, seen_version: int, note: str = ""
) -> ActionResult:
    """Grant the pending extension: the ticket's deadline becomes the one asked for."""
    asked: dict[str, Any] = {}

    def plan(conn: Connection, seen: Seen) -> dict[str, Any]:
        pending = _pending(conn, seen)
        asked["deadline"] = pending.new_deadline
        _decide(conn, pending.id, ExtensionStatus.APPROVED.value, operator, note.strip())
        return {"deadline": pending.new_deadline}

    def noted(seen: Seen) -> str:
        text = f"→ {_when(asked['deadline'])}"
        return text + (f": {note.strip()}" if note.strip() else "")

    return run(engine, operator, "approve_extension", ticket_id, seen_version, noted, plan)


def refuse_extension(
    engine: Engine, operator: Operator, ticket_id: int, seen_version: int, reason: str
) -> ActionResult:
    """Refuse the pending extension, saying why; the deadline stays."""
    text = reason.strip()
    if not text:
        raise ActionRefused("Say why the extension is refused: a reason is required.")

    def plan(conn: Connection, seen: Seen) -> dict[str, Any]:
        pending = _pending(conn, seen)
        _decide(conn, pending.id, ExtensionStatus.REFUSED.value, operator, text)
        return {}

    return run(engine, operator, "refuse_extension", ticket_id, seen_version, text, plan)
