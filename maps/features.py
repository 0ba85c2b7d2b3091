"""Records → the JSON the page draws: one function per kind of feature, no Qt.

Everything the page shows passes through here, already in the basemap's
coordinate system, so the JavaScript never converts or formats data and these
functions can be tested with plain pytest.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

import numpy as np

from gridcommand.db.gis.coords import from_wgs84
from gridcommand.db.live.records import GridRecord, TicketRecord
from gridcommand.db.live.store import OVERLOAD_HOUSEHOLDS, GridCounts, WorkerState, time_state
from gridcommand.maps.labelspots import LabelSpot

Feature = dict[str, Any]
LatLng = list[float]
Project = Callable[[float, float], tuple[float, float]]
DESCRIPTION_CHARS = 140


def projector(crs: str) -> Project:
    """WGS-84 (lon, lat) → the basemap's (lat, lng), rounded to ~10 cm to keep JSON small."""

    def project(lon: float, lat: float) -> tuple[float, float]:
        x, y = from_wgs84(lon, lat, crs)
        return round(y, 6), round(x, 6)

    # Tens of thousands of fixes a second pass through here: with a WGS-84 basemap
    # (or none) there is nothing to convert, so do not look the system up per point.
    return unprojected if from_wgs84(113.3, 23.1, crs) == (113.3, 23.1) else project


def unprojected(lon: float, lat: float) -> tuple[float, float]:
    """The projection of a WGS-84 basemap (or none): only the order and the rounding."""
    return round(lat, 6), round(lon, 6)


def polygons(geometry: dict[str, Any], project: Project) -> list[list[list[LatLng]]]:
    """A GeoJSON Polygon or MultiPolygon as Leaflet's nested [polygon][ring][lat, lng].

    Unprojected, each ring is swapped and rounded by numpy, not a call per point: a
    city's first load is every grid's outline, and on the live thread the calls took
    about 0.4 s of 10,000 grids (py-spy) that the GUI thread waited for.
    """
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    polys = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    if project is unprojected:
        return [[_swapped(ring) for ring in poly] for poly in polys]
    return [[[list(project(p[0], p[1])) for p in ring] for ring in poly] for poly in polys]


def _swapped(ring: list[list[float]]) -> list[LatLng]:
    try:
        points: list[LatLng] = np.round(np.asarray(ring, dtype=float)[:, 1::-1], 6).tolist()
    except (ValueError, IndexError):  # empty, or points of mixed dimensions
        return [list(unprojected(p[0], p[1])) for p in ring]
    return points


def grid_state(counts: GridCounts, households_per_worker: float) -> str:
    """The one fill a grid gets, the most urgent first: overdue, open alerts, overloaded."""
    if counts.overdue:
        return "overdue"
    if counts.open:
        return "alerts"
    if households_per_worker > OVERLOAD_HOUSEHOLDS:
        return "overloaded"
    return "normal"


def grid_style(code: str, counts: GridCounts, households_per_worker: float) -> Feature:
    """The part of a grid that changes with tickets and workers; sent without the boundary."""
    return {
        "id": code,
        "state": grid_state(counts, households_per_worker),
        "open": counts.open,
        "overdue": counts.overdue,
        "hpw": round(households_per_worker),
    }


def label_props(spot: LabelSpot | None, project: Project) -> Feature:
    """A label's anchor ``lp`` [lat, lng], the zoom ``lz`` it fits from, its box ``lw``×``lh`` px.

    ``lz`` is None when the name never fits inside: the page then shows it only in
    the tooltip.
    """
    if spot is None:
        return {"lp": None, "lz": None}
    return {
        "lp": list(project(spot.lon, spot.lat)),
        "lz": spot.min_zoom,
        "lw": round(spot.width_px),
        "lh": round(spot.height_px),
    }


def grid_feature(
    grid: GridRecord, counts: GridCounts, households_per_worker: float, project: Project
) -> Feature:
    """A grid without its label spot: that comes from the outline thread (``maps.outlines``)."""
    feature = grid_style(grid.code, counts, households_per_worker)
    feature.update(
        name=grid.name,
        community=grid.community_code,
        households=grid.households,
        rings=polygons(grid.boundary, project),
    )
    return feature


#: How long a plain report counts as new on the map (its pulsing ring); an emergency
#: pulses until someone acknowledges it, however old.
NEW_FOR = timedelta(minutes=5)
#: The statuses in which an unacknowledged emergency still waits for the centre (the siren's).
AWAITING_ACTION = frozenset({"reported", "registered"})


def pulses(ticket: TicketRecord, acknowledged: set[int], now: datetime | None = None) -> bool:
    """An unacknowledged emergency, or a report nobody has touched that came in just now."""
    if not ticket.is_open or ticket.id in acknowledged:
        return False
    if ticket.is_emergency:
        return ticket.status in AWAITING_ACTION
    fresh = now is None or now - ticket.reported_at < NEW_FOR
    return ticket.status == "reported" and fresh


def alert_feature(
    ticket: TicketRecord,
    now: datetime,
    acknowledged: set[int],
    project: Project,
    fallback: tuple[float, float] | None = None,
) -> Feature | None:
    """An open ticket as a warning point; ``None`` when it has nowhere to be drawn."""
    if ticket.lon is not None and ticket.lat is not None:
        lat, lng = project(ticket.lon, ticket.lat)
    elif fallback is not None:
        lat, lng = project(*fallback)
    else:
        return None
    description = ticket.description
    if len(description) > DESCRIPTION_CHARS:
        description = description[: DESCRIPTION_CHARS - 1] + "…"
    return {
        "id": ticket.id,
        "lat": lat,
        "lng": lng,
        "time": time_state(ticket, now),
        "emergency": ticket.is_emergency,
        "pulse": pulses(ticket, acknowledged, now),
        "code": ticket.code,
        "category": ticket.category_name,
        "description": description,
        "status": ticket.status,
        "grid": ticket.grid or "",
        "deadline": round(ticket.deadline.timestamp() * 1000),  # shown in local time
    }


#: Worker dots are drawn on this many canvases, each repainted on its own: one canvas of
#: a city's 40,000 dots took 200 ms to repaint in software, and an alert arriving
#: meanwhile waited for it. The map sends one canvas's moves at a time.
WORKER_SHARDS = 8


def worker_shard(code: str) -> int:
    """Which worker canvas a dot lives on: stable across runs (not Python's ``hash``)."""
    return zlib.crc32(code.encode("utf-8")) % WORKER_SHARDS


def worker_feature(state: WorkerState, project: Project) -> Feature | None:
    """A worker's last fix; ``None`` for an inactive worker or one never seen."""
    p = state.position
    if p is None or not state.record.active:
        return None
    lat, lng = project(p.lon, p.lat)
    return {
        "id": state.record.code,
        "lat": lat,
        "lng": lng,
        "status": state.status,
        "role": state.record.role,
        "name": state.record.name,
        "grid": state.record.grid_code,
        "at": round(p.recorded_at.timestamp() * 1000),  # shown in the PC's local time
        "s": worker_shard(state.record.code),
    }


class Located(Protocol):
    """A point of a track: a live one (``TrackPoint``) or a replayed fix."""

    @property
    def lon(self) -> float: ...
    @property
    def lat(self) -> float: ...


def track_feature(code: str, track: Sequence[Located], project: Project) -> Feature:
    return {"id": code, "path": [list(project(p.lon, p.lat)) for p in track]}


def diff(layer: str, upsert: Iterable[Feature] = (), remove: Iterable[Any] = ()) -> Feature:
    return {"layer": layer, "upsert": list(upsert), "remove": list(remove)}
