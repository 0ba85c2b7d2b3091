"""One moment of the past rebuilt from the database: tickets as they stood, every fix.

What the schema keeps, and how each part of a moment is found again:

* a ticket's status at ``at`` is the ``to_status`` of its last trace row at or
  before ``at`` (the trace is append-only, written by triggers in the same
  transaction as the change, so its ``at`` is the change's own time); a ticket
  with no trace row yet (bulk-loaded history) falls back on its step times;
* its step times after ``at`` had not happened yet, and a deadline moved later
  by an approved extension (``ticket_extensions``) was still the old one;
* a worker's position is their latest accepted fix recorded at or before ``at``
  (``ix_worker_positions_worker_time`` makes that one index probe per worker); from
  the moment shown before, only the workers with a fix between the two moments
  (``ix_worker_positions_recorded_at``, migration 0010) are probed again, so moving
  the slider by an hour costs what happened in that hour, not a city of workers;
* an alarm was acknowledged at ``at`` if an ``acknowledge`` row came before it.

Everything is read in pages (ids first, then rows by page), so a city's moment
never needs one huge result, and each page is a short query.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from shapely.geometry import shape
from sqlalchemy import Connection, Engine, text

from gridcommand.db.gis.geometry import GridLocator
from gridcommand.db.live import queries
from gridcommand.db.live.records import GridRecord, PositionRecord, TicketRecord
from gridcommand.db.live.track import TRACK_WINDOW, read_track

#: Rows read per query; small enough that no single query holds a city's moment.
PAGE = 2000
#: The live store keeps a closed case this long after closing; a moment keeps the same.
KEEP_CLOSED = timedelta(hours=24)
CLOSED = frozenset({"closed", "rejected"})
#: The step times in the order of the loop, each with the status it starts.
STEPS: tuple[tuple[str, str], ...] = (
    ("registered_at", "registered"),
    ("dispatched_at", "dispatched"),
    ("accepted_at", "in_progress"),
    ("handled_at", "handled"),
    ("verified_at", "verified"),
    ("closed_at", "closed"),
)

#: Tickets that may matter at ``at``: reported by then and open now, or closed (last)
#: no earlier than a day before ``at``, and not refused by the feed's checks at that
#: moment (a refusal resolved later was still standing); the trace then says what
#: each one was.
#: Both branches have an index (the open tickets' partial one; closed_at, migration 0009).
TICKET_IDS = text(
    "SELECT t.id FROM tickets t WHERE t.reported_at <= :at AND t.id > :after"
    " AND (t.status NOT IN ('closed', 'rejected') OR t.closed_at > :since)"
    " AND NOT EXISTS (SELECT FROM rejected_input r WHERE r.source_table = 'tickets'"
    " AND r.row_ref = t.id::text AND r.detected_at <= :at"
    " AND (r.resolved_at IS NULL OR r.resolved_at > :at))"
    " ORDER BY t.id LIMIT :page"
)
#: The same test for given tickets (those that changed between two moments).
VISIBLE = text(
    "SELECT t.id FROM tickets t WHERE t.id = ANY(:ids) AND t.reported_at <= :at"
    " AND (t.status NOT IN ('closed', 'rejected') OR t.closed_at > :since)"
    " AND NOT EXISTS (SELECT FROM rejected_input r WHERE r.source_table = 'tickets'"
    " AND r.row_ref = t.id::text AND r.detected_at <= :at"
    " AND (r.resolved_at IS NULL OR r.resolved_at > :at))"
)
#: A worker silent this long is offline (the live store's ``offline_after``): a moment
#: read as a change looks again at those with a fix this long before the earlier moment.
OFFLINE_AFTER = timedelta(hours=1)
#: Two moments further apart than this are read whole, not as a change.
INCREMENTAL_SPAN = timedelta(hours=6)
TICKET_ROWS = text(queries._TICKET_COLUMNS + " WHERE t.id = ANY(:ids) ORDER BY t.id")
#: The last status each ticket reached at or before ``at`` (index ticket_id, at).
STATUS_AT = text(
    "SELECT DISTINCT ON (a.ticket_id) a.ticket_id, a.to_status, a.at FROM ticket_actions a"
    " WHERE a.ticket_id = ANY(:ids) AND a.at <= :at AND a.to_status IS NOT NULL"
    " ORDER BY a.ticket_id, a.at DESC, a.id DESC"
)
ACKNOWLEDGED_AT = text(
    "SELECT DISTINCT a.ticket_id FROM ticket_actions a"
    " WHERE a.ticket_id = ANY(:ids) AND a.action = 'acknowledge' AND a.at <= :at"
)
#: A deadline an approved extension moved after ``at``: the first such one's old deadline.
DEADLINE_AT = text(
    "SELECT DISTINCT ON (e.ticket_id) e.ticket_id, e.old_deadline FROM ticket_extensions e"
    " WHERE e.ticket_id = ANY(:ids) AND e.status = 'approved' AND e.decided_at > :at"
    " AND e.old_deadline IS NOT NULL ORDER BY e.ticket_id, e.decided_at"
)
#: The tickets that may differ between two moments ``lo`` < ``hi``: a trace row between
#: them (a step, an acknowledgement, an approved extension's trace), a report between
#: them, or a closing a day before either (it leaves or re-enters the day kept).
#: ``ix_ticket_actions_at`` (migration 0009) finds the rows between two moments.
CHANGED_BETWEEN = text(
    "SELECT a.ticket_id FROM ticket_actions a WHERE a.at > :lo AND a.at <= :hi"
    " UNION SELECT t.id FROM tickets t WHERE t.reported_at > :lo AND t.reported_at <= :hi"
    " UNION SELECT a.ticket_id FROM ticket_actions a WHERE a.at > :lo_kept"
    " AND a.at <= :hi_kept AND a.to_status IN ('closed', 'rejected')"
    " UNION SELECT e.ticket_id FROM ticket_extensions e WHERE e.decided_at > :lo"
    " AND e.decided_at <= :hi"
)
#: Refusals of fixes (few): left out of the per-worker probe by id, which is cheaper
#: than asking ``rejected_input`` once per worker.
REFUSED_FIXES = text(
    "SELECT r.row_ref::bigint FROM rejected_input r WHERE r.source_table = 'worker_positions'"
    " AND r.row_ref ~ '^[0-9]+$' AND (r.resolved_at IS NULL OR r.resolved_at > :at)"
)
#: Each worker of a page with their latest accepted fix at or before ``at`` (or none).
POSITIONS_AT = text(
    "SELECT w.code, p.id, p.recorded_at, p.lon, p.lat, p.accuracy_m, p.source"
    " FROM (SELECT code FROM workers WHERE code > :after ORDER BY code LIMIT :page) w"
    " LEFT JOIN LATERAL (SELECT p.id, p.recorded_at, p.lon, p.lat, p.accuracy_m, p.source"
    " FROM worker_positions p WHERE p.worker_code = w.code AND p.recorded_at <= :at"
    " AND p.lon <> 'NaN'::float8 AND p.lat <> 'NaN'::float8 AND p.id <> ALL(:refused)"
    " ORDER BY p.recorded_at DESC LIMIT 1) p ON true ORDER BY w.code"
)
#: Each of the given workers with their latest accepted fix at or before ``at`` (or none).
POSITIONS_OF = text(
    "SELECT w.code, p.id, p.recorded_at, p.lon, p.lat, p.accuracy_m, p.source"
    " FROM unnest(CAST(:codes AS text[])) AS w(code)"
    " LEFT JOIN LATERAL (SELECT p.id, p.recorded_at, p.lon, p.lat, p.accuracy_m, p.source"
    " FROM worker_positions p WHERE p.worker_code = w.code AND p.recorded_at <= :at"
    " AND p.lon <> 'NaN'::float8 AND p.lat <> 'NaN'::float8 AND p.id <> ALL(:refused)"
    " ORDER BY p.recorded_at DESC LIMIT 1) p ON true"
)
#: The workers who sent a fix between two moments ``lo`` < ``hi`` (at most ``cap`` rows:
#: more, and every worker is read again). ``ix_worker_positions_recorded_at`` (0010).
MOVED_BETWEEN = text(
    "SELECT p.worker_code, p.recorded_at FROM worker_positions p"
    " WHERE p.recorded_at > :lo AND p.recorded_at <= :hi LIMIT :cap"
)
#: Fixes whose refusal was resolved between two moments: from then on they count.
RESOLVED_BETWEEN = text(
    "SELECT p.worker_code FROM worker_positions p WHERE p.id = ANY(SELECT r.row_ref::bigint"
    " FROM rejected_input r WHERE r.source_table = 'worker_positions'"
    " AND r.row_ref ~ '^[0-9]+$' AND r.resolved_at > :lo AND r.resolved_at <= :hi OFFSET 0)"
)
#: How far back the database can show: its oldest trace row and oldest fix.
EARLIEST = text(
    "SELECT least((SELECT min(at) FROM ticket_actions),"
    " (SELECT min(recorded_at) FROM worker_positions), (SELECT min(reported_at) FROM tickets))"
    " AS earliest, now() AS now"
)


@dataclass(frozen=True, slots=True)
class Frame:
    """The district at ``at``: the records the live store would have held then."""

    at: datetime
    tickets: dict[int, TicketRecord] = field(default_factory=dict)
    positions: dict[str, PositionRecord] = field(default_factory=dict)
    acknowledged: frozenset[int] = frozenset()
    #: Read from the moment at ``since`` (not part of the moment itself): the workers whose
    #: fix or status may differ from that moment's; ``None`` when read whole.
    since: datetime | None = field(default=None, compare=False)
    touched: frozenset[str] | None = field(default=None, compare=False)

    def open_tickets(self) -> Iterator[TicketRecord]:
        return (t for t in self.tickets.values() if t.is_open)


def status_from_steps(t: TicketRecord, at: datetime) -> str:
    """A ticket's status at ``at`` from its step times alone (no trace row for it yet)."""
    status = "reported"
    for name, step in STEPS:
        moment = getattr(t, name)
        if moment is not None and moment <= at:
            status = step
    if status == "closed" and t.status == "rejected":
        return "rejected"
    return status


