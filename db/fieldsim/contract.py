"""The field contract's statements, in plain SQL, one small transaction per device write.

Each method is one thing a tablet, the hotline or WeChat backend sends. A write
the database refuses (a CHECK, a foreign key, a unique key) is rolled back, logged
and counted, and the simulator carries on: a real field system would retry or drop
it, and must never take the command centre down with it.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from gridcommand.db.fieldsim.world import ORIGINAL_KEY

log = logging.getLogger(__name__)

FIELD_ROLE = "field"


@dataclass(frozen=True)
class NewReport:
    """A report as a field system sends it; ``grid_code`` is None for citizens' reports."""

    seq: int
    source: str
    external_id: str
    category_code: str
    grid_code: str | None
    lon: float
    lat: float
    crs: str
    description: str
    reporter: str
    reporter_contact: str | None
    is_emergency: bool
    photo: bytes | None = None
    #: The kind of malformed row this is, if it was spoiled on purpose.
    bad: str | None = None
    #: The worker who reported it on patrol: the only name a field login may give.
    worker_code: str | None = None


@dataclass
class WriteStats:
    """What went into the database and what it refused, for the run's summary and tests."""

    written: Counter[str] = field(default_factory=Counter)
    bad_written: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    journal: list[tuple[Any, ...]] | None = None
    #: Malformed rows the database took, by (table, id): what the command centre should flag.
    bad_ids: dict[tuple[str, int], str] = field(default_factory=dict)

    def note(self, *entry: Any) -> None:
        if self.journal is not None:
            self.journal.append(entry)

    def summary(self) -> str:
        parts = [f"{k} {v}" for k, v in sorted(self.written.items())]
        bad = sum(self.bad_written.values())
        refused = sum(self.refused.values())
        return ", ".join(parts) + f"; malformed written {bad}, refused by the database {refused}"


COPY_POSITIONS = "COPY worker_positions (worker_code, lon, lat, accuracy_m) FROM STDIN"


