"""The map's side of the live thread: store changes in, ready JSON text out.

The window applies the store on its live thread, and this runs there too, as a
subscriber: it builds the diffs (``DiffBuilder``), holds the worker moves per
canvas (``WorkerDiffBuffer``) and serialises what is due, so the GUI thread only
passes a finished string to the page. No Qt here; every method returns the text
to send, or ``None`` when there is nothing.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from typing import Any

from gridcommand.db.live.store import StateStore, StoreChanges
from gridcommand.maps.diffs import DiffBuilder
from gridcommand.maps.worker_buffer import WorkerDiffBuffer

Diff = dict[str, Any]


def to_text(diffs: list[Diff]) -> str | None:
    """The page's format: a JSON list of layer diffs (as ``MapBridge`` writes them)."""
    if not diffs:
        return None
    return json.dumps(diffs, ensure_ascii=False, separators=(",", ":"))


class MapDiffs:
    def __init__(self, store: StateStore, crs: str = "WGS84") -> None:
        self.store = store
        self.builder = DiffBuilder(store, crs)
        self.held = WorkerDiffBuffer()
        #: The worker whose track is shown; set from the GUI thread, read here.
        self.selected_worker: str | None = None
        #: The thread that built the last text (the tests check it is not the GUI's).
        self.built_on = ""

    def _text(self, diffs: list[Diff]) -> str | None:
        self.built_on = threading.current_thread().name
        return to_text(diffs)

    def on_changes(self, changes: StoreChanges) -> str | None:
        """Alerts, grids and a shown track now; worker moves held for their canvas."""
        now: list[Diff] = []
        for diff in self.builder.from_changes(changes):
            if diff["layer"] == "workers":
                self.held.add(diff)
            else:
                now.append(diff)
        selected = self.selected_worker
        if selected and (changes.positions or changes.workers):
            now.append(self.builder.track(selected))
        return self._text(now)

    def worker_canvas(self, shard: int | None) -> str | None:
        """One canvas's held moves (``None``: all), with the held-back dots now due."""
        for due in self.builder.due_workers():
            self.held.add(due)
        diff = self.held.take(shard)
        return self._text([diff] if diff is not None else [])

    def full(self) -> str | None:
        """Everything, for a (re)loaded page; held moves are in it."""
        self.held.clear()
        diffs = self.builder.full()
        if self.selected_worker:
            diffs.append(self.builder.track(self.selected_worker))
        return self._text(diffs)

    def set_crs(self, crs: str) -> str | None:
        self.held.clear()  # held moves are in the old coordinate system
        diffs = self.builder.set_crs(crs)
        if self.selected_worker:
            diffs.append(self.builder.track(self.selected_worker))
        return self._text(diffs)

    def track(self, worker_code: str | None, previous: str | None) -> str | None:
        diffs: list[Diff] = []
        if previous and previous != worker_code:
            diffs.append({"layer": "track", "upsert": [], "remove": [previous]})
        self.selected_worker = worker_code
        if worker_code:
            diffs.append(self.builder.track(worker_code))
        return self._text(diffs)

    def expire_new(self) -> str | None:
        return self._text(self.builder.expire_new())

    def acknowledge(self, ids: Iterable[int]) -> str | None:
        return self._text(self.builder.acknowledge(ids))
