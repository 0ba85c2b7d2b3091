"""Every sentence with which an action is refused, in one place.

The console shows them in the operator's language: ``resources/refusals.py`` marks each
of these for translation, and a test keeps the two lists the same. Parameters named
``role``, ``status`` and ``action`` carry codes, which the console names in its own
words; ``past`` is the English past participle of ``action``, for the English sentence.
"""

from __future__ import annotations

REASON_REQUIRED = "Say why the ticket is {past}: a reason is required."
WORKER_OR_DEPARTMENT = "Choose either a worker or a department to send the ticket to."
DEPARTMENT_TOO_LONG = "A department name has at most {limit} characters."
WORKER_INACTIVE = "Worker {worker} is unknown or no longer active."
MAY_NOT_ACKNOWLEDGE = "Ticket {code} is {status}: this login may not acknowledge it."
NO_SUCH_ACTION = "There is no action called {action}."
NO_EXTENSION_WAITING = "Ticket {code} has no extension waiting for a decision."
NOT_NOW = "Ticket {code} is {status}: it cannot be {past} now."
EXTENSION_REASON_REQUIRED = "Say why the extension is refused: a reason is required."
MAY_NOT_MUTE = "A {role} may not mute the siren; a supervisor may."
MUTE_SPAN = "The siren can be muted for {spans} minutes, not {minutes}."
MAY_NOT_UNMUTE = "A {role} may not change the siren; a supervisor may."
DATABASE_REFUSED = "The database refused the action for this login: {detail}."
ROLE_MAY_NOT = "A {role} may not have a ticket {past}."
NOT_FOUND = "Ticket {ticket} does not exist or is outside your jurisdiction."
OUTSIDE_JURISDICTION = "Ticket {code} is outside your jurisdiction ({level} {scope})."
NO_SUCH_ITEM = "There is no item type {category}."
ALREADY_FILED = "Ticket {code} is already filed under {category}."

#: Every sentence above, for the console's translation table and its test.
ALL: tuple[str, ...] = tuple(
    value for name, value in sorted(globals().items()) if name.isupper() and isinstance(value, str)
)
