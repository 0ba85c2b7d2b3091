"""Malformed writes of the kinds real field systems make, for ``--bad-rows``.

Each kind is one a command centre meets in practice: a GPS library that swaps
latitude and longitude, a NaN from a phone without a fix, a point outside every
grid, an item code from an old app version, a citizen who reports twice, an empty
or a megabyte-long description, a GIS office's broken boundary upload. Some the
database itself refuses (its CHECKs and foreign keys); the rest reach the command
centre, whose validation must set them aside. Spoiling uses its own random stream,
so the good rows of a run are drawn the same whatever the share of bad ones.
"""

from __future__ import annotations

import dataclasses
import math
import random
from typing import Any

from gridcommand.db.fieldsim.contract import NewReport
from gridcommand.db.fieldsim.world import World

REPORT_KINDS = (
    "swapped_lat_lon",
    "nan",
    "outside_district",
    "unknown_category",
    "duplicate_report",
    "empty_description",
    "huge_description",
    "broken_geojson",
)
POSITION_KINDS = ("swapped_lat_lon", "nan", "outside_district")
HUGE_BYTES = 1 << 20
#: Degrees beyond the district's bounding box: tens of kilometres, clearly elsewhere.
FAR_OFF = 0.4

Fix = tuple[str, float, float, float]


class Spoiler:
    """Decides which writes go wrong and how."""

    def __init__(self, world: World, share: float, rng: random.Random) -> None:
        self.world = world
        self.share = share
        self.rng = rng
        self.last_citizen: NewReport | None = None

    def hit(self) -> bool:
        return self.share > 0 and self.rng.random() < self.share

    def outside_point(self) -> tuple[float, float]:
        minx, miny, maxx, maxy = self.world.extent
        side = self.rng.choice((-1, 1))
        return (maxx + FAR_OFF if side > 0 else minx - FAR_OFF), self.rng.uniform(miny, maxy)

    def position(self, fix: Fix) -> tuple[Fix, str]:
        kind = self.rng.choice(POSITION_KINDS)
        worker, lon, lat, accuracy = fix
        if kind == "swapped_lat_lon":
            return (worker, lat, lon, accuracy), kind
        if kind == "nan":
            return (worker, math.nan, math.nan, accuracy), kind
        far_lon, far_lat = self.outside_point()
        return (worker, far_lon, far_lat, accuracy), kind

    def report(self, r: NewReport) -> tuple[NewReport, str]:
        """The report spoiled one way; ``broken_geojson`` leaves it to :meth:`broken_boundary`."""
        kind = self.rng.choice(REPORT_KINDS)
        if kind == "duplicate_report" and self.last_citizen is None:
            kind = "empty_description"
        change: dict[str, Any] = {"bad": kind}
        if kind == "swapped_lat_lon":
            change.update(lon=r.lat, lat=r.lon)
        elif kind == "nan":
            change.update(lon=math.nan, lat=math.nan)
        elif kind == "outside_district":
            lon, lat = self.outside_point()
            change.update(lon=lon, lat=lat, crs="WGS84")
        elif kind == "unknown_category":
            change.update(category_code="X" + r.category_code[::-1])
        elif kind == "duplicate_report":
            assert self.last_citizen is not None
            original = self.last_citizen
            return dataclasses.replace(
                original, seq=r.seq, external_id=r.external_id, bad=kind, photo=None
            ), kind
        elif kind == "empty_description":
            change.update(description=self.rng.choice(("", "   ", "\n")))
        elif kind == "huge_description":
            unit = r.description or "内容"
            repeat = HUGE_BYTES // len(unit.encode()) + 1
            change.update(description=unit * repeat)
        return dataclasses.replace(r, **change), kind

    def broken_boundary(self) -> tuple[str, dict[str, Any]]:
        """A grid to break and the broken GeoJSON to write over its boundary."""
        code = self.rng.choice(sorted(self.world.grids))
        minx, miny, _, _ = self.world.grids[code].geometry.bounds
        broken: dict[str, Any] = self.rng.choice(
            (
                {"type": "Polygon", "coordinates": [[[minx, miny], [minx + 0.001, miny]]]},
                {"type": "Polygn", "coordinates": [[[minx, miny]]]},
                {"type": "Polygon", "coordinates": f"{minx},{miny} {minx + 0.001},{miny}"},
                {"type": "Polygon"},
            )
        )
        return code, broken

    def remember(self, r: NewReport) -> None:
        if r.bad is None and r.source in ("hotline", "wechat"):
            self.last_citizen = r
