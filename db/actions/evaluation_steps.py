"""The evaluation steps of the case loop (延期, 回访), named in one place.

Plain data, imported by :mod:`caseloop` (which statuses and roles allow the
supervisor's decisions), :mod:`core` (how a refusal is phrased) and
:mod:`extensions` (the decisions themselves). The field's steps are written by
the triggers of migration 0005 under the names below.
"""

from __future__ import annotations

#: Trace names written by the database: the assignee's request, the hotline's
#: call-back and the reopening an unsatisfied call-back may cause.
FIELD_STEPS: tuple[str, ...] = ("request_extension", "feedback", "reopen")

#: The supervisor's decisions on a pending extension, with how a refusal names them.
DECISIONS: dict[str, str] = {
    "approve_extension": "given an extension",
    "refuse_extension": "refused an extension",
}

#: Statuses in which a case is being worked on and so can be extended.
EXTENSIBLE: tuple[str, ...] = ("dispatched", "in_progress")

#: The roles that decide on extensions.
DECIDERS: tuple[str, ...] = ("supervisor",)