class FieldWriter:
    """Writes through the contract on one connection; survives refusals, counts everything."""

    def __init__(self, conn: psycopg.Connection[Any], stats: WriteStats) -> None:
        self.conn = conn
        self.stats = stats
        #: COPY is refused where row-level security applies (a field login): then rows.
        self._copy = True

    def _act(self, actor: str, action: str | None = None, note: str = "") -> None:
        # Transaction-local settings name the writer in the trace the triggers write.
        self.conn.execute(
            "SELECT set_config('gridcommand.actor', %s, true),"
            " set_config('gridcommand.actor_role', %s, true),"
            " set_config('gridcommand.action', %s, true),"
            " set_config('gridcommand.note', %s, true)",
            (actor, FIELD_ROLE, action or "", note),
        )

    def _refused(self, what: str, bad: str | None, exc: psycopg.Error) -> None:
        key = f"{what} {bad}" if bad else what
        self.stats.refused[key] += 1
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        log.info("the database refused a %s (%s): %s", what, key, first)

    def report(self, r: NewReport) -> int | None:
        """Insert a report (status ``reported``) and its photo; the ticket id, or None."""
        try:
            with self.conn.transaction():
                # A citizen is no worker: the trace names the login for their reports.
                self._act(r.worker_code or "")
                row = self.conn.execute(
                    "INSERT INTO tickets (source, external_id, category_code, grid_code,"
                    " lon, lat, crs, description, reporter, reporter_contact, is_emergency)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
                    (
                        r.source,
                        r.external_id,
                        r.category_code,
                        r.grid_code,
                        r.lon,
                        r.lat,
                        r.crs,
                        r.description,
                        r.reporter,
                        r.reporter_contact,
                        r.is_emergency,
                    ),
                ).fetchone()
                assert row is not None
                ticket_id = int(row[0])
                if r.photo is not None:
                    self._photo(ticket_id, "report", r.photo)
        except psycopg.DatabaseError as exc:
            if isinstance(exc, psycopg.OperationalError):
                raise
            self._refused("ticket", r.bad, exc)
            self.stats.note("ticket-refused", r.seq, r.bad)
            return None
        self._count("tickets", r.bad)
        if r.bad is not None:
            self.stats.bad_ids["tickets", ticket_id] = r.bad
        if r.photo is not None:
            self.stats.written["photos"] += 1
        self.stats.note(
            "ticket", r.seq, r.source, r.category_code, r.grid_code, r.is_emergency, r.bad
        )
        return ticket_id

    def _photo(self, ticket_id: int, stage: str, data: bytes) -> None:
        self.conn.execute(
            "INSERT INTO ticket_photos (ticket_id, stage, mime_type, data)"
            " VALUES (%s, %s, 'image/png', %s)",
            (ticket_id, stage, data),
        )

    def _count(self, what: str, bad: str | None) -> None:
        if bad is None:
            self.stats.written[what] += 1
        else:
            self.stats.bad_written[f"{what} {bad}"] += 1

    def positions(self, fixes: list[tuple[str, float, float, float]]) -> None:
        """Good fixes of one moment, batched: each is (worker, lon, lat, accuracy in m)."""
        if not fixes:
            return
        # COPY, the bulk form of the contract's INSERT (same columns, same triggers): a
        # city's thousands of fixes a second cost the server and this process a fraction
        # of what a statement per row costs, on a machine the command centre may share.
        if self._copy:
            try:
                with (
                    self.conn.transaction(),
                    self.conn.cursor() as cur,
                    cur.copy(COPY_POSITIONS) as copy,
                ):
                    for fix in fixes:
                        copy.write_row(fix)
            except psycopg.errors.FeatureNotSupported:
                log.info("COPY is not open to this login; positions go as rows of an INSERT")
                self._copy = False
        if not self._copy:
            marks = ", ".join(["(%s, %s, %s, %s)"] * len(fixes))
            with self.conn.transaction():
                self.conn.execute(
                    "INSERT INTO worker_positions (worker_code, lon, lat, accuracy_m)"
                    f" VALUES {marks}",
                    [value for fix in fixes for value in fix],
                )
        self.stats.written["positions"] += len(fixes)
        for f in fixes:
            self.stats.note("position", f[0], round(f[1], 7), round(f[2], 7))

    def bad_position(self, fix: tuple[str, float, float, float], bad: str) -> None:
        """A malformed fix on its own, so that its refusal cannot take good ones with it."""
        try:
            with self.conn.transaction():
                row = self.conn.execute(
                    "INSERT INTO worker_positions (worker_code, lon, lat, accuracy_m)"
                    " VALUES (%s, %s, %s, %s) RETURNING id",
                    fix,
                ).fetchone()
        except psycopg.DatabaseError as exc:
            if isinstance(exc, psycopg.OperationalError):
                raise
            self._refused("position", bad, exc)
            self.stats.note("position-refused", fix[0], bad)
            return
        self._count("positions", bad)
        if row is not None:
            self.stats.bad_ids["worker_positions", int(row[0])] = bad
        self.stats.note("position-bad", fix[0], bad)

    def _transition(
        self,
        ticket_id: int,
        worker: str,
        from_status: str,
        to_status: str,
        *,
        action: str | None = None,
        note: str = "",
        clear_assignee: bool = False,
        photo: bytes | None = None,
    ) -> bool:
        """A field step, only if the ticket is still where the field last saw it.

        The ``WHERE`` on status and assignee is the field's optimistic lock: if the
        command centre re-dispatched or closed the case meanwhile, nothing changes.
        """
        set_clause = (
            "UPDATE tickets SET status = %s, assignee_worker_code = NULL"
            if clear_assignee
            else "UPDATE tickets SET status = %s"
        )
        with self.conn.transaction():
            self._act(worker, action, note)
            cur = self.conn.execute(
                set_clause + " WHERE id = %s AND status = %s AND assignee_worker_code = %s",
                (to_status, ticket_id, from_status, worker),
            )
            if cur.rowcount != 1:
                return False
            if photo is not None:
                self._photo(ticket_id, "handled", photo)
        self.stats.note("step", ticket_id, from_status, to_status, action)
        return True

    def accept(self, ticket_id: int, worker: str) -> bool:
        ok = self._transition(ticket_id, worker, "dispatched", "in_progress")
        if ok:
            self.stats.written["accepted"] += 1
        return ok

    def give_back(self, ticket_id: int, worker: str, reason: str) -> bool:
        """The worker returns a case that is not theirs; the command centre re-dispatches it."""
        ok = self._transition(
            ticket_id,
            worker,
            "dispatched",
            "registered",
            action="return",
            note=reason,
            clear_assignee=True,
        )
        if ok:
            self.stats.written["returned"] += 1
        return ok

    def progress(self, ticket_id: int, worker: str, note: str) -> None:
        """A progress note: a trace row only, the status stays ``in_progress``."""
        with self.conn.transaction():
            self.conn.execute(
                "INSERT INTO ticket_actions (ticket_id, action, from_status, to_status,"
                " actor, actor_role, note)"
                " SELECT id, 'progress', status, status, %s, %s, %s FROM tickets"
                " WHERE id = %s AND status = 'in_progress' AND assignee_worker_code = %s",
                (worker, FIELD_ROLE, note, ticket_id, worker),
            )
        self.stats.written["progress notes"] += 1

    def handled(self, ticket_id: int, worker: str, note: str, photo: bytes) -> bool:
        ok = self._transition(ticket_id, worker, "in_progress", "handled", note=note, photo=photo)
        if ok:
            self.stats.written["handled"] += 1
            self.stats.written["photos"] += 1
        return ok

    def break_grid(self, code: str, broken: dict[str, Any]) -> bool:
        """Overwrite a grid's boundary with broken GeoJSON that keeps the original inside."""
        try:
            with self.conn.transaction():
                cur = self.conn.execute(
                    "UPDATE grids SET boundary = %s::jsonb"
                    " || jsonb_build_object(%s::text, boundary)"
                    " WHERE code = %s AND NOT boundary ? %s::text",
                    (Jsonb(broken), ORIGINAL_KEY, code, ORIGINAL_KEY),
                )
        except psycopg.DatabaseError as exc:
            if isinstance(exc, psycopg.OperationalError):
                raise
            self._refused("grid update", "broken_geojson", exc)
            return False
        if cur.rowcount == 1:
            self._count("grids", "broken_geojson")
            self.stats.note("grid-broken", code)
        return cur.rowcount == 1

    def restore_grid(self, code: str) -> None:
        with self.conn.transaction():
            self.conn.execute(
                "UPDATE grids SET boundary = boundary -> %s::text"
                " WHERE code = %s AND boundary ? %s::text",
                (ORIGINAL_KEY, code, ORIGINAL_KEY),
            )
        self.stats.note("grid-restored", code)
