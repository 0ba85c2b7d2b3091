"""The case loop is one table: the Python vocabulary and migration 0004's rows agree."""

from __future__ import annotations

from sqlalchemy import Engine, text

from gridcommand.db.actions.caseloop import (
    CASE_LOOP,
    NEEDS_REASON,
    SHORTCUTS,
    CaseAction,
    allowed_actions,
)


def test_the_database_holds_the_same_case_loop(engine: Engine) -> None:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT action, from_statuses, target_status, roles, reason_needed, hotkey, past"
                " FROM case_actions"
            )
        ).all()
    in_database = {
        r.action: (
            set(r.from_statuses),
            r.target_status,
            set(r.roles),
            r.reason_needed,
            r.hotkey,
            r.past,
        )
        for r in rows
    }
    in_python = {
        str(a): (
            {str(s) for s in step.from_statuses},
            str(step.target) if step.target else None,
            {str(r) for r in step.roles},
            step.reason_needed,
            step.key,
            step.past,
        )
        for a, step in CASE_LOOP.items()
    }
    assert in_database == in_python


def test_the_keys_and_reasons_come_from_the_table() -> None:
    assert dict(SHORTCUTS) == {
        "A": CaseAction.ACKNOWLEDGE,
        "R": CaseAction.REGISTER,
        "D": CaseAction.DISPATCH,
        "V": CaseAction.VERIFY,
        "C": CaseAction.CLOSE,
        "B": CaseAction.SEND_BACK,
    }
    # A refused extension must say why too (issue 12).
    assert {CaseAction.REJECT, CaseAction.SEND_BACK, CaseAction.REFUSE_EXTENSION} == NEEDS_REASON
    # The field's steps are not the console's: no operator is offered them.
    assert not allowed_actions("dispatched", "supervisor") & {"accept", "return", "handle"}
