"""Correcting a report's category (改类), traced like every other action.

A hotline or WeChat report often arrives under a vague or wrong item; the
dispatcher puts it under the right one, usually one the text model suggested.
The status does not change, so the trace row is written here, in the same
transaction as the change, under the same optimistic lock as every action.
Kept apart from the case-loop table: re-categorising is allowed while the case is
still the command centre's to route (before it is handled), by those who route.
The deadline stays the one the report was given: the reporter was promised it.
"""

from __future__ import annotations

from sqlalchemy import Engine, select, update

from gridcommand.db.actions.core import (
    database_refusals,
    name_the_writer,
    read,
    stale,
    write_trace,
)
from gridcommand.db.actions.types import ActionRefused, ActionResult, Operator
from gridcommand.db.schema.models import Category, Ticket

ACTION = "recategorize"
ROLES = frozenset({"dispatcher", "supervisor"})
STATUSES = frozenset({"reported", "registered", "dispatched", "in_progress"})


def recategorize(
    engine: Engine,
    operator: Operator,
    ticket_id: int,
    seen_version: int,
    *,
    category_code: str,
    note: str = "",
) -> ActionResult:
    if operator.role not in ROLES:
        raise ActionRefused(f"A {operator.role} may not change a ticket's category.")
    with database_refusals(), engine.begin() as conn:
        seen = read(conn, ticket_id, operator)
        if seen.version != seen_version:
            raise stale(conn, ticket_id)
        if seen.status not in STATUSES:
            raise ActionRefused(
                f"Ticket {seen.code} is {seen.status}: its category can no longer be changed."
            )
        new_name = conn.execute(
            select(Category.name).where(Category.code == category_code)
        ).scalar_one_or_none()
        if new_name is None:
            raise ActionRefused(f"There is no item type {category_code!r}.")
        old_code, old_name = conn.execute(
            select(Ticket.category_code, Category.name)
            .join(Category, Category.code == Ticket.category_code)
            .where(Ticket.id == ticket_id)
        ).one()
        if old_code == category_code:
            raise ActionRefused(f"Ticket {seen.code} is already filed under {new_name}.")
        text = f"{old_name} ({old_code}) → {new_name} ({category_code})"
        text += f": {note.strip()}" if note.strip() else ""
        name_the_writer(conn, operator, ACTION, text)
        row = conn.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id, Ticket.version == seen_version)
            .values(category_code=category_code, version=Ticket.version + 1)
            .returning(
                Ticket.version,
                Ticket.assignee_worker_code,
                Ticket.assignee_department,
                Ticket.priority,
            )
        ).one_or_none()
        if row is None:
            raise stale(conn, ticket_id)
        trace_id, at = write_trace(conn, operator, ACTION, seen, text)
    return ActionResult(
        ticket_id=ticket_id,
        ticket_code=seen.code,
        action=ACTION,
        from_status=seen.status,
        to_status=seen.status,
        version=row.version,
        at=at,
        trace_id=trace_id,
        assignee_worker_code=row.assignee_worker_code,
        assignee_department=row.assignee_department,
        priority=row.priority,
    )
