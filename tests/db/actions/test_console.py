"""A supervisor's mute of the siren is traced: who, with what role, until when."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from gridcommand.db.actions.console import mute_siren, unmute_siren
from gridcommand.db.actions.types import ActionRefused, Operator
from gridcommand.db.schema.models import ConsoleEvent

SUPERVISOR = Operator("lead1", "王班长", "supervisor", "district", "district")
DISPATCHER = Operator("duty1", "李值班", "dispatcher", "district", "district")


def test_a_mute_is_traced_with_who_and_until_when(engine: Engine) -> None:
    record = mute_siren(engine, SUPERVISOR, 15)
    assert record.until is not None and record.until - record.at == timedelta(minutes=15)
    unmute_siren(engine, SUPERVISOR)
    with engine.connect() as conn:
        rows = conn.execute(select(ConsoleEvent).order_by(ConsoleEvent.id)).all()
    assert [(r.kind, r.actor, r.actor_role) for r in rows] == [
        ("mute_siren", "王班长 (lead1)", "supervisor"),
        ("unmute_siren", "王班长 (lead1)", "supervisor"),
    ]
    assert rows[0].until == record.until and rows[1].until is None


def test_only_a_supervisor_mutes_and_only_for_a_set_time(engine: Engine) -> None:
    with pytest.raises(ActionRefused, match="supervisor"):
        mute_siren(engine, DISPATCHER, 5)
    with pytest.raises(ActionRefused, match="minutes"):
        mute_siren(engine, SUPERVISOR, 600)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM console_events")).scalar_one() == 0


def test_the_mute_trace_cannot_be_edited(engine: Engine) -> None:
    mute_siren(engine, SUPERVISOR, 5)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("UPDATE console_events SET until = NULL"))
