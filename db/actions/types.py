"""Who acts, what an action returns, and the ways an action can be refused.

Everything here is a frozen record or an exception with a sentence fit for an
operator: results cross from the worker thread that wrote them to the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gridcommand.db.actions.caseloop import ROLES
from gridcommand.db.schema.errors import UserFacingError
from gridcommand.db.schema.models import RegionLevel

ACTOR_MAX = 100  # ticket_actions.actor is String(100)


@dataclass(frozen=True, slots=True)
class Operator:
    """The person in front of the screen; the trace records them, the scope limits them."""

    login: str
    display_name: str
    role: str
    scope_level: str
    scope_code: str

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; expected one of {ROLES}")
        if self.scope_level not in {level.value for level in RegionLevel}:
            raise ValueError(f"unknown scope level {self.scope_level!r}")

    @property
    def actor(self) -> str:
        """Readable and unambiguous in an audit: ``王五 (wangwu)``."""
        name = self.display_name.strip()
        text = f"{name} ({self.login})" if name and name != self.login else self.login
        return text[:ACTOR_MAX]

    def covers(self, community: str | None, street: str | None) -> bool:
        """Whether a ticket in ``community`` of ``street`` lies in this operator's scope.

        A ticket not yet located in any grid belongs to the district alone: only the
        district knows which street should take it.
        """
        if self.scope_level == RegionLevel.DISTRICT:
            return True
        if self.scope_level == RegionLevel.STREET:
            return street is not None and street == self.scope_code
        return community is not None and community == self.scope_code


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What one action left behind: the ticket's new state and its trace row."""

    ticket_id: int
    ticket_code: str
    action: str
    from_status: str
    to_status: str
    version: int
    at: datetime
    trace_id: int
    assignee_worker_code: str | None
    assignee_department: str | None
    priority: int
    #: False when the action found its work already done (a second acknowledgement).
    changed: bool = True


class ActionRefused(UserFacingError):
    """The operator may not take this action on this ticket now; nothing was written.

    Raised with one of :mod:`refusals`' sentences and its parameters, kept apart, so the
    console can say the same sentence in the operator's language (the parameters that
    are codes, such as a role or a status, in its words too); ``str()`` is the English
    sentence, for the command line and the log.
    """

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(template.format(**params) if params else template)


class TicketNotFound(ActionRefused):
    """No such ticket, or none that this login may see (the two look alike on purpose)."""


class StaleTicket(UserFacingError):
    """Someone changed the ticket after the operator read it; nothing was overwritten."""

    def __init__(
        self,
        *,
        ticket_id: int,
        ticket_code: str,
        status: str,
        version: int,
        changed_by: str | None,
        changed_by_role: str | None,
        changed_action: str | None,
        changed_at: datetime | None,
    ) -> None:
        self.ticket_id = ticket_id
        self.ticket_code = ticket_code
        self.status = status
        self.version = version
        self.changed_by = changed_by
        self.changed_by_role = changed_by_role
        self.changed_action = changed_action
        self.changed_at = changed_at
        super().__init__(self._sentence())

    def _sentence(self) -> str:
        who = self.changed_by or "someone else"  # the console words it itself
        if self.changed_by_role:
            who += f" ({self.changed_by_role})"
        what = f" ({self.changed_action}" if self.changed_action else ""
        if what and self.changed_at is not None:
            what += f" at {self.changed_at.astimezone():%H:%M:%S}"
        what += ")" if what else ""
        return (
            f"Ticket {self.ticket_code} was changed meanwhile by {who}{what}; it is now "
            f"{self.status}. Nothing was overwritten: look at it again before acting."
        )
