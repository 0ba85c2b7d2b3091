"""A refused action, said in the operator's language.

The data layer refuses with one of the English sentences of
``gridcommand.db.actions.refusals`` and keeps its parameters apart; each is marked here
for translation (context "Refusals") and the codes among the parameters are named with
the console's vocabulary, so a 调度员 reads 调度员, not "dispatcher". Anything else
(an error this module does not know) is shown as it came.

Safe on any thread (``QCoreApplication.translate`` is): the background runner words a
refusal on the thread that caught it.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from gridcommand.db.actions.types import ActionRefused, StaleTicket
from gridcommand.resources.vocabulary import (
    action_name,
    operator_role_name,
    region_level_name,
    ticket_status_name,
)

CONTEXT = "Refusals"

#: The data layer's sentences, spelled out for lupdate (a test keeps them equal).
SENTENCES: tuple[object, ...] = (
    QT_TRANSLATE_NOOP("Refusals", "Say why the ticket is {past}: a reason is required."),
    QT_TRANSLATE_NOOP("Refusals", "Choose either a worker or a department to send the ticket to."),
    QT_TRANSLATE_NOOP("Refusals", "A department name has at most {limit} characters."),
    QT_TRANSLATE_NOOP("Refusals", "Worker {worker} is unknown or no longer active."),
    QT_TRANSLATE_NOOP("Refusals", "Ticket {code} is {status}: this login may not acknowledge it."),
    QT_TRANSLATE_NOOP("Refusals", "There is no action called {action}."),
    QT_TRANSLATE_NOOP("Refusals", "Ticket {code} has no extension waiting for a decision."),
    QT_TRANSLATE_NOOP("Refusals", "Ticket {code} is {status}: it cannot be {past} now."),
    QT_TRANSLATE_NOOP("Refusals", "Say why the extension is refused: a reason is required."),
    QT_TRANSLATE_NOOP("Refusals", "A {role} may not mute the siren; a supervisor may."),
    QT_TRANSLATE_NOOP("Refusals", "The siren can be muted for {spans} minutes, not {minutes}."),
    QT_TRANSLATE_NOOP("Refusals", "A {role} may not change the siren; a supervisor may."),
    QT_TRANSLATE_NOOP("Refusals", "The database refused the action for this login: {detail}."),
    QT_TRANSLATE_NOOP("Refusals", "A {role} may not have a ticket {past}."),
    QT_TRANSLATE_NOOP(
        "Refusals", "Ticket {ticket} does not exist or is outside your jurisdiction."
    ),
    QT_TRANSLATE_NOOP("Refusals", "Ticket {code} is outside your jurisdiction ({level} {scope})."),
    QT_TRANSLATE_NOOP("Refusals", "There is no item type {category}."),
    QT_TRANSLATE_NOOP("Refusals", "Ticket {code} is already filed under {category}."),
)

_STALE = QT_TRANSLATE_NOOP(
    "Refusals",
    "Ticket {code} was changed meanwhile by {who}{what}; it is now {status}."
    " Nothing was overwritten: look at it again before acting.",
)
_SOMEONE = QT_TRANSLATE_NOOP("Refusals", "someone else")
_WHO_ROLE = QT_TRANSLATE_NOOP("Refusals", "{name} ({role})")
_WHAT = QT_TRANSLATE_NOOP("Refusals", " ({action})")
_WHAT_AT = QT_TRANSLATE_NOOP("Refusals", " ({action} at {time})")

#: Parameters that carry a code, and how the console names it.
_NAMED = {
    "role": operator_role_name,
    "status": ticket_status_name,
    "action": action_name,
    "level": region_level_name,
}


def _tr(source: object) -> str:
    return QCoreApplication.translate(CONTEXT, str(source))


def describe(error: BaseException) -> str:
    """What to tell the operator about ``error``, in the installed language."""
    if isinstance(error, StaleTicket):
        return _stale(error)
    if isinstance(error, ActionRefused) and error.params:
        params = {
            key: _NAMED[key](value) if key in _NAMED and isinstance(value, str) else value
            for key, value in error.params.items()
        }
        try:
            return _tr(error.template).format(**params)
        except (KeyError, IndexError, ValueError):  # a translation that names a wrong field
            return str(error)
    if isinstance(error, ActionRefused):
        return _tr(error.template)
    return str(error)


def _stale(error: StaleTicket) -> str:
    who = error.changed_by or _tr(_SOMEONE)
    if error.changed_by_role:
        who = _tr(_WHO_ROLE).format(name=who, role=operator_role_name(error.changed_by_role))
    what = ""
    if error.changed_action:
        action = action_name(error.changed_action)
        at: datetime | None = error.changed_at
        what = (
            _tr(_WHAT_AT).format(action=action, time=f"{at.astimezone():%H:%M:%S}")
            if at is not None
            else _tr(_WHAT).format(action=action)
        )
    return _tr(_STALE).format(
        code=error.ticket_code, who=who, what=what, status=ticket_status_name(error.status)
    )
