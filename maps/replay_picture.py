"""A replayed moment as the page's features, and the diff from one moment to the next.

No Qt, so it runs on a pool thread and is tested plainly. The features are the
live map's own (``maps.features``): a replayed alert, grid fill or worker dot
looks exactly as it did live. Only what differs from the picture on the page is
sent, so moving the slider by an hour sends the cases and dots that changed, not
a city.
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import shape

from gridcommand.db.live.store import GridCounts, StateStore, time_state
from gridcommand.maps import features as f

Feature = dict[str, Any]
Diff = dict[str, Any]
EMPTY = GridCounts()
#: The layers a moment fills; outlines and labels are the live page's and never change.
LAYERS = ("grids", "alerts", "workers", "track")


@dataclass(eq=False)
class Picture:
    """Features by layer and id, as the page shows them."""

    layers: dict[str, dict[Any, Feature]] = field(default_factory=lambda: {n: {} for n in LAYERS})
    #: Each grid's counts as drawn (the next moment restyles only the grids whose differ).
    counts: dict[str, GridCounts] = field(default_factory=dict)
    #: The picture this one was built from, and per layer the only keys that may differ
    #: from it (a layer not named: any key).
    base: weakref.ref[Picture] | None = None
    changed: dict[str, set[Any]] = field(default_factory=dict)
    #: The projection its points were drawn with (a point is reused only under the same).
    project: f.Project | None = None

    def diffs_from(self, before: Picture) -> list[Diff]:
        """What turns ``before`` on the page into this picture (grids are only restyled)."""
        built_from = self.base is not None and self.base() is before
        out = []
        for name in LAYERS:
            now, then = self.layers[name], before.layers[name]
            keys = self.changed.get(name) if built_from else None
            if keys is None:
                upsert = [
                    feature
                    for key, feature in now.items()
                    if (old := then.get(key)) is not feature and old != feature
                ]
                remove = [] if name == "grids" else [key for key in then if key not in now]
            else:
                upsert = [
                    feature
                    for key in keys
                    if (feature := now.get(key)) is not None
                    and (old := then.get(key)) is not feature
                    and old != feature
                ]
                remove = [] if name == "grids" else [k for k in keys if k in then and k not in now]
            if upsert or remove:
                out.append(f.diff(name, upsert, remove))
        return out


def dots_unknown(picture: Picture) -> Picture:
    """``picture`` with its workers' dots where the page has them, not where its store
    does: the first moment of a replay then sends every dot of its own.

    The page's dots are not the live store's: they are built in the feed's process
    from fixes the store gets later (desktop/feed_serve.py), or held for their canvas.
    A moment near now could hold the store's fix for a worker, and the dot on the page,
    newer, would have stayed.
    """
    unknown: Feature = {}
    layers = {**picture.layers, "workers": dict.fromkeys(picture.layers["workers"], unknown)}
    return Picture(layers=layers, counts=picture.counts, project=picture.project)


def grid_style_only(feature: Feature) -> Feature:
    """A full grid feature cut down to the part a restyle sends (no rings, no label)."""
    return {k: feature[k] for k in ("id", "state", "open", "overdue", "hpw")}


def picture_of(
    store: StateStore,
    project: f.Project,
    centres: dict[str, tuple[float, float]] | None = None,
    previous: tuple[StateStore, Picture] | None = None,
    track: tuple[str, Sequence[f.Located]] | None = None,
) -> Picture:
    """The store's state at its clock as features; ``centres`` caches grids' inner points.

    ``previous`` (the store and picture shown before): a worker whose state is the
    same object there keeps its feature (a city's workers mostly stand still).
    ``track``: the chosen worker and their fixes of the hour before the clock.
    """
    now = store.clock()
    centres = {} if centres is None else centres
    picture = Picture()
    # Built from the moment before when the store was (a replayed moment read as a change).
    base = previous[1] if previous is not None and _built_from(store, previous[0]) else None
    full_timers: Counter[str] = store.full_timers
    if not full_timers:  # a store filled without its counts (the live one has them)
        full_timers = Counter(
            s.record.grid_code
            for s in store.workers.values()
            if s.record.role == "full_time" and s.record.active
        )
    counts = {code: n for code, n in store.counts_per_grid().items() if n != EMPTY}

    def style(code: str) -> Feature:
        hpw = store.grids[code].households / max(full_timers.get(code, 0), 1)
        return f.grid_style(code, counts.get(code, EMPTY), hpw)

    if base is not None and previous is not None and store.grids == previous[0].grids:
        grids = dict(base.layers["grids"])
        restyle = {
            c
            for c in counts.keys() | base.counts.keys()
            if c in grids and counts.get(c) != base.counts.get(c)
        }
        for code in restyle:
            grids[code] = style(code)
        picture.changed["grids"] = restyle
    else:
        grids = {code: style(code) for code in store.grids}
    alerts: dict[Any, Feature] = {}
    # A case whose record is the one shown before keeps its point; only its light and
    # pulse follow the clock (a city's open cases mostly stand still within an hour).
    same_projection = previous is not None and previous[1].project is project
    old_tickets = previous[0].tickets if previous is not None and same_projection else {}
    old_alerts = previous[1].layers["alerts"] if previous is not None and same_projection else {}
    for t in store.open_tickets():
        old = old_alerts.get(t.id)
        if old is not None and old_tickets.get(t.id) is t:
            light, pulse = time_state(t, now), f.pulses(t, store.acknowledged, now)
            same = old["time"] == light and old["pulse"] == pulse
            alerts[t.id] = old if same else {**old, "time": light, "pulse": pulse}
            continue
        fallback = None
        if (t.lon is None or t.lat is None) and t.grid in store.grids:
            fallback = _centre(store, str(t.grid), centres)
        feature = f.alert_feature(t, now, store.acknowledged, project, fallback)
        if feature is not None:
            alerts[t.id] = feature
    changed_workers = getattr(store, "changed_workers", None)
    if base is not None and changed_workers is not None:
        workers = dict(base.layers["workers"])
        for code in changed_workers:
            feature = f.worker_feature(store.workers[code], project)
            if feature is None:
                workers.pop(code, None)
            else:
                workers[code] = feature
        picture.changed["workers"] = set(changed_workers)
    else:
        workers = _workers(store, project, previous)
    tracks = {} if track is None else {track[0]: f.track_feature(track[0], track[1], project)}
    picture.layers = {"grids": grids, "alerts": alerts, "workers": workers, "track": tracks}
    picture.counts = counts
    picture.project = project
    if base is not None:
        picture.base = weakref.ref(base)
    return picture


def _built_from(store: StateStore, previous: StateStore) -> bool:
    built_from = getattr(store, "built_from", None)
    return callable(built_from) and bool(built_from(previous))


def _workers(
    store: StateStore, project: f.Project, previous: tuple[StateStore, Picture] | None
) -> dict[Any, Feature]:
    """Every worker's dot; one whose state is the very object of ``previous`` keeps its
    feature (a city's workers mostly stand still)."""
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
    return workers


def _centre(
    store: StateStore, code: str, centres: dict[str, tuple[float, float]]
) -> tuple[float, float]:
    if code not in centres:
        point = shape(store.grids[code].boundary).representative_point()
        centres[code] = (point.x, point.y)
    return centres[code]
