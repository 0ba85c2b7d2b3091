"""Store changes → batched layer diffs for the page, with no Qt so it is tested plainly.

A grid's fill depends on tickets and workers, not only on the grid row, so the
builder remembers the style it last sent per grid and sends only the grids whose
style changed (the store names the grids whose counts moved); a boundary is sent
once, when the grid arrives. In the window it runs on the live thread, where the
store is applied.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from shapely.geometry import shape

from gridcommand.db.live.pacing import FIX_PACE_S
from gridcommand.db.live.records import GridRecord, TicketRecord, WorkerRecord
from gridcommand.db.live.store import Changes, GridCounts, StateStore, StoreChanges, WorkerState
from gridcommand.maps import features as f

Diff = dict[str, Any]
LAYERS = ("grids", "outlines", "alerts", "workers", "track")


#: An empty diff (``from_changes`` leaves out the empty ones).
_NONE: Diff = {"upsert": [], "remove": []}

#: The console is handed a worker's fixes at this pace (db/live/pacing.py).
WORKER_INTERVAL = timedelta(seconds=FIX_PACE_S)


class DiffBuilder:
    """Turns the store's state and deltas into ``{"layer", "upsert", "remove"}`` diffs."""

    def __init__(
        self,
        store: StateStore,
        crs: str = "WGS84",
        worker_interval: timedelta = WORKER_INTERVAL,
        workers: bool = True,
    ) -> None:
        self.store = store
        #: Whether the workers' dots are built here; in the window they are built in
        #: the feed's process (maps/worker_dots.py), and this builder leaves them be.
        self.workers = workers
        #: A worker's dot moves at most this often unless their status changes: a city
        #: sends thousands of fixes a second, each a few metres, and an alert must not
        #: queue behind them in the page.
        self.worker_interval = worker_interval
        #: When each dot was last sent (wall clock), with the status and row it showed; and
        #: the workers whose newest fix was held back, sent once their interval has passed.
        #: Three dicts, not a tuple per worker: a city's 200,000 tuples holding a row were
        #: objects every full garbage collection walked (the times and statuses are not).
        self._shown_at: dict[str, datetime] = {}
        self._shown_status: dict[str, str] = {}
        self._shown_record: dict[str, WorkerRecord] = {}
        self._held: set[str] = set()
        #: (when shown, worker) in the order sent, so the due held-back workers are found
        #: from the front instead of by a pass over a city's held set at every flush.
        self._shown_order: deque[tuple[datetime, str]] = deque()
        self.crs = crs
        self.project = f.projector(crs)
        #: Acknowledged here, before the database's trace of it comes back through the feed.
        self.acknowledged: set[int] = set()
        self._styles: dict[str, Diff] = {}
        self._alerts: set[int] = set()
        #: When each plain report's "new" ring ends (``features.NEW_FOR`` after it came in).
        self._new_until: dict[int, datetime] = {}
        self._centres: dict[str, tuple[float, float]] = {}

    # -- whole state -------------------------------------------------------------------
    def full(self) -> list[Diff]:
        """Everything, for the first load and after the coordinate system changed."""
        self._styles.clear()
        self._alerts.clear()
        self._forget_shown()
        self._held.clear()
        self._shown_order.clear()
        grids = [self._grid(g) for g in list(self.store.grids.values())]
        acked = self._acked()
        alerts = [a for t in self.store.open_tickets() if (a := self._alert(t, acked))]
        diffs = [f.diff("grids", grids), f.diff("alerts", alerts)]
        if self.workers:
            project = self.project
            states = list(self.store.workers.values())
            dots = [w for s in states if (w := f.worker_feature(s, project))]
            diffs.append(f.diff("workers", dots))
        return diffs

    def set_crs(self, crs: str) -> list[Diff]:
        self.crs = crs
        self.project = f.projector(crs)
        return self.full()

    # -- changes -----------------------------------------------------------------------
    def from_changes(self, changes: StoreChanges) -> list[Diff]:
        out = [
            self._grids_delta(changes.grids),
            self._tickets_delta(changes.tickets),
            self._workers_delta(changes.workers, changes.positions) if self.workers else _NONE,
            self.restyle(changes.restyle - {g.code for g in changes.grids.upserted}),
        ]
        return [d for d in out if d["upsert"] or d["remove"]]

    def workers_shown_whole(self) -> None:
        """The page was just given every worker's dot where the store has it (the return
        from replay): nothing held back is due, and each dot's interval starts now."""
        now = self.store.clock()
        self._held.clear()
        self._shown_order.clear()
        self._forget_shown()
        for code, s in list(self.store.workers.items()):
            if s.position is not None:
                self._show(code, now, s)

    def due_workers(self) -> list[Diff]:
        """The held-back dots whose interval has passed, with their newest fix.

        Asked by the map at each worker-canvas send with the other held moves, never on
        the path of a new alert.
        """
        due = self._due_workers()
        features = [w for s in due if (w := f.worker_feature(s, self.project))]
        return [f.diff("workers", features)] if features else []

    def acknowledge(self, ids: Iterable[int]) -> list[Diff]:
        ids = set(ids)
        self.acknowledged |= ids
        upsert = [{"id": i, "pulse": False} for i in ids if i in self._alerts]
        return [f.diff("alerts", upsert)] if upsert else []

    def expire_new(self) -> list[Diff]:
        """Reports no longer new stop ringing (the panel asks every ``NEW_CHECK_MS``)."""
        now = self.store.clock()
        done = [i for i, until in self._new_until.items() if until <= now]
        for i in done:
            del self._new_until[i]
        upsert = [{"id": i, "pulse": False} for i in done if i in self._alerts]
        return [f.diff("alerts", upsert)] if upsert else []

    def restyle(self, codes: Iterable[str] | None = None) -> Diff:
        """Grids whose fill changed since last sent, among ``codes`` (default: all)."""
        changed = []
        for code in self.store.grids if codes is None else codes:
            if code not in self.store.grids:
                continue
            style = f.grid_style(code, self._counts(code), self._hpw(code))
            if self._styles.get(code) != style:
                self._styles[code] = style
                changed.append(style)
        return f.diff("grids", changed)

    def track(self, worker_code: str, points: Sequence[f.Located]) -> Diff:
        return f.diff("track", [f.track_feature(worker_code, points, self.project)])

    # -- helpers -----------------------------------------------------------------------
    def _grids_delta(self, delta: Changes[GridRecord, str]) -> Diff:
        upsert = [self._grid(g) for g in delta.upserted]
        for code in delta.removed:
            self._styles.pop(str(code), None)
            self._centres.pop(str(code), None)
        return f.diff("grids", upsert, delta.removed)

    def _grid(self, grid: GridRecord) -> Diff:
        self._centres.pop(grid.code, None)
        counts, hpw = self._counts(grid.code), self._hpw(grid.code)
        self._styles[grid.code] = f.grid_style(grid.code, counts, hpw)
        return f.grid_feature(grid, counts, hpw, self.project)

    def _tickets_delta(self, delta: Changes[TicketRecord, int]) -> Diff:
        acked = self._acked()
        upsert, remove = [], [i for i in delta.removed if i in self._alerts]
        self._alerts.difference_update(remove)
        for t in delta.upserted:
            feature = self._alert(t, acked) if t.is_open else None
            if feature is not None:
                upsert.append(feature)
            elif t.id in self._alerts:
                self._alerts.discard(t.id)
                remove.append(t.id)
        return f.diff("alerts", upsert, remove)

    def _acked(self) -> set[int]:
        return self.store.acknowledged | self.acknowledged

    def _alert(self, t: TicketRecord, acked: set[int]) -> Diff | None:
        grid = t.grid
        fallback = self._centre(grid) if grid and (t.lon is None or t.lat is None) else None
        feature = f.alert_feature(
            t,
            self.store.clock(),
            acked,
            self.project,
            fallback,
        )
        if feature is not None:
            self._alerts.add(t.id)
            if feature["pulse"] and not t.is_emergency:
                self._new_until[t.id] = t.reported_at + f.NEW_FOR
            else:
                self._new_until.pop(t.id, None)
        return feature

    def _workers_delta(
        self, delta: Changes[WorkerState, str], moves: Changes[WorkerState, str]
    ) -> Diff:
        upsert, remove = [], []
        now = self.store.clock()  # once: a city's round of moves is thousands of states
        for s in (*delta.upserted, *moves.changed):
            if self._recently_shown(s, now):
                continue
            feature = f.worker_feature(s, self.project)
            if feature is None:
                remove.append(s.record.code)
            else:
                upsert.append(feature)
        return f.diff("workers", upsert, [*remove, *delta.removed, *moves.removed])

    def _recently_shown(self, s: WorkerState, now: datetime) -> bool:
        """True when this fix can wait: same worker row and status, the dot moved lately."""
        code = s.record.code
        if s.position is None:
            return False
        shown_at = self._shown_at.get(code)
        record = self._shown_record.get(code)
        if (
            shown_at is not None
            and self._shown_status.get(code) == s.status
            and (record is s.record or record == s.record)  # the same row, mostly
            and now - shown_at < self.worker_interval
        ):
            self._held.add(code)
            return True
        self._show(code, now, s)
        self._held.discard(code)
        return False

    def _show(self, code: str, now: datetime, s: WorkerState) -> None:
        self._shown_at[code] = now
        self._shown_status[code] = s.status
        self._shown_record[code] = s.record
        self._shown_order.append((now, code))

    def _forget_shown(self) -> None:
        self._shown_at.clear()
        self._shown_status.clear()
        self._shown_record.clear()

    def _due_workers(self) -> list[WorkerState]:
        """Held-back workers whose interval has passed: their newest fix goes out now."""
        if not self._held:
            return []
        now = self.store.clock()
        order = self._shown_order
        due: list[str] = []
        while order and now - order[0][0] >= self.worker_interval:
            shown_at, code = order.popleft()
            # Only the entry of the dot's latest showing counts; older ones are spent.
            if code in self._held and self._shown_at[code] == shown_at:
                due.append(code)
        states = []
        for code in due:
            self._held.discard(code)
            state = self.store.workers.get(code)
            if state is not None and state.position is not None:
                self._show(code, now, state)
                states.append(state)
        return states

    def _counts(self, code: str) -> GridCounts:
        return self.store.grid_counts(code)

    def _hpw(self, code: str) -> float:
        grid = self.store.grids.get(code)
        if grid is None:
            return 0.0
        return grid.households / max(self.store.full_timers.get(code, 0), 1)

    def _centre(self, code: str) -> tuple[float, float] | None:
        if code not in self._centres:
            grid = self.store.grids.get(code)
            if grid is None:
                return None
            point = shape(grid.boundary).representative_point()
            self._centres[code] = (point.x, point.y)
        return self._centres[code]
