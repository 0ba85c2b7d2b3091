"""The one transaction every command-centre action runs in.

Read the ticket, refuse what the role, the scope or the case loop forbids, then
``UPDATE ... WHERE id = :id AND version = :seen``: the version the operator saw is
the lock, so of two officers acting at once exactly one wins and the other is
told who did. The trace row is written in the same transaction by the database's
trigger (migration 0004), which also checks the step against the case loop for the
login's role, stamps the version and the step times, and records the login. The
``gridcommand.*`` settings only name the action and the operator; the trigger checks
that name against the login.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from psycopg import errors as pg_errors
from sqlalchemy import BigInteger, Connection, Engine, Text, cast, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import aliased

from gridcommand.db.actions import refusals
from gridcommand.db.actions.caseloop import (
    CASE_LOOP,
    PAST,
    ROLE_ACTIONS,
    CaseAction,
    statuses_allowing,
)
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
            raise ActionRefused(refusals.DATABASE_REFUSED, detail=detail) from None
        raise


def read_for(
    conn: Connection, operator: Operator, action: str, ticket_id: int, seen_version: int
) -> Seen:
    """The ticket, locked by its version: still as the operator saw it, and at a step
    from which ``action`` is taken; else the refusal that says which it is not."""
    seen = read(conn, ticket_id, operator)
    if seen.version != seen_version:
        raise stale(conn, ticket_id)
    if seen.status not in statuses_allowing(action):
        raise cannot_now(seen, action)
    return seen


def cannot_now(seen: Seen, action: str) -> ActionRefused:
    """The ticket has moved to a step from which ``action`` is not taken."""
    return ActionRefused(
        refusals.NOT_NOW, code=seen.code, status=seen.status, action=action, past=PAST[action]
    )


def check_role(operator: Operator, action: str) -> None:
    if action not in ROLE_ACTIONS.get(operator.role, frozenset()):
        raise ActionRefused(
            refusals.ROLE_MAY_NOT, role=operator.role, action=action, past=PAST[action]
        )


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
        raise TicketNotFound(refusals.NOT_FOUND, ticket=ticket_id)
    seen = Seen(*row)
    if not operator.covers(seen.community, seen.street):
        raise ActionRefused(
            refusals.OUTSIDE_JURISDICTION,
            code=seen.code,
            level=operator.scope_level,
            scope=operator.scope_code,
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


def trace_of_this_transaction(conn: Connection, ticket_id: int) -> tuple[int, Any]:
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
        seen = read_for(conn, operator, action, ticket_id, seen_version)
        values = plan(conn, seen)
        target = CASE_LOOP[CaseAction(action)].target or seen.status
        text = note(seen) if callable(note) else note
        version, status = seen_version, seen.status
        if action == CaseAction.DISPATCH and status == "reported":
            # An emergency skips the queue, not its registration: that step is traced too.
            name_the_writer(conn, operator, CaseAction.REGISTER, "")
            registered = conn.execute(
                update(Ticket)
                .where(Ticket.id == ticket_id, Ticket.version == version, Ticket.status == status)
                .values(status="registered")
                .returning(Ticket.version)
            ).scalar_one_or_none()
            if registered is None:
                raise stale(conn, ticket_id)
            version, status = registered, "registered"
        name_the_writer(conn, operator, action, text)
        row = conn.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id, Ticket.version == version, Ticket.status == status)
            .values(status=target, **values)
            .returning(
                Ticket.version,
                Ticket.assignee_worker_code,
                Ticket.assignee_department,
                Ticket.priority,
            )
        ).one_or_none()
        if row is None:  # another writer committed between our read and our update
            raise stale(conn, ticket_id)
        trace_id, at = trace_of_this_transaction(conn, ticket_id)
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
