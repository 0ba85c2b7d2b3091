"""The case loop's one vocabulary: every action, where it may start, where it leaves
the ticket, who may take it, whether it needs a reason, its key and its past tense.

One table (:data:`CASE_LOOP`) serves the ticket panel (which buttons are enabled, the
key legend), the service layer (which writes it refuses) and the database: migration
``0004`` holds the same rows in ``case_actions`` and a trigger refuses every status
change that is not one of them for the acting login's role
(``tests/db/actions/test_caseloop_mirror.py`` checks that the two agree). So a button
can never offer what the database would then reject, nor the other way round. Plain
data, no Qt.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gridcommand.db.schema.models import TicketStatus


class CaseAction(enum.StrEnum):
    """Everything done to a ticket, as the trace names it."""

    REPORT = "report"
    ACKNOWLEDGE = "acknowledge"
    REGISTER = "register"
    REJECT = "reject"
    DISPATCH = "dispatch"
    REDISPATCH = "redispatch"
    ESCALATE = "escalate"
    PRIORITISE = "prioritise"
    ACCEPT = "accept"
    RETURN = "return"
    PROGRESS = "progress"
    HANDLE = "handle"
    VERIFY = "verify"
    CLOSE = "close"
    SEND_BACK = "send_back"
    RECATEGORIZE = "recategorize"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REFUSE_EXTENSION = "refuse_extension"
    FEEDBACK = "feedback"
    REOPEN = "reopen"


class Role(enum.StrEnum):
    """Who acts: the four operator roles and the field systems."""

    VIEWER = "viewer"
    DISPATCHER = "dispatcher"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    FIELD = "field"


S = TicketStatus
_OPEN = (S.REPORTED, S.REGISTERED, S.DISPATCHED, S.IN_PROGRESS)
#: A case being worked on: what an extension (延期) may be asked for and decided on.
_WORKED_ON = (S.DISPATCHED, S.IN_PROGRESS)
_ANY = tuple(TicketStatus)
_DESK = frozenset({Role.DISPATCHER, Role.SUPERVISOR})
_SUPERVISOR = frozenset({Role.SUPERVISOR})
_FIELD = frozenset({Role.FIELD})


@dataclass(frozen=True, slots=True)
class Step:
    """One row of the case loop."""

    action: CaseAction
    #: The statuses the action may start from.
    from_statuses: tuple[TicketStatus, ...]
    #: Where it leaves the ticket; None: the status does not change.
    target: TicketStatus | None
    roles: frozenset[Role]
    reason_needed: bool
    #: The console's key for it ("" when it has none).
    key: str
    #: How a sentence names it: "cannot be dispatched".
    past: str


#: The whole loop. ``report`` is an INSERT and ``progress`` a note; neither changes a status.
CASE_LOOP: dict[CaseAction, Step] = {
    s.action: s
    for s in (
        Step(CaseAction.REPORT, (), S.REPORTED, _FIELD, False, "", "reported"),
        Step(CaseAction.ACKNOWLEDGE, _ANY, None, _DESK, False, "A", "acknowledged"),
        Step(CaseAction.REGISTER, (S.REPORTED,), S.REGISTERED, _DESK, False, "R", "registered"),
        Step(CaseAction.REJECT, (S.REPORTED,), S.REJECTED, _DESK, True, "", "rejected"),
        Step(
            CaseAction.DISPATCH,
            (S.REPORTED, S.REGISTERED),
            S.DISPATCHED,
            _DESK,
            False,
            "D",
            "dispatched",
        ),
        Step(
            CaseAction.REDISPATCH,
            (S.DISPATCHED, S.IN_PROGRESS),
            S.DISPATCHED,
            _DESK,
            False,
            "",
            "re-dispatched",
        ),
        Step(CaseAction.ESCALATE, _OPEN, None, _DESK, False, "", "escalated"),
        # A priority change other than an escalation: the database traces it too.
        Step(CaseAction.PRIORITISE, _OPEN, None, _DESK, False, "", "re-prioritised"),
        Step(CaseAction.ACCEPT, (S.DISPATCHED,), S.IN_PROGRESS, _FIELD, False, "", "accepted"),
        Step(CaseAction.RETURN, (S.DISPATCHED,), S.REGISTERED, _FIELD, True, "", "handed back"),
        Step(CaseAction.PROGRESS, (S.IN_PROGRESS,), None, _FIELD, False, "", "noted"),
        Step(CaseAction.HANDLE, (S.IN_PROGRESS,), S.HANDLED, _FIELD, False, "", "handled"),
        Step(CaseAction.VERIFY, (S.HANDLED,), S.VERIFIED, _SUPERVISOR, False, "V", "verified"),
        Step(CaseAction.CLOSE, (S.VERIFIED,), S.CLOSED, _SUPERVISOR, False, "C", "closed"),
        # 返工: the same worker does it again, so the case goes back to being in progress.
        Step(
            CaseAction.SEND_BACK,
            (S.HANDLED, S.VERIFIED),
            S.IN_PROGRESS,
            _SUPERVISOR,
            True,
            "B",
            "sent back",
        ),
        # 改类: the category, while the case is still the command centre's to route.
        Step(CaseAction.RECATEGORIZE, _OPEN, None, _DESK, False, "", "re-categorised"),
        # 延期: the assignee asks through the field contract; a supervisor decides.
        Step(
            CaseAction.REQUEST_EXTENSION,
            _WORKED_ON,
            None,
            _FIELD,
            True,
            "",
            "asked for an extension",
        ),
        Step(
            CaseAction.APPROVE_EXTENSION,
            _WORKED_ON,
            None,
            _SUPERVISOR,
            False,
            "",
            "given an extension",
        ),
        Step(
            CaseAction.REFUSE_EXTENSION,
            _WORKED_ON,
            None,
            _SUPERVISOR,
            True,
            "",
            "refused an extension",
        ),
        # 回访: the hotline's back end (a field login) calls back on a closed case; an
        # unsatisfied result reopens it when loop_rules.reopen_on_unsatisfied is on. The
        # rule acts as the login that wrote the call-back.
        Step(CaseAction.FEEDBACK, (S.CLOSED,), None, _FIELD, False, "", "called back"),
        Step(CaseAction.REOPEN, (S.CLOSED,), S.DISPATCHED, _FIELD, False, "", "reopened"),
    )
}

#: The actions an operator takes from the console, in the order of the buttons.
CONSOLE_ACTIONS: tuple[CaseAction, ...] = tuple(
    a for a, s in CASE_LOOP.items() if s.roles & _DESK and a is not CaseAction.PRIORITISE
)
#: The field systems' three steps on a ticket assigned to them.
FIELD_STEPS: tuple[CaseAction, ...] = (CaseAction.ACCEPT, CaseAction.RETURN, CaseAction.HANDLE)

ROLES: tuple[str, ...] = (Role.VIEWER, Role.DISPATCHER, Role.SUPERVISOR, Role.MANAGER)

#: Key, action: the key legend and the detail panel's buttons carry the same letters.
SHORTCUTS: tuple[tuple[str, CaseAction], ...] = tuple(
    (s.key, a) for a, s in CASE_LOOP.items() if s.key
)
#: Actions that need a reason typed by the officer.
NEEDS_REASON: frozenset[CaseAction] = frozenset(
    a for a in CONSOLE_ACTIONS if CASE_LOOP[a].reason_needed
)

# -- views of the table, for callers that ask one question --------------------------

#: Which roles may take which console actions. Viewers (wall screens) and managers
#: (figures) never act; supervisors can do everything a dispatcher can, and verify and close.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    role: frozenset(a for a in CONSOLE_ACTIONS if role in CASE_LOOP[a].roles) for role in ROLES
}

#: Which console actions may follow a status (``acknowledge`` follows any and is left out).
NEXT_ACTIONS: dict[str, tuple[str, ...]] = {
    status: tuple(
        a
        for a in CONSOLE_ACTIONS
        if a is not CaseAction.ACKNOWLEDGE and status in CASE_LOOP[a].from_statuses
    )
    for status in TicketStatus
    if status not in (S.CLOSED, S.REJECTED)
}

#: The status a console action leaves the ticket in; ``None``: the status does not change.
TARGET_STATUS: dict[str, str | None] = {a: CASE_LOOP[a].target for a in CONSOLE_ACTIONS}

ACTIONS: tuple[str, ...] = CONSOLE_ACTIONS

#: How a refused action is named in a sentence.
PAST: dict[str, str] = {a: s.past for a, s in CASE_LOOP.items()}


def allowed_actions(status: str, role: str) -> set[str]:
    """What ``role`` may do from the console to a ticket in ``status`` right now."""
    return {
        a
        for a in CONSOLE_ACTIONS
        if role in CASE_LOOP[a].roles and status in CASE_LOOP[a].from_statuses
    }


def statuses_allowing(action: str) -> frozenset[str]:
    """The statuses from which ``action`` may be taken (every status for acknowledge)."""
    return frozenset(CASE_LOOP[CaseAction(action)].from_statuses)
