"""The catch-up queries of the change feed, and the mapping of their rows to records.

Every watched table carries ``txid``, the id of the transaction that last wrote the
row. A catch-up runs in one REPEATABLE READ snapshot, reads that snapshot's
``xmin`` (every transaction below it has finished) and the rows with
``txid >= previous xmin``; so a row committed late by a long transaction is still
found next time, and nothing is missed whatever happened to the notifications.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from gridcommand.db.gis.coords import to_wgs84
from gridcommand.db.live.records import (
    ActionRecord,
    GridRecord,
    PositionRecord,
    RejectionRecord,
    TicketRecord,
    WorkerRecord,
    mask_phone,
)
from gridcommand.db.live.text import neutralise, neutralised

#: Allowed during recovery, so the same watermark works on a hot standby (the rows'
#: ``txid`` were written on the primary and replayed unchanged).
XMIN = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin"
#: What the feed's connection reaches: a standby, and the server's own backend pid (a
#: pooler answers the client with a pid of its own; LISTEN cannot work through it).
SERVER = "SELECT pg_is_in_recovery() AS standby, pg_backend_pid() AS pid"
#: How far a standby is behind its primary, in seconds. Replayed everything it
#: received while still streaming: not behind, however long the primary was quiet.
STANDBY_LAG = (
    "SELECT CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn()"
    " AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN 0.0"
    " ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0.0)"
    " END::float8 AS lag_s"
)

GRIDS = (
    "SELECT g.code, g.name, g.community_code, c.parent_code AS street_code, g.boundary,"
    " g.households, g.population, c.name AS community_name, s.name AS street_name,"
    " s.parent_code AS district_code, d.name AS district_name, g.txid"
    " FROM grids g LEFT JOIN regions c ON c.code = g.community_code"
    " LEFT JOIN regions s ON s.code = c.parent_code LEFT JOIN regions d ON d.code = s.parent_code"
    " WHERE g.txid >= %(x)s OR %(initial)s"
)
WORKERS = (
    "SELECT code, name, role, grid_code, phone_masked AS phone, active, txid FROM workers"
    " WHERE txid >= %(x)s OR %(initial)s"
)
POSITIONS = (
    "SELECT id, worker_code, recorded_at, lon, lat, accuracy_m, source, txid"
    " FROM worker_positions WHERE txid >= %(x)s ORDER BY id"
)
#: Where the id and the watermark sit in a position row (read as tuples, see ``position``).
POSITION_ID, POSITION_TXID = 0, 7
#: At start-up only each worker's latest fix: one probe of the (worker, time) index per
#: worker. ``DISTINCT ON`` over the table read and sorted every fix the retention keeps:
#: 38 s for the 32.7 million of a 10,000-grid city's two hours; this takes 0.75 s.
#: Of two fixes at the same time the later row wins, as in the live catch-up. A fix of a
#: worker the table does not know is not wanted (the store ignores it).
LATEST_POSITIONS = (
    "SELECT p.id, w.code, p.recorded_at, p.lon, p.lat, p.accuracy_m, p.source, p.txid"
    " FROM workers w CROSS JOIN LATERAL (SELECT id, recorded_at, lon, lat, accuracy_m,"
    " source, txid FROM worker_positions wp WHERE wp.worker_code = w.code"
    " ORDER BY wp.recorded_at DESC, wp.id DESC LIMIT 1) p"
)
_TICKET_COLUMNS = (
    "SELECT t.id, t.code, t.source, t.category_code, c.name AS category_name, c.class_code,"
    " cc.name AS class_name, t.grid_code, t.lon, t.lat, t.crs,"
    " left(t.description, 4001) AS description, t.reporter, t.priority, t.is_emergency,"
    " t.status, t.reported_at, t.deadline, t.assignee_worker_code, t.assignee_department,"
    " t.version, t.updated_at, t.registered_at, t.dispatched_at, t.accepted_at, t.handled_at,"
    " t.verified_at, t.closed_at, t.txid FROM tickets t"
    " JOIN categories c ON c.code = t.category_code"
    " JOIN category_classes cc ON cc.code = c.class_code"
)
TICKETS = _TICKET_COLUMNS + " WHERE t.txid >= %(x)s ORDER BY t.txid, t.id"
#: At start-up: what is open, and what closed in the last day.
OPEN_TICKETS = (
    _TICKET_COLUMNS + " WHERE t.status NOT IN ('closed', 'rejected')"
    " OR t.closed_at >= now() - interval '24 hours' ORDER BY t.id"
)
ACTIONS = (
    "SELECT id, ticket_id, action, from_status, to_status, actor, actor_role, at, note, txid"
    " FROM ticket_actions WHERE txid >= %(x)s ORDER BY id"
)
#: At start-up only the acknowledgements of open tickets matter to the live picture.
OPEN_ACKNOWLEDGEMENTS = (
    "SELECT a.id, a.ticket_id, a.action, a.from_status, a.to_status, a.actor, a.actor_role,"
    " a.at, a.note, a.txid FROM ticket_actions a JOIN tickets t ON t.id = a.ticket_id"
    " WHERE a.action = 'acknowledge' AND t.status NOT IN ('closed', 'rejected')"
)
REJECTIONS = (
    "SELECT id, detected_at, source_table, row_ref, reason_code, reason, payload, resolved_at,"
    " txid FROM rejected_input WHERE (txid >= %(x)s AND NOT %(initial)s) OR (%(initial)s AND"
    " resolved_at IS NULL) ORDER BY id"
)
#: The verdicts standing: a row refused once is listed once, until a verdict accepts it.
KNOWN_REJECTIONS = (
    "SELECT source_table, row_ref, reason_code FROM rejected_input WHERE resolved_at IS NULL"
)
RESOLVE_REJECTION = (
    "UPDATE rejected_input SET resolved_at = now()"
    " WHERE source_table = %s AND row_ref = %s AND resolved_at IS NULL"
)
CATEGORIES = "SELECT code FROM categories"
RECORD_REJECTION = (
    "INSERT INTO rejected_input (source_table, row_ref, reason_code, reason, payload)"
    " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (source_table, row_ref, reason_code)"
    # A refusal resolved before and true again (a grid broken anew) is listed again, once.
    " DO UPDATE SET resolved_at = NULL, detected_at = now(), reason = EXCLUDED.reason,"
    " payload = EXCLUDED.payload WHERE rejected_input.resolved_at IS NOT NULL"
)


#: A ticket's free text, shown as written but with no bidirectional control (see text.py).
TICKET_TEXT = (
    "code",
    "category_name",
    "class_name",
    "description",
    "reporter",
    "assignee_department",
)


def grid(row: dict[str, Any]) -> GridRecord:
    boundary = row["boundary"]
    if isinstance(boundary, str):
        boundary = json.loads(boundary)
    return GridRecord(
        code=row["code"],
        name=neutralise(row["name"]),
        community_code=row["community_code"],
        street_code=row["street_code"],
        boundary=boundary,
        households=row["households"],
        population=row["population"],
        community_name=row.get("community_name") or "",
        street_name=row.get("street_name") or "",
        district_code=row.get("district_code"),
        district_name=row.get("district_name") or "",
    )


def worker(row: dict[str, Any]) -> WorkerRecord:
    return WorkerRecord(
        code=row["code"],
        name=neutralise(row["name"]),
        role=row["role"],
        grid_code=row["grid_code"],
        phone_masked=mask_phone(row["phone"]),
        active=row["active"],
    )


def position(row: tuple[Any, ...]) -> PositionRecord:
    """A row of POSITIONS or LATEST_POSITIONS, read as a plain tuple (there are thousands)."""
    return PositionRecord(*row[:7])


def ticket(row: dict[str, Any]) -> TicketRecord:
    """A ticket with its point in WGS-84, whatever system the field wrote it in."""
    lon, lat = row["lon"], row["lat"]
    if lon is not None and lat is not None and (row["crs"] or "WGS84") != "WGS84":
        # A system we do not know is taken as written; validation then judges the point.
        with contextlib.suppress(ValueError):
            lon, lat = to_wgs84(lon, lat, row["crs"])
    fields = {k: row[k] for k in TicketRecord.__dataclass_fields__ if k in row}
    fields.update(lon=lon, lat=lat, description=row["description"] or "")
    return TicketRecord(**neutralised(fields, TICKET_TEXT))


def action(row: dict[str, Any]) -> ActionRecord:
    fields = {k: row[k] for k in ActionRecord.__dataclass_fields__}
    return ActionRecord(**neutralised(fields, ("actor", "note")))


def rejection(row: dict[str, Any]) -> RejectionRecord:
    fields = {k: row[k] for k in RejectionRecord.__dataclass_fields__}
    return RejectionRecord(**neutralised(fields, ("reason",)))
