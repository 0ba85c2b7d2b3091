"""Worker dots go to the page a canvas at a time, each about every two seconds.

Each diff that touches a workers canvas makes Leaflet repaint that whole canvas
(its dots are scattered over the city, so the dirty area is all of it), and the
window flushes several times a second. On a wall PC that renders in software,
repainting one canvas of 40,000 dots took 200 ms, during which a new alert
waited. So the dots are split over ``WORKER_SHARDS`` canvases and one canvas's
held moves are sent per tick (in the window by the feed's process, which builds the
dots: desktop/feed_serve.py), round the canvases every two seconds (one
second left the page painting dots eight times a second). A dot moves at most
every 10 s anyway (see ``DiffBuilder``), so holding a move for up to two seconds
changes nothing an operator can see. Alerts, grids and tracks are
never held.
"""

from __future__ import annotations

from typing import Any

from gridcommand.maps.features import WORKER_SHARDS

Diff = dict[str, Any]


class WorkerDiffBuffer:
    """Merges worker diffs by id, per canvas: the newest upsert or removal of a dot wins."""

    def __init__(self, shards: int = WORKER_SHARDS) -> None:
        self._upsert: list[dict[str, Diff]] = [{} for _ in range(shards)]
        self._remove: set[str] = set()

    def __len__(self) -> int:
        return sum(len(u) for u in self._upsert) + len(self._remove)

    def add(self, diff: Diff) -> None:
        for code in diff.get("remove", ()):
            for upserts in self._upsert:
                upserts.pop(code, None)
            self._remove.add(code)
        for feature in diff.get("upsert", ()):
            self._remove.discard(feature["id"])
            self._upsert[feature.get("s", 0) % len(self._upsert)][feature["id"]] = feature

    def take(self, shard: int | None = None) -> Diff | None:
        """One canvas's moves (``None``: every canvas), with every removal; emptied.

        ``None`` is returned when there is nothing to send.
        """
        chosen = self._upsert if shard is None else [self._upsert[shard % len(self._upsert)]]
        upsert = [f for upserts in chosen for f in upserts.values()]
        if not upsert and not self._remove:
            return None
        diff: Diff = {"layer": "workers", "upsert": upsert, "remove": sorted(self._remove)}
        for upserts in chosen:
            upserts.clear()
        self._remove.clear()
        return diff

    def clear(self) -> None:
        for upserts in self._upsert:
            upserts.clear()
        self._remove.clear()
