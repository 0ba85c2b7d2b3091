"""The change feed: every change in the shared database, in order, and nothing missed.

A worker thread (no Qt) with its own autocommit psycopg connection LISTENs on the
schema's channel. A notification only wakes it: what it reports comes from a
catch-up query by transaction-id watermark (see :mod:`feed_queries`), so changes
whose notification was lost — during a disconnect, at start-up, or because a
trigger was dropped — are still found. A burst of notifications costs one
catch-up; a quiet database is still polled every ``poll_interval`` seconds.

Where LISTEN cannot work — a hot standby refuses it (``cannot execute LISTEN
during recovery``), and a pooler in transaction mode (PgBouncer) hands the session
to another client after every transaction — the feed runs on the catch-up alone,
polling every ``POLL_BUSY_S`` while changes arrive and backing off to
``POLL_IDLE_S`` when the database is quiet. The mode is chosen on each connection
(or forced with ``listen=False``); that path uses no session state and no prepared
statements. On a standby the feed also reports how far it is behind its primary,
and writes what it must (refused rows) through ``write_url``, the primary.

When the connection fails the feed reports ``reconnecting``, then ``lost`` (with
the time it was lost), retries with capped exponential backoff, and on return
catches up from the watermark it had. It emits plain immutable batches.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row, tuple_row
from psycopg.types.json import Jsonb
from sqlalchemy.engine import URL

from gridcommand.db.live import queries as q
from gridcommand.db.live.records import ChangeBatch, FeedState, RejectionRecord, TicketRecord
from gridcommand.db.live.validation import Validator
from gridcommand.db.schema.channel import CHANGE_CHANNEL

log = logging.getLogger(__name__)

BatchHandler = Callable[[ChangeBatch], None]
StateHandler = Callable[[FeedState], None]
#: After this long without a connection the feed says "lost" rather than "reconnecting".
LOST_AFTER_S = 10.0
#: Polling without LISTEN: this often while changes arrive ...
POLL_BUSY_S = 0.1
#: ... backing off by this factor a quiet round up to this (so a first change after a
#: lull still reaches the map well within a second).
POLL_BACKOFF = 1.5
POLL_IDLE_S = 0.5
#: A standby less far behind than this is shown as simply live.
LAG_SHOWN_S = 1.0
#: The first load is handed over in slices of at most this many rows: grids first (the
#: map first), then cases, workers and their fixes; the store takes one slice at a time.
FIRST_LOAD_SLICE = 2500


def libpq_conninfo(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class ChangeFeed(threading.Thread):
    def __init__(
        self,
        url: URL,
        on_batch: BatchHandler,
        on_state: StateHandler | None = None,
        poll_interval: float = 2.0,
        coalesce_s: float = 0.01,
        backoff: tuple[float, float] = (0.2, 5.0),
        record_rejections: bool = True,
        listen: bool = True,
        write_url: URL | None = None,
        first_load_slice: int | None = None,
        watermark: int | None = None,
    ) -> None:
        """``listen=False``: never LISTEN (poll only); ``write_url``: where refused rows
        are recorded when ``url`` is a read-only standby (by default ``url`` itself).
        ``watermark``: where an earlier feed of this console left off (its ``watermark``);
        without one the first catch-up is the whole current state."""
        super().__init__(name="gridcommand-change-feed", daemon=True)
        self._conninfo = libpq_conninfo(url)
        self._on_batch = on_batch
        self._on_state = on_state or (lambda state: None)
        self.poll_interval = poll_interval
        self._coalesce_s = coalesce_s
        self._backoff = backoff
        self._record = record_rejections
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._xmin: int | None = watermark
        self._first_load_slice = first_load_slice or FIRST_LOAD_SLICE
        self._seen: dict[tuple[str, str], int] = {}
        self._known_rejections: set[tuple[str, str, str]] = set()
        #: Rows with a standing refusal: each is listed once, with its first reason.
        self._refused_rows: set[tuple[str, str]] = set()
        #: Rows refused before that a new verdict (a grid change) accepts.
        self._resolved: list[tuple[str, str]] = []
        self.validator = Validator()
        self.state = FeedState("connecting")
        self.catchups = 0
        #: Seconds spent in catch-up reads (BEGIN to COMMIT), for the bench's cost per poll.
        self.catchup_s = 0.0
        self._last_catchup = 0.0
        self._listen_allowed = listen
        self._write_conninfo = libpq_conninfo(write_url) if write_url is not None else None
        self.mode = ""
        self._standby = False
        self._lag_s: float | None = None
        self._delivered = False
        #: Rows in the first load (0 until it is read), for the window's progress.
        self.first_load_total = 0
        #: Fixes counted in ``first_load_total`` before they are read (one a worker).
        self._fixes_guessed = 0

    # -- control ---------------------------------------------------------------------
    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self.is_alive():
            self.join(timeout)

    @property
    def watermark(self) -> int | None:
        """The transaction-id watermark the next catch-up reads from (``None``: none yet)."""
        return self._xmin

    def request_catchup(self) -> None:
        """Ask for a catch-up now (after the command centre wrote something itself)."""
        self._wake.set()

    # -- the loop --------------------------------------------------------------------
    def run(self) -> None:
        delay = self._backoff[0]
        down_since: datetime | None = None
        while not self._stopping.is_set():
            try:
                with psycopg.connect(
                    self._conninfo,
                    autocommit=True,
                    row_factory=dict_row,
                    connect_timeout=5,
                    application_name="gridcommand-feed",
                    # Statements prepared on one server session are unknown to the next
                    # one a pooler in transaction mode hands over.
                    prepare_threshold=None if not self._listen_allowed else 5,
                ) as conn:
                    self.mode = self._choose_mode(conn)
                    self._load_reference(conn)
                    self._catch_up(conn)
                    self._set_state(self._connected())
                    delay, down_since = self._backoff[0], None
                    if self.mode == "listen":
                        self._listen(conn)
                    else:
                        self._poll(conn)
            except psycopg.Error as exc:
                if self._stopping.is_set():
                    break
                down_since = down_since or datetime.now(UTC)
                lost = (datetime.now(UTC) - down_since).total_seconds() >= LOST_AFTER_S
                detail = _first_line(exc)
                self._set_state(
                    FeedState(
                        "lost" if lost else "reconnecting",
                        down_since,
                        detail,
                        mode=self.mode,
                        replica=self._standby,
                    )
                )
                log.warning("change feed: %s; retrying in %.1f s", detail, delay)
                self._stopping.wait(delay)
                delay = min(delay * 2, self._backoff[1])
            except Exception:  # a bug must not silently kill the live picture
                log.exception("change feed failed; restarting it")
                self._stopping.wait(delay)
                delay = min(delay * 2, self._backoff[1])
        self._set_state(FeedState("stopped"))

    def _choose_mode(self, conn: psycopg.Connection[Any]) -> str:
        """LISTEN where it works; the catch-up alone on a standby or behind a pooler."""
        server = conn.execute(q.SERVER).fetchone()
        assert server is not None  # a SELECT of two functions always returns one row
        self._standby = bool(server["standby"])
        pooled = server["pid"] != conn.info.backend_pid
        if pooled:
            conn.prepare_threshold = None
        if not self._listen_allowed or pooled:
            return "poll"
        try:
            conn.execute(f"LISTEN {CHANGE_CHANNEL}")
        except (psycopg.errors.ReadOnlySqlTransaction, psycopg.errors.FeatureNotSupported) as exc:
            # "cannot execute LISTEN during recovery": a hot standby.
            log.info("change feed: LISTEN refused (%s); polling instead", _first_line(exc))
            return "poll"
        return "listen"

    def _connected(self) -> FeedState:
        return FeedState("connected", mode=self.mode, replica=self._standby, lag_s=self._lag_s)

    def _poll(self, conn: psycopg.Connection[Any]) -> None:
        """Catch up on a timer: quickly while changes arrive, less often when quiet."""
        interval = POLL_BUSY_S
        while not self._stopping.is_set():
            if self._wake.wait(interval):
                self._wake.clear()
                interval = POLL_BUSY_S
            if self._stopping.is_set():
                return
            self._catch_up(conn)
            self._set_state(self._connected())
            quiet = min(interval * POLL_BACKOFF, POLL_IDLE_S)
            interval = POLL_BUSY_S if self._delivered else quiet

    def _listen(self, conn: psycopg.Connection[Any]) -> None:
        while not self._stopping.is_set():
            woke = False
            for _ in conn.notifies(timeout=min(self.poll_interval, 0.25), stop_after=1):
                woke = True
            if woke:
                # Coalesce the rest of a burst into the same catch-up.
                for _ in conn.notifies(timeout=self._coalesce_s):
                    pass
            elif self._wake.is_set():
                self._wake.clear()
            elif time.monotonic() - self._last_catchup < self.poll_interval:
                continue
            self._catch_up(conn)

    # -- catching up -------------------------------------------------------------------
    def _load_reference(self, conn: psycopg.Connection[Any]) -> None:
        self.validator.known_categories = {r["code"] for r in conn.execute(q.CATEGORIES)}
        self._known_rejections = {
            (r["source_table"], r["row_ref"], r["reason_code"])
            for r in conn.execute(q.KNOWN_REJECTIONS)
        }
        self._refused_rows = {(table, ref) for table, ref, _ in self._known_rejections}
        if self._xmin is not None and not self.validator.has_grids():
            self._learn_layer(conn)

    def _learn_layer(self, conn: psycopg.Connection[Any]) -> None:
        """A feed resumed from a watermark learns the grid layer it checks rows against.

        Its predecessor (a feed process that died) had learned it from the first load;
        this one reads only what changed since, and would otherwise judge every case
        and fix against no layer at all. Nothing is delivered: the store has the grids.
        """
        for row in conn.execute(q.GRIDS, {"x": 0, "initial": True}):
            self.validator.check_grid(q.grid(row))

    def _catch_up(self, conn: psycopg.Connection[Any]) -> None:
        """Read everything since the watermark in one snapshot; reports before positions.

        In a city the positions are thousands a second and the reports a few a
        minute: the reports are read, checked and handed over first, so a new alert
        does not wait while this round's fixes are converted and checked.
        """
        initial = self._xmin is None
        params = {"x": self._xmin or 0, "initial": initial}
        refused: list[RejectionRecord] = []
        began = time.perf_counter()
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        try:
            # One round trip for the five small reads, not one each: on a busy server
            # every round trip is a wait for the scheduler, and a report waits on them.
            with conn.pipeline():
                lag = conn.execute(q.STANDBY_LAG) if self._standby else None
                reads = [
                    conn.execute(q.XMIN),
                    conn.execute(q.GRIDS, params),
                    conn.execute(q.WORKERS, params),
                    conn.execute(q.OPEN_TICKETS if initial else q.TICKETS, params),
                    conn.execute(q.OPEN_ACKNOWLEDGEMENTS if initial else q.ACTIONS, params),
                    conn.execute(q.REJECTIONS, params),
                ]
            mark = reads[0].fetchone()
            assert mark is not None  # the snapshot query always returns one row
            xmin = int(mark["xmin"])
            if lag is not None:
                behind = lag.fetchone()
                lag_s = float(behind["lag_s"]) if behind is not None else 0.0
                self._lag_s = round(lag_s, 1) if lag_s >= LAG_SHOWN_S else None
            grids, workers, tickets, actions, rejections = (c.fetchall() for c in reads[1:])
            first: ChangeBatch | None = None
            if not initial:
                first, refused = self._build(
                    False, grids, workers, [], tickets, actions, rejections
                )
                if len(first):
                    self._on_batch(first)
            else:
                # The outline, the cases and the workers go before each worker's latest
                # fix is read: on a database that keeps weeks of fixes that read is the
                # load's longest (0.75 s of 32.7 million), and the map need not wait.
                refused = self._first_load_head(grids, workers, tickets, actions, rejections)
            grids, workers, tickets, actions, rejections = [], [], [], [], []
            # Thousands of rows a round: plain tuples, not a dict each.
            with conn.cursor(row_factory=tuple_row) as cur:
                positions = cur.execute(
                    q.LATEST_POSITIONS if initial else q.POSITIONS, params
                ).fetchall()
        except BaseException:
            # Rows refused in the first read are not recorded yet: let the retry see
            # them again, or they would never reach the data-quality list.
            for r in refused:
                self._seen.pop((r.source_table, r.row_ref), None)
            raise
        finally:
            conn.execute("COMMIT")
        self.catchup_s += time.perf_counter() - began
        self._last_catchup = time.monotonic()
        self.catchups += 1
        if initial:
            batch, more = self._first_load_fixes(positions)
        else:
            batch, more = self._build(
                False, grids, workers, positions, tickets, actions, rejections
            )
        refused += more
        self._xmin = xmin
        self._prune(xmin)
        if refused or self._resolved:
            self._record_rejections(conn, refused)
        self._delivered = bool(len(batch)) or (first is not None and bool(len(first)))
        if len(batch) or initial:
            self._on_batch(batch)

    def _first_load_head(
        self,
        grid_rows: list[dict[str, Any]],
        worker_rows: list[dict[str, Any]],
        ticket_rows: list[dict[str, Any]],
        action_rows: list[dict[str, Any]],
        rejection_rows: list[dict[str, Any]],
    ) -> list[RejectionRecord]:
        """The current state but the fixes, handed over a slice at a time as each is built.

        Grids first, so the map has the city's outline before anything else; then the
        cases (their acknowledgements with the first slice) and the workers; their last
        fixes follow (``_first_load_fixes``: a fix needs its worker). Each slice is an
        ordinary change. ``first_load_total`` (rows) is set before the first slice, for
        the window's progress, counting a fix a worker until the fixes are read.
        """
        n = self._first_load_slice
        # A fix a worker at most (each one's latest) until the fixes are read.
        self._fixes_guessed = len(worker_rows)
        self.first_load_total = len(grid_rows) + len(ticket_rows) + 2 * len(worker_rows)
        parts: list[tuple[Any, ...]] = [(g, [], [], [], []) for g in _chunks(grid_rows, n)]
        ticket_parts = _chunks(ticket_rows, n) or [[]]
        for i, t in enumerate(ticket_parts):
            # The acknowledgements before the first case: an acknowledged emergency must
            # never sound, even for the moment between two slices.
            first = i == 0
            parts.append(([], [], t, action_rows if first else [], rejection_rows if first else []))
        parts += [([], w, [], [], []) for w in _chunks(worker_rows, n)]
        refused: list[RejectionRecord] = []
        for g, w, t, a, r in parts:
            piece, more = self._build(True, g, w, [], t, a, r)
            refused += more
            if len(piece):
                self._on_batch(replace(piece, initial=False))
        return refused

    def _first_load_fixes(
        self, position_rows: list[tuple[Any, ...]]
    ) -> tuple[ChangeBatch, list[RejectionRecord]]:
        """Each worker's latest fix, a slice at a time; the empty ``initial`` batch
        returned last says the load is complete."""
        n = self._first_load_slice
        self.first_load_total += len(position_rows) - self._fixes_guessed
        self._fixes_guessed = 0
        refused: list[RejectionRecord] = []
        for p in _chunks(position_rows, n):
            piece, more = self._build(True, [], [], p, [], [], [])
            refused += more
            if len(piece):
                self._on_batch(replace(piece, initial=False))
        return ChangeBatch(initial=True), refused

    def _fresh(self, table: str, key: object, txid: int | None) -> bool:
        """Skip rows already delivered at this same version (re-read after a watermark)."""
        mark = (table, str(key))
        if txid is not None and self._seen.get(mark) == txid:
            return False
        if txid is not None:
            self._seen[mark] = txid
        return True

    def _prune(self, xmin: int) -> None:
        if len(self._seen) > 50_000:
            self._seen = {k: v for k, v in self._seen.items() if v >= xmin}

    def _build(
        self,
        initial: bool,
        grid_rows: list[dict[str, Any]],
        worker_rows: list[dict[str, Any]],
        position_rows: list[tuple[Any, ...]],
        ticket_rows: list[dict[str, Any]],
        action_rows: list[dict[str, Any]],
        rejection_rows: list[dict[str, Any]],
    ) -> tuple[ChangeBatch, list[RejectionRecord]]:
        v = self.validator
        refused: list[RejectionRecord] = []
        grids = []
        for row in grid_rows:
            if not self._fresh("grids", row["code"], row["txid"]):
                continue
            grid = q.grid(row)
            # A grid changed while the console runs is checked against the layer it joins.
            verdict = v.check_grid(grid, against_layer=not initial)
            if verdict.accepted:
                grids.append(grid)
                self._accepted("grids", grid.code)
            elif verdict.rejection:
                refused.append(verdict.rejection)
        workers = [q.worker(r) for r in worker_rows if self._fresh("workers", r["code"], r["txid"])]
        positions, refused_fixes = v.check_positions(
            [
                q.position(row)
                for row in position_rows
                if self._fresh("worker_positions", row[q.POSITION_ID], row[q.POSITION_TXID])
            ]
        )
        refused += refused_fixes
        if self._refused_rows:
            for p in positions:
                self._accepted("worker_positions", p.id)
        tickets = []
        for row in ticket_rows:
            if not self._fresh("tickets", row["id"], row["txid"]):
                continue
            ticket = q.ticket(row)
            verdict = v.check_ticket(ticket)
            if verdict.accepted:
                if verdict.located_grid != ticket.located_grid:
                    ticket = _with_located(ticket, verdict.located_grid)
                tickets.append(ticket)
                self._accepted("tickets", ticket.id)
                if ticket.status == "reported":
                    v.remember(ticket)
            elif verdict.rejection:
                refused.append(verdict.rejection)
        actions = [
            q.action(r) for r in action_rows if self._fresh("ticket_actions", r["id"], r["txid"])
        ]
        rejections = [
            q.rejection(r)
            for r in rejection_rows
            if self._fresh("rejected_input", r["id"], r["txid"])
        ]
        if self._resolved:
            # In the same batch as the row itself: the store never holds it twice.
            moved = set(self._resolved)
            now = datetime.now(UTC)
            rejections = [
                replace(r, resolved_at=now) if (r.source_table, r.row_ref) in moved else r
                for r in rejections
            ] + [
                RejectionRecord(0, now, table, ref, reason, "", resolved_at=now)
                for table, ref, reason in self._known_rejections
                if (table, ref) in moved
            ]
        batch = ChangeBatch(
            grids=tuple(grids),
            workers=tuple(workers),
            positions=tuple(positions),
            tickets=tuple(tickets),
            actions=tuple(actions),
            rejections=tuple(rejections) + tuple(r for r in refused if not self._record),
            initial=initial,
        )
        return batch, refused

    def _record_rejections(
        self, conn: psycopg.Connection[Any], refused: list[RejectionRecord]
    ) -> None:
        # One verdict a row: a row already refused keeps its first reason, once.
        new = [r for r in refused if (r.source_table, r.row_ref) not in self._refused_rows]
        resolved, self._resolved = self._resolved, []
        if resolved and self._record:
            # A grid change made a refused row acceptable: it moves to the map, and its
            # refusal is marked resolved (kept, with its reason), never listed beside it.
            log.info("accepted %d rows refused before (the grid layer changed)", len(resolved))
            try:
                with conn.cursor() as cur:
                    cur.executemany(q.RESOLVE_REJECTION, resolved)
            except psycopg.errors.InsufficientPrivilege:
                log.warning("this login may not resolve refused rows")
            else:
                self._refused_rows.difference_update(resolved)
                self._known_rejections = {
                    k for k in self._known_rejections if (k[0], k[1]) not in set(resolved)
                }
                self._wake.set()
        if new:
            # One line a batch: a broken tablet must not flood the log with a line a fix.
            reasons = Counter(f"{r.source_table} {r.reason_code}" for r in new)
            log.info(
                "set aside %d rows: %s",
                len(new),
                ", ".join(f"{key} {count}" for key, count in sorted(reasons.items())),
            )
        if not self._record or not new:
            return
        rows = [(r.source_table, r.row_ref, r.reason_code, r.reason, Jsonb(r.payload)) for r in new]
        try:
            if self._write_conninfo is not None:
                # A standby is read-only: refused rows are written on the primary and
                # come back through the replica like any other change.
                with psycopg.connect(
                    self._write_conninfo,
                    autocommit=True,
                    connect_timeout=5,
                    application_name="gridcommand-feed",
                    prepare_threshold=None,
                ) as primary:
                    primary.cursor().executemany(q.RECORD_REJECTION, rows)
            else:
                with conn.cursor() as cur:
                    cur.executemany(q.RECORD_REJECTION, rows)
        except psycopg.errors.InsufficientPrivilege:
            log.warning("this login may not record refused rows; they are only logged")
            return
        except psycopg.errors.ReadOnlySqlTransaction:
            log.warning("a read-only standby cannot record refused rows; they are only logged")
            return
        self._known_rejections.update(r.key for r in new)
        self._refused_rows.update((r.source_table, r.row_ref) for r in new)
        # The recorded rows come back through the next catch-up, like any change.
        self._wake.set()

    def _accepted(self, table: str, key: object) -> None:
        """Note a row accepted now that had a standing refusal."""
        mark = (table, str(key))
        if mark in self._refused_rows:
            self._resolved.append(mark)

    def _set_state(self, state: FeedState) -> None:
        if state != replace(self.state, since=state.since):
            self.state = state
            self._on_state(state)


def _chunks(rows: list[Any], size: int) -> list[list[Any]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _with_located(record: TicketRecord, grid: str | None) -> TicketRecord:
    return replace(record, located_grid=grid)
