"""Plain, immutable records: what crosses from the feed (its process) to the store and views.

ORM objects never leave the thread (and session) that loaded them; the change feed
turns rows into these frozen dataclasses, which any thread may read.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

_R = TypeVar("_R")


def pickled_as_arguments(cls: type[_R]) -> type[_R]:
    """Pickle a frozen record as its constructor's arguments.

    The change feed's batches cross a pipe from its own process, thousands of fixes a
    second. A slotted dataclass's own unpickling sets each field in a loop of Python
    calls: 8.4 µs a fix, measured, where calling the constructor takes 3.6 µs; the
    receiving thread holds the interpreter lock for all of it.
    """
    values = operator.attrgetter(*(f.name for f in fields(cls)))  # type: ignore[arg-type]

    def __reduce__(self: _R) -> tuple[type[_R], tuple[Any, ...]]:
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


def mask_phone(phone: str | None) -> str:
    """``13800001234`` → ``138****1234``: residents' and workers' numbers are sensitive."""
    if not phone:
        return ""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class GridRecord:
    code: str
    name: str
    community_code: str
    street_code: str | None
    boundary: dict[str, Any] = field(repr=False)
    households: int
    population: int
    #: The regions' names, for the map's labels ("" where the region has none or is unknown).
    community_name: str = ""
    street_name: str = ""
    district_code: str | None = None
    district_name: str = ""


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class WorkerRecord:
    code: str
    name: str
    role: str
    grid_code: str
    phone_masked: str
    active: bool


class TrackPoint(NamedTuple):
    """A point of a worker's track: the fix it was, when, and where."""

    id: int
    recorded_at: datetime
    lon: float
    lat: float


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class PositionRecord:
    id: int
    worker_code: str
    recorded_at: datetime
    lon: float
    lat: float
    accuracy_m: float | None
    source: str


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class TicketRecord:
    id: int
    code: str
    source: str
    category_code: str
    category_name: str
    class_code: str
    class_name: str
    grid_code: str | None
    lon: float | None
    lat: float | None
    description: str
    reporter: str | None
    priority: int
    is_emergency: bool
    status: str
    reported_at: datetime
    deadline: datetime
    assignee_worker_code: str | None
    assignee_department: str | None
    version: int
    updated_at: datetime
    registered_at: datetime | None = None
    dispatched_at: datetime | None = None
    accepted_at: datetime | None = None
    handled_at: datetime | None = None
    verified_at: datetime | None = None
    closed_at: datetime | None = None
    #: The grid the point lies in, when the field system named none (citizen reports).
    located_grid: str | None = None

    @property
    def grid(self) -> str | None:
        """The grid responsible: the one named by the field, else the one located."""
        return self.grid_code or self.located_grid

    @property
    def is_open(self) -> bool:
        return self.status not in ("closed", "rejected")


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class ActionRecord:
    id: int
    ticket_id: int
    action: str
    from_status: str | None
    to_status: str | None
    actor: str
    actor_role: str
    at: datetime
    note: str


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class RejectionRecord:
    id: int
    detected_at: datetime
    source_table: str
    row_ref: str
    reason_code: str
    reason: str
    payload: dict[str, Any] | None = field(default=None, repr=False)
    #: When a later verdict (after a grid change) accepted the row: it left the list.
    resolved_at: datetime | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source_table, self.row_ref, self.reason_code)


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class ChangeBatch:
    """What one catch-up found, already validated; bad rows are in ``rejections``."""

    grids: tuple[GridRecord, ...] = ()
    workers: tuple[WorkerRecord, ...] = ()
    positions: tuple[PositionRecord, ...] = ()
    tickets: tuple[TicketRecord, ...] = ()
    actions: tuple[ActionRecord, ...] = ()
    rejections: tuple[RejectionRecord, ...] = ()
    #: The first batch after start-up holds the whole current state, not a change.
    initial: bool = False

    def __len__(self) -> int:
        return (
            len(self.grids)
            + len(self.workers)
            + len(self.positions)
            + len(self.tickets)
            + len(self.actions)
            + len(self.rejections)
        )


@pickled_as_arguments
@dataclass(frozen=True, slots=True)
class FeedState:
    """The change feed's connection: ``connected``, ``reconnecting`` or ``lost``.

    ``mode`` says how changes are noticed once connected: ``listen`` (LISTEN/NOTIFY
    wakes the catch-up) or ``poll`` (catch-up alone: a hot standby or a pooler in
    transaction mode). ``replica`` is a hot standby; ``lag_s`` how far it is behind
    its primary, set only when that is enough to tell the operator.
    """

    state: str
    since: datetime | None = None
    detail: str = ""
    mode: str = ""
    replica: bool = False
    lag_s: float | None = None
