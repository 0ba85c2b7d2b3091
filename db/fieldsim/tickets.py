"""New reports, arriving as a Poisson stream: patrols, the 12345 hotline, WeChat, sensors.

The mix follows the demo history (city management dominates, as in Panyu) but is
drawn over whatever item types the ``categories`` table holds, so a city with its
own catalogue gets its own mix. A worker on patrol reports where they stand, in
their own grid; a citizen gives a point only and leaves the grid to the command
centre, and WeChat's map picker gives that point in GCJ-02 more often than not.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from gridcommand.db.demo import names
from gridcommand.db.demo.wording import describe
from gridcommand.db.fieldsim import png
from gridcommand.db.fieldsim.contract import NewReport
from gridcommand.db.fieldsim.options import SimOptions
from gridcommand.db.fieldsim.walkers import Patrols
from gridcommand.db.fieldsim.world import ItemType, World
from gridcommand.db.gis.coords import from_wgs84
from gridcommand.db.gis.geometry import random_point_in

SOURCES = (("patrol", 50), ("hotline", 22), ("wechat", 20), ("sensor", 8))
#: Weight of each item class (by code); classes not listed weigh 3.
CLASS_WEIGHTS = {"01": 10, "02": 45, "03": 8, "04": 6, "05": 8, "06": 3, "07": 6, "08": 2}
#: Small matters are found far more often than hard ones.
SEVERITY_WEIGHTS = {"small": 6, "big": 3, "hard": 1}
#: A worker does not report the same item twice within this time: that would be a duplicate.
REPEAT_WINDOW = timedelta(minutes=10)
GCJ02_SHARE_WECHAT = 0.7
PHOTO_SHARE_WECHAT = 0.6


def category_weights(categories: list[ItemType]) -> list[float]:
    """Each class gets its share, split evenly among its items, tilted towards small matters."""
    per_class: dict[str, int] = {}
    for c in categories:
        per_class[c.class_code] = per_class.get(c.class_code, 0) + 1
    return [
        CLASS_WEIGHTS.get(c.class_code, 3)
        / per_class[c.class_code]
        * SEVERITY_WEIGHTS.get(c.severity, 2)
        for c in categories
    ]


class ReportMaker:
    """Decides when the next report arrives and what it says."""

    def __init__(
        self,
        world: World,
        patrols: Patrols,
        options: SimOptions,
        rng: random.Random,
        start: datetime,
        run_tag: str,
    ) -> None:
        self.world = world
        self.patrols = patrols
        self.options = options
        self.rng = rng
        # Its own stream: how a report is worded never shifts when or what is reported.
        self.wording_rng = random.Random(f"{run_tag}-wording")
        self.run_tag = run_tag
        self.seq = 0
        self.worker_names = {w.code: w.name for w in world.workers}
        self.recent: dict[str, list[tuple[datetime, str]]] = {}
        self.weights = category_weights(world.categories)
        self.emergency_kinds = [c for c in world.categories if c.emergency_possible]
        self.grid_codes = sorted(world.grids)
        self.grid_weights = [max(1, world.grids[g].households) for g in self.grid_codes]
        self.rate = options.tickets_per_minute / 60.0
        self.next_at = start + self._gap()

    def _gap(self) -> timedelta:
        if self.rate <= 0:
            return timedelta(days=36500)
        return timedelta(seconds=self.rng.expovariate(self.rate))

    def due(self, now: datetime) -> list[NewReport]:
        reports = []
        while self.next_at <= now and self.world.categories and self.grid_codes:
            reports.append(self.make())
            self.next_at += self._gap()
        return reports

    def _category(self, source: str) -> tuple[ItemType, bool]:
        emergency = bool(self.emergency_kinds) and self.rng.random() < self.options.emergency_share
        if emergency or (source == "sensor" and self.emergency_kinds):
            return self.rng.choice(self.emergency_kinds), emergency
        return self.rng.choices(self.world.categories, self.weights)[0], False

    def _fresh_item(
        self, reporter: str, item: ItemType, emergency: bool, source: str
    ) -> tuple[ItemType, bool]:
        """Another item if this worker just reported this one (a real worker would not)."""
        since = self.next_at - REPEAT_WINDOW
        recent = [(t, c) for t, c in self.recent.get(reporter, []) if t >= since]
        for _ in range(5):
            if item.code not in {c for _, c in recent}:
                break
            item, emergency = self._category(source)
        recent.append((self.next_at, item.code))
        self.recent[reporter] = recent
        return item, emergency

    def make(self) -> NewReport:
        rng = self.rng
        self.seq += 1
        source = rng.choices([s for s, _ in SOURCES], [w for _, w in SOURCES])[0]
        on_duty = self.patrols.on_duty(self.patrols.last)
        if source == "patrol" and not on_duty:
            source = "hotline"
        item, emergency = self._category(source)
        walker = rng.choice(on_duty) if source == "patrol" else None
        if walker is not None:
            item, emergency = self._fresh_item(walker.code, item, emergency, source)
        crs = "WGS84"
        photo = None
        contact: str | None = None
        if walker is not None:
            grid_code: str | None = walker.grid_code
            lon, lat = walker.lon, walker.lat
            reporter = self.worker_names.get(walker.code, walker.code)
            external_id = f"pad-{walker.code}-{self.run_tag}-{self.seq}"
            photo = png.scene(rng, "report")
            place = self.world.grids[walker.grid_code].name
        else:
            code = rng.choices(self.grid_codes, self.grid_weights)[0]
            lon, lat = random_point_in(self.world.grids[code].geometry, rng)
            grid_code = None
            place = ""
            if source == "sensor":
                reporter = f"sensor-{code}-{rng.randint(1, 9):02d}"
                external_id = f"iot-{reporter}-{self.run_tag}-{self.seq}"
            else:
                reporter = names.person(rng)
                contact = names.phone(rng)
                prefix = "12345" if source == "hotline" else "wx"
                external_id = f"{prefix}-{self.run_tag}-{self.seq:06d}"
                if source == "wechat":
                    if rng.random() < GCJ02_SHARE_WECHAT:
                        lon, lat = from_wgs84(lon, lat, "GCJ02")
                        crs = "GCJ02"
                    if rng.random() < PHOTO_SHARE_WECHAT:
                        photo = png.scene(rng, "report")
        return NewReport(
            seq=self.seq,
            source=source,
            external_id=external_id,
            category_code=item.code,
            grid_code=grid_code,
            lon=lon,
            lat=lat,
            crs=crs,
            description=describe(item.name, item.class_code, place, source, self.wording_rng),
            reporter=reporter,
            reporter_contact=contact,
            is_emergency=emergency,
            photo=photo,
            worker_code=walker.code if walker is not None else None,
        )
