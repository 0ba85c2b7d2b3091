"""The evaluation steps of the case loop (延期, 回访), named in one place.

Views of :data:`~gridcommand.db.actions.caseloop.CASE_LOOP`, which holds them like
every other step (and migration ``0007`` mirrors them in ``case_actions``). The
field's steps are written by the triggers of migration 0007 under these names.
"""

from __future__ import annotations

from gridcommand.db.actions.caseloop import CASE_LOOP, CaseAction

#: Trace names written by the database: the assignee's request, the hotline's
#: call-back and the reopening an unsatisfied call-back may cause.
FIELD_STEPS: tuple[CaseAction, ...] = (
    CaseAction.REQUEST_EXTENSION,
    CaseAction.FEEDBACK,
    CaseAction.REOPEN,
)

#: The supervisor's decisions on a pending extension, with how a refusal names them.
DECISIONS: dict[CaseAction, str] = {
    a: CASE_LOOP[a].past for a in (CaseAction.APPROVE_EXTENSION, CaseAction.REFUSE_EXTENSION)
}

#: Statuses in which a case is being worked on and so can be extended.
EXTENSIBLE: tuple[str, ...] = tuple(CASE_LOOP[CaseAction.APPROVE_EXTENSION].from_statuses)

#: The roles that decide on extensions.
DECIDERS: tuple[str, ...] = tuple(sorted(CASE_LOOP[CaseAction.APPROVE_EXTENSION].roles))
