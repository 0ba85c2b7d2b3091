"""Everything about one ticket that the detail panel shows, read in one go.

Read on a worker thread when an officer opens a ticket: the full row, the photos
the field sent, the whole trace, and the assigned (or the grid's own) worker with
their last fix. Plain immutable records only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, text

from gridcommand.db.live.queries import TICKET_TEXT
from gridcommand.db.live.records import mask_phone
from gridcommand.db.live.text import neutralise, neutralised


@dataclass(frozen=True, slots=True)
class TraceStep:
    id: int
    at: datetime
    action: str
    from_status: str | None
    to_status: str | None
    actor: str
    actor_role: str
    note: str


@dataclass(frozen=True, slots=True)
class Photo:
    id: int
    taken_at: datetime
    stage: str
    mime_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class WorkerBrief:
    code: str
    name: str
    role: str
    phone_masked: str
    last_fix_at: datetime | None
    last_lon: float | None
    last_lat: float | None


@dataclass(frozen=True, slots=True)
class PendingExtension:
    """An extension (延期) the assignee asked for, waiting for a supervisor."""

    requested_by: str
    requested_at: datetime
    reason: str
    new_deadline: datetime


@dataclass(frozen=True, slots=True)
class TicketDetail:
    fields: dict[str, Any]
    category: str
    category_class: str
    grid_name: str
    photos: tuple[Photo, ...]
    trace: tuple[TraceStep, ...]
    worker: WorkerBrief | None
    worker_is_assignee: bool
    extension: PendingExtension | None = None


def _trace_text(step: Any) -> tuple[Any, ...]:
    """A trace row with its actor and note neutralised (columns as in the query below)."""
    i, at, action, before, after, actor, role, note = step
    return (i, at, action, before, after, neutralise(actor), role, neutralise(note))


#: Every column a viewer may read: the database masks the reporter's phone for all but
#: dispatchers and supervisors (migration 0004), so the panel reads the masked column.
_TICKET_FIELDS = ", ".join(
    f"t.{c}"
    for c in (
        "id",
        "code",
        "external_id",
        "source",
        "category_code",
        "grid_code",
        "lon",
        "lat",
        "crs",
        "description",
        "reporter",
        "reporter_contact_masked",
        "priority",
        "is_emergency",
        "status",
        "reported_at",
        "registered_at",
        "dispatched_at",
        "accepted_at",
        "handled_at",
        "verified_at",
        "closed_at",
        "acknowledged_at",
        "deadline",
        "assignee_worker_code",
        "assignee_department",
        "version",
        "updated_at",
        "txid",
    )
)


def load_ticket_detail(engine: Engine, ticket_id: int) -> TicketDetail:
    with engine.connect() as conn:
        row = (
            conn.execute(
                text(
                    "SELECT " + _TICKET_FIELDS + ", c.name AS category, cc.name AS category_class,"
                    " g.name AS grid_name"
                    " FROM tickets t JOIN categories c ON c.code = t.category_code"
                    " JOIN category_classes cc ON cc.code = c.class_code"
                    " LEFT JOIN grids g ON g.code = t.grid_code WHERE t.id = :id"
                ),
                {"id": ticket_id},
            )
            .mappings()
            .one()
        )
        photos = conn.execute(
            text(
                "SELECT id, taken_at, stage, mime_type, data FROM ticket_photos"
                " WHERE ticket_id = :id ORDER BY taken_at, id"
            ),
            {"id": ticket_id},
        ).all()
        trace = conn.execute(
            text(
                "SELECT id, at, action, from_status, to_status, actor, actor_role, note"
                " FROM ticket_actions WHERE ticket_id = :id ORDER BY at, id"
            ),
            {"id": ticket_id},
        ).all()
        pending = conn.execute(
            text(
                "SELECT requested_by, requested_at, reason, new_deadline FROM ticket_extensions"
                " WHERE ticket_id = :id AND status = 'pending'"
            ),
            {"id": ticket_id},
        ).one_or_none()
        worker_code = row["assignee_worker_code"]
        is_assignee = worker_code is not None
        if worker_code is None and row["grid_code"] is not None:
            worker_code = conn.execute(
                text(
                    "SELECT code FROM workers WHERE grid_code = :g AND role = 'full_time'"
                    " AND active ORDER BY code LIMIT 1"
                ),
                {"g": row["grid_code"]},
            ).scalar()
        worker = None
        if worker_code is not None:
            w = conn.execute(
                text(
                    "SELECT w.code, w.name, w.role, w.phone_masked AS phone, p.recorded_at,"
                    " p.lon, p.lat"
                    " FROM workers w LEFT JOIN LATERAL (SELECT recorded_at, lon, lat"
                    "   FROM worker_positions WHERE worker_code = w.code"
                    "   ORDER BY recorded_at DESC LIMIT 1) p ON true WHERE w.code = :c"
                ),
                {"c": worker_code},
            ).one_or_none()
            if w is not None:
                worker = WorkerBrief(
                    w.code,
                    neutralise(w.name),
                    w.role,
                    mask_phone(w.phone),
                    w.recorded_at,
                    w.lon,
                    w.lat,
                )
    fields = {k: v for k, v in row.items() if k not in ("category", "category_class", "grid_name")}
    return TicketDetail(
        fields=neutralised(fields, (*TICKET_TEXT, "reporter_contact_masked")),
        category=neutralise(row["category"]),
        category_class=neutralise(row["category_class"]),
        grid_name=neutralise(row["grid_name"] or ""),
        photos=tuple(Photo(*p) for p in photos),
        trace=tuple(TraceStep(*_trace_text(s)) for s in trace),
        worker=worker,
        worker_is_assignee=is_assignee,
        extension=PendingExtension(*pending) if pending is not None else None,
    )
