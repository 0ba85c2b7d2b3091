"""Correcting a report's category (改类), traced like every other action.

A hotline or WeChat report often arrives under a vague or wrong item; the
dispatcher puts it under the right one, usually one the text model suggested.
It is a step of the case loop (``CaseAction.RECATEGORIZE``: an open case, before it
is handled, by those who route), so it goes through :func:`core.run`: the database's
guard checks it for the login's role, stamps the version, and its trace trigger
writes the row with the old and new item in the note (migrations 0004, 0005).
The deadline stays the one the report was given: the reporter was promised it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, select

from gridcommand.db.actions import refusals
from gridcommand.db.actions.caseloop import CASE_LOOP, CaseAction
from gridcommand.db.actions.core import Seen, run
from gridcommand.db.actions.types import ActionRefused, ActionResult, Operator
from gridcommand.db.schema.models import Category, Ticket

ACTION = CaseAction.RECATEGORIZE
#: Who may, and while the case is in which status: the case loop's row for it.
ROLES: frozenset[str] = frozenset(CASE_LOOP[ACTION].roles)
STATUSES: frozenset[str] = frozenset(CASE_LOOP[ACTION].from_statuses)


def recategorize(
    engine: Engine,
    operator: Operator,
    ticket_id: int,
    seen_version: int,
    *,
    category_code: str,
    note: str = "",
) -> ActionResult:
    said: dict[str, str] = {}

    def plan(conn: Connection, seen: Seen) -> dict[str, Any]:
        new_name = conn.execute(
            select(Category.name).where(Category.code == category_code)
        ).scalar_one_or_none()
        if new_name is None:
            raise ActionRefused(refusals.NO_SUCH_ITEM, category=repr(category_code))
        old_code, old_name = conn.execute(
            select(Ticket.category_code, Category.name)
            .join(Category, Category.code == Ticket.category_code)
            .where(Ticket.id == ticket_id)
        ).one()
        if old_code == category_code:
            raise ActionRefused(refusals.ALREADY_FILED, code=seen.code, category=new_name)
        text = f"{old_name} ({old_code}) → {new_name} ({category_code})"
        said["note"] = text + (f": {note.strip()}" if note.strip() else "")
        return {"category_code": category_code}

    return run(engine, operator, ACTION, ticket_id, seen_version, lambda _: said["note"], plan)
