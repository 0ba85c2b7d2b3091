"""The one transaction every command-centre action runs in.

Read the ticket, refuse what the role, the scope or the case loop forbids, then
``UPDATE ... WHERE id = :id AND version = :seen``: the version the operator saw is
the lock, so of two officers acting at once exactly one wins and the other is
told who did. The trace row is written in the same transaction (by the 0001
trigger for a status change, named through ``gridcommand.*`` settings; here for
an action that keeps the status), so a change never exists without its trace.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from psycopg import errors as pg_errors
from sqlalchemy import BigInteger, Connection, Engine, Text, cast, func, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import aliased

from gridcommand.db.actions.caseloop import ROLE_ACTIONS, TARGET_STATUS, statuses_allowing
from gridcommand.db.actions.evaluation_steps import DECISIONS
from gridcommand.db.actions.types import (
    ActionRefused,
    ActionResult,
    Operator,
    StaleTicket,
    TicketNotFound,
)
from gridcommand.db.schema.models import Grid, Region, Ticket, TicketAction

#: The first key of the advisory locks that serialise actions without a row lock.
ADVISORY_CLASS = 0x6763  # "gc"

#: How a refused action is named in a sentence: "cannot be dispatched".
PAST = {
    "acknowledge": "acknowledged",
    "register": "registered",
    "reject": "rejected",
    "dispatch": "dispatched",
    "redispatch": "re-dispatched",
    "escalate": "escalated",
    "verify": "verified",
    "close": "closed",
    "send_back": "sent back",
    **DECISIONS,
}


@dataclass(frozen=True, slots=True)
class Seen:
    """The ticket as this transaction read it, with where it lies."""

    id: int
    code: str
    status: str
    version: int
    priority: int
    grid_code: str | None
    assignee_worker_code: str | None
    assignee_department: str | None
    community: str | None
    street: str | None
    street_name: str | None


#: Column values an action sets, computed from what it read (the status is set for it).
Plan = Callable[[Connection, Seen], dict[str, Any]]


@contextmanager
def database_refusals() -> Iterator[None]:
    """A grant or a row-level policy that says no becomes a sentence, not a traceback."""
    try:
        yield
    except DBAPIError as exc:
        if isinstance(exc.orig, pg_errors.InsufficientPrivilege):
            detail = str(exc.orig).strip().splitlines()[0].rstrip(".")
            raise ActionRefused(
                f"The database refused the action for this login: {detail}."
            ) from None
        raise


def check_role(operator: Operator, action: str) -> None:
    if action not in ROLE_ACTIONS.get(operator.role, frozenset()):
        raise ActionRefused(f"A {operator.role} may not have a ticket {PAST[action]}.")


def read(conn: Connection, ticket_id: int, operator: Operator, *, lock: bool = False) -> Seen:
    community, street = aliased(Region), aliased(Region)
    query = (
        select(
            Ticket.id,
            Ticket.code,
            Ticket.status,
            Ticket.version,
            Ticket.priority,
            Ticket.grid_code,
            Ticket.assignee_worker_code,
            Ticket.assignee_department,
            community.code,
            street.code,
            street.name,
        )
        .select_from(Ticket)
        .outerjoin(Grid, Grid.code == Ticket.grid_code)
        .outerjoin(community, community.code == Grid.community_code)
        .outerjoin(street, street.code == community.parent_code)
        .where(Ticket.id == ticket_id)
    )
    if lock:
        # An advisory lock, not FOR UPDATE: row security would hide a ticket from a
        # row lock wherever the login may read but not update it (a closed case).
        conn.execute(select(func.pg_advisory_xact_lock(ADVISORY_CLASS, ticket_id % 2**31)))
    row = conn.execute(query).one_or_none()
    if row is None:
        raise TicketNotFound(f"Ticket {ticket_id} does not exist or is outside your jurisdiction.")
    seen = Seen(*row)
    if not operator.covers(seen.community, seen.street):
        raise ActionRefused(
            f"Ticket {seen.code} is outside your jurisdiction "
            f"({operator.scope_level} {operator.scope_code})."
        )
    return seen


def stale(conn: Connection, ticket_id: int) -> StaleTicket:
    """Who changed the ticket last and to what, read from the trace after they committed."""
    now = conn.execute(
        select(Ticket.code, Ticket.status, Ticket.version).where(Ticket.id == ticket_id)
    ).one()
    last = conn.execute(
        select(TicketAction.actor, TicketAction.actor_role, TicketAction.action, TicketAction.at)
        .where(TicketAction.ticket_id == ticket_id)
        .order_by(TicketAction.id.desc())
        .limit(1)
    ).one_or_none()
    return StaleTicket(
        ticket_id=ticket_id,
        ticket_code=now.code,
        status=now.status,
        version=now.version,
        changed_by=last.actor if last else None,
        changed_by_role=last.actor_role if last else None,
        changed_action=last.action if last else None,
        changed_at=last.at if last else None,
    )


def name_the_writer(conn: Connection, operator: Operator, action: str, note: str) -> None:
    """Tell the 0001 trace trigger who acts and why, for this transaction only."""
    for key, value in (
        ("gridcommand.actor", operator.actor),
        ("gridcommand.actor_role", operator.role),
        ("gridcommand.action", action),
        ("gridcommand.note", note),
    ):
        conn.execute(select(func.set_config(key, value, True)))


def write_trace(
    conn: Connection, operator: Operator, action: str, seen: Seen, note: str
) -> tuple[int, Any]:
    row = conn.execute(
        insert(TicketAction)
        .values(
            ticket_id=seen.id,
            action=action,
            from_status=seen.status,
            to_status=seen.status,
            actor=operator.actor,
            actor_role=operator.role,
            note=note,
        )
        .returning(TicketAction.id, TicketAction.at)
    ).one()
    return row.id, row.at


def _trace_of_this_transaction(conn: Connection, ticket_id: int) -> tuple[int, Any]:
    this_txid = cast(cast(func.pg_current_xact_id(), Text), BigInteger)
    row = conn.execute(
        select(TicketAction.id, TicketAction.at)
        .where(TicketAction.ticket_id == ticket_id, TicketAction.txid == this_txid)
        .order_by(TicketAction.id.desc())
        .limit(1)
    ).one()
    return row.id, row.at


def run(
    engine: Engine,
    operator: Operator,
    action: str,
    ticket_id: int,
    seen_version: int,
    note: str | Callable[[Seen], str],
    plan: Plan,
) -> ActionResult:
    """Check, update under the optimistic lock, and trace: all or nothing."""
    check_role(operator, action)
    with database_refusals(), engine.begin() as conn:
        seen = read(conn, ticket_id, operator)
        if seen.version != seen_version:
            raise stale(conn, ticket_id)
        if seen.status not in statuses_allowing(action):
            raise ActionRefused(
                f"Ticket {seen.code} is {seen.status}: it cannot be {PAST[action]} now."
            )
        values = plan(conn, seen)
        target = TARGET_STATUS[action] or seen.status
        text = note(seen) if callable(note) else note
        name_the_writer(conn, operator, action, text)
        row = conn.execute(
            update(Ticket)
            .where(
                Ticket.id == ticket_id,
                Ticket.version == seen_version,
                Ticket.status == seen.status,
            )
            .values(status=target, version=Ticket.version + 1, **values)
            .returning(
                Ticket.version,
                Ticket.assignee_worker_code,
                Ticket.assignee_department,
                Ticket.priority,
            )
        ).one_or_none()
        if row is None:  # another writer committed between our read and our update
            raise stale(conn, ticket_id)
        if target == seen.status:
            trace_id, at = write_trace(conn, operator, action, seen, text)
        else:
            trace_id, at = _trace_of_this_transaction(conn, ticket_id)
    return ActionResult(
        ticket_id=ticket_id,
        ticket_code=seen.code,
        action=action,
        from_status=seen.status,
        to_status=target,
        version=row.version,
        at=at,
        trace_id=trace_id,
        assignee_worker_code=row.assignee_worker_code,
        assignee_department=row.assignee_department,
        priority=row.priority,
    )
