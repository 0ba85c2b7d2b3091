"""Where imported grids belong in the hierarchy (district → street → community → grid).

Every grid hangs below a community: the one the file names, its current one, or
the community whose boundary holds it. A community that does not exist yet is
created, and it must not float outside the hierarchy, where no street's
operators would see it: ``--parent STREET`` places it, else the street whose
boundary holds it; if neither, the report says it was left without a parent.
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Engine, select

from gridcommand.db.gis.gridimport.source import geometry_from_geojson
from gridcommand.db.schema.errors import UserFacingError
from gridcommand.db.schema.models import Region


@dataclass(frozen=True)
class NewRegion:
    """A community the import creates, and how its parent was found (None: it has none)."""

    code: str
    parent: str | None
    placed: str


class Places:
    """The regions already in the database, with the boundaries used to locate grids."""

    def __init__(self, engine: Engine) -> None:
        with engine.connect() as conn:
            rows = conn.execute(
                select(Region.code, Region.name, Region.level, Region.boundary)
            ).all()
        self.levels = {r.code: r.level for r in rows}
        self.names = {r.code: r.name for r in rows}
        self._areas: dict[str, list[tuple[str, BaseGeometry]]] = {"community": [], "street": []}
        for r in rows:
            geom = geometry_from_geojson(r.boundary) if r.boundary else None
            if r.level in self._areas and geom is not None and geom.is_valid:
                shapely.prepare(geom)
                self._areas[r.level].append((r.code, geom))

    def locate(self, geom: BaseGeometry, level: str = "community") -> str | None:
        """The region of ``level`` that holds the geometry's inner point, if any."""
        inside = geom.representative_point()
        return next((c for c, area in self._areas[level] if area.contains(inside)), None)

    def check_parent(self, parent: str | None) -> None:
        """``--parent`` must name an existing street: new communities hang below streets."""
        if parent is None:
            return
        level = self.levels.get(parent)
        if level is None:
            streets = sorted(c for c, lv in self.levels.items() if lv == "street")[:8]
            known = ", ".join(streets) or "none yet"
            raise UserFacingError(
                f"--parent {parent} is not a region in the database; streets include {known}."
            )
        if level != "street":
            raise UserFacingError(
                f"--parent {parent} is a {level}, but new communities hang below a street; "
                "give a street's code."
            )

    def place(self, new: dict[str, BaseGeometry], parent: str | None) -> list[NewRegion]:
        """Each new community's parent: ``--parent``, else the street that holds it, else none."""
        out = []
        for code in sorted(new):
            if parent is not None:
                out.append(NewRegion(code, parent, "given with --parent"))
                continue
            street = self.locate(new[code], "street")
            if street is not None:
                out.append(NewRegion(code, street, "the street whose boundary holds it"))
            else:
                how = "no street holds it; give --parent STREET to place it"
                out.append(NewRegion(code, None, how))
        return out
