"""The console's own decisions, traced like ticket actions: muting the siren.

During a mute an emergency is seen but not heard, so who muted, with what role,
and until when, is written to ``console_events`` (append-only) before the siren
goes quiet. Only a supervisor may mute; the database grants the insert to
``gc_supervisor`` alone, and the check here says so in a sentence first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, insert, select

from gridcommand.db.actions import refusals
from gridcommand.db.actions.core import database_refusals
from gridcommand.db.actions.types import ActionRefused, Operator
from gridcommand.db.schema.models import ConsoleEvent

#: The mutes a supervisor may choose, in minutes.
MUTE_MINUTES = (5, 15, 30)
SPANS = "/".join(str(m) for m in MUTE_MINUTES)
MUTE_ROLES = frozenset({"supervisor"})


@dataclass(frozen=True, slots=True)
class MuteRecord:
    """One traced mute (or its early end): who, when, until when."""

    id: int
    kind: str
    actor: str
    actor_role: str
    at: datetime
    until: datetime | None


def mute_siren(engine: Engine, operator: Operator, minutes: int) -> MuteRecord:
    """Trace a mute of ``minutes`` (one of :data:`MUTE_MINUTES`) by ``operator``."""
    if operator.role not in MUTE_ROLES:
        raise ActionRefused(refusals.MAY_NOT_MUTE, role=operator.role)
    if minutes not in MUTE_MINUTES:
        raise ActionRefused(refusals.MUTE_SPAN, spans=SPANS, minutes=minutes)
    return _write(engine, operator, "mute_siren", timedelta(minutes=minutes))


def unmute_siren(engine: Engine, operator: Operator) -> MuteRecord:
    """Trace that the siren sounds again before its mute ran out."""
    if operator.role not in MUTE_ROLES:
        raise ActionRefused(refusals.MAY_NOT_UNMUTE, role=operator.role)
    return _write(engine, operator, "unmute_siren", None)


def _write(engine: Engine, operator: Operator, kind: str, span: timedelta | None) -> MuteRecord:
    with database_refusals(), engine.begin() as conn:
        now = conn.execute(select(func.now())).scalar_one()
        until = now + span if span is not None else None
        row = conn.execute(
            insert(ConsoleEvent)
            .values(
                kind=kind,
                actor=operator.actor,
                actor_role=operator.role,
                at=now,
                until=until,
            )
            .returning(ConsoleEvent.id, ConsoleEvent.at)
        ).one()
    return MuteRecord(row.id, kind, operator.actor, operator.role, row.at, until)
