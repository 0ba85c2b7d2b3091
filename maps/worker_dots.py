"""The worker dots built where the fixes arrive: in the feed's process, not the console's.

A city's phones send thousands of fixes a second. The console's main process took
each one (paced to one a worker every 10 s, db/live/pacing.py), applied it to the
store, built its dot and wrote its JSON: about 20 µs a fix, 5 % of a core at 10,000
grids, every slice of it holding the interpreter lock its GUI thread needs. Here the
same work runs beside the feed: a store of the workers alone (the same
``StateStore``, so a dot's status is the store's own rule), the same diff builder
and canvases (``MapDiffs``), and the texts go to the console finished. The console
passes them to the page, and its own store takes the fixes at a slower pace.

No Qt, no pipe: ``desktop/feed_serve.py`` drives it and sends what it returns.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from gridcommand.db.live.records import ChangeBatch
from gridcommand.db.live.store import Clock, StateStore, WorkerState, utc_now
from gridcommand.maps import features as f
from gridcommand.maps.diff_stream import MapDiffs, to_texts


class DotSource(Protocol):
    """What the map asks of the dots built elsewhere (``LiveData``, for the feed's process).

    Each answer comes later, as texts for the page (``MapPanel.receive_dots``).
    """

    def whole(self, crs: str) -> int:
        """Every dot, in ``crs``; returns the answer's serial."""
        ...

    def flush(self) -> int:
        """Every canvas's held moves now (tests, the bench); returns the answer's serial."""
        ...

    def follow(self, worker_code: str | None) -> None:
        """The worker whose track is shown: their fixes reach the console's store at the
        dots' pace, so the track's live end keeps up with the dot."""
        ...


class WorkerDots:
    """The workers' store and their dots' diffs; every method returns texts for the page."""

    def __init__(
        self,
        crs: str = "WGS84",
        seed: Iterable[WorkerState] = (),
        clock: Clock = utc_now,
        text_limit: int | None = None,
    ) -> None:
        """``text_limit``: the longest text the console takes (``None``: ``MAX_TEXT``)."""
        self.store = StateStore(clock)
        self.diffs = MapDiffs(self.store, crs)
        self.diffs.text_limit = text_limit
        states = list(seed)
        if states:
            # A successor of a feed process that died: the console's workers, as the dots
            # start from (the page shows them already; newer fixes follow).
            self.store.apply(
                ChangeBatch(
                    workers=tuple(s.record for s in states),
                    positions=tuple(s.position for s in states if s.position is not None),
                )
            )
            self.diffs.builder.workers_shown_whole()

    @property
    def crs(self) -> str:
        return self.diffs.builder.crs

    def apply(self, batch: ChangeBatch) -> None:
        """The workers' rows and fixes of ``batch`` (its fixes paced already); the moves
        wait for their canvas."""
        if batch.workers or batch.positions:
            mine = ChangeBatch(workers=batch.workers, positions=batch.positions)
            self.diffs.on_changes(self.store.apply(mine))

    def tick(self) -> None:
        """A worker silent for 10 minutes turns stale: the clock, as the console's has it."""
        changes = self.store.refresh_clock()
        if changes:
            self.diffs.on_changes(changes)

    def canvas(self, shard: int | None) -> list[str]:
        """One canvas's moves (``None``: every canvas), with the dots now due."""
        return self.diffs.worker_canvas(shard)

    def whole(self, crs: str) -> list[str]:
        """Every dot, in ``crs`` (a page loaded, its coordinate system changed, or back
        from replay): the moves held so far are in it."""
        builder = self.diffs.builder
        if crs != builder.crs:
            builder.crs, builder.project = crs, f.projector(crs)
        self.diffs.live_again()
        project = builder.project
        dots = [w for s in list(self.store.workers.values()) if (w := f.worker_feature(s, project))]
        return to_texts([f.diff("workers", dots)], self.diffs.text_limit)


__all__ = ["DotSource", "WorkerDots"]