def as_it_was(
    t: TicketRecord,
    at: datetime,
    status: tuple[str, datetime] | None,
    deadline: datetime | None = None,
) -> TicketRecord:
    """The ticket at ``at``: its status then, step times not yet reached cleared."""
    to_status, since = status if status is not None else (status_from_steps(t, at), t.reported_at)
    steps: dict[str, Any] = {
        name: None for name, _ in STEPS if (m := getattr(t, name)) is not None and m > at
    }
    if to_status in CLOSED:
        steps["closed_at"] = since if t.closed_at is None or t.closed_at > at else t.closed_at
    else:
        steps["closed_at"] = None
    if to_status in ("reported", "registered", "rejected"):
        steps.update(assignee_worker_code=None, assignee_department=None)
    return replace(
        t,
        status=to_status,
        deadline=deadline or t.deadline,
        # Changed later: then it was last changed by its last traced step (not ``at``,
        # so that a moment read whole and one read as a change agree).
        updated_at=t.updated_at if t.updated_at <= at else since,
        **steps,
    )


class FrameReader:
    """Reads moments of the past from one database, page by page; safe on any one thread.

    ``grids`` (the live store's) let a report with only a point be placed in its
    grid, as the live feed's validation places it.
    """

    def __init__(
        self,
        engine: Engine,
        grids: Mapping[str, GridRecord] | None = None,
        page: int = PAGE,
        keep_closed: timedelta = KEEP_CLOSED,
        offline_after: timedelta = OFFLINE_AFTER,
    ) -> None:
        self.engine = engine
        self.offline_after = offline_after
        self.page = page
        self.keep_closed = keep_closed
        self._grids = dict(grids or {})
        self._locator: GridLocator | None = None

    # -- the whole moment ------------------------------------------------------------
    def frame(self, at: datetime, since: Frame | None = None) -> Frame:
        """The moment ``at``; from the moment ``since`` when given, reading only the
        tickets that may differ between the two (the slider moved, the replay played on).
        """
        with self.engine.connect() as conn:
            if since is not None and abs(at - since.at) <= INCREMENTAL_SPAN:
                tickets, acknowledged = self._tickets_from(conn, since, at)
            else:
                tickets, acknowledged = self._tickets(conn, at)
            positions, touched = self._positions_from(conn, since, at)
        base = since.at if since is not None and touched is not None else None
        return Frame(at, tickets, positions, frozenset(acknowledged), base, touched)

    def track(
        self, worker_code: str, at: datetime, span: timedelta = TRACK_WINDOW
    ) -> list[PositionRecord]:
        """One worker's fixes in the ``span`` before ``at`` (the map's track of them),
        thinned as the live track is."""
        return read_track(self.engine, worker_code, at, span)

    def bounds(self) -> tuple[datetime | None, datetime]:
        """The oldest moment the database holds anything of, and the server's now."""
        with self.engine.connect() as conn:
            row = conn.execute(EARLIEST).one()
        return row.earliest, row.now

    # -- the parts -------------------------------------------------------------------
    def _tickets(self, conn: Connection, at: datetime) -> tuple[dict[int, TicketRecord], set[int]]:
        tickets: dict[int, TicketRecord] = {}
        acknowledged: set[int] = set()
        for ids in self._ticket_pages(conn, at):
            self._read_page(conn, ids, at, tickets, acknowledged)
        return tickets, acknowledged & {i for i, t in tickets.items() if t.is_open}

    def _tickets_from(
        self, conn: Connection, since: Frame, at: datetime
    ) -> tuple[dict[int, TicketRecord], set[int]]:
        """``since``'s tickets with those that may have changed read again at ``at``."""
        lo, hi = sorted((since.at, at))
        kept = self.keep_closed
        changed = set(
            conn.scalars(
                CHANGED_BETWEEN, {"lo": lo, "hi": hi, "lo_kept": lo - kept, "hi_kept": hi - kept}
            )
        )
        tickets = {
            i: t
            for i, t in since.tickets.items()
            if i not in changed and (t.closed_at is None or at - t.closed_at <= kept)
        }
        acknowledged = set(since.acknowledged) - changed
        ordered = sorted(changed)
        for start in range(0, len(ordered), self.page):
            page = ordered[start : start + self.page]
            self._read_page(conn, self._visible(conn, page, at), at, tickets, acknowledged)
        return tickets, acknowledged & {i for i, t in tickets.items() if t.is_open}

    def _visible(self, conn: Connection, ids: list[int], at: datetime) -> list[int]:
        """Of ``ids``, those ``TICKET_IDS`` would list at ``at``."""
        return list(conn.scalars(VISIBLE, {"ids": ids, "at": at, "since": at - self.keep_closed}))

    def _read_page(
        self,
        conn: Connection,
        ids: list[int],
        at: datetime,
        tickets: dict[int, TicketRecord],
        acknowledged: set[int],
    ) -> None:
        """Tickets ``ids`` as they were at ``at``, into ``tickets`` (if still shown then)."""
        if not ids:
            return
        rows = conn.execute(TICKET_ROWS, {"ids": ids}).mappings().all()
        status = {
            r.ticket_id: (r.to_status, r.at)
            for r in conn.execute(STATUS_AT, {"ids": ids, "at": at})
        }
        deadlines = {
            r.ticket_id: r.old_deadline for r in conn.execute(DEADLINE_AT, {"ids": ids, "at": at})
        }
        acknowledged.update(
            r.ticket_id for r in conn.execute(ACKNOWLEDGED_AT, {"ids": ids, "at": at})
        )
        for row in rows:
            record = self._located(queries.ticket(dict(row)))
            then = as_it_was(record, at, status.get(record.id), deadlines.get(record.id))
            if then.is_open or (
                then.closed_at is not None and at - then.closed_at <= self.keep_closed
            ):
                tickets[then.id] = then

    def _ticket_pages(self, conn: Connection, at: datetime) -> Iterable[list[int]]:
        after = 0
        while True:
            ids = list(
                conn.scalars(
                    TICKET_IDS,
                    {"at": at, "since": at - self.keep_closed, "after": after, "page": self.page},
                )
            )
            if not ids:
                return
            yield ids
            after = ids[-1]

    def _positions_from(
        self, conn: Connection, since: Frame | None, at: datetime
    ) -> tuple[dict[str, PositionRecord], frozenset[str] | None]:
        """``since``'s positions with those of the workers who may have moved between the
        two moments read again at ``at``; every worker's when the moments are far apart or
        most workers sent a fix in between (a city reporting every few seconds).

        Also the workers whose state may differ: those read again, and those whose last
        fix is recent enough that time alone may turn them stale or offline in between.
        """
        if since is None or abs(at - since.at) > INCREMENTAL_SPAN:
            return self._positions(conn, at, since), None
        lo, hi = sorted((since.at, at))
        cap = 2 * len(since.positions) + 1000
        rows = conn.execute(
            MOVED_BETWEEN, {"lo": lo - self.offline_after, "hi": hi, "cap": cap}
        ).all()
        if len(rows) >= cap:
            return self._positions(conn, at, since), None
        codes = {code for code, recorded_at in rows if recorded_at > lo}
        codes.update(conn.scalars(RESOLVED_BETWEEN, {"lo": lo, "hi": hi}))
        touched = frozenset(codes.union(code for code, _ in rows))
        positions = dict(since.positions)
        if not codes:
            return positions, touched
        refused = list(conn.scalars(REFUSED_FIXES, {"at": at}))
        ordered = sorted(codes)
        for start in range(0, len(ordered), self.page * 5):
            found = conn.execute(
                POSITIONS_OF,
                {"codes": ordered[start : start + self.page * 5], "at": at, "refused": refused},
            )
            for code, pid, recorded_at, lon, lat, accuracy, source in found:
                old = positions.get(code)
                if pid is None:
                    positions.pop(code, None)
                elif old is None or old.id != pid:
                    positions[code] = PositionRecord(
                        pid, code, recorded_at, lon, lat, accuracy, source
                    )
        return positions, touched

    def _positions(
        self, conn: Connection, at: datetime, since: Frame | None = None
    ) -> dict[str, PositionRecord]:
        """Each worker's fix by ``at``; the very record of ``since`` where it is the same fix,
        so that what did not move is known by identity, not compared field by field."""
        positions: dict[str, PositionRecord] = {}
        before = since.positions if since is not None else {}
        refused = list(conn.scalars(REFUSED_FIXES, {"at": at}))
        after = ""
        while True:
            rows: Sequence[Any] = conn.execute(
                POSITIONS_AT,
                {"at": at, "after": after, "page": self.page * 5, "refused": refused},
            ).all()
            if not rows:
                return positions
            for code, pid, recorded_at, lon, lat, accuracy, source in rows:
                if pid is None:
                    continue
                old = before.get(code)
                positions[code] = (
                    old
                    if old is not None and old.id == pid
                    else PositionRecord(pid, code, recorded_at, lon, lat, accuracy, source)
                )
            after = rows[-1][0]

    def _located(self, t: TicketRecord) -> TicketRecord:
        """A report with a point and no grid named: the grid the point lies in."""
        if t.grid_code is not None or t.lon is None or t.lat is None or not self._grids:
            return t
        if self._locator is None:
            self._locator = GridLocator({c: shape(g.boundary) for c, g in self._grids.items()})
        return replace(t, located_grid=self._locator.locate(t.lon, t.lat))
