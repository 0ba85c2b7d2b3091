"""Checking what the field systems wrote, on the way in.

The database refuses the impossible (latitude 95, NaN, unknown category); this
module refuses the implausible: a point whose latitude and longitude were
swapped, a point outside the district, a grid boundary that is not a polygon,
an empty or enormous description, the same report twice. A refused row becomes a
:class:`~gridcommand.db.live.records.RejectionRecord` with a reason an operator can read,
and is kept out of the live picture; it never stops the feed. Text is plain text,
never interpreted.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from gridcommand.db.gis.coords import to_wgs84
from gridcommand.db.gis.geometry import M_PER_DEG as _M_PER_DEG
from gridcommand.db.gis.geometry import GridLocator
from gridcommand.db.live.records import GridRecord, PositionRecord, RejectionRecord, TicketRecord

MAX_DESCRIPTION = 4000
#: Positions this far outside the district are implausible for a worker on patrol.
POSITION_MARGIN_M = 2000.0
DUPLICATE_RADIUS_M = 30.0
#: The share of a changed boundary that may lie over its neighbours (digitising slack).
GRID_OVERLAP_TOLERANCE = 0.10
DUPLICATE_WINDOW = timedelta(minutes=10)
#: A clock this far ahead is a wrong clock, not a fast one.
FUTURE_TOLERANCE = timedelta(minutes=5)
#: How far back a new report or fix may be dated (the command centre's retention).
DEFAULT_RETENTION = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class Verdict:
    """A checked row: accepted (perhaps with a located grid) or refused with a reason."""

    accepted: bool
    rejection: RejectionRecord | None = None
    located_grid: str | None = None


_ACCEPTED = Verdict(True)


def _reject(table: str, ref: object, code: str, reason: str, payload: dict[str, Any]) -> Verdict:
    return Verdict(
        False,
        RejectionRecord(
            id=0,
            detected_at=datetime.now(UTC),
            source_table=table,
            row_ref=str(ref),
            reason_code=code,
            reason=reason,
            payload=payload,
        ),
    )


def _refuse_position(p: PositionRecord, code: str, reason: str) -> Verdict:
    payload = {
        "worker": p.worker_code,
        "lon": p.lon,
        "lat": p.lat,
        "recorded_at": p.recorded_at.isoformat(),
    }
    return _reject("worker_positions", p.id, code, reason, payload)


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(min(1.0, h)))


def parse_boundary(geojson: object) -> tuple[BaseGeometry | None, str]:
    """A polygonal geometry from GeoJSON, repaired if shapely can; else the reason why not."""
    try:
        geom = shape(geojson)
    except Exception as exc:  # shapely raises many kinds for malformed input
        return None, f"boundary is not valid GeoJSON ({type(exc).__name__}: {exc})"
    if geom.is_empty:
        return None, "boundary is empty"
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        return None, f"boundary is a {geom.geom_type}, not a polygon"
    if not geom.is_valid:
        repaired = shapely.make_valid(geom)
        parts = [g for g in getattr(repaired, "geoms", [repaired]) if g.area > 0]
        if not parts:
            return None, "boundary is invalid and cannot be repaired"
        geom = shapely.union_all(parts)
    return geom, ""


class Validator:
    """Holds the grid layer (an STRtree) and recent reports; checks rows against them."""

    def __init__(
        self,
        retention: timedelta = DEFAULT_RETENTION,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.retention = retention
        self._clock = clock
        self._grids: dict[str, BaseGeometry] = {}
        #: Every grid code seen, with or without a usable boundary: a grid whose boundary
        #: update was broken still exists, and its tickets must not vanish with it.
        self._known: set[str] = set()
        self._locator: GridLocator | None = None
        self._district: BaseGeometry | None = None
        self._recent: deque[TicketRecord] = deque()
        self.known_categories: set[str] = set()

    # -- the grid layer ----------------------------------------------------------
    def check_grid(self, grid: GridRecord, *, against_layer: bool = False) -> Verdict:
        """A grid's boundary; a changed one (``against_layer``) also against its neighbours.

        A boundary moved far from every other grid, or lying largely over its
        neighbours, is refused and the grid keeps its last good shape: a grid dragged
        25 km away would leave a hole in the district and stretch the map to the city.
        """
        self._known.add(grid.code)
        geom, problem = parse_boundary(grid.boundary)
        if geom is None:
            return _reject(
                "grids", grid.code, "broken_geojson", problem, {"boundary": grid.boundary}
            )
        if against_layer:
            misfit = self._misfit(grid.code, geom)
            if misfit is not None:
                code, reason = misfit
                return _reject("grids", grid.code, code, reason, {"boundary": grid.boundary})
        self._grids[grid.code] = geom
        self._locator = None
        return Verdict(True)

    def _misfit(self, code: str, geom: BaseGeometry) -> tuple[str, str] | None:
        others = [c for c in self._grids if c != code]
        if not others:
            return None
        locator = self._index()
        near = [
            locator.codes[int(i)]
            for i in locator.tree.query(geom.buffer(POSITION_MARGIN_M / _M_PER_DEG))
            if locator.codes[int(i)] != code
        ]
        if not near:
            return "outside_district", "the boundary lies far outside the district"
        overlap = sum(geom.intersection(self._grids[c]).area for c in near)
        if geom.area > 0 and overlap / geom.area > GRID_OVERLAP_TOLERANCE:
            share = round(100 * overlap / geom.area)
            return "overlapping_grids", f"{share} % of the boundary lies over other grids"
        return None

    def has_grids(self) -> bool:
        return bool(self._grids)

    def has_grid(self, code: str) -> bool:
        return code in self._known

    def _index(self) -> GridLocator:
        if self._locator is None:
            self._locator = GridLocator(self._grids)
            geoms = self._locator.geometries
            self._district = shapely.union_all(geoms) if geoms else None
            if self._district is not None:
                shapely.prepare(self._district)
        return self._locator

    def locate(self, lon: float, lat: float) -> str | None:
        """The grid containing a point, allowing for GPS error at the edges."""
        if not self._grids:
            return None
        return self._index().locate(lon, lat)

    def _distance_outside_m(self, lon: float, lat: float) -> float:
        self._index()
        if self._district is None:
            return 0.0
        point = Point(lon, lat)
        # Nearly every fix lies inside: a prepared containment test answers that in
        # microseconds, where a distance to a city's outline costs a millisecond or more.
        if self._district.contains(point):
            return 0.0
        return float(self._district.distance(point)) * _M_PER_DEG

    # -- rows ----------------------------------------------------------------------
    def implausible_time(self, at: datetime, *, check_past: bool = True) -> str | None:
        """Why ``at`` cannot be a real report or fix time now, or None if it can."""
        now = self._clock()
        if at > now + FUTURE_TOLERANCE:
            return f"the time {at.isoformat()} is more than 5 minutes in the future"
        if check_past and at < now - self.retention:
            return (
                f"the time {at.isoformat()} is older than the retention of "
                f"{self.retention.days} days"
            )
        return None

    def check_ticket(self, t: TicketRecord, crs: str = "WGS84") -> Verdict:
        payload = {
            "code": t.code,
            "source": t.source,
            "lon": t.lon,
            "lat": t.lat,
            "grid_code": t.grid_code,
            "category": t.category_code,
            "description": t.description[:200],
        }
        # A report still waiting to be registered must be recent; a case under way
        # may be older than the retention, but never dated in the future.
        wrong_time = self.implausible_time(t.reported_at, check_past=t.status == "reported")
        if wrong_time is not None:
            return _reject("tickets", t.id, "implausible_time", wrong_time, payload)
        if self.known_categories and t.category_code not in self.known_categories:
            return _reject(
                "tickets",
                t.id,
                "unknown_category",
                f"category {t.category_code} is not in the catalogue",
                payload,
            )
        text = t.description.strip()
        if not text:
            return _reject(
                "tickets", t.id, "empty_description", "the description is empty", payload
            )
        if len(t.description) > MAX_DESCRIPTION:
            return _reject(
                "tickets",
                t.id,
                "description_too_long",
                f"the description is longer than {MAX_DESCRIPTION} characters",
                payload,
            )
        if t.grid_code is not None and self._grids and not self.has_grid(t.grid_code):
            return _reject(
                "tickets",
                t.id,
                "unknown_grid",
                f"grid {t.grid_code} is not on the grid layer",
                payload,
            )
        located = None
        if t.lon is not None and t.lat is not None:
            if not (math.isfinite(t.lon) and math.isfinite(t.lat)):
                return _reject(
                    "tickets", t.id, "bad_coordinates", "the point is not a number", payload
                )
            lon, lat = to_wgs84(t.lon, t.lat, crs)
            located = self.locate(lon, lat)
            # The named grid has no usable boundary to check against: trust the field,
            # but only for a point near the district (never (0, 0) by way of a name).
            if (
                located is None
                and t.grid_code is not None
                and t.grid_code not in self._grids
                and self._distance_outside_m(lon, lat) <= POSITION_MARGIN_M
            ):
                located = t.grid_code
            if located is None and self._grids:
                if self.locate(lat, lon) is not None:
                    return _reject(
                        "tickets",
                        t.id,
                        "swapped_lat_lon",
                        "latitude and longitude are swapped",
                        payload,
                    )
                return _reject(
                    "tickets",
                    t.id,
                    "outside_district",
                    "the point lies outside every grid of the district",
                    payload,
                )
        elif t.grid_code is None:
            return _reject(
                "tickets", t.id, "no_location", "the report has neither a point nor a grid", payload
            )
        duplicate = self._duplicate_of(t)
        if duplicate is not None:
            return _reject(
                "tickets",
                t.id,
                "duplicate_report",
                f"same report as {duplicate.code} (same place, category and source "
                "within 10 minutes)",
                payload,
            )
        return Verdict(True, located_grid=located)

    def remember(self, t: TicketRecord) -> None:
        """Keep accepted new reports for a while, to recognise duplicates of them."""
        self._recent.append(t)
        horizon = t.reported_at - DUPLICATE_WINDOW
        while self._recent and self._recent[0].reported_at < horizon:
            self._recent.popleft()

    def _duplicate_of(self, t: TicketRecord) -> TicketRecord | None:
        if t.lon is None or t.lat is None or t.status != "reported":
            return None
        for other in self._recent:
            if (
                other.id != t.id
                and other.category_code == t.category_code
                and other.source == t.source
                and other.reporter == t.reporter
                and other.lon is not None
                and other.lat is not None
                and abs(other.reported_at - t.reported_at) <= DUPLICATE_WINDOW
                and haversine_m(other.lon, other.lat, t.lon, t.lat) <= DUPLICATE_RADIUS_M
            ):
                return other
        return None

    def check_position(self, p: PositionRecord) -> Verdict:
        # Thousands a second, nearly all good: the refusal's payload is built only
        # for a refusal.
        if not (math.isfinite(p.lon) and math.isfinite(p.lat)):
            return _refuse_position(p, "bad_coordinates", "the position is not a number")
        wrong_time = self.implausible_time(p.recorded_at)
        if wrong_time is not None:
            return _refuse_position(p, "implausible_time", wrong_time)
        if self._grids and self._distance_outside_m(p.lon, p.lat) > POSITION_MARGIN_M:
            if self._distance_outside_m(p.lat, p.lon) <= POSITION_MARGIN_M:
                return _refuse_position(p, "swapped_lat_lon", "latitude and longitude are swapped")
            return _refuse_position(
                p, "outside_district", "the position is far outside the district"
            )
        return _ACCEPTED

    def check_positions(
        self, positions: Sequence[PositionRecord]
    ) -> tuple[list[PositionRecord], list[RejectionRecord]]:
        """Many fixes at once: the good ones, and a refusal for each bad one.

        A city sends thousands a second. One vectorised containment test over the
        district answers for nearly all of them; only the few outside it (or not
        numbers) go through ``check_position`` one by one for their reason.
        """
        if not positions:
            return [], []
        now = self._clock()
        earliest, latest = now - self.retention, now + FUTURE_TOLERANCE
        inside = np.zeros(len(positions), dtype=bool)
        self._index()
        if self._district is not None:
            lons = np.fromiter((p.lon for p in positions), dtype=float, count=len(positions))
            lats = np.fromiter((p.lat for p in positions), dtype=float, count=len(positions))
            inside = shapely.contains_xy(self._district, lons, lats)
        accepted: list[PositionRecord] = []
        refused: list[RejectionRecord] = []
        for p, ok in zip(positions, inside.tolist(), strict=True):
            if ok and earliest <= p.recorded_at <= latest:
                accepted.append(p)
                continue
            verdict = self.check_position(p)
            if verdict.accepted:
                accepted.append(p)
            elif verdict.rejection is not None:
                refused.append(verdict.rejection)
        return accepted, refused

    def grid_codes(self) -> Iterable[str]:
        return self._grids.keys()
