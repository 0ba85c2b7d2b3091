"""Worker dots go to the page in one diff a second, not with every flush.

Each diff that touches the workers layer makes Leaflet repaint that whole canvas
(tens of thousands of dots scattered over the city, so the dirty area is all of
it), and the window flushes several times a second. On a wall PC that renders in
software, those repaints took half a core and made alerts wait in the page
behind them. A dot moves at most every 10 s anyway (see ``DiffBuilder``), so
holding the moves for up to a second changes nothing an operator can see.
Alerts, grids and tracks are never held.
"""

from __future__ import annotations

from typing import Any

Diff = dict[str, Any]


class WorkerDiffBuffer:
    """Merges worker diffs by id: the newest upsert or removal of each dot wins."""

    def __init__(self) -> None:
        self._upsert: dict[str, Diff] = {}
        self._remove: set[str] = set()

    def __len__(self) -> int:
        return len(self._upsert) + len(self._remove)

    def add(self, diff: Diff) -> None:
        for code in diff.get("remove", ()):
            self._upsert.pop(code, None)
            self._remove.add(code)
        for feature in diff.get("upsert", ()):
            self._remove.discard(feature["id"])
            self._upsert[feature["id"]] = feature

    def take(self) -> Diff | None:
        """The merged diff, emptying the buffer; ``None`` when there is nothing to send."""
        if not self:
            return None
        diff: Diff = {
            "layer": "workers",
            "upsert": list(self._upsert.values()),
            "remove": sorted(self._remove),
        }
        self.clear()
        return diff

    def clear(self) -> None:
        self._upsert.clear()
        self._remove.clear()
