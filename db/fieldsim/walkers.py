"""Grid workers on patrol: a loop of waypoints inside their own grid, walked at a stroll.

Each walker repeats a patrol route (the daily 日巡查) of a few waypoints drawn
inside the grid, joined by straight legs that stay inside it, at about 1.2 m/s.
Fixes carry a few metres of GPS noise but never leave the grid. Some phones go
off for a while (battery, a dead spot) and come back.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from gridcommand.db.fieldsim.options import SimOptions
from gridcommand.db.gis.geometry import random_point_in

M_PER_DEG = 111_320.0
WALKING_SPEED = 1.2  # metres per second
WAYPOINTS = 6
#: Volunteers carry the app less often than staff.
VOLUNTEER_SHARE = 0.3


@dataclass(frozen=True)
class Fix:
    worker_code: str
    recorded_at: datetime
    lon: float
    lat: float
    accuracy_m: float


@dataclass
class Walker:
    code: str
    grid_code: str
    area: BaseGeometry = field(repr=False)
    rng: random.Random = field(repr=False)
    route: list[tuple[float, float]]
    lon: float
    lat: float
    pace: float
    next_fix: datetime
    flaky: bool
    quiet_until: datetime | None = None
    leg: int = 0
    detour: tuple[float, float] | None = None

    @property
    def target(self) -> tuple[float, float]:
        return self.detour or self.route[self.leg]

    def is_quiet(self, now: datetime) -> bool:
        return self.quiet_until is not None and now < self.quiet_until

    def walk(self, seconds: float) -> None:
        """Move along the route for ``seconds`` of (compressed) time."""
        remaining = self.pace * seconds
        for _ in range(100):  # a bounded number of legs per step
            tx, ty = self.target
            dx = (tx - self.lon) * M_PER_DEG * math.cos(math.radians(self.lat))
            dy = (ty - self.lat) * M_PER_DEG
            dist = math.hypot(dx, dy)
            if dist > remaining:
                f = remaining / dist
                self.lon += (tx - self.lon) * f
                self.lat += (ty - self.lat) * f
                return
            self.lon, self.lat = tx, ty
            remaining -= dist
            if self.detour is not None:
                self.detour = None  # arrived at the case; resume the patrol from here
            else:
                self.leg = (self.leg + 1) % len(self.route)

    def go_to(self, lon: float, lat: float) -> None:
        """Walk to a case, if the way there stays inside the grid."""
        if self.area.contains(LineString([(self.lon, self.lat), (lon, lat)])):
            self.detour = (lon, lat)

    def noisy_fix(self, now: datetime) -> Fix:
        sigma = self.rng.uniform(2.0, 6.0)
        lon = self.lon + self.rng.gauss(0, sigma) / (M_PER_DEG * math.cos(math.radians(self.lat)))
        lat = self.lat + self.rng.gauss(0, sigma) / M_PER_DEG
        if not self.area.contains(Point(lon, lat)):
            lon, lat = self.lon, self.lat
        return Fix(self.code, now, lon, lat, round(sigma * 2.5, 1))


def patrol_route(
    area: BaseGeometry, rng: random.Random, n: int = WAYPOINTS
) -> list[tuple[float, float]]:
    """Waypoints inside the grid whose legs (and the closing leg) stay inside it."""
    route = [random_point_in(area, rng)]
    for _ in range(n - 1):
        for _attempt in range(30):
            candidate = random_point_in(area, rng)
            if area.contains(LineString([route[-1], candidate])):
                route.append(candidate)
                break
    if len(route) > 2 and not area.contains(LineString([route[-1], route[0]])):
        route.extend(reversed(route[1:-1]))  # walk back the way it came
    if len(route) == 1:
        route.append(route[0])
    return route


class Patrols:
    """All walkers; moves them and collects the fixes that are due."""

    def __init__(
        self,
        workers: list[tuple[str, str, str]],
        areas: dict[str, BaseGeometry],
        options: SimOptions,
        rng: random.Random,
        start: datetime,
    ) -> None:
        self.options = options
        self.rng = rng
        self.walkers: dict[str, Walker] = {}
        interval = options.position_interval
        for code, role, grid_code in workers:
            # Who carries the app is a fact about the person, not about this run: the
            # same volunteers report whatever the seed, so a restart does not turn
            # yesterday's carriers stale.
            if role == "volunteer" and random.Random(f"carrier-{code}").random() >= VOLUNTEER_SHARE:
                continue
            area = areas[grid_code]
            walker_rng = random.Random(f"{options.random_seed}-walker-{code}")
            route = patrol_route(area, walker_rng)
            lon, lat = route[0]
            self.walkers[code] = Walker(
                code=code,
                grid_code=grid_code,
                area=area,
                rng=walker_rng,
                route=route,
                lon=lon,
                lat=lat,
                pace=WALKING_SPEED * walker_rng.uniform(0.85, 1.15),
                # Spread first fixes over the interval so writes do not come in bursts.
                next_fix=start + timedelta(seconds=walker_rng.uniform(0, interval)),
                flaky=walker_rng.random() < options.flaky_share,
            )
        self.last: datetime = start

    def step(self, now: datetime) -> list[Fix]:
        elapsed = max(0.0, (now - self.last).total_seconds())
        self.last = now
        fixes: list[Fix] = []
        interval = timedelta(seconds=self.options.position_interval)
        for walker in self.walkers.values():
            walker.walk(elapsed * self.options.speed)
            if now < walker.next_fix:
                continue
            walker.next_fix += interval
            if walker.next_fix <= now:  # fell behind (a stall): skip, do not burst
                walker.next_fix = now + interval
            if walker.is_quiet(now):
                continue
            walker.quiet_until = None
            if walker.flaky and walker.rng.random() < self._off_chance():
                minutes = walker.rng.uniform(3, 20) / self.options.speed
                walker.quiet_until = now + timedelta(minutes=minutes)
                continue
            fixes.append(walker.noisy_fix(now))
        return fixes

    def _off_chance(self) -> float:
        per_fix = self.options.position_interval / (self.options.mean_on_minutes * 60)
        return min(1.0, per_fix * self.options.speed)

    def on_duty(self, now: datetime) -> list[Walker]:
        return [w for w in self.walkers.values() if not w.is_quiet(now)]
