"""A replayed moment as the page's features, and the diff from one moment to the next.

No Qt, so it runs on a pool thread and is tested plainly. The features are the
live map's own (``maps.features``): a replayed alert, grid fill or worker dot
looks exactly as it did live. Only what differs from the picture on the page is
sent, so moving the slider by an hour sends the cases and dots that changed, not
a city.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import shape

from gridcommand.db.live.store import GridCounts, StateStore
from gridcommand.maps import features as f

Feature = dict[str, Any]
Diff = dict[str, Any]
#: The layers a moment fills; outlines and labels are the live page's and never change.
LAYERS = ("grids", "alerts", "workers")


@dataclass
class Picture:
    """Features by layer and id, as the page shows them."""

    layers: dict[str, dict[Any, Feature]] = field(default_factory=lambda: {n: {} for n in LAYERS})

    def diffs_from(self, before: Picture) -> list[Diff]:
        """What turns ``before`` on the page into this picture (grids are only restyled)."""
        out = []
        for name in LAYERS:
            now, then = self.layers[name], before.layers[name]
            upsert = [
                feature
                for key, feature in now.items()
                if (old := then.get(key)) is not feature and old != feature
            ]
            remove = [] if name == "grids" else [key for key in then if key not in now]
            if upsert or remove:
                out.append(f.diff(name, upsert, remove))
        return out


def grid_style_only(feature: Feature) -> Feature:
    """A full grid feature cut down to the part a restyle sends (no rings, no label)."""
    return {k: feature[k] for k in ("id", "state", "open", "overdue", "hpw")}


def picture_of(
    store: StateStore,
    project: f.Project,
    centres: dict[str, tuple[float, float]] | None = None,
    previous: tuple[StateStore, Picture] | None = None,
) -> Picture:
    """The store's state at its clock as features; ``centres`` caches grids' inner points.

    ``previous`` (the store and picture shown before): a worker whose state is the
    same object there keeps its feature (a city's workers mostly stand still).
    """
    now = store.clock()
    centres = {} if centres is None else centres
    full_timers: Counter[str] = Counter(
        s.record.grid_code
        for s in store.workers.values()
        if s.record.role == "full_time" and s.record.active
    )
    counts = store.counts_per_grid()
    grids = {
        code: f.grid_style(
            code,
            counts.get(code, GridCounts()),
            grid.households / max(full_timers.get(code, 0), 1),
        )
        for code, grid in store.grids.items()
    }
    alerts: dict[Any, Feature] = {}
    for t in store.open_tickets():
        fallback = None
        if (t.lon is None or t.lat is None) and t.grid in store.grids:
            fallback = _centre(store, str(t.grid), centres)
        feature = f.alert_feature(t, now, store.acknowledged, project, fallback)
        if feature is not None:
            alerts[t.id] = feature
    old_states = previous[0].workers if previous is not None else {}
    old_features = previous[1].layers["workers"] if previous is not None else {}
    workers: dict[Any, Feature] = {}
    for code, state in store.workers.items():
        if old_states.get(code) is state:
            if code in old_features:
                workers[code] = old_features[code]
            continue  # the same state drew nothing before, nor does it now
        feature = f.worker_feature(state, project)
        if feature is not None:
            workers[code] = feature
    return Picture({"grids": grids, "alerts": alerts, "workers": workers})


def _centre(
    store: StateStore, code: str, centres: dict[str, tuple[float, float]]
) -> tuple[float, float]:
    if code not in centres:
        point = shape(store.grids[code].boundary).representative_point()
        centres[code] = (point.x, point.y)
    return centres[code]
