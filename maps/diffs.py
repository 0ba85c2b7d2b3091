"""Store deltas → batched layer diffs for the page, with no Qt so it is tested plainly.

A grid's fill depends on tickets and workers, not only on the grid row, so the
builder remembers the style it last sent per grid and sends only the grids whose
style changed; a boundary is sent once, when the grid arrives.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from shapely.geometry import shape

from gridcommand.db.records import GridRecord, TicketRecord
from gridcommand.db.store import Delta, GridCounts, StateStore, WorkerState
from gridcommand.maps import features as f

Diff = dict[str, Any]
LAYERS = ("grids", "outlines", "alerts", "workers", "track")


class DiffBuilder:
    """Turns the store's state and deltas into ``{"layer", "upsert", "remove"}`` diffs."""

    def __init__(self, store: StateStore, crs: str = "WGS84") -> None:
        self.store = store
        self.crs = crs
        self.project = f.projector(crs)
        #: Acknowledged here, before the database's trace of it comes back through the feed.
        self.acknowledged: set[int] = set()
        self._styles: dict[str, Diff] = {}
        self._alerts: set[int] = set()
        self._full_timer_grid: dict[str, str] = {}
        self._full_timers: Counter[str] = Counter()
        self._centres: dict[str, tuple[float, float]] = {}

    # -- whole state -------------------------------------------------------------------
    def full(self) -> list[Diff]:
        """Everything, for the first load and after the coordinate system changed."""
        self._styles.clear()
        self._alerts.clear()
        for state in self.store.workers.values():
            self._note_worker(state)
        counts = self.store.counts_per_grid()
        grids = [self._grid(g, counts) for g in self.store.grids.values()]
        alerts = [a for t in self.store.open_tickets() if (a := self._alert(t))]
        workers = [
            w for s in self.store.workers.values() if (w := f.worker_feature(s, self.project))
        ]
        return [
            f.diff("grids", grids),
            f.diff("alerts", alerts),
            f.diff("workers", workers),
        ]

    def set_crs(self, crs: str) -> list[Diff]:
        self.crs = crs
        self.project = f.projector(crs)
        return self.full()

    # -- changes -----------------------------------------------------------------------
    def from_deltas(self, deltas: Iterable[Delta]) -> list[Diff]:
        out: list[Diff] = []
        restyle = False
        for delta in deltas:
            if delta.collection == "grids":
                out.append(self._grids_delta(delta))
                restyle = True
            elif delta.collection == "tickets":
                out.append(self._tickets_delta(delta))
                restyle = True
            elif delta.collection == "workers":
                out.append(self._workers_delta(delta))
                restyle = True
        if restyle:
            out.append(self.restyle())
        return [d for d in out if d["upsert"] or d["remove"]]

    def acknowledge(self, ids: Iterable[int]) -> list[Diff]:
        ids = set(ids)
        self.acknowledged |= ids
        upsert = [{"id": i, "pulse": False} for i in ids if i in self._alerts]
        return [f.diff("alerts", upsert)] if upsert else []

    def restyle(self) -> Diff:
        """Grids whose fill changed since last sent (counts are O(open tickets), cheap)."""
        counts = self.store.counts_per_grid()
        changed = []
        for code in self.store.grids:
            style = f.grid_style(code, counts.get(code, GridCounts()), self._hpw(code))
            if self._styles.get(code) != style:
                self._styles[code] = style
                changed.append(style)
        return f.diff("grids", changed)

    def track(self, worker_code: str) -> Diff:
        feature = f.track_feature(worker_code, self.store.track(worker_code), self.project)
        return f.diff("track", [feature])

    # -- helpers -----------------------------------------------------------------------
    def _grids_delta(self, delta: Delta) -> Diff:
        counts = self.store.counts_per_grid()
        upsert = [
            self._grid(g, counts)
            for g in (*delta.added, *delta.changed)
            if isinstance(g, GridRecord)
        ]
        for code in delta.removed:
            self._styles.pop(str(code), None)
            self._centres.pop(str(code), None)
        return f.diff("grids", upsert, delta.removed)

    def _grid(self, grid: GridRecord, counts: dict[str, GridCounts]) -> Diff:
        self._centres.pop(grid.code, None)
        feature = f.grid_feature(
            grid, counts.get(grid.code, GridCounts()), self._hpw(grid.code), self.project
        )
        self._styles[grid.code] = f.grid_style(
            grid.code, counts.get(grid.code, GridCounts()), self._hpw(grid.code)
        )
        return feature

    def _tickets_delta(self, delta: Delta) -> Diff:
        upsert, remove = [], [i for i in delta.removed if i in self._alerts]
        self._alerts.difference_update(remove)
        for t in (*delta.added, *delta.changed):
            if not isinstance(t, TicketRecord):
                continue
            feature = self._alert(t) if t.is_open else None
            if feature is not None:
                upsert.append(feature)
            elif t.id in self._alerts:
                self._alerts.discard(t.id)
                remove.append(t.id)
        return f.diff("alerts", upsert, remove)

    def _alert(self, t: TicketRecord) -> Diff | None:
        grid = t.grid
        fallback = self._centre(grid) if grid and (t.lon is None or t.lat is None) else None
        feature = f.alert_feature(
            t,
            self.store.clock(),
            self.store.acknowledged | self.acknowledged,
            self.project,
            fallback,
        )
        if feature is not None:
            self._alerts.add(t.id)
        return feature

    def _workers_delta(self, delta: Delta) -> Diff:
        upsert, remove = [], []
        for s in (*delta.added, *delta.changed):
            if not isinstance(s, WorkerState):
                continue
            self._note_worker(s)
            feature = f.worker_feature(s, self.project)
            if feature is None:
                remove.append(s.record.code)
            else:
                upsert.append(feature)
        return f.diff("workers", upsert, [*remove, *delta.removed])

    def _note_worker(self, s: WorkerState) -> None:
        """Keep full-timers per grid up to date from role/grid/active changes only."""
        r = s.record
        now = r.grid_code if r.role == "full_time" and r.active else ""
        before = self._full_timer_grid.get(r.code, "")
        if now == before:
            return
        if before:
            self._full_timers[before] -= 1
        if now:
            self._full_timers[now] += 1
        self._full_timer_grid[r.code] = now

    def _hpw(self, code: str) -> float:
        grid = self.store.grids.get(code)
        if grid is None:
            return 0.0
        return grid.households / max(self._full_timers.get(code, 0), 1)

    def _centre(self, code: str) -> tuple[float, float] | None:
        if code not in self._centres:
            grid = self.store.grids.get(code)
            if grid is None:
                return None
            point = shape(grid.boundary).representative_point()
            self._centres[code] = (point.x, point.y)
        return self._centres[code]
